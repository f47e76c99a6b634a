/*
 * cmd_stop.c: "kvm stop name" (the seed's stop: a forced power-off,
 * like switching off the power) and "kvm shutdown [-t seconds] name" (the
 * ACPI power button, then stop after sec seconds).  Both return only
 * when the VM is down: no supervisor, bhyve or loader left, the
 * /dev/vmm instance destroyed and NAME.pid removed.  They also work on
 * what a dead supervisor left behind (an orphan bhyve, a loader, the
 * instance), and then run its postRun, which the dead supervisor
 * could not.  Every wait is bounded and then escalates; a supervisor is
 * waited for on its run lock.  Both hold the VM's admin lock throughout,
 * so a start that comes meanwhile is refused as busy.
 */
#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/argv.h"
#include "core/common.h"
#include "core/util.h"
#include "core/valid.h"
#include "core/vm.h"
#include "host/hook.h"
#include "host/lock.h"
#include "host/paths.h"
#include "host/port.h"
#include "host/runtime.h"
#include "host/spawn.h"
#include "host/swtpm.h"
#include "host/vmload.h"
#include "cmd/cmd.h"

/*
 * Seconds for: the supervisor to end; a SIGKILLed process to go; an
 * orphan bhyve to power off; a loader to honour SIGTERM; the postRun
 * of an orphan (then SIGTERM, and SIGKILL SPAWN_KILL_AFTER later, as
 * the supervisor bounds its own postRun).
 */
#define STOP_SUPERVISOR		30
#define STOP_KILLED		5
#define STOP_POWEROFF		10
#define STOP_LOADER		2
#define STOP_POSTRUN		10
#define SHUTDOWN_DEFAULT	60
#define SHUTDOWN_MAX		86400

static double
stop_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
stop_tick(void)
{
	struct timespec ts = { 0, 100 * 1000000L };

	(void)nanosleep(&ts, NULL);
}

/* What to wait for. */
enum stop_what { W_BHYVE, W_LOADER };

static int
stop_alive(const struct kvm_ctx *ctx, const char *name, enum stop_what w,
    pid_t pid)
{
	(void)ctx;
	switch (w) {
	case W_BHYVE:
		return port_proc_is(pid, "bhyve", name);
	case W_LOADER:
		/* A zombie or a reused pid is no loader of this VM. */
		return port_proc_is(pid, "grub-bhyve", name) ||
		    port_proc_is(pid, "bhyveload", name);
	}
	return 0;
}

/* Wait up to secs for it to be gone; 1 if it went. */
static int
stop_wait(const struct kvm_ctx *ctx, const char *name, enum stop_what w,
    pid_t pid, int secs)
{
	double end = stop_clock() + secs;

	for (;;) {
		if (!stop_alive(ctx, name, w, pid))
			return 1;
		if (stop_clock() >= end)
			return 0;
		stop_tick();
	}
}

static int
stop_bhyvectl(const struct kvm_ctx *ctx, const char *name, const char *what,
    int quiet)
{
	char vmarg[KVM_NAME_MAX + 8], *argv[4];

	snprintf(vmarg, sizeof(vmarg), "--vm=%s", name);
	argv[0] = (char *)(uintptr_t)"bhyvectl";
	argv[1] = vmarg;
	argv[2] = (char *)(uintptr_t)what;
	argv[3] = NULL;
	if (quiet)
		return spawn_capture(ctx, argv, NULL, NULL);
	return spawn_run(ctx, argv);
}

/*
 * End a live supervisor: SIGTERM, then wait on its run lock, which it
 * holds until it ends (no polling); after STOP_SUPERVISOR seconds kill
 * what it runs, then it.  0 with the run lock in *fd (*killed is 1 when
 * the supervisor had to be SIGKILLed, so its postRun did not run), or
 * -1 after a message.
 */
