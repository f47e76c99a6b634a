/*
 * conffile.h: set.conf files on disk.
 */
#ifndef KVM_HOST_CONFFILE_H
#define KVM_HOST_CONFFILE_H

#include <stddef.h>

struct conf;

/*
 * Read and parse the file at path.  Returns a new conf, or NULL with
 * "PATH: reason" or "PATH:LINE: message" in err.
 */
struct conf	*conffile_load(const char *path, char *err, size_t errsz);
/*
 * Write c's text to path atomically, keeping the old file's mode and
 * owner.  0, or -1 after one warning with the old file untouched.
 */
int		 conffile_write(const struct conf *c, const char *path);

#endif /* !KVM_HOST_CONFFILE_H */
