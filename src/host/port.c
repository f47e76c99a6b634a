/*
 * port.c: the operating-system specific corner.  FreeBSD reads a
 * process's arguments with sysctl(kern.proc.args); Linux (the test
 * bench) reads /proc/PID/cmdline.  Everything else in kvm is POSIX.
 */
#include <sys/types.h>
#ifdef __FreeBSD__
#include <sys/sysctl.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host/port.h"
#include "core/common.h"

/* The NUL-separated argument area of pid into buf; length or -1. */
static ssize_t
port_proc_args(pid_t pid, char *buf, size_t sz)
{
#ifdef __FreeBSD__
	int mib[4] = { CTL_KERN, KERN_PROC, KERN_PROC_ARGS, (int)pid };
	size_t len = sz;

	if (sysctl(mib, 4, buf, &len, NULL, 0) == -1)
		return -1;
	return (ssize_t)len;
#else
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sz);
	close(fd);
	return n;
#endif
}

/*
 * A running bhyve shows "bhyve: NAME" once it has set its title, and
 * its raw command line (basename PROG, NAME last) before that; loaders
 * only ever show the raw command line.
 */
int
port_proc_is(pid_t pid, const char *prog, const char *name)
{
	char buf[8192], title[KVM_NAME_MAX + 64];
	const char *last, *base;
	ssize_t n;
	size_t i;

	if (pid <= 0 || (kill(pid, 0) == -1 && errno == ESRCH))
		return 0;
	if ((n = port_proc_args(pid, buf, sizeof(buf) - 1)) <= 0)
		return 0;
	buf[n] = '\0';
	snprintf(title, sizeof(title), "%s: %s", prog, name);
	if (strncmp(buf, title, strlen(title)) == 0 &&
	    (buf[strlen(title)] == '\0' || buf[strlen(title)] == ' '))
		return 1;
	base = strrchr(buf, '/') != NULL ? strrchr(buf, '/') + 1 : buf;
	if (strcmp(base, prog) != 0)
		return 0;
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	last = buf;
	for (i = 0; i < (size_t)n; i++)
		if (buf[i] == '\0')
			last = buf + i + 1;
	return strcmp(last, name) == 0;
}

long
port_ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n > 0 ? n : 0;
}

/*
 * 1 if pid is alive, its argv[0]'s base name is prog and one of its
 * arguments is exactly arg, else 0.  For programs that carry no VM
 * name of their own (swtpm: its socket path is the VM's).
 */
int
port_proc_arg(pid_t pid, const char *prog, const char *arg)
{
	char buf[8192];
	const char *p, *base;
	ssize_t n;

	if (pid <= 0 || (kill(pid, 0) == -1 && errno == ESRCH))
		return 0;
	if ((n = port_proc_args(pid, buf, sizeof(buf) - 1)) <= 0)
		return 0;
	buf[n] = '\0';
	base = strrchr(buf, '/') != NULL ? strrchr(buf, '/') + 1 : buf;
	if (strcmp(base, prog) != 0)
		return 0;
	for (p = buf + strlen(buf) + 1; p < buf + n; p += strlen(p) + 1)
		if (strcmp(p, arg) == 0)
			return 1;
	return 0;
}