static int
stop_supervisor(const struct kvm_ctx *ctx, const char *name, pid_t sup,
    int *fd, int *killed)
{
	struct vm_runtime rt;
	int r;

	*killed = 0;
	kill(sup, SIGTERM);
	if ((r = lock_vm_wait(ctx, name, STOP_SUPERVISOR, fd)) != 1)
		return r;
	warnx("%s: supervisor (pid %ld) did not end within %d seconds; "
	    "killing the guest", name, (long)sup, STOP_SUPERVISOR);
	if (rt_read(ctx, name, &rt) == 0) {
		if (rt.rt_bhyve != 0)
			kill(rt.rt_bhyve, SIGKILL);
		if (rt.rt_loader != 0 &&
		    stop_alive(ctx, name, W_LOADER, rt.rt_loader))
			kill(rt.rt_loader, SIGKILL);
	}
	if ((r = lock_vm_wait(ctx, name, STOP_KILLED, fd)) != 1)
		return r;
	warnx("%s: supervisor (pid %ld) still there; killed", name,
	    (long)sup);
	kill(sup, SIGKILL);
	*killed = 1;
	if ((r = lock_vm_wait(ctx, name, STOP_KILLED, fd)) != 1)
		return r;
	warnx("%s: supervisor (pid %ld) does not go away", name, (long)sup);
	return -1;
}

/*
 * The supervisor's pid, 0 when nothing holds the run lock.  A start
 * holds it a moment before its supervisor writes NAME.pid: give it
 * STOP_KILLED seconds.  -1 when a path does not fit.
 */
static pid_t
stop_sup_pid(const struct kvm_ctx *ctx, const char *name)
{
	struct vm_runtime rt;
	double end = stop_clock() + STOP_KILLED;

	for (;;) {
		if (rt_read(ctx, name, &rt) == -1)
			return -1;
		if (rt.rt_supervisor != 0 || !lock_held(ctx, name) ||
		    stop_clock() >= end)
			return rt.rt_supervisor;
		stop_tick();
	}
}

/*
 * The run lock, ending the supervisor that holds it; 0 and *fd, or -1
 * after a message.  *killed as for stop_supervisor.
 */
static int
stop_take(const struct kvm_ctx *ctx, const char *name, int *fd, int *killed)
{
	pid_t sup;
	int r;

	*killed = 0;
	if ((sup = stop_sup_pid(ctx, name)) == -1)
		return -1;
	if (sup != 0)
		return stop_supervisor(ctx, name, sup, fd, killed);
	if ((r = lock_vm(ctx, name, fd)) == 1)
		warnx("%s: %s.lock is held by a process that is not its "
		    "supervisor", name, name);
	return r == 0 ? 0 : -1;
}

/*
 * postRun for a VM whose supervisor did not run it (it died, or stop
 * had to kill it), so that taps go and passthru devices return.  VM_EXIT
 * is empty: nobody saw bhyve's exit status.
 */
static void
stop_postrun(const struct kvm_ctx *ctx, const char *name)
{
	struct spawn_bound bound = { ctx, STOP_POSTRUN, NULL };
	struct spawn_runner run = { spawn_run_bounded, &bound };
	char what[KVM_NAME_MAX + 16];
	struct vm vm;
	int r;

	snprintf(what, sizeof(what), "%s: postRun", name);
	bound.sb_what = what;

	if (vm_load(ctx, name, &vm) == -1) {
		warnx("%s: postRun not run", name);
		return;
	}
	if ((r = hook_run(ctx, &vm, "postRun", "", &run)) == 0)
		printf("%s: supervisor gone; ran postRun\n", name);
	else if (r == -1)
		warnx("%s: postRun could not be run", name);
	else
		warnx("%s: postRun failed (exit status %d)", name, r);
	vm_free(&vm);
}

/*
 * A bhyve without supervisor: forced power-off (again each second while
 * bhyvectl fails: a starting bhyve may not have its instance yet), then
 * SIGKILL.
 */
static int
stop_orphan_bhyve(const struct kvm_ctx *ctx, const char *name, pid_t pid)
{
	double end = stop_clock() + STOP_POWEROFF, tried = 0;
	int poff = -1;

	while (stop_alive(ctx, name, W_BHYVE, pid)) {
		if (stop_clock() >= end) {
			warnx("%s: bhyve (pid %ld) did not power off within "
			    "%d seconds; killed", name, (long)pid,
			    STOP_POWEROFF);
			kill(pid, SIGKILL);
			if (stop_wait(ctx, name, W_BHYVE, pid, STOP_KILLED))
				return 0;
			warnx("%s: bhyve (pid %ld) does not go away", name,
			    (long)pid);
			return -1;
		}
		if (poff != 0 && stop_clock() - tried >= 1) {
			tried = stop_clock();
			poff = stop_bhyvectl(ctx, name, "--force-poweroff", 1);
		}
		stop_tick();
	}
	return 0;
}

