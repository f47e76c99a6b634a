/*
 * bhyve_run.c: the simulated bhyve once it runs a guest, and every way
 * it can end.  Each exit path logs "bhyve-exit NAME STATUS" and clears
 * our pid from the instance.  Signals reach the main loop through a
 * self-pipe: SIGTERM is the ACPI power button when the scripted guest
 * enabled ACPI, bhyvectl sends SIGUSR1 after writing the suspend
 * reason into the instance (or destroying it).  The guest follows
 * line N of $KVM_ROOTDIR/sim/NAME.guest on its N-th run.
 */
#include <sys/resource.h>
#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bhyve.h"

#define EX_OSERR	71
#define DIE		0x80	/* pipe byte flag: default action applies */

enum { ACPI_OFF, ACPI_ON, ACPI_IGNORE };

/* What the guest does about SIGTERM; read by the signal handler. */
static volatile sig_atomic_t acpi_mode = ACPI_OFF;

static const int caught[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1,
    SIGUSR2, SIGALRM };

static void
on_signal(int sig)
{
	unsigned char c = (unsigned char)sig;
	int e = errno;

	if (sig == SIGTERM && acpi_mode == ACPI_OFF)
		c |= DIE;
	(void)write(bh.sigpipe[1], &c, 1);
	errno = e;
}

void
bhyve_signals(void)
{
	struct sigaction sa;
	size_t i;
	int j;

	if (pipe(bh.sigpipe) == -1)
		sim_fatal("pipe: %s", strerror(errno));
	for (j = 0; j < 2; j++) {
		(void)fcntl(bh.sigpipe[j], F_SETFD, FD_CLOEXEC);
		(void)fcntl(bh.sigpipe[j], F_SETFL, O_NONBLOCK);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(caught) / sizeof(caught[0]); i++)
		sigaction(caught[i], &sa, NULL);
}

/* Our pid leaves the instance and the pid file goes. */
static void
cleanup(void)
{
	struct vmm vm;
	int lock;

	if (bh.running) {
		lock = vmm_lock();
		if (vmm_read(bh.name, &vm) == 0 &&
		    strcmp(vm.gen, bh.vm.gen) == 0 && vm.pid == (long)getpid()) {
			vm.pid = 0;
			vmm_write(bh.name, &vm);
		}
		vmm_unlock(lock);
		bh.running = 0;
	}
	if (bh.name != NULL)
		sim_pidfile(bh.name, NULL, 0);
}

static void
log_exit(int status)
{
	if (bh.name != NULL)
		sim_log("bhyve-exit %s %d", bh.name, status);
}

void
bhyve_exit(int status)
{
	cleanup();
	log_exit(status);
	fflush(stdout);
	exit(status);
}

void
bhyve_errx(int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", sim_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	bhyve_exit(status);
}

void
bhyve_perror(int status, const char *what, int err)
{
	fprintf(stderr, "%s: %s\n", what, bsd_strerror(err));
	bhyve_exit(status);
}

/* Killed by sig, as the shell will see it (128 + sig). */
static void __attribute__((__noreturn__))
die(int sig)
{
	sigset_t set;

	cleanup();
	log_exit(128 + sig);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

static void __attribute__((__noreturn__))
die_abort(void)
{
	struct rlimit rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);	/* no core files in test trees */
	cleanup();
	log_exit(128 + SIGABRT);
	signal(SIGABRT, SIG_DFL);
	abort();
}

/*
 * The VM was suspended (guest or bhyvectl): all vCPUs park, the reason
 * stays in the instance, -D destroys it on power-off.
 */
static void __attribute__((__noreturn__))
suspend_exit(const char *reason, int code)
{
	struct vmm vm;
	int lock, destroy;

	destroy = code == 1 && cfg_bool("destroy_on_poweroff", 0);
	lock = vmm_lock();
	if (vmm_read(bh.name, &vm) == 0 && strcmp(vm.gen, bh.vm.gen) == 0) {
		if (vm.suspend[0] == '\0')
			strlcpy(vm.suspend, reason, sizeof(vm.suspend));
		vm.parked = 1;
		vm.pid = 0;
		if (destroy)
			vmm_destroy(bh.name);
		else
			vmm_write(bh.name, &vm);
	}
	vmm_unlock(lock);
	bh.running = 0;
	bhyve_exit(code);
}

