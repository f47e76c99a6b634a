/*
 * valid.c: the checks every command shares for values a user types or
 * writes into set.conf: VM names, sizes with units, counts, UUIDs, VNC
 * settings, addresses, disk serials and PCI slots.  Pure functions: each
 * returns 0, or -1 with a lower-case message naming the field in err.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/valid.h"
#include "core/common.h"

int
errf(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	return -1;
}

int
valid_name(const char *name, char *err, size_t errsz)
{
	const char *p;

	if (*name == '\0')
		return errf(err, errsz, "name is empty");
	if (strlen(name) > KVM_NAME_MAX)
		return errf(err, errsz, "name is longer than %d characters",
		    KVM_NAME_MAX);
	if (!isalnum((unsigned char)*name) || !isascii((unsigned char)*name))
		return errf(err, errsz,
		    "name must start with a letter or a digit");
	for (p = name; *p != '\0'; p++)
		if (!isascii((unsigned char)*p) ||
		    (!isalnum((unsigned char)*p) && strchr("._-", *p) == NULL))
			return errf(err, errsz, "name may only contain "
			    "letters, digits, '.', '_' and '-'");
	return 0;
}

/*
 * Read a run of decimal digits into *v.  Returns the number of digits,
 * or -1 when the value does not fit in 64 bits.
 */
static int
decimal(const char *s, uint64_t *v)
{
	int n;

	*v = 0;
	for (n = 0; isdigit((unsigned char)s[n]); n++) {
		if (*v > (UINT64_MAX - (uint64_t)(s[n] - '0')) / 10)
			return -1;
		*v = *v * 10 + (uint64_t)(s[n] - '0');
	}
	return n;
}

/*
 * Sizes are written exactly as bhyve's expand_number(3) would read them
 * the same way: digits then one unit letter.  Leading zeros are refused
 * because expand_number parses with base 0, so 010G would be octal.
 */
int
valid_size(const char *what, const char *s, uint64_t *bytes, char *err,
    size_t errsz)
{
	static const char units[] = "KMGT";
	const char *u;
	uint64_t v;
	int n, shift;

	if (*s == '\0')
		return errf(err, errsz, "%s is empty", what);
	if (*s == '-')
		return errf(err, errsz, "%s must not be negative", what);
	if ((n = decimal(s, &v)) == -1)
		return errf(err, errsz, "%s is too large", what);
	if (n == 0)
		return errf(err, errsz, "%s must start with a number, "
		    "e.g. 4G", what);
	if (s[n] == '\0')
		return errf(err, errsz, "%s needs a unit (K, M, G or T)",
		    what);
	if (s[n] == '.' || s[n] == ',')
		return errf(err, errsz, "%s must be a whole number; "
		    "use a smaller unit, e.g. 1536M for 1.5G", what);
	if (n == 1 && *s == '0' && (s[1] == 'x' || s[1] == 'X'))
		return errf(err, errsz, "%s must be a decimal number", what);
	if (v == 0)
		return errf(err, errsz, "%s must be greater than zero", what);
	if (*s == '0')
		return errf(err, errsz, "%s must not start with 0", what);
	u = strchr(units, toupper((unsigned char)s[n]));
	if (u == NULL || s[n + 1] != '\0')
		return errf(err, errsz, "%s has an unknown unit \"%s\" "
		    "(K, M, G or T)", what, s + n);
	shift = 10 * (int)(u - units + 1);
	if (v > UINT64_MAX >> shift)
		return errf(err, errsz, "%s is too large", what);
	*bytes = v << shift;
	return 0;
}

int
valid_uint(const char *what, const char *s, unsigned min, unsigned max,
    unsigned *val, char *err, size_t errsz)
{
	uint64_t v;
	int n;

	n = decimal(s, &v);
	if (n <= 0 || s[n] != '\0' || v < min || v > max)
		return errf(err, errsz, "%s must be a whole number from %u "
		    "to %u", what, min, max);
	*val = (unsigned)v;
	return 0;
}

int
valid_port(const char *what, const char *s, int *port, char *err,
    size_t errsz)
{
	unsigned v;

	if (strcmp(s, "auto") == 0) {
		*port = 0;
		return 0;
	}
	if (valid_uint(what, s, 1, 65535, &v, err, errsz) == -1)
		return errf(err, errsz, "%s must be auto or a port number "
		    "from 1 to 65535", what);
	*port = (int)v;
	return 0;
}