static int
stop_orphan_loader(const struct kvm_ctx *ctx, const char *name, pid_t pid)
{
	/* NAME.pid may name a pid that is now someone else's. */
	if (!stop_alive(ctx, name, W_LOADER, pid))
		return 0;
	kill(pid, SIGTERM);
	if (stop_wait(ctx, name, W_LOADER, pid, STOP_LOADER))
		return 0;
	kill(pid, SIGKILL);
	if (stop_wait(ctx, name, W_LOADER, pid, STOP_KILLED))
		return 0;
	warnx("%s: loader (pid %ld) does not go away", name, (long)pid);
	return -1;
}

/*
 * Bring the VM down by force, whatever runs; the caller holds the
 * admin lock, so nothing starts it meanwhile.  orphan: its supervisor
 * was gone, so postRun runs here.  Returns 0 when it is down, -1
 * (reported) when something could not be removed.
 */
static int
stop_force(const struct kvm_ctx *ctx, const char *name, int orphan)
{
	struct vm_runtime rt;
	int fd, killed, r, ret = 0;

	/* What is left has no supervisor; hold the lock while cleaning. */
	if (stop_take(ctx, name, &fd, &killed) == -1)
		return -1;
	if (rt_read(ctx, name, &rt) == -1) {
		lock_release(fd);
		return -1;
	}
	if (rt.rt_loader != 0 && stop_orphan_loader(ctx, name,
	    rt.rt_loader) == -1)
		ret = -1;
	if (rt.rt_bhyve != 0 && stop_orphan_bhyve(ctx, name,
	    rt.rt_bhyve) == -1)
		ret = -1;
	if (ret == 0 && rt_read(ctx, name, &rt) == 0 && rt.rt_instance &&
	    (r = stop_bhyvectl(ctx, name, "--destroy", 0)) != 0) {
		warnx("%s: bhyvectl --destroy failed (exit status %d)", name,
		    r);
		ret = -1;
	}
	/* The swtpm of a killed supervisor goes with its bhyve. */
	if (ret == 0 && swtpm_leftover(ctx, name) == -1)
		ret = -1;
	if (ret == 0 && (orphan || killed))
		stop_postrun(ctx, name);
	if (ret == 0)
		rt_remove(ctx, name);
	lock_release(fd);
	return ret;
}

/*
 * The operand: a valid name of an existing VM (set.conf is not read:
 * a VM whose settings broke can still be stopped).  NULL after a
 * message.
 */
static const char *
stop_name(struct kvm_ctx *ctx, const char *name)
{
	if (ctx_load_home(ctx) == -1 || vm_find(ctx, name) == -1)
		return NULL;
	return name;
}

/*
 * 1 if anything of the VM is there (a supervisor, bhyve, ... or a
 * start holding the run lock), with *orphan 1 when its supervisor is
 * gone; else 0 after "not running".
 */
static int
stop_running(const struct kvm_ctx *ctx, const char *name,
    struct vm_runtime *rt, int *orphan)
{
	int held;

	if (rt_read(ctx, name, rt) == -1)
		return -1;
	held = lock_held(ctx, name);
	if (rt_state(rt) == VM_STOPPED && !held) {
		warnx("%s: not running", name);
		return 0;
	}
	*orphan = rt->rt_supervisor == 0 && !held;
	return 1;
}

static int
stop_run(const struct kvm_ctx *ctx, const char *name)
{
	struct vm_runtime rt;
	int orphan;

	if (stop_running(ctx, name, &rt, &orphan) != 1 ||
	    stop_force(ctx, name, orphan) == -1)
		return 1;
	printf("%s: stopped\n", name);
	return 0;
}

/*
 * stop and shutdown hold the VM's admin lock for their whole run, so
 * that no start, rename... comes between; the run lock is the
 * supervisor's.
 */
int
cmd_stop(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	const char *name;
	int admin, r;

	if (getopt(argc, argv, "+") != -1 || argc - optind != 1)
		cmd_usage(cmd);
	if ((name = stop_name(ctx, argv[optind])) == NULL ||
	    lock_admin(ctx, name, &admin) == -1)
		return 1;
	r = stop_run(ctx, name);
	lock_release(admin);
	return r;
}

/*
 * Down without force: no supervisor, bhyve or loader left.  A left
 * over loader or instance without a supervisor has no guest to power
 * off: nothing to wait for.
 */
