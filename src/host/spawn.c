/*
 * spawn.c: the only module that starts processes.  Every program is run
 * from an argv built by the caller, looked up on PATH, with kvm's own
 * environment (so PATH and KVM_ROOTDIR reach the simulator and the
 * hooks); no shell ever sees a value.  With -v each argv is printed.
 */
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host/spawn.h"
#include "core/argv.h"
#include "host/paths.h"

extern char **environ;

/* A waitpid status as the shell shows it (see spawn.h). */
static int
spawn_status(int ws)
{
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	if (WIFSIGNALED(ws))
		return 128 + WTERMSIG(ws);
	return -1;
}

static void
spawn_trace(const struct kvm_ctx *ctx, char *const argv[])
{
	struct argv a;
	char *s;
	size_t i;

	if (ctx == NULL || !ctx->verbose)
		return;
	argv_init(&a);
	for (i = 0; argv[i] != NULL; i++)
		argv_add(&a, argv[i]);
	s = argv_join(&a);
	fprintf(stderr, "+ %s\n", s);
	free(s);
	argv_free(&a);
}

/*
 * environ with the changes in env applied: "NAME=value" replaces or
 * adds NAME, a bare "NAME" removes it.  The strings are shared with
 * environ and env; only the vector is malloc'd.  NULL after a warning.
 */
static char **
spawn_environ(char *const env[])
{
	size_t n, i, j, k, len;
	char **v;

	for (n = 0; environ[n] != NULL; n++)
		;
	for (k = 0; env != NULL && env[k] != NULL; k++)
		;
	if ((v = calloc(n + k + 1, sizeof(*v))) == NULL) {
		warn(NULL);
		return NULL;
	}
	for (i = j = 0; i < n; i++) {
		for (k = 0; env != NULL && env[k] != NULL; k++) {
			len = strcspn(env[k], "=");
			if (strncmp(environ[i], env[k], len) == 0 &&
			    environ[i][len] == '=')
				break;
		}
		if (env == NULL || env[k] == NULL)
			v[j++] = environ[i];
	}
	for (k = 0; env != NULL && env[k] != NULL; k++)
		if (strchr(env[k], '=') != NULL)
			v[j++] = env[k];
	v[j] = NULL;
	return v;
}

/*
 * The signals a child gets back at their default action: every
 * standard one that can be caught.  Not "all signals": FreeBSD's
 * posix_spawn fails the spawn when one sigaction of the set fails
 * (lib/libc/gen/posix_spawn.c, process_spawnattr), as one for a
 * signal number the system lacks would.
 * Handlers are reset by exec anyway; what matters is SIG_IGN, which
 * exec keeps: the supervisor ignores SIGPIPE, nohup(1) SIGHUP, a shell
 * "trap '' TERM" SIGTERM.  bhyve must get SIGTERM as it expects
 * (bhyve-facts.md 2.2): FreeBSD posts the kqueue NOTE_SIGNAL that
 * pm.c's power button waits for before it looks at the mask or at
 * SIG_IGN (sys/kern/kern_sig.c, tdsendsignal), so an ACPI guest would
 * still see the button; but before the guest enables ACPI, or for a
 * guest without it, SIGTERM's default action is how bhyve ends, and a
 * blocked or ignored SIGTERM would keep it running (and the stand-in
 * bhyve of the tests, which uses a handler, would miss the button).
 */
static void
spawn_sigdefault(sigset_t *set)
{
	static const int sigs[] = {
		SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS,
		SIGFPE, SIGUSR1, SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM,
		SIGCHLD, SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU, SIGURG, SIGXCPU,
		SIGXFSZ, SIGVTALRM, SIGPROF, SIGSYS,
	};
	size_t i;

	sigemptyset(set);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(set, sigs[i]);
}

/*
 * The attributes of every child: default signal actions, an empty
 * mask (the supervisor blocks the signals it waits for, create blocks
 * SIGINT around zfs: a child must inherit neither, or SIGTERM would
 * not end it), and maybe a process group of its own.
 */
