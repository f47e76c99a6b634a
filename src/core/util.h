/*
 * util.h: string helpers every layer uses.
 */
#ifndef KVM_CORE_UTIL_H
#define KVM_CORE_UTIL_H

#include <stddef.h>

/* Free n strings of v, then v. */
void	 strlist_free(char **, size_t);
/* snprintf for paths: -1 and a warning instead of truncating. */
int	 pathf(char *buf, size_t bufsz, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 3, 4)));

#endif /* !KVM_CORE_UTIL_H */