static int
shutdown_down(const struct kvm_ctx *ctx, const char *name,
    const struct vm_runtime *first, const struct vm_runtime *rt)
{
	if (first->rt_supervisor == 0 && first->rt_bhyve == 0)
		return 1;
	return rt->rt_supervisor == 0 && rt->rt_bhyve == 0 &&
	    (rt->rt_loader == 0 ||
	    !stop_alive(ctx, name, W_LOADER, rt->rt_loader));
}

/* shutdown's options: -t (default SHUTDOWN_DEFAULT), -n, -a. */
struct sd_opts {
	unsigned	 secs;
	int		 all;		/* -a: every running VM */
	int		 nowait;	/* -n: press the button, return */
};

/* Parse them and check the operands: one name, none with -a. */
static void
shutdown_options(const struct cmd *cmd, int argc, char **argv,
    struct sd_opts *o)
{
	char e[KVM_ERR_MAX];
	int ch, t = 0;

	memset(o, 0, sizeof(*o));
	o->secs = SHUTDOWN_DEFAULT;
	while ((ch = getopt(argc, argv, "+ant:")) != -1) {
		switch (ch) {
		case 'a':
			o->all = 1;
			break;
		case 'n':
			o->nowait = 1;
			break;
		case 't':
			t = 1;
			if (valid_uint("-t", optarg, 0, SHUTDOWN_MAX,
			    &o->secs, e, sizeof(e)) == -1) {
				warnx("%s", e);
				cmd_usage(cmd);
			}
			break;
		default:
			cmd_usage(cmd);
		}
	}
	if ((o->nowait && (t || o->all)) ||
	    argc - optind != (o->all ? 0 : 1))
		cmd_usage(cmd);
}

/*
 * The power button: no new run after this one (SIGUSR1 to the
 * supervisor), then SIGTERM to bhyve.  Returns the pid pressed, 0.
 */
static pid_t
shutdown_press(const struct vm_runtime *rt)
{
	if (rt->rt_supervisor != 0)
		kill(rt->rt_supervisor, SIGUSR1);
	if (rt->rt_bhyve != 0)
		kill(rt->rt_bhyve, SIGTERM);
	return rt->rt_bhyve;
}

/* shutdown -n: press the power button and return; exit status. */
static int
shutdown_nowait(const struct kvm_ctx *ctx, const char *name)
{
	struct vm_runtime rt;
	int orphan;

	if (stop_running(ctx, name, &rt, &orphan) != 1)
		return 1;
	shutdown_press(&rt);
	printf("%s: power button pressed\n", name);
	return 0;
}

/* The ACPI power button, a bounded wait, then force; exit status. */
static int
shutdown_run(const struct kvm_ctx *ctx, const char *name, unsigned secs)
{
	struct vm_runtime first, rt;
	pid_t pressed;
	double end;
	int orphan;

	if (stop_running(ctx, name, &first, &orphan) != 1)
		return 1;
	pressed = shutdown_press(&first);
	end = stop_clock() + secs;
	for (;;) {
		if (rt_read(ctx, name, &rt) == -1)
			return 1;
		if (shutdown_down(ctx, name, &first, &rt))
			break;
		/* A bhyve the supervisor started just before SIGUSR1. */
		if (rt.rt_bhyve != 0 && rt.rt_bhyve != pressed) {
			pressed = rt.rt_bhyve;
			kill(pressed, SIGTERM);
		}
		if (stop_clock() >= end) {
			if (stop_force(ctx, name, orphan) == -1)
				return 1;
			printf("%s: did not power off within %u second%s; "
			    "forced off\n", name, secs, secs == 1 ? "" : "s");
			return 0;
		}
		stop_tick();
	}
	/* An orphan's instance and NAME.pid are left to clean. */
	if (stop_force(ctx, name, orphan) == -1)
		return 1;
	printf("%s: powered off\n", name);
	return 0;
}

/* One VM of shutdown -a. */
struct sd_vm {
	const char		*name;
	int			 admin;		/* its admin lock */
	int			 orphan;
	int			 down;
	pid_t			 pressed;
	struct vm_runtime	 first;
};

/*
 * Take the admin lock of each VM that runs and press its power button;
 * the VMs taken are at the start of vms, their count in *np.  1 when
 * some VM could not be taken (reported), else 0.
 */
static int
shutdown_all_press(const struct kvm_ctx *ctx, char **names, size_t n,
    struct sd_vm *vms, size_t *np)
{
	struct sd_vm *v;
	size_t i, k = 0;
	int bad = 0, held, r;