static int
spawn_attr(posix_spawnattr_t *attr, int pgroup)
{
	sigset_t def, none;
	short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
	int e;

	if ((e = posix_spawnattr_init(attr)) != 0)
		return e;
	spawn_sigdefault(&def);
	sigemptyset(&none);
	if (pgroup)
		flags |= POSIX_SPAWN_SETPGROUP;
	if ((e = posix_spawnattr_setsigdefault(attr, &def)) != 0 ||
	    (e = posix_spawnattr_setsigmask(attr, &none)) != 0 ||
	    (pgroup && (e = posix_spawnattr_setpgroup(attr, 0)) != 0) ||
	    (e = posix_spawnattr_setflags(attr, flags)) != 0)
		posix_spawnattr_destroy(attr);
	return e;
}

/* The file actions: stdin, stdout, stderr to fds (-1: inherited). */
static int
spawn_actions(posix_spawn_file_actions_t *fa, int infd, int outfd, int errfd)
{
	int e;

	if ((e = posix_spawn_file_actions_init(fa)) != 0)
		return e;
	if ((infd != -1 && (e = posix_spawn_file_actions_adddup2(fa, infd,
	    STDIN_FILENO)) != 0) ||
	    (outfd != -1 && (e = posix_spawn_file_actions_adddup2(fa, outfd,
	    STDOUT_FILENO)) != 0) ||
	    (errfd != -1 && (e = posix_spawn_file_actions_adddup2(fa, errfd,
	    STDERR_FILENO)) != 0))
		posix_spawn_file_actions_destroy(fa);
	return e;
}

/*
 * Start argv with stdin/stdout/stderr redirected (-1: inherited), the
 * environment changed by env (NULL: none), maybe in a process group
 * of its own.  Returns the pid, or -1 after a warning.
 */
static pid_t
spawn_fds(const struct kvm_ctx *ctx, char *const argv[], char *const env[],
    int pgroup, const int fds[3])
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	char **envp = environ;
	pid_t pid;
	int e;

	spawn_trace(ctx, argv);
	if (env != NULL && (envp = spawn_environ(env)) == NULL)
		return -1;
	if ((e = spawn_attr(&attr, pgroup)) == 0) {
		if ((e = spawn_actions(&fa, fds[0], fds[1], fds[2])) == 0) {
			e = posix_spawnp(&pid, argv[0], &fa, &attr, argv,
			    envp);
			posix_spawn_file_actions_destroy(&fa);
		}
		posix_spawnattr_destroy(&attr);
	}
	if (envp != environ)
		free(envp);
	if (e != 0) {
		errno = e;
		warn("%s", argv[0]);
		return -1;
	}
	return pid;
}

static int
spawn_reap(pid_t pid)
{
	int ws;

	while (waitpid(pid, &ws, 0) == -1) {
		if (errno != EINTR) {
			warn("waitpid");
			return -1;
		}
	}
	return spawn_status(ws);
}

static const int spawn_inherit[3] = { -1, -1, -1 };

pid_t
spawn_start(const struct kvm_ctx *ctx, char *const argv[])
{
	return spawn_fds(ctx, argv, NULL, 0, spawn_inherit);
}

int
spawn_run(const struct kvm_ctx *ctx, char *const argv[])
{
	pid_t pid;

	if ((pid = spawn_start(ctx, argv)) == -1)
		return -1;
	return spawn_reap(pid);
}

pid_t
spawn_start_opts(const struct kvm_ctx *ctx, char *const argv[],
    const struct spawn_opts *o)
{
	int fds[3] = { -1, -1, -1 }, null = -1;
	pid_t pid;

	if (o->so_quiet || o->so_nullin) {
		if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1) {
			warn("/dev/null");
			return -1;
		}
		if (o->so_nullin)
			fds[0] = null;
		if (o->so_quiet)
			fds[1] = fds[2] = null;
	}
	pid = spawn_fds(ctx, argv, o->so_env, o->so_pgroup, fds);
	if (null != -1)
		close(null);
	return pid;
}

int
spawn_run_opts(const struct kvm_ctx *ctx, char *const argv[],
    const struct spawn_opts *o)
{
	pid_t pid;

	if ((pid = spawn_start_opts(ctx, argv, o)) == -1)
		return -1;
	return spawn_reap(pid);
}

/*
 * Wait up to ms for pid to end, without reaping it (so that its pid,
 * and its process group while it leads one, stay its own): 1 when it
 * has ended, 0 if it still runs, -1 on error.
 */
static int
spawn_wait_ms(pid_t pid, long ms)
{
	struct timespec tick = { 0, 100 * 1000000L };
	int r;

	for (;;) {
		if ((r = spawn_ended(pid)) != 0)
			return r;
		if (ms <= 0)
			return 0;
		(void)nanosleep(&tick, NULL);
		ms -= 100;
	}
}

