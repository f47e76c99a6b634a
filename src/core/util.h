/*
 * util.h: string helpers every layer uses.
 */
#ifndef KVM_CORE_UTIL_H
#define KVM_CORE_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Free n strings of v, then v. */
void	 strlist_free(char **, size_t);
/* snprintf for paths: -1 and a warning instead of truncating. */
int	 pathf(char *buf, size_t bufsz, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 3, 4)));

/*
 * text with every "from" that is a whole path replaced by "to": not
 * preceded by a path character, not followed by one a VM name may hold
 * (HOME/vm/web/disk and "HOME/vm/web" match, HOME/vm/webserver and
 * /x/HOME/vm/web do not).  NULL when nothing matched; else caller
 * frees.  What rename, its recovery and receive do to set.conf and run.
 */
char	*path_replace(const char *text, const char *from, const char *to);
/* A size the way zfs list prints it: 10G, 512M, 1.50M, 15.2G. */
void	 size_human(uint64_t bytes, char *buf, size_t bufsz);

#endif /* !KVM_CORE_UTIL_H */
