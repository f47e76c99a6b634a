/*
 * conffile.c: set.conf files on disk: read one (capped at CONF_MAX) and
 * parse it, write a conf back atomically.
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

#include "host/conffile.h"
#include "core/conf.h"

/*
 * Read and parse the file at path.  Returns a new conf, or NULL with
 * "PATH: reason" or "PATH:LINE: message" in ebuf.
 */
struct conf *
conffile_load(const char *path, char *ebuf, size_t ebufsz)
{
	struct conf *c;
	struct stat st;
	char *buf;
	size_t len = 0, cap;
	ssize_t n = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		snprintf(ebuf, ebufsz, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return NULL;
	}
	/* A byte more than the file, to see its end (or that it grew). */
	cap = st.st_size > CONF_MAX ? CONF_MAX + 1 : (size_t)st.st_size + 1;
	if ((buf = malloc(cap)) == NULL)
		err(1, NULL);
	while (len <= CONF_MAX && (n = read(fd, buf + len, cap - len)) > 0)
		if ((len += n) == cap && cap <= CONF_MAX) {
			cap = cap > CONF_MAX / 2 ? CONF_MAX + 1 : cap * 2;
			if ((buf = realloc(buf, cap)) == NULL)
				err(1, NULL);
		}
	if (n == -1 || len > CONF_MAX) {
		snprintf(ebuf, ebufsz, "%s: %s", path, n == -1 ?
		    strerror(errno) : "file too large (over 1 MiB)");
		c = NULL;
	} else
		c = conf_parse(buf, len, path, ebuf, ebufsz);
	close(fd);
	free(buf);
	return c;
}

static int
write_all(int fd, const char *s, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, s, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += n;
		len -= n;
	}
	return 0;
}

/* Make the rename durable; the new file is in place either way. */
static void
sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	dir = slash == NULL ? strdup(".") :
	    strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

/*
 * Write the text to path atomically: a temporary file next to it, with
 * the old file's mode (and owner, when root), fsync'd, then renamed over
 * it.  Returns 0, or -1 after one warning with the old file untouched.
 */
int
conffile_write(const struct conf *c, const char *path)
{
	char tmp[PATH_MAX];
	struct stat st;
	mode_t mask;
	char *text;
	size_t len;
	int fd, saved;

	if (stat(path, &st) == -1) {
		if (errno != ENOENT) {
			warn("%s", path);
			return -1;
		}
		mask = umask(022);
		umask(mask);
		st.st_mode = 0666 & ~mask;
		st.st_uid = geteuid();
		st.st_gid = getegid();
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    sizeof(tmp)) {
		warnc(ENAMETOOLONG, "%s", path);
		return -1;
	}
	if ((fd = mkstemp(tmp)) == -1) {
		warn("%s", path);
		return -1;
	}
	text = conf_text(c);
	len = strlen(text);
	if (write_all(fd, text, len) == -1 ||
	    fchmod(fd, st.st_mode & 07777) == -1 ||
	    (geteuid() == 0 && fchown(fd, st.st_uid, st.st_gid) == -1) ||
	    fsync(fd) == -1) {
		saved = errno;
		close(fd);
		free(text);
		goto fail;
	}
	free(text);
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		saved = errno;
		goto fail;
	}
	sync_dir(path);
	return 0;
fail:
	unlink(tmp);
	warnc(saved, "%s", path);
	return -1;
}
