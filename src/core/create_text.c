/*
 * create_text.c: the files "kvm create" writes as text: set.conf, with
 * every known variable of the settings table (settings.c) explained in
 * a comment and a section for the user's own variables, and run, with
 * empty preRun() and postRun() hooks; or, with the network of create
 * -n, the seed's network example 1 filled in (set.conf's LAN and its
 * Devices entry, the hooks that make and remove the tap).  Pure apart
 * from the identities it draws.
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
 * The network's names, right above Devices, which refers to LAN: sh and
 * kvm expand $LAN only when it is assigned above.
 */
static void
setconf_net(FILE *fp, const struct net *n)
{
	static const char *const var[] = { "LAN", "BRI", "UPLINK" };
	static const char *const what[] = {
	    "the tap of the guest's virtio-net card, made before each run",
	    "the bridge the tap joins, made when missing",
	    "the host's interface on the bridge, added when not a member" };
	int r;

	fputs("# The network chosen at create (kvm create -n), for Devices "
	    "below and\n# the hooks in run; kvm itself reads only "
	    "Devices.  Its MAC address was\n# drawn for this VM: keep it "
	    "and the guest keeps its network settings.\n", fp);
	for (r = NET_TAP; r <= NET_UPLINK; r++)
		if (n->n_name[r][0] != '\0')
			fprintf(fp, "# %s: %s.\n", var[r], what[r]);
	for (r = NET_TAP; r <= NET_UPLINK; r++)
		if (n->n_name[r][0] != '\0')
			put_var(fp, var[r], n->n_name[r]);
	fputc('\n', fp);
}

/*
 * Every known variable in table order, each with its explanation above
 * it: create's choice, else the default, else empty.  With a network,
 * Devices is its virtio-net card (create offers no other Devices).
 */
static void
setconf_settings(FILE *fp, const struct create_settings *cs)
{
	const struct setting *s;
	const char *v;
	size_t i;
	int net = cs->cs_net.n_name[NET_TAP][0] != '\0';

	for (i = 0; (s = settings_at(i)) != NULL; i++) {
		if ((v = cs->cs_value[i]) == NULL)
			v = s->s_default != NULL ? s->s_default : "";
		if (i > 0)
			fputc('\n', fp);
		if (net && strcmp(s->s_name, "Devices") == 0) {
			setconf_net(fp, &cs->cs_net);
			put_comment(fp, s->s_explain);
			fprintf(fp, "Devices=\"%d,virtio-net,$LAN,mac=%s\"\n",
			    NET_SLOT, cs->cs_mac);
			continue;
		}
		put_comment(fp, s->s_explain);
		put_var(fp, s->s_name, v);
	}
}

static void
setconf_free(FILE *fp, const char *name, const struct create_settings *cs)
{
	char tap[32];

	example_tap(name, tap, sizeof(tap));
	fputs("\n"
	    "# ---------------------------------------------------------------"
	    "-------\n"
	    "# Your own variables.  kvm keeps every variable it does not "
	    "know; in\n"
	    "# the hooks of run they are sh variables too.  $NAME in a value "
	    "refers\n"
	    "# to a variable set above it, so when Devices uses yours, set "
	    "Devices\n"
	    "# again below them (the last assignment counts).\n", fp);
	if (cs->cs_net.n_name[NET_TAP][0] != '\0')
		return;
	fprintf(fp, "#\n"
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

/* The hooks without a network: the example of set.conf, commented. */
static void
run_example(FILE *fp)
{
	fputs("preRun()\n"
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
}

/*
 * The hooks of the network of create -n.  preRun runs before every run
 * of the guest, reboots included, and must not fail on what is there
 * already: CreateIF makes only what is missing, AddToBridge adds only
 * what is not a member (a bridge refuses a member twice, "BRDGADD:
 * File exists"), so the uplink is added once and a tap left behind by
 * a killed supervisor is no error.
 */
static void
run_net(FILE *fp, const struct net *n)
{
	fprintf(fp, "preRun()\n"
	    "{\n"
	    "\t# The network chosen at create: %s in set.conf.\n"
	    "\tCreateIF tap \"$LAN\"\n",
	    n->n_name[NET_UPLINK][0] != '\0' ? "LAN, BRI and UPLINK are" :
	    n->n_name[NET_BRIDGE][0] != '\0' ? "LAN and BRI are" : "LAN is");
	if (n->n_name[NET_BRIDGE][0] != '\0')
		fputs("\tCreateIF bridge \"$BRI\"\n", fp);
	if (n->n_name[NET_UPLINK][0] != '\0')
		fputs("\tAddToBridge \"$BRI\" \"$UPLINK\"\n", fp);
	if (n->n_name[NET_BRIDGE][0] != '\0')
		fputs("\tAddToBridge \"$BRI\" \"$LAN\"\n", fp);
	fputs("}\n"
	    "\n"
	    "postRun()\n"
	    "{\n", fp);
	if (n->n_name[NET_BRIDGE][0] != '\0')
		fputs("\t# The tap goes with the guest; the bridge stays.\n", fp);
	fputs("\tDestroyIF \"$LAN\"\n"
	    "}\n", fp);
}

/*
 * The text of a new VM's run: both hooks, making and removing the
 * network of create -n, or with an empty body and the network
 * example's lines in comments.  Returns a malloc'd string.
 */
char *
create_run(const struct create_settings *cs)
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
	    "# DestroyIF, AddToBridge, SetDefaultRoute, SetResolv: see the "
	    "comments\n"
	    "# there), then set.conf, whose variables are sh variables here, "
	    "then this\n"
	    "# file.  The working directory is the VM's directory; the "
	    "environment\n"
	    "# holds VM_NAME, VM_DIR, KVM_HOME and KVM_ROOTDIR (the host's "
	    "root,\n"
	    "# empty for /).  postRun() also gets VM_EXIT, bhyve's exit "
	    "status:\n"
	    "# 0 reboot, 1 power-off, 2 halt, 3 triple fault, 4 error, 128+N "
	    "killed\n"
	    "# by signal N.\n"
	    "#\n"
	    "# Both functions must exist and return 0.  \":\" is the empty "
	    "body.\n"
	    "\n", fp);
	if (cs->cs_net.n_name[NET_TAP][0] != '\0')
		run_net(fp, &cs->cs_net);
	else
		run_example(fp);
	return memstream_done(fp, &buf);
}
