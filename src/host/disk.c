/*
 * disk.c: a VM disk's backing store (disk.h).  Files are sparse: create
 * and grow only set the length, so a new or grown disk takes no room on
 * the pool until the guest writes to it.  A zvol is sized by zfs, never
 * through its device.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/disk.h"
#include "host/zfs.h"

int
disk_zvol(const char *path, char *ds, size_t dssz)
{
	static const char zvol[] = "/dev/zvol/";

	if (strncmp(path, zvol, sizeof(zvol) - 1) != 0 ||
	    path[sizeof(zvol) - 1] == '\0')
		return 0;
	return strlcpy(ds, path + sizeof(zvol) - 1, dssz) < dssz;
}

int
disk_create(const char *path, uint64_t bytes)
{
	int fd;

	if (bytes > INT64_MAX) {
		warnx("%s: too large", path);
		return -1;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		warn("%s", path);
		return -1;
	}
	if (ftruncate(fd, (off_t)bytes) == -1 || fsync(fd) == -1) {
		warn("%s", path);
		(void)close(fd);
		(void)unlink(path);
		return -1;
	}
	if (close(fd) == -1) {
		warn("%s", path);
		(void)unlink(path);
		return -1;
	}
	return 0;
}

/* A number zfs get -Hp printed. */
static int
zfs_num(const struct kvm_ctx *ctx, const char *ds, const char *prop,
    uint64_t *v)
{
	char buf[32], *end;

	if (zfs_get(ctx, ds, prop, buf, sizeof(buf)) == -1)
		return -1;
	errno = 0;
	*v = strtoull(buf, &end, 10);
	if (errno != 0 || end == buf || *end != '\0') {
		warnx("%s: %s: not a number: %s", ds, prop, buf);
		return -1;
	}
	return 0;
}

int
disk_size(const struct kvm_ctx *ctx, const char *path, uint64_t *size,
    uint64_t *used)
{
	char ds[PATH_MAX];
	struct stat st;

	if (disk_zvol(path, ds, sizeof(ds)))
		return zfs_num(ctx, ds, "volsize", size) == -1 ||
		    zfs_num(ctx, ds, "referenced", used) == -1 ? -1 : 0;
	if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
		return 1;
	*size = (uint64_t)st.st_size;
	*used = (uint64_t)st.st_blocks * 512;
	return 0;
}

int
disk_grow(const struct kvm_ctx *ctx, const char *path, uint64_t bytes)
{
	char ds[PATH_MAX], v[32];
	int fd;

	if (disk_zvol(path, ds, sizeof(ds))) {
		snprintf(v, sizeof(v), "%" PRIu64, bytes);
		return zfs_set(ctx, ds, "volsize", v);
	}
	if (bytes > INT64_MAX) {
		warnx("%s: too large", path);
		return -1;
	}
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1) {
		warn("%s", path);
		return -1;
	}
	if (ftruncate(fd, (off_t)bytes) == -1 || fsync(fd) == -1) {
		warn("%s", path);
		(void)close(fd);
		return -1;
	}
	if (close(fd) == -1) {
		warn("%s", path);
		return -1;
	}
	return 0;
}
