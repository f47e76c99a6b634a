/*
 * cmd_status.c: "kvm status" and "kvm list", the seed's status and
 * vmlist.  Both only read kvm.conf, the VM directories, the runtime
 * files under /var/run/kvm and what the kernel says about the pids in
 * them (port_proc_is); they never start a process and never parse
 * set.conf, so a monitoring loop or a list of a thousand VMs stays
 * cheap.
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
#include "host/paths.h"
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
 * exist).  Exit 0 while the VM is up (running, orphan, starting).
 */
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
		return 1;
	memset(&rt, 0, sizeof(rt));
	if (valid_name(name, e, sizeof(e)) == -1 || !vm_exists(ctx, name)) {
		pid = -1;
		state = "none";
	} else {
		if (rt_read(ctx, name, &rt) == -1)
			return 1;
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
		return 1;
	}
	return pid != -1 && state_up(s) ? 0 : 1;
}

/* One line of kvm list. */
struct row {
	const char	*name;
	enum vm_state	 state;
	pid_t		 pid;		/* bhyve */
	pid_t		 supervisor;
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
		json_object_close(&js);
	}
	json_array_close(&js);
}

static void
list_text(const struct row *rows, const size_t *order, size_t n)
{
	const struct row *r;
	size_t i;
	int w = 4;

	for (i = 0; i < n; i++)
		if ((int)strlen(rows[i].name) > w)
			w = (int)strlen(rows[i].name);
	printf("%-*s  %-8s  %s\n", w, "NAME", "STATE", "PID");
	for (i = 0; i < n; i++) {
		r = &rows[order[i]];
		if (r->pid != 0)
			printf("%-*s  %-8s  %ld\n", w, r->name,
			    rt_state_name(r->state), (long)r->pid);
		else
			printf("%-*s  %-8s  -\n", w, r->name,
			    rt_state_name(r->state));
	}
}

/*
 * kvm list [-j]: every VM, those that are up first, then the others,
 * each group in name order, with the bhyve pid.  Only the runtime
 * files are read, not set.conf: on zfs-fuse reading a thousand
 * set.conf files alone takes longer than the whole list may (kvm info
 * shows the settings).
 */
int
cmd_list(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	struct vm_runtime rt;
	struct row *rows;
	char **names;
	size_t n, i, k, *order;
	int json, pass;

	if (opt_json(cmd, &argc, &argv, &json) != 0)
		cmd_usage(cmd);
	if (ctx_load_home(ctx) == -1 || vm_names(ctx, &names, &n) == -1)
		return 1;
	if ((rows = calloc(n + 1, sizeof(*rows))) == NULL ||
	    (order = calloc(n + 1, sizeof(*order))) == NULL)
		err(1, NULL);
	for (i = 0; i < n; i++) {
		if (rt_read(ctx, names[i], &rt) == -1)
			return 1;
		rows[i].name = names[i];
		rows[i].state = rt_state(&rt);
		rows[i].pid = rt.rt_bhyve;
		rows[i].supervisor = rt.rt_supervisor;
	}
	/* vm_names sorted them: a stable split keeps the name order. */
	for (pass = 1, k = 0; pass >= 0; pass--)
		for (i = 0; i < n; i++)
			if (state_up(rows[i].state) == pass)
				order[k++] = i;
	if (json)
		list_json(rows, order, n);
	else
		list_text(rows, order, n);
	free(order);
	free(rows);
	strlist_free(names, n);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warn("stdout");
		return 1;
	}
	return 0;
}
