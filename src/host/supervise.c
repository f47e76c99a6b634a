/*
 * supervise.c: the supervisor of "kvm start" (design.md section 5).
 * One run of the guest is prepare (modules, leftover instance, VNC
 * port), preRun, the loader (grub/bhyveload), bhyve, postRun; sv_next,
 * a pure function, decides from bhyve's exit status what comes next:
 * another run, a restart after a fault (rate-limited), or the end.
 * The driver below performs the steps, answers stop requests (SIGTERM,
 * SIGINT, SIGHUP: force the power off) and end-after-this-run requests
 * (SIGUSR1, from kvm shutdown), and keeps NAME.pid up to date.  With
 * TPM=swtpm each run has a swtpm (swtpm.c), started before bhyve and
 * ended after it (sup_swtpm_start, sup_swtpm_stop).  The
 * modules (kld.c) and the VNC port (vncport.c) are chosen elsewhere;
 * what happens is said here, in the log or on stderr.
 *
 * It sleeps until something happens.  The signals it answers, and
 * SIGCHLD, are blocked for its whole life and taken with sigwaitinfo,
 * or sigtimedwait when a deadline is pending (an escalation after a
 * stop request); a SIGCHLD wakes it to reap with waitpid(WNOHANG).
 * While the guest runs there is no deadline and no wake-up at all.
 * Why this and not the alternatives:
 *  - it is the same POSIX code on FreeBSD and Linux; kqueue
 *    (EVFILT_PROC, EVFILT_SIGNAL) is FreeBSD's only and would need a
 *    second, separately tested path for the test bench;
 *  - a blocked signal stays pending until it is asked for, so there is
 *    no window between testing a flag and going to sleep (the race a
 *    handler plus pause(), or a polling loop, has to work around), no
 *    async-signal-safety question, and no self-pipe descriptor that
 *    children could inherit;
 *  - SIGCHLDs coalesce, and a nested wait (bhyvectl while bhyve runs)
 *    may take the one meant for bhyve: so every wait loop asks waitpid
 *    before it sleeps, and a stray SIGCHLD costs one extra wake-up.
 * Children do not inherit the mask: spawn.c resets it for each.
 *
 * Every child runs through sup_wait, which knows the deadlines: after a
 * stop request, preRun and the loader get SIGTERM at once, postRun
 * after SUP_POSTRUN_STOP seconds (it still runs: taps are destroyed,
 * devices given back), bhyvectl, kldstat and kldload after
 * SUP_TOOL_STOP; then SIGKILL SUP_TERM_KILL seconds later.  A hook gets
 * them as a process group (hook.c).  bhyve is forced off (bhyvectl
 * --force-poweroff) and killed after SUP_POWEROFF_KILL seconds.  So a
 * stop ends within SUP_TERM_KILL + SUP_POSTRUN_STOP + SUP_TERM_KILL
 * (+ SUP_TOOL_STOP + SUP_TERM_KILL for bhyvectl --destroy) seconds of
 * hung children at most, well inside kvm stop's own wait.
 *
 * Nothing here exits the process: SIGPIPE is ignored (a "kvm start web
 * | head -1" that closed its end leaves the guest supervised; output
 * then fails quietly), and the modules it calls return -1.
 */
#include <sys/types.h>
#include <sys/wait.h>

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
#include "host/swtpm.h"
#include "host/vncport.h"

/* Deadlines, in seconds (see above). */
#define SUP_TERM_KILL		3	/* SIGTERM, then SIGKILL */
#define SUP_POSTRUN_STOP	10	/* postRun's time after a stop */
#define SUP_TOOL_STOP		5	/* bhyvectl, kld*'s after a stop */
#define SUP_POWEROFF_KILL	10	/* bhyve's after the forced power-off */
#define SUP_POWEROFF_RETRY	1	/* bhyvectl again, no instance yet */
#define SUP_SWTPM_READY		5	/* swtpm's time to listen */
#define SUP_SWTPM_LOOK		0.02	/* ... looked at this often */

/* What a child is, which says how a request ends it. */
enum sup_kind {
	SK_TOOL,	/* bhyvectl, kldstat, kldload */
	SK_PRERUN,
	SK_POSTRUN,
	SK_LOADER,
	SK_BHYVE,
	SK_SWTPM	/* waited for only to be ended */
};

