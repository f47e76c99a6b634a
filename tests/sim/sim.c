/*
 * sim.c: entry point of the multi-call simulator and what every
 * stand-in shares: the KVM_ROOTDIR guard, the invocation log, failure
 * injection from $KVM_ROOTDIR/sim/fail, and small file helpers.
 * The sh stand-ins in bin/ call "sim --prelude PROG ARGS..." so that
 * the log and the failure rules are the same for every program.
 */
#include <sys/stat.h>
#include <sys/time.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"

const char *sim_root;
const char *sim_prog = "sim";

/* Print "prog: message" on stderr, like warnx(3) under the real name. */
void
sim_warnx(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", sim_prog, buf);
}

/* Print a bare message line on stderr. */
void
sim_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* An error of the simulator itself (not of the program it plays). */
void
sim_fatal(const char *fmt, ...)
{
	va_list ap;

	fputs("sim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(SIM_EX_ROOT);
}

/* Format a path under $KVM_ROOTDIR into buf; fatal when too long. */
char *
sim_path(char *buf, size_t sz, const char *fmt, ...)
{
	char rel[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(rel))
		sim_fatal("path too long");
	n = snprintf(buf, sz, "%s/%s", sim_root, rel);
	if (n < 0 || (size_t)n >= sz)
		sim_fatal("path too long: %s/%s", sim_root, rel);
	return buf;
}

/* mkdir -p; 0 or -1 with errno. */
int
sim_mkdirs(const char *dir)
{
	char buf[4096], *p;

	if (strlcpy(buf, dir, sizeof(buf)) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0755) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

/* Create the directory that will hold path. */
int
sim_mkparent(const char *path)
{
	char buf[4096], *slash;

	if (strlcpy(buf, path, sizeof(buf)) >= sizeof(buf))
		return -1;
	if ((slash = strrchr(buf, '/')) == NULL || slash == buf)
		return 0;
	*slash = '\0';
	return sim_mkdirs(buf);
}

/* The whole file as a NUL-terminated string (malloc'd), or NULL. */
char *
sim_read(const char *path)
{
	char *buf, *nbuf;
	size_t len = 0, cap = 1024;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if ((buf = malloc(cap)) == NULL)
		sim_fatal("out of memory");
	for (;;) {
		if (len + 1 >= cap) {
			cap *= 2;
			if ((nbuf = realloc(buf, cap)) == NULL)
				sim_fatal("out of memory");
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* Replace path atomically with data. */
int
sim_write(const char *path, const char *data)
{
	char tmp[4200];
	size_t len = strlen(data);
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	if (sim_mkparent(path) == -1 ||
	    (fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) == -1)
		return -1;
	if (write(fd, data, len) != (ssize_t)len) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) == -1) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/*
 * strerror(3) as FreeBSD words it: the simulated programs print
 * FreeBSD's texts whatever the host is.
 */
const char *
bsd_strerror(int err)
{
	static const struct { int e; const char *s; } tab[] = {
		{ 0, "No error: 0" },
		{ EPERM, "Operation not permitted" },
		{ ENOENT, "No such file or directory" },
		{ EIO, "Input/output error" },
		{ ENXIO, "Device not configured" },
		{ ENOMEM, "Cannot allocate memory" },
		{ EACCES, "Permission denied" },
		{ EBUSY, "Device busy" },
		{ EEXIST, "File exists" },
		{ ENOTDIR, "Not a directory" },
		{ EISDIR, "Is a directory" },
		{ EINVAL, "Invalid argument" },
		{ ENOTTY, "Inappropriate ioctl for device" },
		{ ENOSPC, "No space left on device" },
		{ EROFS, "Read-only file system" },
		{ EAGAIN, "Resource temporarily unavailable" },
		{ EADDRINUSE, "Address already in use" },
		{ EADDRNOTAVAIL, "Can't assign requested address" },
		{ ELOOP, "Too many levels of symbolic links" },
		{ ENAMETOOLONG, "File name too long" },
		{ EALREADY, "Operation already in progress" },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].e == err)
			return tab[i].s;
	return strerror(err);
}

/* Seconds since the epoch, with microseconds. */
double
sim_now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/*
 * $KVM_ROOTDIR/sim/NAME[.what].pid: create (our pid) or remove (only
 * when it is still ours).  Tests kill what these files name.
 */
int
sim_pidfile(const char *name, const char *what, int create)
{
	char path[4096], buf[32], *old;

	if (what != NULL)
		sim_path(path, sizeof(path), "sim/%s.%s.pid", name, what);
	else
		sim_path(path, sizeof(path), "sim/%s.pid", name);
	snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (create)
		return sim_write(path, buf);
	if ((old = sim_read(path)) != NULL && strcmp(old, buf) == 0)
		unlink(path);
	free(old);
	return 0;
}

/* Append one line to $KVM_ROOTDIR/sim/log with a single write(2). */
void
sim_log(const char *fmt, ...)
{
	char path[4096], *line, *p;
	va_list ap;
	int fd, n;

	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0)
		sim_fatal("out of memory");
	for (p = line; *p != '\0'; p++)
		if (*p == '\n')
			*p = ' ';
	line[n] = '\n';		/* replaces the NUL; written by length */
	sim_path(path, sizeof(path), "sim/log");
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644)) != -1) {
		(void)write(fd, line, (size_t)n + 1);
		close(fd);
	}
	free(line);
}

