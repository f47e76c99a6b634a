/*
 * cmd_status.c: "kvm status" and "kvm list", the seed's status and
 * vmlist.  Both only read kvm.conf, the VM directories, the runtime
 * files under /var/run/kvm and what the kernel says about the pids in
 * them (port_proc_is); they never start a process and, but for list
 * -l, never parse set.conf, so a monitoring loop or a list of a
 * thousand VMs stays cheap.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/argv.h"
#include "core/common.h"
#include "core/json.h"
#include "core/util.h"
#include "core/valid.h"
#include "core/vm.h"
#include "host/paths.h"
#include "host/rcconf.h"
#include "host/runtime.h"
#include "host/vmload.h"
#include "cmd/cmd.h"

/* Up: something of the VM runs under kvm's eyes (status exits 0). */
static int
state_up(enum vm_state s)
{
	return s == VM_RUNNING || s == VM_ORPHAN || s == VM_STARTING;
}

/* Parse the command's only option, -j; returns the operands left. */
static int
opt_json(const struct cmd *cmd, int *argcp, char ***argvp, int *json)
{
	int ch;

	*json = 0;
	while ((ch = getopt(*argcp, *argvp, "+j")) != -1) {
		if (ch != 'j')
			cmd_usage(cmd);
		*json = 1;
	}
	*argcp -= optind;
	*argvp += optind;
	return *argcp;
}

/*
 * kvm status [-j] name: the bhyve pid, 0 when the VM does not run, -1
 * when there is no such VM (an invalid name included: it cannot
 * exist).  Exit 0 while the VM is up (running, orphan, starting: pid
 * 0 while the supervisor has not started bhyve yet), 1 when it is not
 * or does not exist, and STATUS_ERROR, with nothing on stdout, when
 * it could not be told (so rc scripts do not take an error for "not
 * running").
 */
#define STATUS_ERROR	3

int
cmd_status(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	char e[KVM_ERR_MAX];
	struct vm_runtime rt;
	struct json js;
	const char *name, *state;
	enum vm_state s = VM_STOPPED;
	long long pid;
	int json;

	if (opt_json(cmd, &argc, &argv, &json) != 1)
		cmd_usage(cmd);
	name = argv[0];
	if (ctx_load_home(ctx) == -1)
		return STATUS_ERROR;
	memset(&rt, 0, sizeof(rt));
	if (valid_name(name, e, sizeof(e)) == -1 || !vm_exists(ctx, name)) {
		pid = -1;
		state = "none";
	} else {
		if (rt_read(ctx, name, &rt) == -1)
			return STATUS_ERROR;
		s = rt_state(&rt);
		pid = rt.rt_bhyve;
		state = rt_state_name(s);
	}
	if (json) {
		json_init(&js, stdout);
		json_object_open(&js, NULL);
		json_string(&js, "name", name);
		json_string(&js, "state", state);
		json_int(&js, "pid", pid);
		json_int(&js, "supervisor", rt.rt_supervisor);
		json_object_close(&js);
	} else
		printf("%lld\n", pid);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warn("stdout");
		return STATUS_ERROR;
	}
	return pid != -1 && state_up(s) ? 0 : 1;
}

/* One line of kvm list; the settings only with -l. */
struct row {
	const char	*name;
	enum vm_state	 state;
	pid_t		 pid;		/* bhyve */
	pid_t		 supervisor;
	int		 loaded;	/* set.conf read: the fields below */
	const char	*loader;
	unsigned	 cpus;
	char		 mem[32];
	char		 vnc[96];	/* ADDR:PORT, ADDR:auto, "" no VNC */
	int		 autostart;
};

static void
list_json(const struct row *rows, const size_t *order, size_t n)
{
	const struct row *r;
	struct json js;
	size_t i;

	json_init(&js, stdout);
	json_array_open(&js, NULL);
	for (i = 0; i < n; i++) {
		r = &rows[order[i]];
		json_object_open(&js, NULL);
		json_string(&js, "name", r->name);
		json_string(&js, "state", rt_state_name(r->state));
		json_int(&js, "pid", r->pid);
		json_int(&js, "supervisor", r->supervisor);
		if (r->loaded) {
			json_string(&js, "loader", r->loader);
			json_int(&js, "cpus", r->cpus);
			json_string(&js, "memory", r->mem);
			json_string(&js, "vnc", r->vnc[0] != '\0' ? r->vnc :
			    NULL);
			json_bool(&js, "autostart", r->autostart);
		}
		json_object_close(&js);
	}
	json_array_close(&js);
}

/* The settings columns of list -l ("?" for a VM whose set.conf is bad). */
static void
list_long(const struct row *r, int vw)
{
	if (!r->loaded) {
		printf("  %-9s  %3s  %-6s  %-*s  %s", "?", "?", "?", vw, "?",
		    "?");
		return;
	}
	printf("  %-9s  %3u  %-6s  %-*s  %s", r->loader, r->cpus, r->mem, vw,
	    r->vnc[0] != '\0' ? r->vnc : "-", r->autostart ? "yes" : "no");
}

