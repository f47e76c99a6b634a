/*
 * conf_edit.c: changing and writing out a set.conf: quoting a value so
 * sh reads it back exactly, replacing one assignment while keeping every
 * other byte, the text as it would be written, and the raw text of an
 * assignment.  The reader is conf.c.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/conf_impl.h"
#include "core/common.h"

/* conf_quote for conf_set: NULL on no memory. */
static char *
quote_value(const char *value)
{
	const char *s;
	char *q, *d;

	if ((q = d = conf_alloc(2 * strlen(value) + 3)) == NULL)
		return NULL;
	*d++ = '"';
	for (s = value; *s != '\0'; s++) {
		if (strchr("\\\"$`", *s) != NULL)
			*d++ = '\\';
		*d++ = *s;
	}
	*d++ = '"';
	*d = '\0';
	return q;
}

/*
 * Double-quote value for sh: \ " $ ` get a backslash, everything else
 * (newlines included) stays as is.  Returns a malloc'd "..." string;
 * exits on no memory, since its callers use the result unchecked.
 */
char *
conf_quote(const char *value)
{
	char *q;

	if ((q = quote_value(value)) == NULL)
		err(1, NULL);
	return q;
}

/*
 * Replace the last assignment of name by name="value" (or append one),
 * then parse the new text again so later references see the new value.
 * Returns 0, or -1 after a warning when name cannot be assigned, the
 * new text is refused (a value over the caps) or memory runs out; c is
 * unchanged then.
 */
int
conf_set(struct conf *c, const char *name, const char *value)
{
	struct conf *nc, old;
	const struct cvar *v;
	char *q, *text, msg[KVM_ERR_MAX];
	size_t n = strlen(name);
	int len;

	if (!conf_is_namestart(*name) || strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != n) {
		warnx("%s: cannot set \"%s\": invalid variable name",
		    c->c_fname, name);
		return -1;
	}
	if (conf_is_reserved(name, n)) {
		warnx("%s: cannot set %s: it is used by sh itself", c->c_fname,
		    name);
		return -1;
	}
	if ((q = quote_value(value)) == NULL) {
		warnx("%s: out of memory", c->c_fname);
		return -1;
	}
	if ((v = conf_var_find(c, name, n)) != NULL)
		len = asprintf(&text, "%.*s%s=%s%s", (int)v->cv_off, c->c_text,
		    name, q, c->c_text + v->cv_end);
	else
		len = asprintf(&text, "%s%s%s=%s\n", c->c_text, c->c_len > 0 &&
		    c->c_text[c->c_len - 1] != '\n' ? "\n" : "", name, q);
	free(q);
	if (len == -1) {
		warnx("%s: out of memory", c->c_fname);
		return -1;
	}
	nc = conf_parse(text, len, c->c_fname, msg, sizeof(msg));
	free(text);
	if (nc == NULL) {
		/* No memory, a value over the caps, or the rules above wrong. */
		warnx("%s", msg);
		return -1;
	}
	/* Swap the contents so the caller's pointer stays valid. */
	old = *c;
	*c = *nc;
	*nc = old;
	conf_free(nc);
	return 0;
}

/*
 * The text conffile_write would write, malloc'd; exits on no memory,
 * since its callers use the result unchecked.
 */
char *
conf_text(const struct conf *c)
{
	char *t;

	if ((t = conf_strndup(c->c_text, c->c_len)) == NULL)
		err(1, NULL);
	return t;
}

/*
 * Where the value of name's last assignment sits in conf_text(c), as
 * written (quotes and $references included): [*off, *off + *len).
 * Returns 0, or -1 when name is not assigned.
 */
int
conf_raw(const struct conf *c, const char *name, size_t *off, size_t *len)
{
	size_t n = strlen(name);
	const struct cvar *v = conf_var_find(c, name, n);

	if (v == NULL)
		return -1;
	*off = v->cv_off + n + 1;	/* past "NAME=" */
	*len = v->cv_end - *off;
	return 0;
}
