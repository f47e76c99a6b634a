/*
 * cloudinit.c: the text of a VM's cloud-init NoCloud seed.  The file
 * names and what cloud-init reads in them are those of its NoCloud
 * datasource (canonical/cloud-init, doc/rtd/topics/datasources/
 * nocloud.rst): meta-data (YAML with instance-id and local-hostname),
 * user-data (as the user gave it) and the optional network-config.
 * Pure: the caller reads and writes the files.
 */
#include <ctype.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cloudinit.h"
#include "core/valid.h"
#include "core/vm.h"

static char *
ms_done(FILE *fp, char **buf)
{
	if (ferror(fp) || fclose(fp) != 0)
		err(1, "open_memstream");
	return *buf;
}

/*
 * The instance-id is the VM's UUID, kept across a rename (settings.c
 * refuses CloudInit without one), so cloud-init's per-instance modules
 * run once; the hostname follows the VM's name.
 */
char *
ci_meta_data(const struct vm *vm)
{
	char *s;

	if (asprintf(&s, "instance-id: iid-%s\nlocal-hostname: %s\n",
	    vm->uuid, vm->name) == -1)
		err(1, NULL);
	return s;
}

/* The MAC of a network entry of Devices into mac, or 0. */
static int
dev_mac(const char *e, char *mac, size_t sz)
{
	const char *emu, *o;
	size_t n;

	emu = strchr(e, ',');
	if (emu == NULL || (strncmp(emu + 1, "virtio-net,", 11) != 0 &&
	    strncmp(emu + 1, "e1000,", 6) != 0))
		return 0;
	for (o = strchr(emu + 1, ','); o != NULL; o = strchr(o + 1, ',')) {
		if (strncmp(o + 1, "mac=", 4) != 0)
			continue;
		n = strcspn(o + 5, ",");
		if (n == 0 || n >= sz)
			return 0;
		memcpy(mac, o + 5, n);
		mac[n] = '\0';
		return 1;
	}
	return 0;
}

/*
 * Version 2 (netplan-like), each interface matched by its MAC: the
 * guest's interface names differ between systems (vtnet0, enp0s4),
 * the addresses kvm wrote into Devices do not.
 */
char *
ci_network_config(const struct vm *vm)
{
	char mac[32], *buf = NULL;
	size_t i, len, n = 0;
	FILE *fp;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		err(1, "open_memstream");
	fputs("version: 2\nethernets:\n", fp);
	for (i = 0; i < vm->ndevices; i++) {
		if (!dev_mac(vm->devices[i], mac, sizeof(mac)))
			continue;
		fprintf(fp, "  nic%zu:\n    match:\n      macaddress: \"%s\"\n"
		    "    dhcp4: true\n", n++, mac);
	}
	ms_done(fp, &buf);
	if (n == 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* 1 if word (length n) names an SSH public key type. */
static int
key_type(const char *w, size_t n)
{
	static const char *const exact[] = { "ssh-rsa", "ssh-dss",
	    "ssh-ed25519", NULL };
	size_t i;

	for (i = 0; exact[i] != NULL; i++)
		if (strlen(exact[i]) == n && strncmp(w, exact[i], n) == 0)
			return 1;
	return (n > 11 && strncmp(w, "ecdsa-sha2-", 11) == 0) ||
	    (n > 3 && strncmp(w, "sk-", 3) == 0);
}

/* One line (length n, no newline): 0, or -1 and a message. */
static int
key_line(const char *l, size_t n, int lineno, char *err, size_t errsz)
{
	size_t w, i;

	for (i = 0; i < n; i++)
		if (iscntrl((unsigned char)l[i]) && l[i] != '\t' &&
		    !(l[i] == '\r' && i == n - 1))
			return errf(err, errsz, "line %d has a control "
			    "character", lineno);
	w = strcspn(l, " \t");
	if (w > n)
		w = n;
	if (!key_type(l, w) || w + 1 >= n ||
	    strchr(" \t\r", l[w + 1]) != NULL)
		return errf(err, errsz, "line %d is not an SSH public key "
		    "(ssh-rsa, ssh-ed25519, ecdsa-sha2-*, sk-*... KEY "
		    "[comment])", lineno);
	return 0;
}

int
ci_keys_check(const char *text, char *err, size_t errsz)
{
	const char *l;
	size_t n, b;
	int lineno = 0, keys = 0;

	for (l = text; *l != '\0'; l += n + (l[n] == '\n')) {
		n = strcspn(l, "\n");
		lineno++;
		b = strspn(l, " \t\r");
		if (b >= n || l[b] == '#')
			continue;
		if (key_line(l + b, n - b, lineno, err, errsz) == -1)
			return -1;
		keys++;
	}
	if (keys == 0)
		return errf(err, errsz, "no SSH public key in it");
	return 0;
}

/* A key line as a YAML double-quoted scalar. */
static void
put_quoted(FILE *fp, const char *l, size_t n)
{
	size_t i;

	fputc('"', fp);
	for (i = 0; i < n; i++) {
		if (l[i] == '"' || l[i] == '\\')
			fputc('\\', fp);
		fputc(l[i] == '\t' ? ' ' : l[i], fp);
	}
	fputc('"', fp);
}

/*
 * ssh_authorized_keys at the top level of #cloud-config: the keys of
 * the image's default user (cloud-init's cc_ssh module).  No hostname
 * here: meta-data's local-hostname names the guest, and follows a
 * rename, where a hostname in user-data would win and stay old.
 */
char *
ci_user_data(const char *keys)
{
	const char *l;
	char *buf = NULL;
	size_t len, n, b, e;
	FILE *fp;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		err(1, "open_memstream");
	fputs("#cloud-config\n", fp);
	if (keys != NULL && *keys != '\0') {
		fputs("ssh_authorized_keys:\n", fp);
		for (l = keys; *l != '\0'; l += n + (l[n] == '\n')) {
			n = strcspn(l, "\n");
			b = strspn(l, " \t\r");
			if (b >= n || l[b] == '#')
				continue;
			for (e = n; e > b && strchr(" \t\r", l[e - 1]) != NULL;)
				e--;
			fputs("  - ", fp);
			put_quoted(fp, l + b, e - b);
			fputc('\n', fp);
		}
	}
	return ms_done(fp, &buf);
}
