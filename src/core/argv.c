/*
 * argv.c: growable argument vectors.  Every process kvm starts is built
 * here first, element by element, so no value is ever pasted into a
 * shell command line.  Allocation failure is fatal (err), as in the
 * BSD tools: there is nothing sensible to undo at that point.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/argv.h"

void
argv_init(struct argv *a)
{
	a->av_n = 0;
	a->av_cap = 8;
	if ((a->av_v = calloc(a->av_cap, sizeof(*a->av_v))) == NULL)
		err(1, NULL);
}

void
argv_add(struct argv *a, const char *s)
{
	if (a->av_n + 2 > a->av_cap) {
		a->av_cap *= 2;
		a->av_v = reallocarray(a->av_v, a->av_cap, sizeof(*a->av_v));
		if (a->av_v == NULL)
			err(1, NULL);
	}
	if ((a->av_v[a->av_n] = strdup(s)) == NULL)
		err(1, NULL);
	a->av_v[++a->av_n] = NULL;
}

void
argv_addf(struct argv *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		err(1, NULL);
	va_end(ap);
	argv_add(a, s);
	free(s);
}

void
argv_free(struct argv *a)
{
	size_t i;

	for (i = 0; i < a->av_n; i++)
		free(a->av_v[i]);
	free(a->av_v);
	a->av_v = NULL;
	a->av_n = a->av_cap = 0;
}

/* Characters that never need quoting when an argument is shown to sh. */
static int
argv_plain(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
		    "-_./,:=+@%", *s) == NULL)
			return 0;
	return 1;
}

/*
 * Join the vector with single spaces, single-quoting any argument that
 * sh would otherwise split or expand.  Returns a malloc'd string.
 */
char *
argv_join(const struct argv *a)
{
	size_t i, len = 1;
	const char *p;
	char *s, *q;

	for (i = 0; i < a->av_n; i++)
		len += 4 * strlen(a->av_v[i]) + 3;
	if ((s = malloc(len)) == NULL)
		err(1, NULL);
	q = s;
	for (i = 0; i < a->av_n; i++) {
		if (i > 0)
			*q++ = ' ';
		if (argv_plain(a->av_v[i])) {
			q = stpcpy(q, a->av_v[i]);
			continue;
		}
		*q++ = '\'';
		for (p = a->av_v[i]; *p != '\0'; p++) {
			if (*p == '\'')
				q = stpcpy(q, "'\\''");
			else
				*q++ = *p;
		}
		*q++ = '\'';
	}
	*q = '\0';
	return s;
}
