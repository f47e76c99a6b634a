/*
 * conf.h: the set.conf subset of sh (design.md section 4).  A conf keeps
 * every line of the file as read, plus the value of each assignment
 * after quote removal and $NAME/${NAME} expansion.  Pure: reading and
 * writing files is host/conffile.h.
 */
#ifndef KVM_CORE_CONF_H
#define KVM_CORE_CONF_H

#include <stddef.h>

#define CONF_MAX	(1024 * 1024)	/* largest file read; none comes near */

/*
 * What the file may expand to, so that a small file cannot make the
 * parser take unbounded memory or time: each $NAME copies a value, and
 * 30 lines of A1="$A0$A0" would make one of 1 GiB.  A value may be as
 * long as the file; all the $NAME expansions of one parse together 16
 * times that.  Real files have a few hundred bytes of values.
 */
#define CONF_VALUE_MAX	CONF_MAX	/* one value, after expansion */
#define CONF_EXPAND_MAX	(16 * CONF_MAX)	/* bytes copied by all $NAME */

struct conf;

/*
 * Parse a buffer.  On error returns NULL and writes "FILE:LINE: message"
 * into err (size KVM_ERR_MAX).
 */
struct conf	*conf_parse(const char *buf, size_t len, const char *fname,
		    char *err, size_t errsz);
void		 conf_free(struct conf *);
/* Value of the last assignment of name, NULL if never assigned. */
const char	*conf_get(const struct conf *, const char *name);
/* Line number of the last assignment of name, 0 if none. */
int		 conf_line(const struct conf *, const char *name);
/* Number of assigned variables and the i-th (first-assignment order). */
size_t		 conf_count(const struct conf *);
const char	*conf_name(const struct conf *, size_t i);
/*
 * Change the last assignment of name to value (quoted so that sh reads
 * back exactly value), keeping every other line and the line's comment;
 * appends NAME="value" when name is not assigned.  Returns 0 or -1.
 */
int		 conf_set(struct conf *, const char *name, const char *value);
/*
 * The value of name's last assignment as written, quotes and $NAME
 * references included: bytes [*off, *off + *len) of conf_text().
 * Returns 0, or -1 when name is not assigned.
 */
int		 conf_raw(const struct conf *, const char *name, size_t *off,
		    size_t *len);
/* The file text as it would be written; caller frees. */
char		*conf_text(const struct conf *);
/* value as an sh double-quoted string, quotes included; caller frees. */
char		*conf_quote(const char *value);

#endif /* !KVM_CORE_CONF_H */
