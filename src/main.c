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

/* disk: add and grow change the VM; list only reads. */
static const struct cmd_sub disk_subs[] = {
	{ "add",	CMD_ROOT },
	{ "grow",	CMD_ROOT },
	{ "list",	0 },
	{ NULL,		0 },
};

static int help(struct kvm_ctx *, const struct cmd *, int, char **);

static const struct cmd cmds[] = {
	{ "install", "kvminst", cmd_install, "[pool]", CMD_ROOT, NULL,
	    "create POOL/kvm and the kvm home, record it in kvm.conf" },
	{ "create", "vmcreate", cmd_create,
	    "[-y] [-c cores] [-m mem] [-s disksize] [-l loader] [-d driver] "
	    "[-C vnc|com] [-i iso] [-n tap[,bridge[,uplink]]] "
	    "[-I image [-u user-data | -k keyfile]] name", CMD_ROOT, NULL,
	    "create a VM: its dataset, set.conf, run and disk" },
	{ "insert", NULL, cmd_insert, "name iso", CMD_ROOT, NULL,
	    "put an ISO image in the VM's CD drive" },
	{ "eject", NULL, cmd_eject, "name", CMD_ROOT, NULL,
	    "take the ISO image out of the VM's CD drive" },
	{ "start", NULL, cmd_start, "[-d] name", CMD_ROOT, NULL,
	    "run the VM under its supervisor (-d: in the background)" },
	{ "stop", NULL, cmd_stop, "name", CMD_ROOT, NULL,
	    "power the VM off at once, like pulling the plug" },
	{ "shutdown", NULL, cmd_shutdown,
	    "[-n | -t seconds] name | -a [-t seconds]", CMD_ROOT, NULL,
	    "press the power button, wait, then power off (-a: all VMs)" },
	{ "status", NULL, cmd_status, "[-j] name", 0, NULL,
	    "print bhyve's pid, 0 when stopped, -1 when no such VM" },
	{ "info", "vminfo", cmd_info, "[-j] name", 0, NULL,
	    "show everything about one VM" },
	{ "list", "vmlist", cmd_list, "[-jl]", 0, NULL,
	    "list the running VMs, then the stopped ones" },
	{ "console", NULL, cmd_console, "name", CMD_ROOT, NULL,
	    "attach to the VM's serial console" },
	/* snap checks root per subcommand (snap_subs). */
	{ "snap", NULL, cmd_snap,
	    "create|destroy|rollback|list [-j] name [snapshot]", 0, snap_subs,
	    "create, destroy, roll back to or list the VM's snapshots" },
	/* disk checks root per subcommand (disk_subs). */
	{ "disk", NULL, cmd_disk,
	    "add name size [driver] | grow name disk size | list [-j] name",
	    0, disk_subs,
	    "add a disk to the VM, grow one, or list them" },
	{ "rename", "vmrename", cmd_rename, "old new", CMD_ROOT, NULL,
	    "rename a stopped VM, all or nothing" },
	{ "destroy", "vmdestroy", cmd_destroy, "[-f] name", CMD_ROOT, NULL,
	    "destroy a stopped VM with its snapshots and rc.d script" },
	{ "clone", NULL, cmd_clone, "src[@snapshot] new", CMD_ROOT, NULL,
	    "make a new VM from a snapshot of another, with new identities" },
	{ "rc", "dorc", cmd_rc, "[-r require] [-b before] [-k keyword] name",
	    CMD_ROOT, NULL,
	    "write the VM's rc.d script: start at boot, stop at shutdown" },
	{ "send", NULL, cmd_send, "[-m] name [user@]host", CMD_ROOT, NULL,
	    "copy the VM to another host over ssh (-m: move it there)" },
	{ "receive", NULL, cmd_receive,
	    "[-l] [-g guid -p dir -s snapshot] -u uuid name", CMD_ROOT, NULL,
	    "the other half of send, run by it through ssh" },
	{ "uninstall", NULL, cmd_uninstall, "[-f] pool", CMD_ROOT, NULL,
	    "destroy POOL/kvm with every VM, rc.d script and rc.conf line" },
	{ "check", NULL, cmd_check, "[name ...]", 0, NULL,
	    "report every problem in the VMs' set.conf and run" },
	{ "help", NULL, help, "[command]", 0, NULL,
	    "print the usage and description of each command, or of one" },
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

/*
 * kvm help [command]: every command's usage line and description on
 * stdout, or one command's.  An unknown command is a usage error.
 */
static int
help(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	size_t i;

	(void)ctx;
	if (getopt(argc, argv, "+") != -1 || argc > 2)
		cmd_usage(cmd);
	if (argc == 2) {
		for (i = 0; i < NCMDS; i++)
			if (strcmp(cmds[i].c_name, argv[1]) == 0) {
				cmd_help(&cmds[i], stdout);
				return 0;
			}
		warnx("%s: unknown command", argv[1]);
		cmd_usage(cmd);
	}
	printf("usage: kvm [-v] command [arguments]\n\n");
	for (i = 0; i < NCMDS; i++)
		printf("kvm %s %s\n\t%s\n", cmds[i].c_name, cmds[i].c_usage,
		    cmds[i].c_desc);
	return 0;
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
	/* Before anything runs: root's programs from root's PATH. */
	if (ctx_pin_path(&ctx) == -1)
		return 1;
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
	/* "kvm VERB -h" (or "vmcreate -h"): help, for anyone. */
	if (argc == 2 && strcmp(argv[1], "-h") == 0) {
		cmd_help(c, stdout);
		return 0;
	}
	if (c->c_flags & CMD_ROOT)
		cmd_root(c->c_name);
	/* Each command parses its own options from a fresh getopt. */
	optind = 1;
#ifdef __FreeBSD__
	optreset = 1;
#endif
	ctx.cmd = c->c_name;
	return c->c_fn(&ctx, c, argc, argv);
}
