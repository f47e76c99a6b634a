/*
 * conf.c: set.conf, the subset of sh assignment syntax kvm reads and
 * writes (design.md section 4).  A conf keeps the file text byte for byte
 * and, for each variable, its value and where its last assignment sits,
 * so conf_set replaces exactly that text and leaves the rest alone.
 * Whatever sh would run, expand or read differently is refused with
 * "FILE:LINE: message"; LINE is the line of the offending character, or
 * for an unterminated quote the line where the quote opened.  A carriage
 * return is kept inside quotes, as sh does; anywhere else it is refused,
 * since it would silently end up in a value (or run as a command).
 *
 * Memory and time stay bounded whatever the text: values are capped
 * (CONF_VALUE_MAX, CONF_EXPAND_MAX) before anything is allocated, the
 * variable table uses a keyed hash, and running out of memory is an
 * error ("FILE: out of memory"), never an exit, in conf_parse and
 * conf_set.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/conf_impl.h"
#include "core/siphash.h"
#include "core/common.h"

#define SHOW_MAX	40		/* bytes of user text quoted in errors */

struct parser {
	struct conf	*ps_conf;
	const char	*ps_p;		/* next byte to read */
	const char	*ps_end;
	int		 ps_line;	/* line of ps_p */
	char		*ps_err;
	size_t		 ps_errsz;
	char		*ps_val;	/* the value being built */
	size_t		 ps_vlen;
	size_t		 ps_vcap;
	const char	*ps_name;	/* the variable it is for */
	size_t		 ps_nlen;
	size_t		 ps_expanded;	/* bytes copied by $NAME so far */
};

/*
 * Names sh itself uses: assigning them changes the shell running the
 * hooks (OPTIND=x even aborts dash) or sh changes them behind our back.
 */
static const char *const conf_reserved[] = {
	"IFS", "LINENO", "OPTIND", "PATH", "_", NULL
};

/* malloc: NULL on no memory, which every caller reports, not exits. */
void *
conf_alloc(size_t n)
{
	return malloc(n);
}

