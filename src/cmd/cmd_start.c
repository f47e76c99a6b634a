/*
 * cmd_start.c: "kvm start [-d] name", the seed's start script.  Checks
 * everything that can be checked before the guest runs, refuses a VM
 * that runs (its lock is held) or whose bhyve or loader outlived its
 * supervisor, then becomes the supervisor, in the foreground or (-d)
 * detached with its output appended to the VM's kvm.log.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/argv.h"
#include "core/common.h"
#include "core/util.h"
#include "core/vm.h"
#include "host/lock.h"
#include "host/paths.h"
#include "host/port.h"
#include "host/runtime.h"
#include "host/spawn.h"
#include "host/supervise.h"
#include "host/vmload.h"
#include "cmd/cmd.h"

/* Why a VM that cannot be locked or has left-overs is refused. */
static void
start_refuse(const struct kvm_ctx *ctx, const char *name, int locked)
{
	struct vm_runtime rt;
	pid_t pid;

	if (rt_read(ctx, name, &rt) == -1)
		memset(&rt, 0, sizeof(rt));
	if (locked) {
		/* The pid kvm status shows; the supervisor's before bhyve. */
		pid = rt.rt_bhyve != 0 ? rt.rt_bhyve : rt.rt_supervisor;
		if (pid != 0)
			warnx("%s: already running (pid %ld)", name,
			    (long)pid);
		else
			warnx("%s: already running", name);
	} else if (rt.rt_bhyve != 0)
		warnx("%s: already running (pid %ld) without a supervisor; "
		    "stop it first", name, (long)rt.rt_bhyve);
	else
		warnx("%s: loader still running (pid %ld) without a "
		    "supervisor; stop it first", name, (long)rt.rt_loader);
}

/* 1 if a loader of the VM outlived its supervisor. */
static int
start_loader(const struct vm_runtime *rt, const char *name)
{
	return rt->rt_loader != 0 &&
	    (port_proc_is(rt->rt_loader, "grub-bhyve", name) ||
	    port_proc_is(rt->rt_loader, "bhyveload", name));
}

/*
 * The detached supervisor works from /, so that it keeps no dataset
 * busy: a relative KVM_ROOTDIR becomes absolute first.
 */
static int
start_rootdir(struct kvm_ctx *ctx)
{
	static char root[PATH_MAX];

	if (ctx->rootdir[0] == '\0' || ctx->rootdir[0] == '/')
		return 0;
	if (realpath(ctx->rootdir, root) == NULL) {
		warn("%s", ctx->rootdir);
		return -1;
	}
	if (setenv("KVM_ROOTDIR", root, 1) == -1) {
		warn("setenv");
		return -1;
	}
	ctx->rootdir = root;
	return 0;
}

int
cmd_start(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	struct vm_runtime rt;
	char e[KVM_ERR_MAX], log[PATH_MAX];
	struct vm vm;
	int ch, detach = 0, fd, r;
	pid_t pid;

	while ((ch = getopt(argc, argv, "+d")) != -1) {
		switch (ch) {
		case 'd':
			detach = 1;
			break;
		default:
			cmd_usage(cmd);
		}
	}
	if (argc - optind != 1)
		cmd_usage(cmd);
	if (ctx_load_home(ctx) == -1 || vm_load(ctx, argv[optind], &vm) == -1)
		return 1;
	if (vm_check_files(&vm, e, sizeof(e)) == -1) {
		warnx("%s", e);
		goto fail;
	}
	if (detach && vm.com == COM_STDIO) {
		warnx("%s: Com is stdio, which needs start in the foreground "
		    "(without -d)", vm.name);
		goto fail;
	}
	if ((r = lock_vm(ctx, vm.name, &fd)) != 0) {
		if (r == 1)
			start_refuse(ctx, vm.name, 1);
		goto fail;
	}
	if (rt_read(ctx, vm.name, &rt) == -1)
		goto unlock;
	if (rt.rt_bhyve != 0 || start_loader(&rt, vm.name)) {
		start_refuse(ctx, vm.name, 0);
		goto unlock;
	}
	if (detach) {
		if (pathf(log, sizeof(log), "%s/kvm.log", vm.dir) == -1 ||
		    start_rootdir(ctx) == -1 ||
		    (pid = spawn_detach(log)) == -1)
			goto unlock;
		if (pid > 0) {
			/* The child holds the lock now (the same open file). */
			printf("%s: started (log %s)\n", vm.name, log);
			lock_release(fd);
			vm_free(&vm);
			return 0;
		}
	}
	r = supervise(ctx, &vm, detach);
	lock_release(fd);
	vm_free(&vm);
	return r;
unlock:
	lock_release(fd);
fail:
	vm_free(&vm);
	return 1;
}
