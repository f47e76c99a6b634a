/*
 * pciconf.c: host PCI devices for passthru, pure.  Reads the B/S/F of a
 * passthru entry as bhyve does (pci_passthru.c: three decimal numbers
 * separated by '/'), and finds a device in the text of "pciconf -lv"
 * (bhyve-facts 5.3: "NAMEUNIT@pciD:B:S:F:<TAB>class=... vendor=0x...
 * device=0x...", then indented "vendor = '...'" and "device = '...'"
 * lines with -v).  Running pciconf is host/pci.c's.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pciconf.h"

/* A decimal number up to max at *s, which moves past it; -1 if none. */
static long
number(const char **s, long max)
{
	char *end;
	long n;

	if (!isdigit((unsigned char)**s))
		return -1;
	errno = 0;
	n = strtol(*s, &end, 10);
	if (errno != 0 || n > max)
		return -1;
	*s = end;
	return n;
}

/* B/S/F (pciconf.h). */
int
pciconf_bsf(const char *s, unsigned bsf[3], const char **end)
{
	static const long max[3] = { 255, 31, 7 };
	long n;
	int i;

	for (i = 0; i < 3; i++) {
		if (i > 0 && *s++ != '/')
			return -1;
		if ((n = number(&s, max[i])) == -1)
			return -1;
		bsf[i] = (unsigned)n;
	}
	if (*s != '\0' && *s != ',')
		return -1;
	if (end != NULL)
		*end = s;
	return 0;
}

/* 1 if line is the device line "NAME@pci0:B:S:F:..." of bsf. */
static int
is_device(const char *line, const unsigned bsf[3], struct pci_dev *d)
{
	const char *at = strchr(line, '@'), *p;
	long v[4];
	int i;

	if (at == NULL || at == line || strncmp(at, "@pci", 4) != 0)
		return 0;
	for (p = at + 4, i = 0; i < 4; i++, p++)
		if ((v[i] = number(&p, 255)) == -1 || *p != ':')
			return 0;
	if (v[0] != 0 || v[1] != (long)bsf[0] || v[2] != (long)bsf[1] ||
	    v[3] != (long)bsf[2])
		return 0;
	snprintf(d->pd_name, sizeof(d->pd_name), "%.*s", (int)(at - line),
	    line);
	return 1;
}

/* The value of "key=0x..." in the -l line, into buf ("" if none). */
static void
hex_field(const char *line, size_t len, const char *key, char *buf,
    size_t sz)
{
	const char *p;
	size_t n = strlen(key);

	buf[0] = '\0';
	for (p = line; p < line + len; p++) {
		if ((p == line || isspace((unsigned char)p[-1])) &&
		    strncmp(p, key, n) == 0 && p[n] == '=') {
			snprintf(buf, sz, "%.*s", (int)strcspn(p + n + 1,
			    " \t\n"), p + n + 1);
			return;
		}
	}
}

/* "    key = 'value'" of -v into buf if its key is key. */
static void
v_field(const char *line, size_t len, const char *key, char *buf,
    size_t sz)
{
	const char *p = line + strspn(line, " \t"), *q;
	size_t n = strlen(key);

	if (strncmp(p, key, n) != 0)
		return;
	p += n;
	p += strspn(p, " \t");
	if (*p++ != '=')
		return;
	p += strspn(p, " \t");
	q = line + len;
	if (*p == '\'' && q > p + 1 && q[-1] == '\'') {
		p++;
		q--;
	}
	snprintf(buf, sz, "%.*s", (int)(q - p), p);
}

/* Find bsf (pciconf.h). */
int
pciconf_find(const char *text, const unsigned bsf[3], struct pci_dev *d)
{
	const char *line;
	size_t len;
	int in = 0;

	memset(d, 0, sizeof(*d));
	for (line = text; *line != '\0'; line += len + (line[len] != '\0')) {
		len = strcspn(line, "\n");
		if (!isspace((unsigned char)*line)) {
			if (in)
				break;
			if ((in = is_device(line, bsf, d)) != 0) {
				hex_field(line, len, "vendor", d->pd_vendor_id,
				    sizeof(d->pd_vendor_id));
				hex_field(line, len, "device", d->pd_device_id,
				    sizeof(d->pd_device_id));
			}
		} else if (in) {
			v_field(line, len, "vendor", d->pd_vendor,
			    sizeof(d->pd_vendor));
			v_field(line, len, "device", d->pd_device,
			    sizeof(d->pd_device));
		}
	}
	return in;
}

/* 1 if the driver is ppt (pciconf.h). */
int
pciconf_is_ppt(const struct pci_dev *d)
{
	const char *p = d->pd_name + 3;

	if (strncmp(d->pd_name, "ppt", 3) != 0 || *p == '\0')
		return 0;
	while (isdigit((unsigned char)*p))
		p++;
	return *p == '\0';
}

/* What the device is (pciconf.h). */
void
pciconf_describe(const struct pci_dev *d, char *buf, size_t sz)
{
	if (d->pd_vendor[0] != '\0' || d->pd_device[0] != '\0')
		snprintf(buf, sz, "%s%s%s", d->pd_vendor,
		    d->pd_vendor[0] != '\0' && d->pd_device[0] != '\0' ?
		    " " : "", d->pd_device);
	else if (d->pd_vendor_id[0] != '\0')
		snprintf(buf, sz, "vendor %s device %s", d->pd_vendor_id,
		    d->pd_device_id[0] != '\0' ? d->pd_device_id : "?");
	else
		buf[0] = '\0';
}