/* The invocation as one log line: name and arguments, single spaces. */
static void
log_argv(const char *prog, int argc, char **argv)
{
	size_t len = strlen(prog) + 1;
	char *line;
	int i;

	for (i = 1; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((line = malloc(len)) == NULL)
		sim_fatal("out of memory");
	strlcpy(line, prog, len);
	for (i = 1; i < argc; i++) {
		strlcat(line, " ", len);
		strlcat(line, argv[i], len);
	}
	sim_log("%s", line);
	free(line);
}

/* Does one line of the fail file ("PROG WORD...") match this call? */
static int
fail_match(char *line, const char *prog, int argc, char **argv)
{
	char *word, *save;
	int i = 1;

	if ((word = strtok_r(line, " \t", &save)) == NULL ||
	    word[0] == '#' || strcmp(word, prog) != 0)
		return 0;
	while ((word = strtok_r(NULL, " \t", &save)) != NULL) {
		while (i < argc && strcmp(argv[i], word) != 0)
			i++;
		if (i >= argc)
			return 0;
		i++;
	}
	return 1;
}

/* Exit 1 with "PROG: simulated failure" when a fail rule matches. */
static int
fail_check(const char *prog, int argc, char **argv)
{
	char path[4096], *buf, *line, *save;
	int hit = 0;

	sim_path(path, sizeof(path), "sim/fail");
	if ((buf = sim_read(path)) == NULL)
		return 0;
	for (line = strtok_r(buf, "\n", &save); line != NULL && !hit;
	    line = strtok_r(NULL, "\n", &save))
		hit = fail_match(line, prog, argc, argv);
	free(buf);
	return hit;
}

/*
 * What every stand-in does first: refuse to run without KVM_ROOTDIR
 * (exit 70) and log the call.  Returns 1 when a failure rule matches
 * (the message is printed; the caller exits 1 doing nothing), else 0.
 */
int
sim_setup(const char *prog, int argc, char **argv)
{
	char dir[4096];
	struct stat st;

	sim_prog = prog;
	sim_root = getenv("KVM_ROOTDIR");
	if (sim_root == NULL || *sim_root == '\0') {
		fprintf(stderr, "sim: KVM_ROOTDIR is not set\n");
		exit(SIM_EX_ROOT);
	}
	if (stat(sim_root, &st) == -1 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "sim: KVM_ROOTDIR: %s: not a directory\n",
		    sim_root);
		exit(SIM_EX_ROOT);
	}
	if (sim_mkdirs(sim_path(dir, sizeof(dir), "sim")) == -1)
		sim_fatal("%s: %s", dir, strerror(errno));
	log_argv(prog, argc, argv);
	if (fail_check(prog, argc, argv)) {
		fprintf(stderr, "%s: simulated failure\n", prog);
		return 1;
	}
	return 0;
}

extern char **environ;

int
main(int argc, char **argv)
{
	const char *base;

#ifdef __linux__
	/* libbsd's setproctitle(3) needs the original argv/environ area. */
	setproctitle_init(argc, argv, environ);
#endif
	base = strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 :
	    argv[0];
	if (strcmp(base, "bhyve") == 0)
		return bhyve_main(argc, argv);
	if (strcmp(base, "bhyvectl") == 0)
		return bhyvectl_main(argc, argv);
	if (strcmp(base, "bhyveload") == 0)
		return bhyveload_main(argc, argv);
	if (strcmp(base, "grub-bhyve") == 0)
		return grub_main(argc, argv);
	if (strcmp(base, "swtpm") == 0)
		return swtpm_main(argc, argv);
	if (argc >= 3 && strcmp(argv[1], "--prelude") == 0) {
		return sim_setup(argv[2], argc - 2, argv + 2);
	}
	fprintf(stderr, "usage: sim --prelude PROG [ARG...]\n"
	    "       (or run as bhyve, bhyvectl, bhyveload, grub-bhyve, swtpm)\n");
	return 2;
}
