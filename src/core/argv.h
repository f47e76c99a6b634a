/*
 * argv.h: a growable NULL-terminated argument vector, the only form in
 * which kvm hands a command line to another program.
 */
#ifndef KVM_CORE_ARGV_H
#define KVM_CORE_ARGV_H

#include <stddef.h>

struct argv {
	char	**av_v;
	size_t	  av_n;		/* entries, not counting the NULL */
	size_t	  av_cap;
};

void	 argv_init(struct argv *);
void	 argv_add(struct argv *, const char *);
void	 argv_addf(struct argv *, const char *, ...)
	    __attribute__((__format__(__printf__, 2, 3)));
void	 argv_free(struct argv *);
/* Print an argv on one line as a user could paste it into sh. */
char	*argv_join(const struct argv *);

#endif /* !KVM_CORE_ARGV_H */