static void
list_text(const struct row *rows, const size_t *order, size_t n, int lng)
{
	const struct row *r;
	char pid[24];
	size_t i;
	int w = 4, vw = 3;

	for (i = 0; i < n; i++) {
		if ((int)strlen(rows[i].name) > w)
			w = (int)strlen(rows[i].name);
		if ((int)strlen(rows[i].vnc) > vw)
			vw = (int)strlen(rows[i].vnc);
	}
	printf("%-*s  %-8s  %s", w, "NAME", "STATE", lng ? "PID    " : "PID");
	if (lng)
		printf("  %-9s  %3s  %-6s  %-*s  %s", "LOADER", "CPU",
		    "MEMORY", vw, "VNC", "AUTO");
	putchar('\n');
	for (i = 0; i < n; i++) {
		r = &rows[order[i]];
		if (r->pid != 0)
			snprintf(pid, sizeof(pid), "%ld", (long)r->pid);
		else
			strlcpy(pid, "-", sizeof(pid));
		printf("%-*s  %-8s  %-*s", w, r->name, rt_state_name(r->state),
		    lng ? 7 : 0, pid);
		if (lng)
			list_long(r, vw);
		putchar('\n');
	}
}

/*
 * list -l: what set.conf says of the VM, read and checked as a start
 * would (a bad one is reported and shown as "?"), the VNC address the
 * supervisor uses when it runs, and whether rc starts it at boot.
 * 0, or 1 after a VM could not be read.
 */
static int
list_settings(struct kvm_ctx *ctx, struct row *r, const char *rcconf,
    const struct vm_runtime *rt)
{
	struct vm vm;

	if (vm_load(ctx, r->name, &vm) == -1)
		return 1;
	r->loaded = 1;
	r->loader = vm_rom_name(vm.rom);
	r->cpus = vm.cores;
	strlcpy(r->mem, vm.memstr, sizeof(r->mem));
	if (vm.console == CONSOLE_VNC) {
		if (state_up(r->state) && rt->rt_vnc[0] != '\0')
			strlcpy(r->vnc, rt->rt_vnc, sizeof(r->vnc));
		else if (vm.vnc_port == 0)
			snprintf(r->vnc, sizeof(r->vnc), "%s:auto",
			    vm.vnc_bind);
		else
			snprintf(r->vnc, sizeof(r->vnc), "%s:%d", vm.vnc_bind,
			    vm.vnc_port);
	}
	r->autostart = rcconf_autostart(ctx, rcconf, r->name);
	vm_free(&vm);
	return 0;
}

/* -j and -l; the operands left (none are allowed). */
static int
list_opts(const struct cmd *cmd, int *argcp, char ***argvp, int *json,
    int *lng)
{
	int ch;

	*json = *lng = 0;
	while ((ch = getopt(*argcp, *argvp, "+jl")) != -1) {
		if (ch == 'j')
			*json = 1;
		else if (ch == 'l')
			*lng = 1;
		else
			cmd_usage(cmd);
	}
	*argcp -= optind;
	*argvp += optind;
	return *argcp;
}

/*
 * kvm list [-jl]: every VM, those that are up first, then the others,
 * each group in name order, with the bhyve pid.  Plain list reads only
 * the runtime files, not set.conf: on zfs-fuse reading a thousand
 * set.conf files alone takes longer than the whole list may.  -l reads
 * them, and rc.conf once, for the columns vm-bhyve's list has.
 */
int
cmd_list(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	struct vm_runtime rt;
	struct row *rows;
	char **names, *rcconf = NULL;
	size_t n, i, k, *order;
	int json, lng, pass, bad = 0;

	if (list_opts(cmd, &argc, &argv, &json, &lng) != 0)
		cmd_usage(cmd);
	if (ctx_load_home(ctx) == -1 || vm_names(ctx, &names, &n) == -1)
		return 1;
	if ((rows = calloc(n + 1, sizeof(*rows))) == NULL ||
	    (order = calloc(n + 1, sizeof(*order))) == NULL)
		err(1, NULL);
	if (lng && rcconf_read(ctx, &rcconf) == -1)
		return 1;
	for (i = 0; i < n; i++) {
		if (rt_read(ctx, names[i], &rt) == -1)
			return 1;
		rows[i].name = names[i];
		rows[i].state = rt_state(&rt);
		rows[i].pid = rt.rt_bhyve;
		rows[i].supervisor = rt.rt_supervisor;
		if (lng)
			bad |= list_settings(ctx, &rows[i], rcconf, &rt);
	}
	free(rcconf);
	/* vm_names sorted them: a stable split keeps the name order. */
	for (pass = 1, k = 0; pass >= 0; pass--)
		for (i = 0; i < n; i++)
			if (state_up(rows[i].state) == pass)
				order[k++] = i;
	if (json)
		list_json(rows, order, n);
	else
		list_text(rows, order, n, lng);
	free(order);
	free(rows);
	strlist_free(names, n);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warn("stdout");
		return 1;
	}
	return bad;
}