/*
 * The bounded runner (spawn.h).  A command that waits is short-lived,
 * so it checks ten times a second; the supervisor, which lives for
 * months, has its own runner that sleeps until something happens.
 * When the time is up the child (its group) gets SIGTERM; once the
 * child itself has ended, what is left of its group gets SIGKILL,
 * before the child is reaped, while the group's id is still its own.
 */
int
spawn_run_bounded(void *cookie, char *const argv[],
    const struct spawn_opts *o)
{
	const struct spawn_bound *b = cookie;
	int group = o != NULL && o->so_pgroup, r;
	pid_t pid;

	if ((pid = spawn_start_opts(b->sb_ctx, argv, o)) == -1)
		return -1;
	if ((r = spawn_wait_ms(pid, (long)b->sb_secs * 1000)) == 0) {
		warnx("%s did not end within %u seconds; terminated",
		    b->sb_what != NULL ? b->sb_what : argv[0], b->sb_secs);
		(void)kill(group ? -pid : pid, SIGTERM);
		if ((r = spawn_wait_ms(pid, SPAWN_KILL_AFTER * 1000L)) == 0)
			(void)kill(pid, SIGKILL);
		if (group)
			(void)kill(-pid, SIGKILL);
	}
	return spawn_reap(pid);
}

struct sink {
	int	 fd;
	char	*buf;
	size_t	 len, cap;
};

/* Read what is available: 0 at EOF or error (-1 no memory), else 1. */
static int
sink_read(struct sink *s)
{
	ssize_t r;
	char *nb;

	if (s->len + 4096 > s->cap) {
		if ((nb = realloc(s->buf, s->cap * 2 + 4096)) == NULL)
			return -1;
		s->buf = nb;
		s->cap = s->cap * 2 + 4096;
	}
	r = read(s->fd, s->buf + s->len, s->cap - s->len - 1);
	if (r == -1 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (r <= 0)
		return 0;
	s->len += (size_t)r;
	return 1;
}

/*
 * Drain both pipes until EOF on each, without risking a deadlock.
 * Returns 0, or -1 after a warning when memory ran out (the pipes are
 * closed then, and the child sees EPIPE).
 */
static int
sink_drain(struct sink *s, size_t n)
{
	struct pollfd pfd[2];
	size_t i, open = n;
	int r, ret = 0;

	while (open > 0) {
		for (i = 0; i < n; i++) {
			pfd[i].fd = s[i].fd;
			pfd[i].events = POLLIN;
		}
		if (poll(pfd, n, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < n; i++) {
			if (s[i].fd == -1 || pfd[i].revents == 0)
				continue;
			if ((r = sink_read(&s[i])) != 1) {
				if (r == -1 && ret == 0) {
					warn(NULL);
					ret = -1;
				}
				close(s[i].fd);
				s[i].fd = -1;
				open--;
			}
		}
	}
	return ret;
}

/* Hand the sink's text to *dst (NULL: free it); -1 when out of memory. */
static int
sink_give(struct sink *s, char **dst)
{
	if (s->buf == NULL && (s->buf = malloc(1)) == NULL)
		return -1;
	s->buf[s->len] = '\0';
	if (dst != NULL)
		*dst = s->buf;
	else
		free(s->buf);
	s->buf = NULL;
	return 0;
}

/* Two close-on-exec pipes; -1 after a warning. */
static int
spawn_pipes(int po[2], int pe[2])
{
	int i;

	if (pipe(po) == -1) {
		warn("pipe");
		return -1;
	}
	if (pipe(pe) == -1) {
		warn("pipe");
		close(po[0]);
		close(po[1]);
		return -1;
	}
	/* dup2 in the child clears the flag on 1 and 2 only. */
	for (i = 0; i < 2; i++) {
		fcntl(po[i], F_SETFD, FD_CLOEXEC);
		fcntl(pe[i], F_SETFD, FD_CLOEXEC);
	}
	return 0;
}

int
spawn_capture(const struct kvm_ctx *ctx, char *const argv[], char **out,
    char **errout)
{
	struct sink s[2];
	int po[2], pe[2], fds[3], st, bad, r0, r1;
	pid_t pid;

	if (spawn_pipes(po, pe) == -1)
		return -1;
	fds[0] = -1;
	fds[1] = po[1];
	fds[2] = pe[1];
	pid = spawn_fds(ctx, argv, NULL, 0, fds);
	close(po[1]);
	close(pe[1]);
	memset(s, 0, sizeof(s));
	s[0].fd = po[0];
	s[1].fd = pe[0];
	if (pid == -1) {
		close(po[0]);
		close(pe[0]);
		return -1;
	}
	bad = sink_drain(s, 2);
	st = spawn_reap(pid);
	r0 = sink_give(&s[0], out);
	r1 = sink_give(&s[1], errout);
	if (r0 == -1 || r1 == -1) {
		if (bad == 0)
			warn(NULL);
		if (r0 == 0 && out != NULL) {
			free(*out);
			*out = NULL;
		}
		if (r1 == 0 && errout != NULL) {
			free(*errout);
			*errout = NULL;
		}
		return -1;
	}
	return bad == -1 ? -1 : st;
}

int
spawn_run_env(const struct kvm_ctx *ctx, char *const argv[],
    char *const env[])
{
	struct spawn_opts o;

	memset(&o, 0, sizeof(o));
	o.so_env = env;
	return spawn_run_opts(ctx, argv, &o);
}

int
spawn_poll(pid_t pid, int *status)
{
	pid_t r;
	int ws;

	while ((r = waitpid(pid, &ws, WNOHANG)) == -1) {
		if (errno != EINTR) {
			warn("waitpid");
			return -1;
		}
	}
	if (r == 0)
		return 0;
	*status = spawn_status(ws);
	return 1;
}

int
spawn_ended(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) ==
	    -1) {
		if (errno != EINTR) {
			warn("waitid");
			return -1;
		}
	}
	/* WNOHANG with nothing to report leaves si_pid 0. */
	return si.si_pid != 0;
}

