/*
 * supervise.c: the supervisor of "kvm start" (design.md section 5).
 * One run of the guest is prepare (modules, leftover instance, VNC
 * port), preRun, the loader (grub/bhyveload), bhyve, postRun; sv_next,
 * a pure function, decides from bhyve's exit status what comes next:
 * another run, a restart after a fault (rate-limited), or the end.
 * The driver below performs the steps, answers stop requests (SIGTERM,
 * SIGINT, SIGHUP: force the power off) and end-after-this-run requests
 * (SIGUSR1, from kvm shutdown), and keeps NAME.pid up to date.  The
 * modules (kld.c) and the VNC port (vncport.c) are chosen elsewhere;
 * what happens is said here, in the log or on stderr.
 */
#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host/supervise.h"
#include "core/argv.h"
#include "core/bhyve_argv.h"
#include "core/common.h"
#include "core/sv.h"
#include "core/util.h"
#include "core/vm.h"
#include "host/file.h"
#include "host/hook.h"
#include "host/kld.h"
#include "host/paths.h"
#include "host/runtime.h"
#include "host/spawn.h"
#include "host/vncport.h"

/*
 * Waits: ms between checks of a child; s before a loader is killed
 * after SIGTERM, and bhyve after the forced power-off.
 */
#define SUP_TICK_MS		50
#define SUP_LOADER_KILL		2
#define SUP_POWEROFF_KILL	10

static volatile sig_atomic_t sup_sigstop;	/* the stop signal, 0 none */
static volatile sig_atomic_t sup_siglast;	/* SIGUSR1 seen */

static void
sup_onsignal(int sig)
{
	if (sig == SIGUSR1)
		sup_siglast = 1;
	else
		sup_sigstop = sig;
}

struct sup {
	struct kvm_ctx		*ctx;
	struct vm		*vm;
	struct sv		 sv;
	struct vm_runtime	 rt;
	int			 detached;
	int			 nmdm;	/* com1 on the nmdm pair */
	int			 vnc_auto;	/* VNCport=auto */
	int			 vnc_shown;	/* port last printed, 0 none */
	char			 vmm[PATH_MAX];	/* /dev/vmm/NAME */
	char			 grub[PATH_MAX]; /* pinned grub-bhyve or "" */
};

/*
 * Tell what happened.  Detached, every line goes to the log (stdout)
 * with a timestamp; in the foreground only errors are shown, on
 * stderr, as "kvm: NAME: message".
 */
static void
sup_say(struct sup *s, int error, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));

static void
sup_say(struct sup *s, int error, const char *fmt, ...)
{
	char msg[1024], ts[32];
	struct tm tm;
	va_list ap;
	time_t now;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s->detached) {
		now = time(NULL);
		localtime_r(&now, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
		printf("%s %s: %s\n", ts, s->vm->name, msg);
		fflush(stdout);
	} else if (error)
		fprintf(stderr, "kvm: %s: %s\n", s->vm->name, msg);
}

static double
sup_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
sup_sleep(void)
{
	struct timespec ts = { 0, SUP_TICK_MS * 1000000L };

	/* A signal cuts it short, which is what we want. */
	(void)nanosleep(&ts, NULL);
}