struct sup_child {
	pid_t		 c_pid;
	enum sup_kind	 c_kind;
	int		 c_pgroup;	/* leads its process group */
	const char	*c_name;	/* for the log */
	double		 c_started;
	double		 c_termed;	/* SIGTERM sent at, 0 not yet */
	int		 c_killed;	/* SIGKILL sent */
	int		 c_poff;	/* bhyve: power-off forced */
	double		 c_poff_next;	/* bhyve: try bhyvectl again at */
};

struct sup {
	struct kvm_ctx		*ctx;
	struct vm		*vm;
	struct sv		 sv;
	struct vm_runtime	 rt;
	sigset_t		 sigs;	/* blocked for life, waited for */
	double			 stop_at;	/* stop requested at, 0 none */
	int			 detached;
	int			 nmdm;	/* com1 on the nmdm pair */
	int			 vnc_auto;	/* VNCport=auto */
	int			 vnc_shown;	/* port last printed, 0 none */
	int			 vnc_fd;	/* reservation (vncport.h) */
	char			 vmm[PATH_MAX];	/* /dev/vmm/NAME */
	char			 grub[PATH_MAX]; /* pinned grub-bhyve or "" */
	struct swtpm		 sw;	/* TPM=swtpm: its paths */
	struct sup_child	 tpm;	/* ... the running swtpm, pid 0 none */
	int			 tpm_lost; /* it ended while bhyve ran */
};

/* What sup_runner passes to hook.c and kld.c. */
struct sup_call {
	struct sup	*s;
	enum sup_kind	 kind;
	const char	*name;	/* for the log; NULL: argv[0] */
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

/*
 * Block the signals we wait for (exactly those: an inherited mask is
 * dropped), with their default actions (an inherited SIG_IGN may make
 * the system discard them, and an ignored SIGCHLD reaps children
 * behind our back); ignore SIGPIPE.
 */
static int
sup_signals(struct sup *s)
{
	static const int sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP,
	    SIGUSR1 };
	struct sigaction sa;
	size_t i;

	sigemptyset(&s->sigs);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&s->sigs, sigs[i]);
	if (sigprocmask(SIG_SETMASK, &s->sigs, NULL) == -1) {
		warn("sigprocmask");
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void)sigaction(sigs[i], &sa, NULL);
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);
	return 0;
}

/* A signal taken: into the machine as a request; logged once. */
static void
sup_took(struct sup *s, int sig)
{
	const char *name;

	if (sig == SIGCHLD)
		return;
	if (sig == SIGUSR1) {
		if (!s->sv.sv_last) {
			s->sv.sv_last = 1;
			sup_say(s, 0, "shutdown requested: no new run "
			    "(SIGUSR1)");
		}
		return;
	}
	if (!s->sv.sv_stop) {
		s->sv.sv_stop = 1;
		s->stop_at = sup_clock();
		name = sv_signame(sig);
		sup_say(s, 0, "stop requested (%s)", name != NULL ? name :
		    "signal");
	}
}

/*
 * Sleep until one of our signals comes, or secs have passed (secs < 0:
 * no deadline); 0 seconds only looks.  Returns the signal, 0 if none.
 */
static int
sup_sleep(struct sup *s, double secs)
{
	struct timespec ts;
	siginfo_t si;
	int sig;

	if (secs < 0)
		sig = sigwaitinfo(&s->sigs, &si);
	else {
		ts.tv_sec = (time_t)secs;
		ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
		sig = sigtimedwait(&s->sigs, &si, &ts);
	}
	if (sig <= 0)
		return 0;	/* EAGAIN: the deadline; EINTR: SIGSTOP/CONT */
	sup_took(s, sig);
	return sig;
}

/* Take in the requests that came while we were busy. */
static void
sup_check(struct sup *s)
{
	while (sup_sleep(s, 0) != 0)
		;
}

static void
sup_rt_write(struct sup *s)
{
	(void)rt_write(s->ctx, s->vm->name, &s->rt);
}

static int sup_run(struct sup *, char *const [], const struct spawn_opts *,
    enum sup_kind, const char *);