static int
suspend_code(const char *reason)
{
	if (strcmp(reason, "reset") == 0)
		return 0;
	if (strcmp(reason, "poweroff") == 0)
		return 1;
	if (strcmp(reason, "halt") == 0)
		return 2;
	if (strcmp(reason, "triplefault") == 0)
		return 3;
	return -1;
}

/* bhyvectl acted on our instance: suspended, or destroyed under us. */
static void
ctl_request(void)
{
	struct vmm vm;
	int lock, code;

	if (!bh.running)
		return;
	lock = vmm_lock();
	if (vmm_read(bh.name, &vm) == -1 || strcmp(vm.gen, bh.vm.gen) != 0) {
		vmm_unlock(lock);
		bh.running = 0;
		fprintf(stderr, "vm_run error -1, errno %d\n", BSD_ENXIO);
		bhyve_exit(1);
	}
	vmm_unlock(lock);
	if ((code = suspend_code(vm.suspend)) >= 0)
		suspend_exit(vm.suspend, code);
}

static void
drain_signals(void)
{
	unsigned char c;

	while (read(bh.sigpipe[0], &c, 1) == 1) {
		if (c & DIE)
			die(c & ~DIE);
		switch (c) {
		case SIGUSR1:
			ctl_request();
			break;
		case SIGTERM:
			if (acpi_mode == ACPI_ON)
				suspend_exit("poweroff", 1);
			break;		/* the guest ignores the button */
		default:
			die(c);
		}
	}
}

static void
accept_client(void)
{
	static const char banner[] = "RFB 003.008\n";
	int fd;

	if ((fd = accept(bh.vnc_fd, NULL, NULL)) == -1)
		return;
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (bh.vnc_client != -1)
		close(bh.vnc_client);
	bh.vnc_client = fd;
	(void)write(fd, banner, sizeof(banner) - 1);
}

/*
 * Wait for signals, VNC viewers, or timeout_ms (-1: forever).  Returns
 * 1 when a viewer connected, 0 otherwise.
 */
