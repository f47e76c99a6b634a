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

/* Start argv with optional stdout/stderr redirections (-1: inherit). */
static pid_t
spawn_fds(const struct kvm_ctx *ctx, char *const argv[], int outfd, int errfd)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int e;

	spawn_trace(ctx, argv);
	posix_spawn_file_actions_init(&fa);
	if (outfd != -1)
		posix_spawn_file_actions_adddup2(&fa, outfd, STDOUT_FILENO);
	if (errfd != -1)
		posix_spawn_file_actions_adddup2(&fa, errfd, STDERR_FILENO);
	e = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
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

pid_t
spawn_start(const struct kvm_ctx *ctx, char *const argv[])
{
	return spawn_fds(ctx, argv, -1, -1);
}

int
spawn_run(const struct kvm_ctx *ctx, char *const argv[])
{
	pid_t pid;

	if ((pid = spawn_fds(ctx, argv, -1, -1)) == -1)
		return -1;
	return spawn_reap(pid);
}

struct sink {
	int	 fd;
	char	*buf;
	size_t	 len, cap;
};

/* Read what is available on s->fd; returns 0 at EOF, 1 otherwise. */
static int
sink_read(struct sink *s)
{
	ssize_t r;

	if (s->len + 4096 > s->cap) {
		s->cap = s->cap * 2 + 4096;
		if ((s->buf = realloc(s->buf, s->cap)) == NULL)
			err(1, NULL);
	}
	r = read(s->fd, s->buf + s->len, s->cap - s->len - 1);
	if (r == -1 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (r <= 0)
		return 0;
	s->len += (size_t)r;
	return 1;
}

/* Drain both pipes until EOF on each, without risking a deadlock. */
static void
sink_drain(struct sink *s, size_t n)
{
	struct pollfd pfd[2];
	size_t i, open = n;

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
			if (!sink_read(&s[i])) {
				close(s[i].fd);
				s[i].fd = -1;
				open--;
			}
		}
	}
}

int
spawn_capture(const struct kvm_ctx *ctx, char *const argv[], char **out,
    char **errout)
{
	struct sink s[2];
	int po[2], pe[2], i, st;
	pid_t pid;

	if (pipe(po) == -1 || pipe(pe) == -1)
		err(1, "pipe");
	/* dup2 in the child clears the flag on 1 and 2 only. */
	for (i = 0; i < 2; i++) {
		fcntl(po[i], F_SETFD, FD_CLOEXEC);
		fcntl(pe[i], F_SETFD, FD_CLOEXEC);
	}
	pid = spawn_fds(ctx, argv, po[1], pe[1]);
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
	sink_drain(s, 2);
	st = spawn_reap(pid);
	for (i = 0; i < 2; i++) {
		char **dst = i == 0 ? out : errout;

		if (s[i].buf == NULL && (s[i].buf = malloc(1)) == NULL)
			err(1, NULL);
		s[i].buf[s[i].len] = '\0';
		if (dst != NULL)
			*dst = s[i].buf;
		else
			free(s[i].buf);
	}
	return st;
}

/*
 * environ with the changes in env applied: "NAME=value" replaces or
 * adds NAME, a bare "NAME" removes it.  The strings are shared with
 * environ and env; only the vector is malloc'd.
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
	if ((v = calloc(n + k + 1, sizeof(*v))) == NULL)
		err(1, NULL);
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

/* Start argv with its environment changed by env (see spawn_run_env). */
static pid_t
spawn_start_env(const struct kvm_ctx *ctx, char *const argv[],
    char *const env[])
{
	posix_spawn_file_actions_t fa;
	char **envp;
	pid_t pid;
	int e;

	spawn_trace(ctx, argv);
	envp = spawn_environ(env);
	posix_spawn_file_actions_init(&fa);
	e = posix_spawnp(&pid, argv[0], &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	free(envp);
	if (e != 0) {
		errno = e;
		warn("%s", argv[0]);
		return -1;
	}
	return pid;
}

int
spawn_run_env(const struct kvm_ctx *ctx, char *const argv[],
    char *const env[])
{
	pid_t pid;

	if ((pid = spawn_start_env(ctx, argv, env)) == -1)
		return -1;
	return spawn_reap(pid);
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
	    dup2(out, STDERR_FILENO) == -1)
		err(1, "dup2");
	if (chdir("/") == -1)
		err(1, "/");
	close(in);
	close(out);
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
