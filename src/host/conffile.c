/*
 * conffile.c: set.conf files on disk: read one (capped at CONF_MAX) and
 * parse it, write a conf back (through file_write_atomic, the one atomic
 * write).
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/conffile.h"
#include "core/conf.h"
#include "host/file.h"

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

/*
 * Write c's text to path with file_write_atomic: the old file's mode and
 * owner, or 0666 less the umask for a new file.  Returns 0, or -1 after
 * one warning with the old file untouched.
 */
int
conffile_write(const struct conf *c, const char *path)
{
	mode_t mask;
	char *text;
	int r;

	mask = umask(022);
	umask(mask);
	text = conf_text(c);
	r = file_write_atomic(path, text, strlen(text), 0666 & ~mask);
	free(text);
	return r;
}