/* The n bytes at s, NUL-terminated; NULL on no memory. */
char *
conf_strndup(const char *s, size_t n)
{
	char *d;

	if ((d = conf_alloc(n + 1)) == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/*
 * Write "FILE: out of memory" and return -1.  No line: the file is not
 * at fault, and conf_parse may not have got as far as a line.
 */
static int
err_nomem(char *ebuf, size_t ebufsz, const char *fname)
{
	snprintf(ebuf, ebufsz, "%s: out of memory", fname);
	return -1;
}

int
conf_is_namestart(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int
is_namechar(int c)
{
	return conf_is_namestart(c) || (c >= '0' && c <= '9');
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* Characters that end a word and start an operator in sh. */
static int
is_operator(int c)
{
	return c != '\0' && strchr(";&|<>()", c) != NULL;
}

int
conf_is_reserved(const char *name, size_t n)
{
	size_t i;

	for (i = 0; conf_reserved[i] != NULL; i++)
		if (strlen(conf_reserved[i]) == n &&
		    memcmp(conf_reserved[i], name, n) == 0)
			return 1;
	return 0;
}

/*
 * Copy user text into dst for a message: at most SHOW_MAX bytes, control
 * characters as '?', "..." when cut.
 */
static void
show(char *dst, size_t dstsz, const char *s, size_t n)
{
	size_t i, max = n > SHOW_MAX ? SHOW_MAX : n;

	if (max > dstsz - 4)
		max = dstsz - 4;
	for (i = 0; i < max; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	dst[i] = '\0';
	if (max < n)
		strlcat(dst, "...", dstsz);
}

/* Write "FILE:LINE: message" and return -1. */
static int __attribute__((__format__(__printf__, 3, 4)))
perr(struct parser *ps, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(ps->ps_err, ps->ps_errsz, "%s:%d: ",
	    ps->ps_conf->c_fname, line);
	if (n < 0 || (size_t)n >= ps->ps_errsz)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ps->ps_err + n, ps->ps_errsz - n, fmt, ap);
	va_end(ap);
	return -1;
}

static int
nomem(struct parser *ps)
{
	return err_nomem(ps->ps_err, ps->ps_errsz, ps->ps_conf->c_fname);
}

/*
 * Append n bytes to the value being built, or refuse: the length is
 * checked against CONF_VALUE_MAX before anything is allocated.
 */
static int
val_add(struct parser *ps, const char *s, size_t n)
{
	char shown[SHOW_MAX + 4], *nv;
	size_t cap;

	if (n > CONF_VALUE_MAX - ps->ps_vlen) {
		show(shown, sizeof(shown), ps->ps_name, ps->ps_nlen);
		return perr(ps, ps->ps_line, "%s is longer than %d bytes "
		    "after expansion", shown, CONF_VALUE_MAX);
	}
	if (ps->ps_vlen + n + 1 > ps->ps_vcap) {
		for (cap = ps->ps_vcap ? ps->ps_vcap : 64;
		    ps->ps_vlen + n + 1 > cap; cap *= 2)
			continue;
		if ((nv = realloc(ps->ps_val, cap)) == NULL)
			return nomem(ps);
		ps->ps_val = nv;
		ps->ps_vcap = cap;
	}
	memcpy(ps->ps_val + ps->ps_vlen, s, n);
	ps->ps_vlen += n;
	ps->ps_val[ps->ps_vlen] = '\0';
	return 0;
}

/*
 * SipHash-2-4 of the name under the conf's random key (arc4random_buf
 * in conf_parse; one key per conf, so no global state).  With unkeyed
 * FNV-1a, a 1 MiB file of 95000 names chosen to share their low 18 bits
 * made every lookup walk one chain (26 s instead of 0.02 s).  A seed
 * mixed into FNV-1a would be a weak defence: the slot depends only on
 * the low bits of its state, so the seed adds no more unknown bits than
 * that, and seeded multiply-xor hashes (MurmurHash, CityHash) have been
 * flooded with collisions that hold for every seed.  SipHash is a keyed
 * function made against this: without the key, collisions cannot be
 * chosen, so probe chains stay short whatever the names.  The file cap
 * bounds how many names there can be (about 260000 in 1 MiB), so no
 * separate cap on the number of variables: perf_linear's 100000 stay.
 */
static size_t
hash_name(const uint64_t key[2], const char *name, size_t n)
{
	return (size_t)siphash24(key, name, n);
}

/* Slot of name in the hash: its index + 1 if present, else 0. */
static size_t *
var_slot(const struct conf *c, const char *name, size_t n)
{
	size_t i, *slot;
	const struct cvar *v;

	i = hash_name(c->c_key, name, n) & (c->c_hcap - 1);
	for (;; i = (i + 1) & (c->c_hcap - 1)) {
		slot = &c->c_hash[i];
		if (*slot == 0)
			return slot;
		v = &c->c_vars[*slot - 1];
		if (strncmp(v->cv_name, name, n) == 0 && v->cv_name[n] == '\0')
			return slot;
	}
}

/* Double the hash table; -1 on no memory, the old one kept. */
static int
hash_grow(struct conf *c)
{
	size_t i, cap = c->c_hcap ? c->c_hcap * 2 : 64, *h;

	if ((h = calloc(cap, sizeof(*h))) == NULL)
		return -1;
	free(c->c_hash);
	c->c_hash = h;
	c->c_hcap = cap;
	for (i = 0; i < c->c_nvars; i++)
		*var_slot(c, c->c_vars[i].cv_name,
		    strlen(c->c_vars[i].cv_name)) = i + 1;
	return 0;
}

const struct cvar *
conf_var_find(const struct conf *c, const char *name, size_t n)
{
	size_t *slot;

	if (c->c_hcap == 0)
		return NULL;
	slot = var_slot(c, name, n);
	return *slot == 0 ? NULL : &c->c_vars[*slot - 1];
}

/*
 * Record an assignment; the value buffer is handed over to the conf.
 * -1 on no memory, the conf left as it was.
 */
static int
var_assign(struct parser *ps, const char *name, size_t n, int line,
    size_t off, size_t end)
{
	struct conf *c = ps->ps_conf;
	struct cvar *v, *nv;
	size_t *slot, cap;
	char *cname;

	if ((c->c_nvars + 1) * 2 > c->c_hcap && hash_grow(c) == -1)
		return nomem(ps);
	if (ps->ps_val == NULL && (ps->ps_val = conf_strndup("", 0)) == NULL)
		return nomem(ps);
	slot = var_slot(c, name, n);
	if (*slot == 0) {
		if (c->c_nvars == c->c_cap) {
			cap = c->c_cap ? c->c_cap * 2 : 32;
			if ((nv = reallocarray(c->c_vars, cap,
			    sizeof(*c->c_vars))) == NULL)
				return nomem(ps);
			c->c_vars = nv;
			c->c_cap = cap;
		}
		if ((cname = conf_strndup(name, n)) == NULL)
			return nomem(ps);
		v = &c->c_vars[c->c_nvars++];
		v->cv_name = cname;
		v->cv_value = NULL;
		*slot = c->c_nvars;
	} else
		v = &c->c_vars[*slot - 1];
	free(v->cv_value);
	v->cv_value = ps->ps_val;
	ps->ps_val = NULL;
	ps->ps_vlen = ps->ps_vcap = 0;
	v->cv_line = line;
	v->cv_off = off;
	v->cv_end = end;
	return 0;
}

/*
 * Append the value of the variable NAME (n bytes) or refuse.  Each value
 * is capped, but 100000 lines of B=$A could still copy a 1 MiB value
 * 100000 times: CONF_EXPAND_MAX caps what all expansions copy, which
 * bounds the parser's memory and time.
 */
static int
expand(struct parser *ps, const char *name, size_t n)
{
	const struct cvar *v;
	char shown[SHOW_MAX + 4];
	size_t len;

	if ((v = conf_var_find(ps->ps_conf, name, n)) == NULL) {
		show(shown, sizeof(shown), name, n);
		return perr(ps, ps->ps_line,
		    "$%s is not set earlier in the file", shown);
	}
	len = strlen(v->cv_value);
	if (len > CONF_EXPAND_MAX - ps->ps_expanded) {
		show(shown, sizeof(shown), ps->ps_name, ps->ps_nlen);
		return perr(ps, ps->ps_line, "%s: expansions in the file add "
		    "up to more than %d bytes", shown, CONF_EXPAND_MAX);
	}
	ps->ps_expanded += len;
	return val_add(ps, v->cv_value, len);
}

/* ${...} after the "${": only ${NAME}. */
static int
parse_braced(struct parser *ps)
{
	const char *p = ps->ps_p, *name = p, *e = ps->ps_end;

	if (p < e && conf_is_namestart(*p)) {
		while (p < e && is_namechar(*p))
			p++;
		if (p < e && *p == '}') {
			ps->ps_p = p + 1;
			return expand(ps, name, p - name);
		}
		if (p == e || strchr(":-=?+#%/^,@[", *p) == NULL)
			return perr(ps, ps->ps_line, "missing \"}\" after "
			    "\"${%.*s\"", (int)(p - name > SHOW_MAX ?
			    SHOW_MAX : p - name), name);
	} else if (p < e && ((*p >= '0' && *p <= '9') ||
	    strchr("@*#?$!-", *p) != NULL)) {
		if (*p >= '0' && *p <= '9')
			while (p + 1 < e && p[1] >= '0' && p[1] <= '9')
				p++;
		if (p + 1 < e && p[1] == '}')
			return perr(ps, ps->ps_line, "special parameter "
			    "\"${%.*s}\" is not allowed", (int)(p - name + 1 >
			    SHOW_MAX ? SHOW_MAX : p - name + 1), name);
	} else
		return perr(ps, ps->ps_line,
		    "\"${\" must be followed by a variable name");
	return perr(ps, ps->ps_line, "parameter expansion operators are "
	    "not allowed (only $NAME and ${NAME})");
}

/*
 * A "$" (ps_p points at it).  A lone "$" is kept only where every sh
 * keeps it: at the end of a word or of a double-quoted string.
 */
static int
parse_dollar(struct parser *ps, int quoted)
{
	const char *p = ps->ps_p + 1, *name, *e = ps->ps_end;
	int c = p < e ? (unsigned char)*p : -1, n;

	if (c == '(')
		return perr(ps, ps->ps_line, p + 1 < e && p[1] == '(' ?
		    "arithmetic expansion is not allowed" :
		    "command substitution is not allowed");
	if (c == '{') {
		ps->ps_p = p + 1;
		return parse_braced(ps);
	}
	if (c != -1 && conf_is_namestart(c)) {
		for (name = p; p < e && is_namechar(*p); p++)
			continue;
		n = p - name > SHOW_MAX ? SHOW_MAX : p - name;
		/* sh would join a backslash-newline or read a locale letter. */
		if (p < e && ((unsigned char)*p >= 0x80 ||
		    (*p == '\\' && p + 1 < e && p[1] == '\n')))
			return perr(ps, ps->ps_line, "%s right after \"$%.*s\""
			    " is not allowed (write \"${%.*s}\")", *p == '\\' ?
			    "backslash-newline" : "non-ASCII character", n, name,
			    n, name);
		ps->ps_p = p;
		return expand(ps, name, p - name);
	}
	if ((c >= '0' && c <= '9') || (c != -1 && strchr("@*#?$!-", c)))
		return perr(ps, ps->ps_line,
		    "special parameter \"$%c\" is not allowed", c);
	if (c == -1 || is_blank(c) || c == '\n' || (quoted && c == '"')) {
		ps->ps_p = p;
		return val_add(ps, "$", 1);
	}
	return perr(ps, ps->ps_line, "\"$\" must be followed by a variable "
	    "name (write \"\\$\" for a literal \"$\")");
}

static int
parse_squote(struct parser *ps)
{
	const char *p = ps->ps_p + 1, *s = p;
	int line = ps->ps_line;

	for (; p < ps->ps_end && *p != '\''; p++)
		if (*p == '\n')
			ps->ps_line++;
	if (p == ps->ps_end)
		return perr(ps, line, "unterminated single quote");
	ps->ps_p = p + 1;
	return val_add(ps, s, p - s);
}

/* Inside "...": \\ \" \$ \` and backslash-newline are sh's escapes. */
static int
parse_dquote(struct parser *ps)
{
	const char *e = ps->ps_end;
	int line = ps->ps_line;

	for (ps->ps_p++; ps->ps_p < e; ) {
		const char *p = ps->ps_p;

		if (*p == '"') {
			ps->ps_p++;
			return 0;
		} else if (*p == '$') {
			if (parse_dollar(ps, 1) == -1)
				return -1;
		} else if (*p == '`') {
			return perr(ps, ps->ps_line,
			    "command substitution is not allowed");
		} else if (*p == '\\' && p + 1 < e && p[1] == '\n') {
			ps->ps_line++;
			ps->ps_p += 2;
		} else if (*p == '\\' && p + 1 < e &&
		    strchr("\\\"$`", p[1]) != NULL) {
			if (val_add(ps, p + 1, 1) == -1)
				return -1;
			ps->ps_p += 2;
		} else {
			if (*p == '\n')
				ps->ps_line++;
			if (val_add(ps, p, 1) == -1)
				return -1;
			ps->ps_p++;
		}
	}
	return perr(ps, line, "unterminated double quote");
}

static int
err_continuation(struct parser *ps)
{
	return perr(ps, ps->ps_line, "backslash at end of line "
	    "(line continuation) is not allowed");
}

static int
err_cr(struct parser *ps)
{
	return perr(ps, ps->ps_line,
	    "carriage return is not allowed (DOS line endings?)");
}

/* The value after "NAME=", up to an unquoted blank or the end of line. */
static int
parse_value(struct parser *ps)
{
	const char *e = ps->ps_end;
	int r = 0;

	while (r == 0 && ps->ps_p < e) {
		const char *p = ps->ps_p;

		if (is_blank(*p) || *p == '\n')
			break;
		else if (*p == '"')
			r = parse_dquote(ps);
		else if (*p == '\'')
			r = parse_squote(ps);
		else if (*p == '$')
			r = parse_dollar(ps, 0);
		else if (*p == '\\') {
			if (p + 1 == e || p[1] == '\n')
				return err_continuation(ps);
			r = val_add(ps, p + 1, 1);
			ps->ps_p += 2;
		} else if (*p == '`')
			return perr(ps, ps->ps_line,
			    "command substitution is not allowed");
		else if (is_operator(*p))
			return perr(ps, ps->ps_line, "unquoted \"%c\" is not "
			    "allowed", *p);
		else if (*p == '~')
			return perr(ps, ps->ps_line, "unquoted \"~\" is not "
			    "allowed (sh would expand it)");
		else if (*p == '\r')
			return err_cr(ps);
		else {
			r = val_add(ps, p, 1);
			ps->ps_p++;
		}
	}
	return r;
}

/* What follows the value on its line: blanks, maybe a comment. */
static int
parse_rest(struct parser *ps)
{
	const char *p = ps->ps_p, *e = ps->ps_end, *w;
	char shown[SHOW_MAX + 4];

	while (p < e && is_blank(*p))
		p++;
	if (p < e && *p == '#' && p > ps->ps_p)
		while (p < e && *p != '\n')
			p++;
	ps->ps_p = p;
	if (p == e || *p == '\n')
		return 0;
	if (*p == '\r')
		return err_cr(ps);
	if (*p == '\\' && (p + 1 == e || p[1] == '\n'))
		return err_continuation(ps);
	if (is_operator(*p))
		return perr(ps, ps->ps_line, "unquoted \"%c\" is not allowed",
		    *p);
	for (w = p; w < e && !is_blank(*w) && *w != '\n' &&
	    !is_operator(*w); w++)
		continue;
	for (e = p; e < w && is_namechar(*e); e++)
		continue;
	if (e > p && conf_is_namestart(*p) && e < w && *e == '=')
		return perr(ps, ps->ps_line,
		    "only one assignment per line is allowed");
	show(shown, sizeof(shown), p, w - p);
	return perr(ps, ps->ps_line, "unquoted space in value "
	    "(sh would run \"%s\" as a command)", shown);
}

/* A line that does not start with NAME=: say why. */
static int
not_assignment(struct parser *ps, const char *start)
{
	const char *e = ps->ps_end, *w, *eq = NULL, *eol;
	char shown[SHOW_MAX + 4];

	if (*start == '\r')
		return err_cr(ps);
	if (*start == '\\' && (start + 1 == e || start[1] == '\n'))
		return err_continuation(ps);
	for (w = start; w < e && !is_blank(*w) && *w != '\n' &&
	    !is_operator(*w); w++)
		if (*w == '=' && eq == NULL)
			eq = w;
	if (eq != NULL && eq > start) {
		show(shown, sizeof(shown), start, eq - start);
		return perr(ps, ps->ps_line, "invalid variable name \"%s\"",
		    shown);
	}
	for (eol = w; eol < e && *eol != '\n'; eol++)
		continue;
	while (eol > start && is_blank(eol[-1]))
		eol--;
	show(shown, sizeof(shown), start, eol - start);
	return perr(ps, ps->ps_line, "\"%s\" is not an assignment", shown);
}

static int
parse_assignment(struct parser *ps)
{
	const char *start = ps->ps_p, *p = start, *e = ps->ps_end;
	int line = ps->ps_line;
	size_t n;

	while (p < e && is_namechar(*p))
		p++;
	if (!conf_is_namestart(*start) || p == e || *p != '=')
		return not_assignment(ps, start);
	n = p - start;
	if (conf_is_reserved(start, n))
		return perr(ps, line, "%.*s is used by sh itself and cannot "
		    "be set here", (int)n, start);
	ps->ps_p = p + 1;
	ps->ps_vlen = 0;
	ps->ps_name = start;
	ps->ps_nlen = n;
	if (parse_value(ps) == -1 ||
	    var_assign(ps, start, n, line, start - ps->ps_conf->c_text,
	    ps->ps_p - ps->ps_conf->c_text) == -1)
		return -1;
	return parse_rest(ps);
}

static int
parse_lines(struct parser *ps)
{
	const char *e = ps->ps_end, *nul;

	if ((nul = memchr(ps->ps_p, '\0', e - ps->ps_p)) != NULL) {
		for (; ps->ps_p < nul; ps->ps_p++)
			if (*ps->ps_p == '\n')
				ps->ps_line++;
		return perr(ps, ps->ps_line, "NUL byte is not allowed");
	}
	while (ps->ps_p < e) {
		while (ps->ps_p < e && is_blank(*ps->ps_p))
			ps->ps_p++;
		if (ps->ps_p == e)
			break;
		if (*ps->ps_p == '#')
			while (ps->ps_p < e && *ps->ps_p != '\n')
				ps->ps_p++;
		else if (*ps->ps_p != '\n' && parse_assignment(ps) == -1)
			return -1;
		if (ps->ps_p < e) {	/* at the newline */
			ps->ps_p++;
			ps->ps_line++;
		}
	}
	return 0;
}

/*
 * Parse len bytes of set.conf text named fname (for messages).  Returns a
 * new conf, or NULL with "FILE:LINE: message" in ebuf ("FILE: out of
 * memory" when malloc fails).
 */
struct conf *
conf_parse(const char *buf, size_t len, const char *fname, char *ebuf,
    size_t ebufsz)
{
	struct conf *c;
	struct parser ps;

	if ((c = conf_alloc(sizeof(*c))) == NULL) {
		err_nomem(ebuf, ebufsz, fname);
		return NULL;
	}
	memset(c, 0, sizeof(*c));
	arc4random_buf(c->c_key, sizeof(c->c_key));
	if ((c->c_fname = conf_strndup(fname, strlen(fname))) == NULL ||
	    (c->c_text = conf_strndup(buf, len)) == NULL) {
		conf_free(c);
		err_nomem(ebuf, ebufsz, fname);
		return NULL;
	}
	c->c_len = len;
	memset(&ps, 0, sizeof(ps));
	ps.ps_conf = c;
	ps.ps_p = c->c_text;
	ps.ps_end = c->c_text + len;
	ps.ps_line = 1;
	ps.ps_err = ebuf;
	ps.ps_errsz = ebufsz;
	if (parse_lines(&ps) == -1) {
		free(ps.ps_val);
		conf_free(c);
		return NULL;
	}
	free(ps.ps_val);
	return c;
}

/* Free c and everything it holds; NULL is fine. */
void
conf_free(struct conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->c_nvars; i++) {
		free(c->c_vars[i].cv_name);
		free(c->c_vars[i].cv_value);
	}
	free(c->c_vars);
	free(c->c_hash);
	free(c->c_text);
	free(c->c_fname);
	free(c);
}

/* The value of the last assignment of name, NULL if none. */
const char *
conf_get(const struct conf *c, const char *name)
{
	const struct cvar *v = conf_var_find(c, name, strlen(name));

	return v == NULL ? NULL : v->cv_value;
}

/* The line where the last assignment of name starts, 0 if none. */
int
conf_line(const struct conf *c, const char *name)
{
	const struct cvar *v = conf_var_find(c, name, strlen(name));

	return v == NULL ? 0 : v->cv_line;
}

/* conf_count and conf_name: the variables in first-assignment order. */
size_t
conf_count(const struct conf *c)
{
	return c->c_nvars;
}

const char *
conf_name(const struct conf *c, size_t i)
{
	return i < c->c_nvars ? c->c_vars[i].cv_name : NULL;
}
