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
#include "host/cloudinit.h"
#include "host/hook.h"
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

/* The VM's files are there and its Com fits -d; -1 after a message. */
static int
start_startable(const struct vm *vm, int detach)
{
	char e[KVM_ERR_MAX];

	if (vm_check_files(vm, e, sizeof(e)) == -1) {
		warnx("%s", e);
		return -1;
	}
	if (detach && vm->com == COM_STDIO) {
		warnx("%s: Com is stdio, which needs start in the foreground "
		    "(without -d)", vm->name);
		return -1;
	}
	return 0;
}

/*
 * Go to the background, logging to the VM's kvm.log: 0 in the child,
 * which goes on to supervise; 1 in the parent, after "started" and
 * releasing its copy of the lock (the child holds the same open file);
 * -1 after a message when it could not.
 */
static int
start_detach(struct kvm_ctx *ctx, const struct vm *vm, int fd)
{
	char log[PATH_MAX];
	pid_t pid;

	if (pathf(log, sizeof(log), "%s/kvm.log", vm->dir) == -1 ||
	    start_rootdir(ctx) == -1 || (pid = spawn_detach(log)) == -1)
		return -1;
	if (pid == 0)
		return 0;
	printf("%s: started (log %s)\n", vm->name, log);
	lock_release(fd);
	return 1;
}

/*
 * Take the run lock and check nothing of the VM is left running, under
 * the admin lock (held by the caller).  0 and *fd, or 1 after a message.
 */
static int
start_lock(const struct kvm_ctx *ctx, const struct vm *vm, int *fd)
{
	struct vm_runtime rt;
	int r;

	if ((r = lock_vm(ctx, vm->name, fd)) != 0) {
		if (r == 1)
			start_refuse(ctx, vm->name, 1);
		return 1;
	}
	if (rt_read(ctx, vm->name, &rt) == -1) {
		lock_release(*fd);
		return 1;
	}
	if (rt.rt_bhyve != 0 || start_loader(&rt, vm->name)) {
		start_refuse(ctx, vm->name, 0);
		lock_release(*fd);
		return 1;
	}
	return 0;
}

/* Rebuild the cloud-init seed when its inputs changed. */
static int
start_seed(const struct kvm_ctx *ctx, const struct vm *vm)
{
	int r;

	if ((r = cloudinit_seed(ctx, vm)) == 1)
		printf("%s: cloud-init seed built (%s/cidata.iso)\n", vm->name,
		    vm->dir);
	fflush(stdout);
	return r == -1 ? -1 : 0;
}

int
cmd_start(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	struct vm vm;
	int admin, ch, detach = 0, fd, r;

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
	/* The admin lock until the run lock is ours: no stop, rename... */
	if (ctx_load_home(ctx) == -1 || vm_admin(ctx, argv[optind], &admin) ==
	    -1)
		return 1;
	r = vm_load(ctx, argv[optind], &vm);
	if (r == 0 && (start_startable(&vm, detach) == -1 ||
	    hook_library_sync(ctx) == -1 || start_lock(ctx, &vm, &fd) != 0)) {
		vm_free(&vm);
		r = -1;
	}
	/* Under both locks: the seed follows a rename or edited files. */
	if (r == 0 && vm.cloudinit && start_seed(ctx, &vm) == -1) {
		lock_release(fd);
		vm_free(&vm);
		r = -1;
	}
	/* Handed over: from here the run lock keeps others off. */
	lock_release(admin);
	if (r == -1)
		return 1;
	if (detach && (r = start_detach(ctx, &vm, fd)) != 0) {
		if (r == -1)
			lock_release(fd);
		vm_free(&vm);
		return r == -1 ? 1 : 0;
	}
	r = supervise(ctx, &vm, detach);
	lock_release(fd);
	vm_free(&vm);
	return r;
}