/* 1 if s has exactly n hex digits at its start. */
static int
hexrun(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int
valid_uuid(const char *what, const char *s, char *err, size_t errsz)
{
	static const size_t group[] = { 8, 4, 4, 4, 12 };
	size_t i;

	for (i = 0; i < 5; i++) {
		if (!hexrun(s, group[i]))
			break;
		s += group[i];
		if (*s != (i < 4 ? '-' : '\0'))
			break;
		s++;
	}
	if (i < 5)
		return errf(err, errsz, "%s must be a UUID of the form "
		    "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex digits)", what);
	return 0;
}

int
valid_vnc_size(const char *what, const char *s, unsigned *w, unsigned *h,
    char *err, size_t errsz)
{
	uint64_t vw, vh;
	int n, m;

	n = decimal(s, &vw);
	if (n > 0 && s[n] == 'x' && (m = decimal(s + n + 1, &vh)) > 0 &&
	    s[n + 1 + m] == '\0') {
		if (vw < KVM_VNC_MIN_W || vh < KVM_VNC_MIN_H)
			return errf(err, errsz, "%s is below the minimum "
			    "%dx%d", what, KVM_VNC_MIN_W, KVM_VNC_MIN_H);
		if (vw > KVM_VNC_MAX_W || vh > KVM_VNC_MAX_H)
			return errf(err, errsz, "%s is above the maximum "
			    "%dx%d", what, KVM_VNC_MAX_W, KVM_VNC_MAX_H);
		*w = (unsigned)vw;
		*h = (unsigned)vh;
		return 0;
	}
	return errf(err, errsz, "%s must be WIDTHxHEIGHT, e.g. 1024x768",
	    what);
}

/* Dotted quad, four decimal numbers 0-255 without leading zeros. */
int
valid_ipv4(const char *what, const char *s, char *err, size_t errsz)
{
	uint64_t v;
	int i, n;

	for (i = 0; i < 4; i++) {
		n = decimal(s, &v);
		if (n <= 0 || n > 3 || v > 255 || (n > 1 && *s == '0'))
			break;
		s += n;
		if (*s != (i < 3 ? '.' : '\0'))
			break;
		s++;
	}
	if (i < 4)
		return errf(err, errsz, "%s must be an IPv4 address, "
		    "e.g. 127.0.0.1", what);
	return 0;
}

int
valid_serial(const char *what, const char *s, char *err, size_t errsz)
{
	const char *p;

	if (*s == '\0')
		return errf(err, errsz, "%s is empty", what);
	if (strlen(s) > KVM_SERIAL_LEN)
		return errf(err, errsz, "%s is longer than %d characters",
		    what, KVM_SERIAL_LEN);
	for (p = s; *p != '\0'; p++)
		if (!isascii((unsigned char)*p) ||
		    (!isalnum((unsigned char)*p) && *p != '-'))
			return errf(err, errsz, "%s may only contain letters, "
			    "digits and '-'", what);
	return 0;
}

/*
 * Six colon-separated pairs of hex digits.  bhyve refuses multicast and
 * all-zero addresses, so they are refused here already.
 */
int
valid_mac(const char *what, const char *s, char *err, size_t errsz)
{
	unsigned long first;
	const char *p;
	int i, zero;

	zero = 1;
	for (i = 0, p = s; i < 6; i++, p += 3) {
		if (!hexrun(p, 2) || p[2] != (i < 5 ? ':' : '\0'))
			return errf(err, errsz, "%s must be a MAC address of "
			    "the form xx:xx:xx:xx:xx:xx (hex digits)", what);
		if (p[0] != '0' || p[1] != '0')
			zero = 0;
	}
	first = strtoul(s, NULL, 16);
	if (first & 1)
		return errf(err, errsz, "%s is a multicast address", what);
	if (zero)
		return errf(err, errsz, "%s is all zeros", what);
	return 0;
}

/* One number of a PCI slot: decimal, at most max; -1 if not. */
static int
slotnum(const char **sp, unsigned max, unsigned *v)
{
	uint64_t n;
	int len;

	len = decimal(*sp, &n);
	if (len <= 0 || n > max)
		return -1;
	*v = (unsigned)n;
	*sp += len;
	return 0;
}

/* bhyve's forms: S, S:F or B:S:F, decimal (pci_emul.c). */
int
valid_pci_slot(const char *s, unsigned *bus, unsigned *slot,
    unsigned *func, char *err, size_t errsz)
{
	unsigned n[3];
	const char *p;
	int i;

	p = s;
	for (i = 0;; i++) {
		if (i == 3 || slotnum(&p, 255, &n[i]) == -1)
			goto bad;
		if (*p == '\0')
			break;
		if (*p++ != ':')
			goto bad;
	}
	*bus = i == 2 ? n[0] : 0;
	*slot = n[i == 2 ? 1 : 0];
	*func = i == 0 ? 0 : n[i];
	if (*slot <= 31 && *func <= 7)
		return 0;
bad:
	return errf(err, errsz, "slot \"%s\" must be S, S:F or B:S:F with "
	    "bus 0-255, slot 0-31, function 0-7", s);
}

/*
 * Suffixes of the scripts rc(8) never runs, from FreeBSD's
 * libexec/rc/rc.subr: run_rc_script skips "*[~#]|*.OLD|*.bak|*.orig|*,v"
 * ("Ignoring scratch file"), and find_local_scripts_new does not even
 * list "*.sample|*.pkgsave" from local_startup (/usr/local/etc/rc.d),
 * both at boot (rc) and at shutdown (rc.shutdown).  A valid VM name
 * cannot end in '~', '#' or ",v"; the case matters, as in sh's case.
 */
static const char *const rc_skipped[] = {
	".OLD", ".bak", ".orig", ".sample", ".pkgsave", NULL
};

int
valid_rc_name(const char *name, char *err, size_t errsz)
{
	char var[KVM_NAME_MAX + 1];
	const char *const *s;
	size_t n = strlen(name), i;

	/* The host script, kvm's own, is rc.d/kvm (host/rc.c). */
	if (strcmp(name, "kvm") == 0)
		return errf(err, errsz, "the name of kvm's host rc.d script");
	for (s = rc_skipped; *s != NULL; s++)
		if (n > strlen(*s) && strcmp(name + n - strlen(*s), *s) == 0)
			return errf(err, errsz, "rc(8) skips scripts named *%s",
			    *s);
	/* Its rc.conf variables are the name with '.' and '-' as '_'. */
	if (isdigit((unsigned char)*name)) {
		strlcpy(var, name, sizeof(var));
		for (i = 0; var[i] != '\0'; i++)
			if (var[i] == '.' || var[i] == '-')
				var[i] = '_';
		return errf(err, errsz, "its rc.conf variable %s_enable is "
		    "no sh variable name (it starts with a digit)", var);
	}
	return 0;
}
