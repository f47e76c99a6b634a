/*
 * lock.c: the per-VM lock file, /var/run/kvm/NAME.lock.  An flock, not
 * the file's existence, is the lock, so a process that dies (even by
 * SIGKILL) lets go of it and no stale lock is ever left behind; the
 * file itself stays.  Every command that must not race a start takes it
 * here, the same way.
 */
#include <sys/file.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "host/lock.h"
#include "core/util.h"
#include "host/file.h"
#include "host/paths.h"

/* RUNDIR/NAME.lock into path (and RUNDIR into dir); -1 reported. */
static int
lock_path(const struct kvm_ctx *ctx, const char *name, char *dir,
    size_t dirsz, char *path, size_t pathsz)
{
	if (host_path(ctx, KVM_RUNDIR, dir, dirsz) == -1)
		return -1;
	return pathf(path, pathsz, "%s/%s.lock", dir, name);
}

int
lock_vm(const struct kvm_ctx *ctx, const char *name, int *fdp)
{
	char path[PATH_MAX], dir[PATH_MAX];
	int fd, held;

	if (lock_path(ctx, name, dir, sizeof(dir), path, sizeof(path)) == -1 ||
	    mkdirs(dir, 0755) == -1)
		return -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1) {
		warn("%s", path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (!(held = errno == EWOULDBLOCK))
			warn("%s", path);
		close(fd);
		return held ? 1 : -1;
	}
	*fdp = fd;
	return 0;
}

int
lock_held(const struct kvm_ctx *ctx, const char *name)
{
	char path[PATH_MAX], dir[PATH_MAX];
	int fd, held;

	if (lock_path(ctx, name, dir, sizeof(dir), path, sizeof(path)) == -1 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	held = flock(fd, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK;
	close(fd);
	return held;
}

void
lock_release(int fd)
{
	if (fd != -1)
		close(fd);
}
