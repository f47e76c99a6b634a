/*
 * file.c: whole-file reads, the one atomic write every file kvm writes
 * goes through (a temporary dot-file in the same directory, fsync, the
 * old file's mode and owner, rename, fsync of the directory), copies,
 * mkdir -p and the program's own path.  Each reports its own failure
 * once with warn().
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/file.h"
#include "host/fault.h"
#include "core/valid.h"

int
file_read(const char *path, char **bufp, size_t *lenp)
{
	struct stat st;
	size_t cap, len = 0;
	ssize_t r = 0;
	char *buf;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	cap = (fstat(fd, &st) == 0 && st.st_size > 0) ?
	    (size_t)st.st_size + 1 : 4096;
	if ((buf = malloc(cap)) == NULL) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	for (;;) {
		if (len + 1 >= cap) {
			char *nbuf;

			if ((nbuf = realloc(buf, cap * 2)) == NULL) {
				r = -1;
				errno = ENOMEM;
				break;
			}
			buf = nbuf;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	saved = errno;
	close(fd);
	if (r == -1) {
		free(buf);
		errno = saved;
		return -1;
	}
	buf[len] = '\0';
	*bufp = buf;
	if (lenp != NULL)
		*lenp = len;
	return 0;
}

static int
write_all(int fd, const char *data, size_t len)
{
	ssize_t w;

	while (len > 0) {
		w = write(fd, data, len);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return -1;
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

/*
 * The temporary file for path: ".BASE.XXXXXX" in path's directory, a
 * dot-name so that a crash never leaves a file that looks real (an
 * executable "NAME.XXXXXX" in rc.d); and that directory, to fsync.
 */
static int
atomic_names(const char *path, char *tmp, size_t tmpsz, char *dir,
    size_t dirsz)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash != NULL ? slash + 1 : path;
	int n;

	if (slash == NULL)
		n = snprintf(dir, dirsz, ".");
	else
		n = snprintf(dir, dirsz, "%.*s", slash == path ? 1 :
		    (int)(slash - path), path);
	if (n < 0 || (size_t)n >= dirsz ||
	    (size_t)snprintf(tmp, tmpsz, "%.*s.%s.XXXXXX", (int)(base - path),
	    path, base) >= tmpsz) {
		warnx("%s: path too long", path);
		return -1;
	}
	return 0;
}

/*
 * The mode and owner of the file the temporary one replaces: an existing
 * file keeps its own (the owner only when we are root), a new one gets
 * mode.  Owner first: a chown may clear the set-id bits.
 */
static int
atomic_mode(int fd, const char *path, mode_t mode)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return errno == ENOENT ? fchmod(fd, mode) : -1;
	if (geteuid() == 0 && fchown(fd, st.st_uid, st.st_gid) == -1)
		return -1;
	return fchmod(fd, st.st_mode & 07777);
}

/* Make the rename durable; the new file is in place either way. */
static void
sync_dir(const char *dir)
{
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
}

/*
 * Write data to path atomically: a temporary file next to it (mkstemp:
 * mode 0600), written and fsync'd, then given its mode (and owner) and
 * fsync'd again, renamed over path, then the directory fsync'd.  Returns 0, or -1 after one warning with path
 * untouched and the temporary file removed.
 */
int
file_write_atomic(const char *path, const char *data, size_t len, mode_t mode)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	int fd, saved;

	if (atomic_names(path, tmp, sizeof(tmp), dir, sizeof(dir)) == -1)
		return -1;
	if ((fd = mkstemp(tmp)) == -1) {
		warn("%s", path);
		return -1;
	}
	/*
	 * Mode last, once the data is safe: until the rename the file is
	 * a dot-named 0600 one that rc(8) and the like never run.
	 */
	if (write_all(fd, data, len) == -1 || fsync(fd) == -1 ||
	    (fault_point("write"), atomic_mode(fd, path, mode) == -1) ||
	    fsync(fd) == -1) {
		saved = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		saved = errno;
		goto fail;
	}
	sync_dir(dir);
	return 0;
fail:
	unlink(tmp);
	warnc(saved, "%s", path);
	return -1;
}

int
file_copy(const char *src, const char *dst, mode_t mode)
{
	char *buf;
	size_t len;
	int r;

	if (file_read(src, &buf, &len) == -1) {
		warn("%s", src);
		return -1;
	}
	r = file_write_atomic(dst, buf, len, mode);
	free(buf);
	return r;
}

int
mkdirs(const char *path, mode_t mode)
{
	char buf[PATH_MAX], *p;

	if (strlcpy(buf, path, sizeof(buf)) >= sizeof(buf)) {
		warnx("%s: path too long", path);
		return -1;
	}
	for (p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(buf, mode) == -1) {
			struct stat st;

			if (errno == EEXIST && stat(buf, &st) == 0 &&
			    !S_ISDIR(st.st_mode))
				errno = ENOTDIR;
			if (errno != EEXIST) {
				warn("%s", buf);
				return -1;
			}
		}
		if ((*p = c) == '\0')
			break;
	}
	return 0;
}

int
self_path(const char *argv0, char *buf, size_t sz)
{
	char cand[PATH_MAX], *path, *p, *dir;
	int found = -1;

	if (strchr(argv0, '/') != NULL) {
		if (realpath(argv0, cand) == NULL)
			return -1;
		return strlcpy(buf, cand, sz) < sz ? 0 : -1;
	}
	if ((p = getenv("PATH")) == NULL || (path = strdup(p)) == NULL)
		return -1;
	for (p = path; found == -1 && (dir = strsep(&p, ":")) != NULL; ) {
		if ((size_t)snprintf(cand, sizeof(cand), "%s/%s",
		    *dir != '\0' ? dir : ".", argv0) >= sizeof(cand))
			continue;
		if (access(cand, X_OK) == 0)
			found = self_path(cand, buf, sz);
	}
	free(path);
	return found;
}

/*
 * An ISO image: an existing, readable regular file (or a device, such as
 * a CD drive), stored as an absolute path; "" for none.
 */
int
file_iso_path(const char *v, char *dst, size_t dstsz, char *err,
    size_t errsz)
{
	char real[PATH_MAX];
	struct stat st;
	int fd;

	if (*v == '\0') {
		*dst = '\0';
		return 0;
	}
	if (stat(v, &st) == -1)
		return errf(err, errsz, "ISO %s: %s", v, strerror(errno));
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode) &&
	    !S_ISBLK(st.st_mode))
		return errf(err, errsz, "ISO %s: not a regular file or a "
		    "device", v);
	if ((fd = open(v, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return errf(err, errsz, "ISO %s: %s", v, strerror(errno));
	close(fd);
	if (realpath(v, real) == NULL)
		return errf(err, errsz, "ISO %s: %s", v, strerror(errno));
	if (strchr(real, ',') != NULL)
		return errf(err, errsz, "ISO path \"%s\" contains ',', which "
		    "bhyve reads as an option separator", real);
	if (strlcpy(dst, real, dstsz) >= dstsz)
		return errf(err, errsz, "ISO %s: path too long", real);
	return 0;
}