static int
sup_bhyvectl(struct sup *s, const char *what, int quiet)
{
	struct spawn_opts o;
	char vmarg[KVM_NAME_MAX + 8], *argv[4];

	snprintf(vmarg, sizeof(vmarg), "--vm=%s", s->vm->name);
	argv[0] = (char *)(uintptr_t)"bhyvectl";
	argv[1] = vmarg;
	argv[2] = (char *)(uintptr_t)what;
	argv[3] = NULL;
	memset(&o, 0, sizeof(o));
	o.so_quiet = quiet;
	return sup_run(s, argv, &o, SK_TOOL, "bhyvectl");
}

/* Send sig to the child (to its group when it leads one). */
static void
sup_kill(struct sup_child *c, int sig)
{
	(void)kill(c->c_pgroup ? -c->c_pid : c->c_pid, sig);
}

/*
 * When a request makes this child's time run out: 1 and the moment
 * in *at; 0 while it may run as long as it likes.
 */
static int
sup_due(const struct sup *s, const struct sup_child *c, double *at)
{
	double from;

	switch (c->c_kind) {
	case SK_PRERUN:
	case SK_LOADER:
		/* Either request: no guest should start now. */
		if (!s->sv.sv_stop && !s->sv.sv_last)
			return 0;
		*at = 0;
		return 1;
	case SK_POSTRUN:
	case SK_TOOL:
		if (!s->sv.sv_stop)
			return 0;
		from = s->stop_at > c->c_started ? s->stop_at : c->c_started;
		*at = from + (c->c_kind == SK_POSTRUN ? SUP_POSTRUN_STOP :
		    SUP_TOOL_STOP);
		return 1;
	case SK_SWTPM:
		*at = 0;
		return 1;
	case SK_BHYVE:
		break;
	}
	return 0;
}

/*
 * The escalation of any child but bhyve: SIGTERM when its time is up,
 * SIGKILL SUP_TERM_KILL seconds later.  Returns the seconds until the
 * next step, -1 when there is none.
 */
static double
sup_act(struct sup *s, struct sup_child *c, double now)
{
	double at;

	if (c->c_killed || !sup_due(s, c, &at))
		return -1;
	if (c->c_termed == 0) {
		if (now < at)
			return at - now;
		c->c_termed = now;
		sup_say(s, 0, "%s (pid %ld): terminated (SIGTERM)", c->c_name,
		    (long)c->c_pid);
		sup_kill(c, SIGTERM);
	}
	if (now < c->c_termed + SUP_TERM_KILL)
		return c->c_termed + SUP_TERM_KILL - now;
	c->c_killed = 1;
	sup_say(s, 1, "%s (pid %ld) did not end within %d seconds of "
	    "SIGTERM; killed", c->c_name, (long)c->c_pid, SUP_TERM_KILL);
	sup_kill(c, SIGKILL);
	return -1;
}

/*
 * bhyve on a stop request: the forced power-off (again every second
 * while bhyve has no instance yet), SIGKILL after SUP_POWEROFF_KILL.
 */
static double
sup_act_bhyve(struct sup *s, struct sup_child *c, double now)
{
	double end, next;

	if (!s->sv.sv_stop || c->c_killed)
		return -1;
	end = (s->stop_at > c->c_started ? s->stop_at : c->c_started) +
	    SUP_POWEROFF_KILL;
	if (now >= end) {
		c->c_killed = 1;
		sup_say(s, 1, "bhyve did not power off within %d seconds; "
		    "killed", SUP_POWEROFF_KILL);
		kill(c->c_pid, SIGKILL);
		return -1;
	}
	if (!c->c_poff && now >= c->c_poff_next) {
		/* A nested wait: it may reap nothing of ours. */
		if (sup_bhyvectl(s, "--force-poweroff", 1) == 0) {
			c->c_poff = 1;
			sup_say(s, 0, "forced power-off");
		}
		now = sup_clock();
		c->c_poff_next = now + SUP_POWEROFF_RETRY;
	}
	next = end - now;
	if (!c->c_poff && c->c_poff_next - now < next)
		next = c->c_poff_next - now;
	return next > 0 ? next : 0;
}

