/*
 * main.c: global options, the command table and usage.  One table
 * drives dispatch, the usage lines and the root check; the seed's
 * command names (vmcreate, vmlist, ...) are alias rows, picked by the
 * name kvm was run under.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/argv.h"
#include "host/file.h"
#include "host/paths.h"
#include "cmd/cmd.h"

/* snap: create, destroy and rollback change the VM; list only reads. */
static const struct cmd_sub snap_subs[] = {
	{ "create",	CMD_ROOT },
	{ "destroy",	CMD_ROOT },
	{ "rollback",	CMD_ROOT },
	{ "list",	0 },
	{ NULL,		0 },
};

static const struct cmd cmds[] = {
	{ "install", "kvminst", cmd_install, "[pool]", CMD_ROOT, NULL },
	{ "create", "vmcreate", cmd_create,
	    "[-y] [-c cores] [-m mem] [-s disksize] [-l loader] [-d driver] "
	    "[-C vnc|com] [-i iso] name", CMD_ROOT, NULL },
	{ "insert", NULL, cmd_insert, "name iso", CMD_ROOT, NULL },
	{ "eject", NULL, cmd_eject, "name", CMD_ROOT, NULL },
	{ "start", NULL, cmd_start, "[-d] name", CMD_ROOT, NULL },
	{ "stop", NULL, cmd_stop, "name", CMD_ROOT, NULL },
	{ "shutdown", NULL, cmd_shutdown, "[-t sec] name", CMD_ROOT, NULL },
	{ "status", NULL, cmd_status, "[-j] name", 0, NULL },
	{ "info", "vminfo", cmd_info, "[-j] name", 0, NULL },
	{ "list", "vmlist", cmd_list, "[-j]", 0, NULL },
	{ "console", NULL, cmd_console, "name", CMD_ROOT, NULL },
	/* snap checks root per subcommand (snap_subs). */
	{ "snap", NULL, cmd_snap,
	    "create|destroy|rollback|list [-j] name [snapshot]", 0, snap_subs },
	{ "rename", "vmrename", cmd_rename, "old new", CMD_ROOT, NULL },
	{ "destroy", "vmdestroy", cmd_destroy, "[-f] name", CMD_ROOT, NULL },
	{ "clone", NULL, cmd_clone, "src[@snapshot] new", CMD_ROOT, NULL },
	{ "rc", "dorc", cmd_rc, "[-r require] [-b before] [-k keyword] name",
	    CMD_ROOT, NULL },
	{ "uninstall", NULL, cmd_uninstall, "[-f] pool", CMD_ROOT, NULL },
	{ "check", NULL, cmd_check, "[name ...]", 0, NULL },
};

#define NCMDS	(sizeof(cmds) / sizeof(cmds[0]))

static void __attribute__((__noreturn__))
usage(void)
{
	size_t i;

	fprintf(stderr, "usage: kvm [-v] command [arguments]\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(stderr, "       kvm %s %s\n", cmds[i].c_name,
		    cmds[i].c_usage);
	exit(2);
}

static const struct cmd *
cmd_find(const char *name, int seed)
{
	size_t i;

	for (i = 0; i < NCMDS; i++) {
		if (seed && cmds[i].c_seed != NULL &&
		    strcmp(cmds[i].c_seed, name) == 0)
			return &cmds[i];
		if (!seed && strcmp(cmds[i].c_name, name) == 0)
			return &cmds[i];
	}
	/* The seed's plain names (start, stop, snap...) are verbs too. */
	if (seed)
		return cmd_find(name, 0);
	return NULL;
}

int
main(int argc, char *argv[])
{
	struct kvm_ctx ctx;
	const struct cmd *c;
	const char *prog;
	int ch;

	ctx_init(&ctx);
	opterr = 0;	/* a bad option is answered with the usage line */
	if (self_path(argv[0], ctx.self, sizeof(ctx.self)) == -1)
		strlcpy(ctx.self, "kvm", sizeof(ctx.self));
	prog = strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 :
	    argv[0];
	setprogname("kvm");
	if (strcmp(prog, "kvm") != 0 && (c = cmd_find(prog, 1)) != NULL) {
		/* Run under a seed name: the operands follow directly. */
		argv[0] = (char *)(uintptr_t)c->c_name;
	} else {
		while ((ch = getopt(argc, argv, "+v")) != -1) {
			switch (ch) {
			case 'v':
				ctx.verbose = 1;
				break;
			default:
				usage();
			}
		}
		argc -= optind;
		argv += optind;
		if (argc < 1)
			usage();
		if ((c = cmd_find(argv[0], 0)) == NULL) {
			warnx("%s: unknown command", argv[0]);
			usage();
		}
	}
	if (c->c_flags & CMD_ROOT)
		cmd_root(c->c_name);
	/* Each command parses its own options from a fresh getopt. */
	optind = 1;
#ifdef __FreeBSD__
	optreset = 1;
#endif
	return c->c_fn(&ctx, c, argc, argv);
}
