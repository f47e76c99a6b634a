/*
 * create_text.c: the files "kvm create" writes as text: set.conf, with
 * every known variable of the settings table (settings.c) explained in
 * a comment and a section for the user's own variables, and run, with
 * empty preRun() and postRun() hooks.  Pure apart from the identities
 * it draws.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/create_text.h"
#include "core/conf.h"
#include "core/ident.h"
#include "core/settings.h"

/* Set name to value; name must be a row of the settings table. */
void
create_set(struct create_settings *cs, const char *name, const char *value)
{
	int i;

	if ((i = settings_index(name)) == -1)
		errx(1, "create_set: %s is not a setting", name);
	free(cs->cs_value[i]);
	if ((cs->cs_value[i] = strdup(value)) == NULL)
		err(1, NULL);
}

/* What create chose for name, NULL if nothing (yet). */
const char *
create_get(const struct create_settings *cs, const char *name)
{
	int i = settings_index(name);

	return i == -1 ? NULL : cs->cs_value[i];
}

/* Free the values; cs can be filled again. */
void
create_settings_free(struct create_settings *cs)
{
	size_t i;

	for (i = 0; i < SETTINGS_MAX; i++) {
		free(cs->cs_value[i]);
		cs->cs_value[i] = NULL;
	}
}

/* The guest-visible identities, drawn once (ident.c). */
void
create_ids(struct create_settings *cs)
{
	char uuid[40], serial[KVM_SERIAL_LEN + 1];

	ident_uuid(uuid, sizeof(uuid));
	ident_serial(serial, sizeof(serial));
	create_set(cs, "UUID", uuid);
	create_set(cs, "DiskSerial", serial);
	ident_mac(cs->cs_mac, sizeof(cs->cs_mac));
}

/* NAME="value" with value quoted for sh; err(1) on no memory. */
static void
put_var(FILE *fp, const char *name, const char *value)
{
	char *q;

	q = conf_quote(value);
	fprintf(fp, "%s=%s\n", name, q);
	free(q);
}

/* The tap of the network example: "tap" + name when it fits IFNAMSIZ. */
static void
example_tap(const char *name, char *buf, size_t sz)
{
	if (strlen(name) <= 12 && strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == strlen(name))
		snprintf(buf, sz, "tap%s", name);
	else
		strlcpy(buf, "tap0", sz);
}

static char *
memstream_done(FILE *fp, char **buf)
{
	if (ferror(fp) || fclose(fp) != 0)
		err(1, "open_memstream");
	return *buf;
}

/* Each line of text as a "# " comment ("#" alone when empty). */
static void
put_comment(FILE *fp, const char *text)
{
	size_t n;

	for (; *text != '\0'; text += n + (text[n] == '\n')) {
		n = strcspn(text, "\n");
		fprintf(fp, "#%s%.*s\n", n > 0 ? " " : "", (int)n, text);
	}
}

/*
 * Every known variable in table order, each with its explanation above
 * it: create's choice, else the default, else empty.
 */
static void
setconf_settings(FILE *fp, const struct create_settings *cs)
{
	const struct setting *s;
	const char *v;
	size_t i;

	for (i = 0; (s = settings_at(i)) != NULL; i++) {
		if ((v = cs->cs_value[i]) == NULL)
			v = s->s_default != NULL ? s->s_default : "";
		if (i > 0)
			fputc('\n', fp);
		put_comment(fp, s->s_explain);
		put_var(fp, s->s_name, v);
	}
}

static void
setconf_free(FILE *fp, const char *name, const struct create_settings *cs)
{
	char tap[32];

	example_tap(name, tap, sizeof(tap));
	fprintf(fp, "\n"
	    "# ---------------------------------------------------------------"
	    "-------\n"
	    "# Your own variables.  kvm keeps every variable it does not "
	    "know; in\n"
	    "# the hooks of run they are sh variables too.  $NAME in a value "
	    "refers\n"
	    "# to a variable set above it, so when Devices uses yours, set "
	    "Devices\n"
	    "# again below them (the last assignment counts).\n"
	    "#\n"
	    "# Example, a basic network: a tap (its name must start with "
	    "\"tap\")\n"
	    "# added to bridge0, an existing bridge with the host's network "
	    "card as\n"
	    "# member; the guest needs a virtio-net driver.  The MAC address "
	    "was\n"
	    "# generated for this VM: keep it and the guest keeps its "
	    "network\n"
	    "# settings.  Uncomment these two lines and the ones in run:\n"
	    "#LAN=\"%s\"\n"
	    "#Devices=\"4,virtio-net,$LAN,mac=%s\"\n", tap, cs->cs_mac);
}

/*
 * The text of a new VM's set.conf: every known variable with its
 * comment, the chosen values, the generated identities, then the
 * section for the user's own variables.  Returns a malloc'd string.
 */
char *
create_setconf(const char *name, const struct create_settings *cs)
{
	char *buf = NULL;
	size_t len;
	FILE *fp;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		err(1, "open_memstream");
	fputs("# set.conf: the settings of a VM, written by kvm create.\n"
	    "#\n"
	    "# kvm reads this file and sh sources it for the hooks in run, "
	    "so it\n"
	    "# holds only what both read alike: NAME=\"value\" lines, "
	    "comments, blank\n"
	    "# lines, and $NAME or ${NAME} for a variable set above (no "
	    "$(...), `...`\n"
	    "# or ';').  An empty value means the default unless said "
	    "otherwise.\n"
	    "# Changes take effect at the next start; \"kvm check NAME\" "
	    "reports\n"
	    "# any problem without starting the VM.\n"
	    "\n", fp);
	setconf_settings(fp, cs);
	setconf_free(fp, name, cs);
	return memstream_done(fp, &buf);
}

/*
 * The text of a new VM's run: both hooks with an empty body and the
 * network example's lines in comments.  Returns a malloc'd string.
 */
char *
create_run(void)
{
	char *buf = NULL;
	size_t len;
	FILE *fp;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		err(1, "open_memstream");
	fputs("# run: the hooks of a VM, written by kvm create.\n"
	    "#\n"
	    "# kvm start calls preRun() before each run of the guest (the "
	    "first boot\n"
	    "# and every reboot) and postRun() after bhyve exits.  Each call "
	    "runs in\n"
	    "# sh after it has read the hook library $KVM_HOME/functions "
	    "(CreateIF,\n"
	    "# DestroyIF, SetDefaultRoute, SetResolv: see the comments "
	    "there), then\n"
	    "# set.conf, whose variables are sh variables here, then this "
	    "file.  The\n"
	    "# working directory is the VM's directory; the environment "
	    "holds\n"
	    "# VM_NAME, VM_DIR, KVM_HOME and KVM_ROOTDIR (the host's root, "
	    "empty for\n"
	    "# /).  postRun() also gets VM_EXIT, bhyve's exit status: 0 "
	    "reboot,\n"
	    "# 1 power-off, 2 halt, 3 triple fault, 4 error, 128+N killed by "
	    "signal N.\n"
	    "#\n"
	    "# Both functions must exist and return 0.  \":\" is the empty "
	    "body.\n"
	    "\n"
	    "preRun()\n"
	    "{\n"
	    "\t# The network example of set.conf:\n"
	    "\t#CreateIF tap \"$LAN\"\n"
	    "\t#ifconfig bridge0 addm \"$LAN\"\n"
	    "\t:\n"
	    "}\n"
	    "\n"
	    "postRun()\n"
	    "{\n"
	    "\t#DestroyIF \"$LAN\"\n"
	    "\t:\n"
	    "}\n", fp);
	return memstream_done(fp, &buf);
}