/*
 * While bhyve runs: has the swtpm ended?  The guest then has lost its
 * TPM: bhyve's swtpm backend err(1)s at the next TPM command ("cmd
 * send failed, is swtpm running?", tpm_emul_swtpm.c), an exit 1 that
 * is no power-off; sup_bhyve makes it an error.  A new swtpm would not
 * help: bhyve connects only at start.
 */
static void
sup_swtpm_check(struct sup *s)
{
	int st;

	if (s->tpm.c_pid == 0 || spawn_poll(s->tpm.c_pid, &st) == 0)
		return;
	sup_say(s, 1, "swtpm (pid %ld) ended (exit status %d) while the "
	    "guest runs: the guest has lost its TPM", (long)s->tpm.c_pid,
	    st);
	s->tpm.c_pid = 0;
	s->tpm_lost = 1;
	(void)swtpm_record(&s->sw, 0);
}

/*
 * Wait for a child while answering requests (see the top).  A group
 * the child led gets SIGKILL once the child has ended, if it was told
 * to end: what it started goes with it.  Returns the child's exit
 * status as spawn_run does, -1 on error.
 */
static int
sup_wait(struct sup *s, struct sup_child *c)
{
	double next;
	int st, r;

	for (;;) {
		if (c->c_kind == SK_BHYVE)
			sup_swtpm_check(s);
		if (c->c_pgroup && c->c_termed != 0 &&
		    spawn_ended(c->c_pid) == 1)
			sup_kill(c, SIGKILL);
		if ((r = spawn_poll(c->c_pid, &st)) != 0)
			return r == 1 ? st : -1;
		if (c->c_kind == SK_BHYVE)
			next = sup_act_bhyve(s, c, sup_clock());
		else
			next = sup_act(s, c, sup_clock());
		/*
		 * The act may have run a nested wait (bhyvectl) that took
		 * the SIGCHLD of this child's end: look again before
		 * sleeping, or we would sleep to the deadline.
		 */
		if (spawn_ended(c->c_pid) != 0)
			continue;
		/* Round up: a deadline is never missed by a hair. */
		(void)sup_sleep(s, next < 0 ? -1 : next + 0.001);
	}
}

/* Start argv as o says; the child in *c, or -1 after a warning. */
static int
sup_start(struct sup *s, char *const argv[], const struct spawn_opts *o,
    enum sup_kind kind, const char *name, struct sup_child *c)
{
	memset(c, 0, sizeof(*c));
	c->c_kind = kind;
	c->c_name = name;
	c->c_pgroup = o->so_pgroup;
	c->c_started = sup_clock();
	if ((c->c_pid = spawn_start_opts(s->ctx, argv, o)) == -1)
		return -1;
	return 0;
}

/* Run a child to its end under sup_wait; its exit status, or -1. */
static int
sup_run(struct sup *s, char *const argv[], const struct spawn_opts *o,
    enum sup_kind kind, const char *name)
{
	struct sup_child c;

	if (sup_start(s, argv, o, kind, name, &c) == -1)
		return -1;
	return sup_wait(s, &c);
}

/* The spawn_runner of hook.c and kld.c: sup_run (name NULL: argv[0]). */
static int
sup_runner(void *cookie, char *const argv[], const struct spawn_opts *o)
{
	struct sup_call *call = cookie;

	return sup_run(call->s, argv, o, call->kind, call->name != NULL ?
	    call->name : argv[0]);
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
	struct sup_call call = { s, SK_TOOL, NULL };
	struct spawn_runner run = { sup_runner, &call };
	int r, status = -1;

	if ((r = kld_load(s->ctx, &run, mod, &status)) == -1) {
		sup_say(s, 1, "cannot load the %s module (kldload exit "
		    "status %d)", mod, status);
		return -1;
	}
	if (r == 1)
		sup_say(s, 0, "loaded the %s module", mod);
	else if (r == 2)
		sup_say(s, 0, "the %s module was loaded meanwhile by another "
		    "process", mod);
	return 0;
}

/*
 * VNCport=auto: the port of the previous run if it is still free, else
 * the first free one from 5900, reserved for the supervisor's life
 * (vncport.h) so that no other supervisor picks it before our bhyve
 * binds it.  The address is printed when it is new.
 */
