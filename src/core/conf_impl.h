/*
 * conf_impl.h: the inside of a struct conf, shared by the reader
 * (conf.c) and the editor (conf_edit.c) of set.conf and nothing else.
 */
#ifndef KVM_CORE_CONF_IMPL_H
#define KVM_CORE_CONF_IMPL_H

#include <stddef.h>
#include <stdint.h>

struct cvar {
	char	*cv_name;
	char	*cv_value;
	int	 cv_line;	/* line where the last assignment starts */
	size_t	 cv_off;	/* its NAME=value text is [cv_off, cv_end) */
	size_t	 cv_end;
};

struct conf {
	char		*c_fname;
	char		*c_text;	/* the file as read, NUL-terminated */
	size_t		 c_len;
	struct cvar	*c_vars;	/* first-assignment order */
	size_t		 c_nvars;
	size_t		 c_cap;
	size_t		*c_hash;	/* index + 1 into c_vars; 0: empty */
	size_t		 c_hcap;	/* a power of 2 */
	uint64_t	 c_key[2];	/* hash_name's key, random per conf */
};

/* malloc and strndup that return NULL on no memory (never exit). */
void	*conf_alloc(size_t);
char	*conf_strndup(const char *, size_t);
/* The variable name[0..n) of c, NULL when it is not assigned. */
const struct cvar *conf_var_find(const struct conf *c, const char *name,
	    size_t n);
/* What sh accepts as a name's first character; names sh keeps. */
int	 conf_is_namestart(int c);
int	 conf_is_reserved(const char *name, size_t n);

#endif /* !KVM_CORE_CONF_IMPL_H */
