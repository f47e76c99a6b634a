/*
 * lock.c: the run lock (NAME.lock) and the admin lock (NAME.admin) of
 * each VM, under /var/run/kvm.  An flock, not the file's existence, is
 * the lock, so a process that dies (even by SIGKILL) lets go of it and
 * no stale lock is ever left behind; the files themselves stay.  Every
 * command takes its locks here, the same way.
 */
#include <sys/file.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host/lock.h"
#include "core/util.h"
#include "host/file.h"
#include "host/paths.h"

/* Set by SIGALRM while lock_vm_wait blocks. */
static volatile sig_atomic_t lock_alarmed;

/* RUNDIR/NAME.EXT into path, creating RUNDIR; -1 reported. */
static int
lock_path(const struct kvm_ctx *ctx, const char *name, const char *ext,
    int create, char *path, size_t pathsz)
{
	char dir[PATH_MAX];

	if (host_path(ctx, KVM_RUNDIR, dir, sizeof(dir)) == -1 ||
	    (create && mkdirs(dir, 0755) == -1))
		return -1;
	return pathf(path, pathsz, "%s/%s.%s", dir, name, ext);
}

/* Open (creating) RUNDIR/NAME.EXT for locking; -1 reported. */
static int
lock_open(const struct kvm_ctx *ctx, const char *name, const char *ext,
    char *path, size_t pathsz)
{
	int fd;

	if (lock_path(ctx, name, ext, 1, path, pathsz) == -1)
		return -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1)
		warn("%s", path);
	return fd;
}

/* flock(how | LOCK_NB): 0, 1 when held elsewhere, -1 reported. */
static int
lock_try(int fd, const char *path, int how)
{
	if (flock(fd, how | LOCK_NB) == 0)
		return 0;
	if (errno == EWOULDBLOCK)
		return 1;
	warn("%s", path);
	return -1;
}

int
lock_vm(const struct kvm_ctx *ctx, const char *name, int *fdp)
{
	char path[PATH_MAX];
	int fd, r;

	if ((fd = lock_open(ctx, name, "lock", path, sizeof(path))) == -1)
		return -1;
	if ((r = lock_try(fd, path, LOCK_EX)) != 0) {
		close(fd);
		return r;
	}
	*fdp = fd;
	return 0;
}

static void
lock_onalarm(int sig)
{
	(void)sig;
	lock_alarmed = 1;
}

/*
 * flock(LOCK_EX) bounded by an alarm: the handler is installed without
 * SA_RESTART, so the alarm makes flock fail with EINTR.  Other signals
 * that interrupt it are waited through.  0, 1 timed out, -1 (errno).
 */
static int
lock_block(int fd, unsigned secs)
{
	struct sigaction sa, old;
	sigset_t alrm, omask;
	int r, e;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = lock_onalarm;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	lock_alarmed = 0;
	sigaction(SIGALRM, &sa, &old);
	sigprocmask(SIG_UNBLOCK, &alrm, &omask);
	alarm(secs);
	while ((r = flock(fd, LOCK_EX)) == -1 && errno == EINTR &&
	    !lock_alarmed)
		continue;
	e = errno;
	alarm(0);
	sigprocmask(SIG_SETMASK, &omask, NULL);
	sigaction(SIGALRM, &old, NULL);
	if (r == 0)
		return 0;
	errno = e;
	return e == EINTR ? 1 : -1;
}

int
lock_vm_wait(const struct kvm_ctx *ctx, const char *name, unsigned secs,
    int *fdp)
{
	char path[PATH_MAX];
	int fd, r;

	if ((fd = lock_open(ctx, name, "lock", path, sizeof(path))) == -1)
		return -1;
	if ((r = lock_try(fd, path, LOCK_EX)) == 1 && secs > 0 &&
	    (r = lock_block(fd, secs)) == -1)
		warn("%s", path);
	if (r != 0) {
		close(fd);
		return r;
	}
	*fdp = fd;
	return 0;
}

int
lock_held(const struct kvm_ctx *ctx, const char *name)
{
	char path[PATH_MAX];
	int fd, held;

	if (lock_path(ctx, name, "lock", 0, path, sizeof(path)) == -1 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	held = flock(fd, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK;
	close(fd);
	return held;
}

/*
 * Who holds the admin lock on fd, into buf: 1, or 0 when the file does
 * not say.  The holder may be between its flock and its write, so look
 * again a few times first; or it may have let go (release empties the
 * file first), which the caller finds by trying the lock again.
 */
static int
lock_holder(int fd, const char *path, char *buf, size_t sz)
{
	struct timespec tick = { 0, 10 * 1000000L };
	ssize_t n;
	int i;

	for (i = 0; i < 20; i++) {
		if ((n = pread(fd, buf, sz - 1, 0)) > 0) {
			buf[n] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			if (buf[0] != '\0')
				return 1;
		}
		if (lock_try(fd, path, LOCK_EX) == 0)
			return 0;	/* let go meanwhile: ours now */
		(void)nanosleep(&tick, NULL);
	}
	strlcpy(buf, "another kvm command", sz);
	return 1;
}

int
lock_admin(const struct kvm_ctx *ctx, const char *name, int *fdp)
{
	char path[PATH_MAX], who[128];
	int fd, r, n;

	if ((fd = lock_open(ctx, name, "admin", path, sizeof(path))) == -1)
		return -1;
	if ((r = lock_try(fd, path, LOCK_EX)) != 0) {
		/* Busy: say who holds it, unless it has just let go. */
		if (r == -1 || lock_holder(fd, path, who, sizeof(who)) == 1) {
			if (r == 1)
				warnx("%s: busy: %s", name, who);
			close(fd);
			return -1;
		}
	}
	n = snprintf(who, sizeof(who), "kvm%s%s (pid %ld)\n",
	    ctx->cmd != NULL ? " " : "", ctx->cmd != NULL ? ctx->cmd : "",
	    (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, who, (size_t)n, 0) != n) {
		warn("%s", path);
		close(fd);
		return -1;
	}
	*fdp = fd;
	return 0;
}

int
lock_admin2(const struct kvm_ctx *ctx, const char *a, const char *b,
    int *fda, int *fdb)
{
	int *first = fda, *second = fdb;

	*fda = *fdb = -1;
	if (strcmp(a, b) > 0) {
		first = fdb;
		second = fda;
	}
	if (lock_admin(ctx, first == fda ? a : b, first) == -1)
		return -1;
	if (lock_admin(ctx, second == fda ? a : b, second) == -1) {
		lock_release(*first);
		*first = -1;
		return -1;
	}
	return 0;
}

void
lock_release(int fd)
{
	int r;

	if (fd == -1)
		return;
	/* Only an admin lock has text; a run lock file is empty anyway. */
	r = ftruncate(fd, 0);
	(void)r;
	close(fd);
}