static void
sup_signals(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sup_onsignal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: waits are cut short */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* Take the signal flags into the machine; log each request once. */
static void
sup_check(struct sup *s)
{
	const char *name;
	int sig;

	if ((sig = sup_sigstop) != 0 && !s->sv.sv_stop) {
		s->sv.sv_stop = 1;
		name = sv_signame(sig);
		sup_say(s, 0, "stop requested (%s)", name != NULL ? name :
		    "signal");
	}
	if (sup_siglast && !s->sv.sv_last) {
		s->sv.sv_last = 1;
		sup_say(s, 0, "shutdown requested: no new run (SIGUSR1)");
	}
}

static void
sup_rt_write(struct sup *s)
{
	(void)rt_write(s->ctx, s->vm->name, &s->rt);
}

static int
sup_bhyvectl(struct sup *s, const char *what, int quiet)
{
	char vmarg[KVM_NAME_MAX + 8], *argv[4];

	snprintf(vmarg, sizeof(vmarg), "--vm=%s", s->vm->name);
	argv[0] = (char *)(uintptr_t)"bhyvectl";
	argv[1] = vmarg;
	argv[2] = (char *)(uintptr_t)what;
	argv[3] = NULL;
	if (quiet)
		return spawn_capture(s->ctx, argv, NULL, NULL);
	return spawn_run(s->ctx, argv);
}

static int
sup_destroy(struct sup *s)
{
	int r;

	if ((r = sup_bhyvectl(s, "--destroy", 0)) != 0) {
		sup_say(s, 1, "bhyvectl --destroy failed (exit status %d)", r);
		return -1;
	}
	sup_say(s, 0, "VM instance destroyed");
	return 0;
}

/* Load a kernel module unless it is loaded; say what happened. */
static int
sup_kld(struct sup *s, const char *mod)
{
	int r, status;

	if ((r = kld_load(s->ctx, mod, &status)) == -1) {
		sup_say(s, 1, "cannot load the %s module (kldload exit "
		    "status %d)", mod, status);
		return -1;
	}
	if (r == 1)
		sup_say(s, 0, "loaded the %s module", mod);
	return 0;
}

/*
 * VNCport=auto: the port of the previous run if it is still free, else
 * the first free one from 5900.  The address is printed when it is new.
 */
static int
sup_vnc(struct sup *s)
{
	struct vm *vm = s->vm;
	int port;

	if (vm->console != CONSOLE_VNC)
		return 0;
	if (s->vnc_auto) {
		if ((port = vncport_auto(vm->vnc_bind, vm->vnc_port)) == -1) {
			sup_say(s, 1, "no free VNC port from %d on %s",
			    VNCPORT_FIRST, vm->vnc_bind);
			return -1;
		}
		vm->vnc_port = port;
	}
	if (s->vnc_shown != vm->vnc_port) {
		s->vnc_shown = vm->vnc_port;
		printf("%s: VNC on %s:%d\n", vm->name, vm->vnc_bind,
		    vm->vnc_port);
		fflush(stdout);
		snprintf(s->rt.rt_vnc, sizeof(s->rt.rt_vnc), "%s:%d",
		    vm->vnc_bind, vm->vnc_port);
		sup_rt_write(s);
	}
	return 0;
}

/*
 * Before a run: the modules (first run only), a leftover instance
 * (before the first run, every run of a loaded guest, and a restart
 * after a fault, which may leave an instance bhyve cannot reuse; UEFI
 * re-initialises its own instance on reboot), the VNC port.
 */
static int
sup_prepare(struct sup *s)
{
	int first = s->sv.sv_run == 1;

	if (first && (sup_kld(s, "vmm") == -1 ||
	    (s->nmdm && sup_kld(s, "nmdm") == -1)))
		return -1;
	if ((first || s->sv.sv_loader || s->sv.sv_restarted) &&
	    access(s->vmm, F_OK) == 0 && sup_destroy(s) == -1)
		return -1;
	return sup_vnc(s);
}

/*
 * Wait for a child (the loader or bhyve) while answering requests: a
 * loader is terminated (then killed) on any request; bhyve is forced
 * off on a stop request, and killed if it is still there after
 * SUP_POWEROFF_KILL seconds.  Returns its exit status, -1 on error.
 */
static int
sup_wait(struct sup *s, pid_t pid, int is_bhyve)
{
	double t0 = 0, tried = 0, now;
	int st, r, killed = 0, poff = -1;

	for (;;) {
		if ((r = spawn_poll(pid, &st)) != 0)
			return r == 1 ? st : -1;
		sup_check(s);
		now = sup_clock();
		if (!is_bhyve && (s->sv.sv_stop || s->sv.sv_last)) {
			if (t0 == 0) {
				t0 = now;
				kill(pid, SIGTERM);
			} else if (!killed && now - t0 >= SUP_LOADER_KILL) {
				killed = 1;
				kill(pid, SIGKILL);
			}
		}
		if (is_bhyve && s->sv.sv_stop) {
			if (t0 == 0)
				t0 = now;
			/* Retried while bhyve has not created its instance. */
			if (poff != 0 && now - tried >= 1) {
				tried = now;
				poff = sup_bhyvectl(s, "--force-poweroff", 1);
				if (poff == 0)
					sup_say(s, 0, "forced power-off");
			}
			if (!killed && now - t0 >= SUP_POWEROFF_KILL) {
				killed = 1;
				sup_say(s, 1, "bhyve did not power off within "
				    "%d seconds; killed", SUP_POWEROFF_KILL);
				kill(pid, SIGKILL);
			}
		}
		sup_sleep();
	}
}

static const char *
sup_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

/* grub: device.map, then grub-bhyve; bhyveload.  Its exit status. */
static int
sup_loader(struct sup *s)
{
	struct vm *vm = s->vm;
	char path[PATH_MAX], name[32], *map;
	struct argv av;
	pid_t pid;
	int st;

	if (vm->rom == ROM_GRUB) {
		if (pathf(path, sizeof(path), "%s/device.map", vm->dir) == -1)
			return -1;
		map = grub_devicemap(vm);
		st = file_write_atomic(path, map, strlen(map), 0644);
		free(map);
		if (st == -1)
			return -1;
	}
	argv_init(&av);
	if (loader_argv(vm, s->ctx->rootdir, s->detached,
	    s->grub[0] != '\0' ? s->grub : NULL, &av) != 1) {
		argv_free(&av);
		return -1;
	}
	strlcpy(name, sup_base(av.av_v[0]), sizeof(name));
	pid = spawn_start(s->ctx, av.av_v);
	argv_free(&av);
	if (pid == -1)
		return -1;
	s->rt.rt_loader = pid;
	sup_rt_write(s);
	sup_say(s, 0, "%s started (pid %ld)", name, (long)pid);
	st = sup_wait(s, pid, 0);
	s->rt.rt_loader = 0;
	sup_rt_write(s);
	if (s->sv.sv_stop || s->sv.sv_last)
		sup_say(s, 0, "%s ended (exit status %d)", name, st);
	else if (st != 0)
		sup_say(s, 1, "%s failed (exit status %d)", name, st);
	else
		sup_say(s, 0, "%s loaded the guest", name);
	return st;
}

/* Print the command line, run bhyve; its exit status, -1 not run. */
static int
sup_bhyve(struct sup *s)
{
	char meaning[64], *line;
	struct argv av;
	pid_t pid;
	int st;

	argv_init(&av);
	if (bhyve_argv(s->vm, s->ctx->rootdir, s->detached, &av) == -1) {
		argv_free(&av);
		return -1;
	}
	line = argv_join(&av);
	printf("%s\n", line);
	fflush(stdout);
	free(line);
	pid = spawn_start(s->ctx, av.av_v);
	argv_free(&av);
	if (pid == -1)
		return -1;
	s->rt.rt_bhyve = pid;
	sup_rt_write(s);
	sup_say(s, 0, "bhyve started (pid %ld)", (long)pid);
	st = sup_wait(s, pid, 1);
	s->rt.rt_bhyve = 0;
	sup_rt_write(s);
	sup_say(s, 0, "bhyve exited with status %d (%s)", st,
	    sv_meaning(st, meaning, sizeof(meaning)));
	return st;
}

static int
sup_hook(struct sup *s, const char *fn)
{
	char status[16];
	int r;

	status[0] = '\0';
	if (s->sv.sv_status != -1)
		snprintf(status, sizeof(status), "%d", s->sv.sv_status);
	r = hook_run(s->ctx, s->vm, fn, strcmp(fn, "postRun") == 0 ?
	    status : NULL);
	if (r == -1)
		sup_say(s, 1, "%s could not be run", fn);
	else if (r != 0)
		sup_say(s, 1, "%s failed (exit status %d)", fn, r);
	return r;
}

/* What a transition out of postRun means, said once. */
static void
sup_report(struct sup *s)
{
	char meaning[64];
	const struct sv *sv = &s->sv;

	sv_meaning(sv->sv_status, meaning, sizeof(meaning));
	if (sv->sv_restarted)
		sup_say(s, 1, "bhyve exited with status %d (%s); restarting "
		    "(%d of %d within %d seconds)", sv->sv_status, meaning,
		    sv->sv_nrestart, SV_RESTART_MAX, SV_RESTART_WINDOW);
	else if (sv->sv_state == SV_PREPARE)
		sup_say(s, 0, "guest rebooted: run %d", sv->sv_run);
	else if (sv->sv_end == SVEND_FAULT)
		sup_say(s, 1, "bhyve exited with status %d (%s); not "
		    "restarting (OnFault=stop)", sv->sv_status, meaning);
	else if (sv->sv_end == SVEND_GIVEUP)
		sup_say(s, 1, "bhyve exited with status %d (%s); not "
		    "restarting: %d restarts within %d seconds",
		    sv->sv_status, meaning, SV_RESTART_MAX,
		    SV_RESTART_WINDOW);
}

static int
sup_step(struct sup *s)
{
	switch (s->sv.sv_state) {
	case SV_PREPARE:
		return sup_prepare(s);
	case SV_PRERUN:
		return sup_hook(s, "preRun");
	case SV_LOADER:
		return sup_loader(s);
	case SV_BHYVE:
		return sup_bhyve(s);
	case SV_POSTRUN:
		return sup_hook(s, "postRun");
	case SV_END:
		break;
	}
	return -1;
}

static int
sup_init(struct sup *s, struct kvm_ctx *ctx, struct vm *vm, int detached)
{
	memset(s, 0, sizeof(*s));
	s->ctx = ctx;
	s->vm = vm;
	s->detached = detached;
	s->nmdm = vm->com == COM_NMDM || (vm->com == COM_DEFAULT && detached);
	s->vnc_auto = vm->console == CONSOLE_VNC && vm->vnc_port == 0;
	if (pathf(s->vmm, sizeof(s->vmm), "%s/dev/vmm/%s", ctx->rootdir,
	    vm->name) == -1 ||
	    pathf(s->grub, sizeof(s->grub), "%s/firmware/grub-bhyve",
	    vm->home) == -1)
		return -1;
	if (access(s->grub, X_OK) == -1)
		s->grub[0] = '\0';
	s->rt.rt_supervisor = getpid();
	s->rt.rt_started = time(NULL);
	if (s->nmdm && vm_nmdm(vm, ctx->rootdir, 'B', s->rt.rt_console,
	    sizeof(s->rt.rt_console)) == NULL)
		s->rt.rt_console[0] = '\0';
	sv_init(&s->sv, vm->rom == ROM_GRUB || vm->rom == ROM_BHYVELOAD,
	    vm->onfault == ONFAULT_RESTART);
	return rt_write(ctx, vm->name, &s->rt);
}

int
supervise(struct kvm_ctx *ctx, struct vm *vm, int detached)
{
	enum sv_state prev;
	struct sup s;
	int r, code;

	sup_signals();
	if (sup_init(&s, ctx, vm, detached) == -1)
		return 1;
	sup_say(&s, 0, "start (supervisor pid %ld)", (long)getpid());
	while ((prev = s.sv.sv_state) != SV_END) {
		sup_check(&s);
		r = sup_step(&s);
		sup_check(&s);
		sv_next(&s.sv, r, (time_t)sup_clock());
		if (prev == SV_POSTRUN)
			sup_report(&s);
	}
	code = sv_exitcode(&s.sv);
	if (access(s.vmm, F_OK) == 0 && sup_destroy(&s) == -1)
		code = 1;
	rt_remove(ctx, vm->name);
	if (code == 0)
		sup_say(&s, 0, "stopped");
	else
		sup_say(&s, 0, "stopped (exit status %d)", code);
	return code;
}
