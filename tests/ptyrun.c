/*
 * ptyrun: drive a command on a pseudo-terminal, for the sh tests of the
 * interactive paths.
 *
 *   ptyrun [-t seconds] SCRIPT -- command [args]
 *
 * SCRIPT holds one step per line:
 *   expect TEXT   wait until TEXT appears in the output after the
 *                 previous match (at most -t seconds, default 5)
 *   send TEXT     type TEXT and a newline ("send" alone: a newline)
 *   sendeof       type ^D (end of input at the start of a line)
 * Blank lines and lines starting with '#' are ignored.
 *
 * The whole transcript (the command's output and the echo of what was
 * typed; output post-processing is off, so lines end in "\n") is copied
 * to stdout.  The exit status is the command's (128+N for signal N), or
 * 124 when an expected text did not come, after a message on stderr.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#if defined(__FreeBSD__) || defined(__DragonFly__)
#include <libutil.h>
#elif defined(__linux__)
#include <pty.h>
#else
#include <util.h>
#endif

#define TIMEOUT_EXIT	124

struct session {
	int	 fd;		/* the pty's master side */
	pid_t	 pid;
	char	*out;		/* the transcript so far */
	size_t	 len, cap;
	size_t	 mark;		/* where the next expect starts looking */
	int	 eof;		/* the command closed the terminal */
	int	 timeout;	/* seconds */
};

static void
usage(void)
{
	fprintf(stderr, "usage: ptyrun [-t seconds] SCRIPT -- command "
	    "[args]\n");
	exit(2);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Read what the command wrote, waiting at most ms milliseconds (-1:
 * until something comes).  Copies it to stdout and the transcript.
 * Returns 1 when something was read, 0 on a timeout or at EOF.
 */
static int
session_read(struct session *s, int ms)
{
	struct pollfd pfd;
	char buf[4096];
	ssize_t n;

	if (s->eof)
		return 0;
	pfd.fd = s->fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, ms) <= 0)
		return 0;
	n = read(s->fd, buf, sizeof(buf));
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n <= 0) {		/* EIO on Linux once the slave is closed */
		s->eof = 1;
		return 0;
	}
	if (s->len + (size_t)n + 1 > s->cap) {
		s->cap = (s->len + (size_t)n + 1) * 2;
		if ((s->out = realloc(s->out, s->cap)) == NULL)
			err(1, NULL);
	}
	memcpy(s->out + s->len, buf, (size_t)n);
	s->len += (size_t)n;
	s->out[s->len] = '\0';
	fwrite(buf, 1, (size_t)n, stdout);
	fflush(stdout);
	return 1;
}

/* Find text after the mark; 1 and the mark moved past it, else 0. */
static int
session_match(struct session *s, const char *text)
{
	const char *p;

	if (s->out == NULL)
		return *text == '\0';
	if ((p = strstr(s->out + s->mark, text)) == NULL)
		return 0;
	s->mark = (size_t)(p - s->out) + strlen(text);
	return 1;
}

static void
session_kill(struct session *s)
{
	kill(-s->pid, SIGKILL);	/* its own session and process group */
	waitpid(s->pid, NULL, 0);
}

static void
session_expect(struct session *s, const char *text)
{
	long long end = now_ms() + (long long)s->timeout * 1000, left;

	while (!session_match(s, text)) {
		left = end - now_ms();
		if (s->eof || left <= 0) {
			fflush(stdout);
			fprintf(stderr, "ptyrun: %s waiting for \"%s\"\n",
			    s->eof ? "the command ended" : "timeout", text);
			session_kill(s);
			exit(TIMEOUT_EXIT);
		}
		session_read(s, (int)left);
	}
}

static void
session_send(struct session *s, const char *text, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(s->fd, text, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return;		/* gone: the next expect says so */
		text += w;
		n -= (size_t)w;
	}
}

/* One line of the script, without its newline. */
static void
step(struct session *s, const char *line, const char *script, int lineno)
{
	char *buf;
	size_t n;

	if (*line == '\0' || *line == '#')
		return;
	if (strncmp(line, "expect ", 7) == 0) {
		session_expect(s, line + 7);
	} else if (strcmp(line, "send") == 0 ||
	    strncmp(line, "send ", 5) == 0) {
		line += line[4] == '\0' ? 4 : 5;
		n = strlen(line);
		if ((buf = malloc(n + 1)) == NULL)
			err(1, NULL);
		memcpy(buf, line, n);
		buf[n] = '\n';
		session_send(s, buf, n + 1);
		free(buf);
	} else if (strcmp(line, "sendeof") == 0) {
		session_send(s, "\004", 1);
	} else {
		session_kill(s);
		errx(2, "%s:%d: unknown step \"%s\"", script, lineno, line);
	}
}

/* In the child: plain "\n" output, then the command. */
static void
child(char **argv)
{
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &t) == 0) {
		t.c_oflag &= ~(tcflag_t)OPOST;
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "ptyrun: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int
main(int argc, char *argv[])
{
	struct session s;
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long long end;
	int ch, lineno = 0, ws;
	const char *errstr;

	memset(&s, 0, sizeof(s));
	s.timeout = 5;
	while ((ch = getopt(argc, argv, "+t:")) != -1) {
		if (ch != 't')
			usage();
		s.timeout = (int)strtonum(optarg, 1, 3600, &errstr);
		if (errstr != NULL)
			errx(2, "-t %s: %s", optarg, errstr);
	}
	argc -= optind;
	argv += optind;
	if (argc < 3 || strcmp(argv[1], "--") != 0)
		usage();
	if ((fp = fopen(argv[0], "r")) == NULL)
		err(2, "%s", argv[0]);
	if ((s.pid = forkpty(&s.fd, NULL, NULL, NULL)) == -1)
		err(1, "forkpty");
	if (s.pid == 0)
		child(argv + 2);
	while ((n = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[n - 1] = '\0';
		step(&s, line, argv[0], lineno);
	}
	free(line);
	fclose(fp);
	/* The rest of the output, then the status. */
	end = now_ms() + (long long)s.timeout * 1000;
	while (!s.eof && now_ms() < end)
		session_read(&s, (int)(end - now_ms()));
	if (!s.eof) {
		fprintf(stderr, "ptyrun: timeout waiting for the command to "
		    "end\n");
		session_kill(&s);
		return TIMEOUT_EXIT;
	}
	while (waitpid(s.pid, &ws, 0) == -1)
		if (errno != EINTR)
			err(1, "waitpid");
	close(s.fd);
	free(s.out);
	if (WIFSIGNALED(ws))
		return 128 + WTERMSIG(ws);
	return WEXITSTATUS(ws);
}