pid_t
spawn_detach(const char *log)
{
	pid_t pid;
	int in, out;

	if ((in = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1) {
		warn("/dev/null");
		return -1;
	}
	if ((out = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644)) == -1) {
		warn("%s", log);
		close(in);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1) {
		warn("fork");
		close(in);
		close(out);
		return -1;
	}
	if (pid > 0) {
		close(in);
		close(out);
		return pid;
	}
	/*
	 * The child: its own session, no terminal, output to the log, and
	 * / as its directory so that it keeps no file system busy.
	 */
	(void)setsid();
	if (dup2(in, STDIN_FILENO) == -1 || dup2(out, STDOUT_FILENO) == -1 ||
	    dup2(out, STDERR_FILENO) == -1) {
		warn("dup2");
		return -1;
	}
	close(in);
	close(out);
	if (chdir("/") == -1) {
		warn("/");
		return -1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	return 0;
}

/*
 * Run from | to, the one pipeline kvm needs (zfs send | ssh ... kvm
 * receive).  The pipe's ends are close-on-exec so that neither program
 * holds the other's end open (a reader that ends makes the writer get
 * EPIPE instead of blocking).  Returns 0 when both exited 0; else to's
 * status when it failed, else from's (a receiver that failed is the
 * cause, the sender's SIGPIPE a consequence); -1 when one could not
 * start (reported; the other, if started, is reaped).
 */
int
spawn_pipe(const struct kvm_ctx *ctx, char *const from[], char *const to[])
{
	posix_spawn_file_actions_t fa;
	pid_t pid[2] = { -1, -1 };
	int p[2], i, e, st[2] = { -1, -1 };

	if (pipe(p) == -1) {
		warn("pipe");
		return -1;
	}
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	for (i = 0; i < 2; i++) {
		spawn_trace(ctx, i == 0 ? from : to);
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_adddup2(&fa, p[i == 0 ? 1 : 0],
		    i == 0 ? STDOUT_FILENO : STDIN_FILENO);
		e = posix_spawnp(&pid[i], (i == 0 ? from : to)[0], &fa, NULL,
		    i == 0 ? from : to, environ);
		posix_spawn_file_actions_destroy(&fa);
		if (e != 0) {
			errno = e;
			warn("%s", (i == 0 ? from : to)[0]);
			pid[i] = -1;
		}
	}
	close(p[0]);
	close(p[1]);
	for (i = 0; i < 2; i++)
		if (pid[i] != -1)
			st[i] = spawn_reap(pid[i]);
	if (pid[0] == -1 || pid[1] == -1)
		return -1;
	if (st[1] != 0)
		return st[1];
	return st[0];
}