static int
wait_events(int timeout_ms)
{
	struct pollfd pfd[3];
	char buf[256];
	int n = 0, connected = 0;

	pfd[n].fd = bh.sigpipe[0], pfd[n++].events = POLLIN;
	if (bh.vnc_fd != -1)
		pfd[n].fd = bh.vnc_fd, pfd[n++].events = POLLIN;
	if (bh.vnc_client != -1)
		pfd[n].fd = bh.vnc_client, pfd[n++].events = POLLIN;
	if (poll(pfd, (nfds_t)n, timeout_ms) <= 0)
		return 0;
	drain_signals();
	while (--n > 0) {
		if (!(pfd[n].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if (pfd[n].fd == bh.vnc_fd) {
			accept_client();
			connected = 1;
		} else if (read(bh.vnc_client, buf, sizeof(buf)) <= 0) {
			close(bh.vnc_client);
			bh.vnc_client = -1;
		}
	}
	return connected;
}

/* fbuf "wait": block device init until a VNC viewer connects. */
int
bhyve_wait_client(void)
{
	while (!wait_events(-1))
		;
	return 0;
}

struct gline {
	char	 action[16];
	double	 delay;
	int	 mode;
};

static int
parse_gline(char *line, struct gline *g)
{
	static const char *const actions[] = { "reboot", "poweroff", "halt",
	    "triple", "error", "abort", "run", NULL };
	char *tok, *save, *end;
	int i;

	if ((tok = strchr(line, '#')) != NULL)
		*tok = '\0';
	if ((tok = strtok_r(line, " \t\r", &save)) == NULL)
		return 0;
	for (i = 0; actions[i] != NULL && strcmp(actions[i], tok) != 0; i++)
		;
	if (actions[i] == NULL)
		return -1;
	strlcpy(g->action, tok, sizeof(g->action));
	g->delay = 0;
	g->mode = ACPI_ON;
	while ((tok = strtok_r(NULL, " \t\r", &save)) != NULL) {
		if (strcmp(tok, "acpi") == 0)
			g->mode = ACPI_ON;
		else if (strcmp(tok, "ignore") == 0)
			g->mode = ACPI_IGNORE;
		else if (strcmp(tok, "noacpi") == 0)
			g->mode = ACPI_OFF;
		else if (isdigit((unsigned char)*tok) || *tok == '.') {
			g->delay = strtod(tok, &end);
			if (*end != '\0')
				return -1;
		} else
			return -1;
	}
	return 1;
}

/* Line `run` of the guest script (the last one repeats). */
static void
guest_line(int run, struct gline *g)
{
	char path[4096], *buf, *line, *next;
	struct gline cur;
	int lineno, k = 0, rc;

	strlcpy(g->action, "run", sizeof(g->action));
	g->delay = 0;
	g->mode = ACPI_ON;
	sim_path(path, sizeof(path), "sim/%s.guest", bh.name);
	if ((buf = sim_read(path)) == NULL)
		return;
	for (line = buf, lineno = 1; line != NULL && *line != '\0';
	    line = next, lineno++) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((rc = parse_gline(line, &cur)) == -1) {
			fprintf(stderr, "sim: %s:%d: bad guest line\n", path,
			    lineno);
			bhyve_exit(SIM_EX_ROOT);
		}
		if (rc == 1 && k++ < run)
			*g = cur;
	}
	free(buf);
}

/* Count this run in $KVM_ROOTDIR/sim/NAME.runs (under the vmm lock). */
static int
count_run(void)
{
	char path[4096], buf[32], *old;
	int n = 0;

	sim_path(path, sizeof(path), "sim/%s.runs", bh.name);
	if ((old = sim_read(path)) != NULL) {
		n = atoi(old);
		free(old);
	}
	snprintf(buf, sizeof(buf), "%d\n", ++n);
	sim_write(path, buf);
	return n;
}

/* The vCPUs start: the instance records us, we take the run lock. */
static int
activate(void)
{
	char path[4096];
	struct flock fl;
	int lock, run;

	lock = vmm_lock();
	if (vmm_read(bh.name, &bh.vm) == -1) {
		vmm_unlock(lock);
		bhyve_errx(EX_OSERR, "could not activate CPU 0: %s",
		    bsd_strerror(ENXIO));
	}
	if (bh.vm.active) {
		vmm_unlock(lock);
		bhyve_errx(EX_OSERR, "could not activate CPU 0: %s",
		    bsd_strerror(EBUSY));
	}
	bh.vm.active = 1;
	bh.vm.parked = 0;
	bh.vm.pid = (long)getpid();
	vmm_write(bh.name, &bh.vm);
	bh.running = 1;
	run = count_run();
	sim_path(path, sizeof(path), "sim/%s.run", bh.name);
	if ((bh.run_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) !=
	    -1) {
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		(void)fcntl(bh.run_fd, F_SETLK, &fl);
	}
	vmm_unlock(lock);
	return run;
}

/* smbios: -U must be a UUID string, or bhyve exits 4 silently. */
static int
uuid_ok(const char *u)
{
	int i;

	if (strlen(u) != 36)
		return 0;
	for (i = 0; i < 36; i++)
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? u[i] != '-' :
		    !isxdigit((unsigned char)u[i]))
			return 0;
	return 1;
}

static void __attribute__((__noreturn__))
act(const char *action)
{
	if (strcmp(action, "reboot") == 0)
		suspend_exit("reset", 0);
	if (strcmp(action, "poweroff") == 0)
		suspend_exit("poweroff", 1);
	if (strcmp(action, "halt") == 0)
		suspend_exit("halt", 2);
	if (strcmp(action, "triple") == 0)
		suspend_exit("triplefault", 3);
	if (strcmp(action, "error") == 0)
		bhyve_exit(4);
	die_abort();
}

void
bhyve_guest(void)
{
	struct gline g;
	struct vmm vm;
	double deadline;
	int run, lock, timed, left;
	const char *uuid;

	run = activate();
	if ((uuid = cfg_get("uuid")) != NULL && !uuid_ok(uuid))
		bhyve_exit(4);
	setproctitle("%s", bh.name);
	guest_line(run, &g);

	/* A suspend requested before we ran takes effect at once. */
	lock = vmm_lock();
	if (vmm_read(bh.name, &vm) == 0 && suspend_code(vm.suspend) >= 0) {
		vmm_unlock(lock);
		suspend_exit(vm.suspend, suspend_code(vm.suspend));
	}
	vmm_unlock(lock);
	if (!bh.rom_loaded && !bh.vm.loaded)
		die_abort();	/* nothing to execute: no kernel, no ROM */

	acpi_mode = g.mode;
	sim_pidfile(bh.name, NULL, 1);	/* the guest runs: tests may act */
	timed = strcmp(g.action, "run") != 0;
	deadline = sim_now() + g.delay;
	for (;;) {
		left = -1;
		if (timed) {
			if (sim_now() >= deadline)
				act(g.action);
			left = (int)((deadline - sim_now()) * 1000) + 1;
		}
		wait_events(left);
	}
}
