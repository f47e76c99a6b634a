/*
 * file.h: whole files: read, write atomically, copy; mkdir -p; the
 * program's own path.
 */
#ifndef KVM_HOST_FILE_H
#define KVM_HOST_FILE_H

#include <sys/types.h>

#include <stddef.h>

/* Read a whole file; NUL-terminated.  -1 with errno set. */
int	 file_read(const char *path, char **buf, size_t *len);
/*
 * Write len bytes of data to path atomically: a temporary ".NAME.XXXXXX"
 * in the same directory (mode 0600), written and fsync'd, only then
 * given its mode, renamed over path, then the directory fsync'd: a
 * crash leaves at worst a dot-named file no one runs.  An existing file keeps its mode (and owner,
 * when root); a new one gets mode, as given (no umask).  Returns 0, or
 * -1 after one warning with path untouched and no temporary file left.
 */
int	 file_write_atomic(const char *path, const char *data, size_t len,
	    mode_t mode);
/*
 * Copy a file with file_write_atomic (mode for a new destination).
 * 0, or -1 after one warning.
 */
int	 file_copy(const char *src, const char *dst, mode_t mode);
/* Absolute path of the program run as argv0 (searched on PATH). */
int	 self_path(const char *argv0, char *buf, size_t bufsz);

/*
 * An ISO image for insert and create: existing, readable, a regular file
 * or a device; its absolute path goes into dst ("" stays "").  0, or -1
 * and "ISO PATH: reason" in err.
 */
int	 file_iso_path(const char *path, char *dst, size_t dstsz, char *err,
	    size_t errsz);

/* mkdir -p; -1+warn. */
int	 mkdirs(const char *path, mode_t mode);

#endif /* !KVM_HOST_FILE_H */