	for (i = 0; i < n; i++) {
		v = &vms[k];
		memset(v, 0, sizeof(*v));
		v->name = names[i];
		if (rt_read(ctx, v->name, &v->first) == -1) {
			bad = 1;
			continue;
		}
		if (rt_state(&v->first) == VM_STOPPED &&
		    !lock_held(ctx, v->name))
			continue;
		if (lock_admin(ctx, v->name, &v->admin) == -1) {
			bad = 1;
			continue;
		}
		/* Again under the admin lock: it may have ended meanwhile. */
		held = lock_held(ctx, v->name);
		if ((r = rt_read(ctx, v->name, &v->first)) == -1 ||
		    (rt_state(&v->first) == VM_STOPPED && !held)) {
			bad |= r == -1;
			lock_release(v->admin);
			continue;
		}
		v->orphan = v->first.rt_supervisor == 0 && !held;
		v->pressed = shutdown_press(&v->first);
		k++;
	}
	*np = k;
	return bad;
}

/* Look at each VM once: clean up and report those that are down. */
static int
shutdown_all_poll(const struct kvm_ctx *ctx, struct sd_vm *vms, size_t n)
{
	struct vm_runtime rt;
	size_t i, left = 0;

	for (i = 0; i < n; i++) {
		if (vms[i].down || rt_read(ctx, vms[i].name, &rt) == -1)
			continue;
		if (!shutdown_down(ctx, vms[i].name, &vms[i].first, &rt)) {
			/* A bhyve the supervisor started just before. */
			if (rt.rt_bhyve != 0 && rt.rt_bhyve != vms[i].pressed)
				vms[i].pressed = shutdown_press(&rt);
			left++;
			continue;
		}
		vms[i].down = 1;
		if (stop_force(ctx, vms[i].name, vms[i].orphan) == 0)
			printf("%s: powered off\n", vms[i].name);
		else
			vms[i].down = -1;
	}
	return (int)left;
}

/*
 * Force off what is still up: every supervisor is asked at once (it
 * forces bhyve off and runs postRun), then each is waited for.
 */
static void
shutdown_all_force(const struct kvm_ctx *ctx, struct sd_vm *vms, size_t n,
    unsigned secs)
{
	struct vm_runtime rt;
	size_t i;

	for (i = 0; i < n; i++)
		if (!vms[i].down && rt_read(ctx, vms[i].name, &rt) == 0 &&
		    rt.rt_supervisor != 0)
			kill(rt.rt_supervisor, SIGTERM);
	for (i = 0; i < n; i++) {
		if (vms[i].down)
			continue;
		if (stop_force(ctx, vms[i].name, vms[i].orphan) == -1) {
			vms[i].down = -1;
			continue;
		}
		vms[i].down = 1;
		printf("%s: did not power off within %u second%s; forced "
		    "off\n", vms[i].name, secs, secs == 1 ? "" : "s");
	}
}

/*
 * shutdown -a: every running VM at once (their own rc.d scripts are
 * stopped one after another, and rc.shutdown's watchdog would cut the
 * later ones off).  Exit 0 when all are down.
 */
static int
shutdown_all(struct kvm_ctx *ctx, unsigned secs)
{
	struct sd_vm *vms;
	char **names;
	size_t n, nvm, i;
	double end;
	int bad;

	if (ctx_load_home(ctx) == -1 || vm_names(ctx, &names, &n) == -1)
		return 1;
	if ((vms = calloc(n + 1, sizeof(*vms))) == NULL)
		err(1, NULL);
	bad = shutdown_all_press(ctx, names, n, vms, &nvm);
	end = stop_clock() + secs;
	while (shutdown_all_poll(ctx, vms, nvm) > 0 && stop_clock() < end)
		stop_tick();
	shutdown_all_force(ctx, vms, nvm, secs);
	for (i = 0; i < nvm; i++) {
		bad |= vms[i].down != 1;
		lock_release(vms[i].admin);
	}
	free(vms);
	strlist_free(names, n);
	return bad;
}

int
cmd_shutdown(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	struct sd_opts o;
	const char *name;
	int admin, r;

	shutdown_options(cmd, argc, argv, &o);
	if (o.all)
		return shutdown_all(ctx, o.secs);
	if ((name = stop_name(ctx, argv[optind])) == NULL ||
	    lock_admin(ctx, name, &admin) == -1)
		return 1;
	if (o.nowait)
		r = shutdown_nowait(ctx, name);
	else
		r = shutdown_run(ctx, name, o.secs);
	lock_release(admin);
	return r;
}