static int
sup_vnc(struct sup *s)
{
	struct vm *vm = s->vm;
	int port;

	if (vm->console != CONSOLE_VNC)
		return 0;
	if (s->vnc_auto) {
		port = vncport_reserve(s->ctx, vm->vnc_bind, vm->vnc_port,
		    vm->name, &s->vnc_fd);
		if (port <= 0) {
			if (port == 0)
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
	struct spawn_opts o;
	struct sup_child c;
	struct argv av;
	int st, r;

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
	memset(&o, 0, sizeof(o));
	r = sup_start(s, av.av_v, &o, SK_LOADER, name, &c);
	argv_free(&av);
	if (r == -1)
		return -1;
	s->rt.rt_loader = c.c_pid;
	sup_rt_write(s);
	sup_say(s, 0, "%s started (pid %ld)", name, (long)c.c_pid);
	st = sup_wait(s, &c);
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

/*
 * After bhyve (or a start that failed): swtpm gets SIGTERM, on which it
 * saves its state and ends (swtpm(8)), and SIGKILL SUP_TERM_KILL
 * seconds later, through sup_wait (SK_SWTPM is due at once).
 */
static void
sup_swtpm_stop(struct sup *s)
{
	int st;

	if (s->tpm.c_pid == 0)
		return;
	st = sup_wait(s, &s->tpm);
	sup_say(s, 0, "swtpm ended (exit status %d)", st);
	s->tpm.c_pid = 0;
	(void)swtpm_record(&s->sw, 0);
}

/*
 * TPM=swtpm: a swtpm for this run of the guest, so that a reboot resets
 * the TPM as a power cycle does (the state stays in DIR/tpm).  It leads
 * a process group of its own: a ^C on the terminal is for the
 * supervisor, which ends swtpm after bhyve.  bhyve connects to the
 * socket once, at start (tpm_swtpm_init), and swtpm gives no sign of
 * listening but the socket: so this looks every SUP_SWTPM_LOOK seconds
 * for SUP_SWTPM_READY seconds at most (the one polling wait, at start
 * only), taking requests meanwhile.  0, or -1 after saying why.
 */
static int
sup_swtpm_start(struct sup *s)
{
	struct spawn_opts o;
	struct argv av;
	double end;
	int r, st;

	if (s->vm->tpm != TPM_SWTPM)
		return 0;
	if (swtpm_prepare(&s->sw) == -1)
		return -1;
	argv_init(&av);
	swtpm_argv(&s->sw, &av);
	memset(&o, 0, sizeof(o));
	o.so_nullin = o.so_pgroup = 1;
	r = sup_start(s, av.av_v, &o, SK_SWTPM, "swtpm", &s->tpm);
	argv_free(&av);
	if (r == -1)
		return -1;
	s->tpm_lost = 0;
	(void)swtpm_record(&s->sw, s->tpm.c_pid);
	sup_say(s, 0, "swtpm started (pid %ld), state in %s",
	    (long)s->tpm.c_pid, s->sw.sw_dir);
	for (end = sup_clock() + SUP_SWTPM_READY; !swtpm_ready(&s->sw);) {
		if (spawn_poll(s->tpm.c_pid, &st) != 0) {
			sup_say(s, 1, "swtpm ended (exit status %d) before "
			    "listening on %s", st, s->sw.sw_sock);
			s->tpm.c_pid = 0;
			(void)swtpm_record(&s->sw, 0);
			return -1;
		}
		if (sup_clock() >= end) {
			sup_say(s, 1, "swtpm did not listen on %s within %d "
			    "seconds", s->sw.sw_sock, SUP_SWTPM_READY);
			sup_swtpm_stop(s);
			return -1;
		}
		(void)sup_sleep(s, SUP_SWTPM_LOOK);
	}
	return 0;
}

/* bhyve started from av, its swtpm first; the child in *c, or -1. */
static int
sup_bhyve_start(struct sup *s, struct argv *av, struct sup_child *c)
{
	struct spawn_opts o;

	if (sup_swtpm_start(s) == -1)
		return -1;
	memset(&o, 0, sizeof(o));
	if (sup_start(s, av->av_v, &o, SK_BHYVE, "bhyve", c) == -1) {
		sup_swtpm_stop(s);
		return -1;
	}
	return 0;
}

/* Print the command line, run bhyve; its exit status, -1 not run. */
static int
sup_bhyve(struct sup *s)
{
	char meaning[64], *line;
	struct sup_child c;
	struct argv av;
	int st, r;

	argv_init(&av);
	if (bhyve_argv(s->vm, s->ctx->rootdir, s->detached, &av) == -1) {
		argv_free(&av);
		return -1;
	}
	line = argv_join(&av);
	printf("%s\n", line);
	fflush(stdout);
	free(line);
	r = sup_bhyve_start(s, &av, &c);
	argv_free(&av);
	if (r == -1)
		return -1;
	s->rt.rt_bhyve = c.c_pid;
	sup_rt_write(s);
	sup_say(s, 0, "bhyve started (pid %ld)", (long)c.c_pid);
	st = sup_wait(s, &c);
	s->rt.rt_bhyve = 0;
	sup_rt_write(s);
	sup_say(s, 0, "bhyve exited with status %d (%s)", st,
	    sv_meaning(st, meaning, sizeof(meaning)));
	sup_swtpm_stop(s);
	if (s->tpm_lost && st == 1 && !s->sv.sv_stop) {
		sup_say(s, 1, "bhyve's exit status 1 came after swtpm ended: "
		    "taken as an error (4), not a power-off");
		st = 4;
	}
	return st;
}

/*
 * preRun or postRun, through sup_wait.  A preRun ended by a request
 * did not fail: the machine goes on to postRun.
 */
static int
sup_hook(struct sup *s, const char *fn)
{
	int post = strcmp(fn, "postRun") == 0;
	struct sup_call call = { s, post ? SK_POSTRUN : SK_PRERUN, fn };
	struct spawn_runner run = { sup_runner, &call };
	char status[16];
	int r;

	status[0] = '\0';
	if (s->sv.sv_status != -1)
		snprintf(status, sizeof(status), "%d", s->sv.sv_status);
	r = hook_run(s->ctx, s->vm, fn, post ? status : NULL, &run);
	if (r == -1)
		sup_say(s, 1, "%s could not be run", fn);
	else if (r != 0 && !post && (s->sv.sv_stop || s->sv.sv_last))
		sup_say(s, 0, "%s ended (exit status %d)", fn, r);
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

/*
 * A swtpm a killed supervisor left running ended (no bhyve of this VM
 * runs now: start refused otherwise), whatever TPM says now; for
 * TPM=swtpm, its paths.
 */
static int
sup_swtpm_init(struct sup *s)
{
	int r;

	if ((s->vm->tpm == TPM_SWTPM &&
	    swtpm_init(s->ctx, s->vm, &s->sw) == -1) ||
	    (r = swtpm_leftover(s->ctx, s->vm->name)) == -1)
		return -1;
	if (r == 1)
		sup_say(s, 0, "ended the swtpm a killed supervisor left "
		    "running");
	return 0;
}

static int
sup_init(struct sup *s, struct kvm_ctx *ctx, struct vm *vm, int detached)
{
	memset(s, 0, sizeof(*s));
	s->ctx = ctx;
	s->vm = vm;
	s->detached = detached;
	s->vnc_fd = -1;
	if (sup_signals(s) == -1)
		return -1;
	s->nmdm = vm->com == COM_NMDM || (vm->com == COM_DEFAULT && detached);
	s->vnc_auto = vm->console == CONSOLE_VNC && vm->vnc_port == 0;
	if (pathf(s->vmm, sizeof(s->vmm), "%s/dev/vmm/%s", ctx->rootdir,
	    vm->name) == -1 ||
	    pathf(s->grub, sizeof(s->grub), "%s/firmware/grub-bhyve",
	    vm->home) == -1)
		return -1;
	if (access(s->grub, X_OK) == -1)
		s->grub[0] = '\0';
	if (sup_swtpm_init(s) == -1)
		return -1;
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
	vncport_release(ctx, vm->vnc_port, &s.vnc_fd);
	rt_remove(ctx, vm->name);
	if (code == 0)
		sup_say(&s, 0, "stopped");
	else
		sup_say(&s, 0, "stopped (exit status %d)", code);
	return code;
}
