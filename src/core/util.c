/*
 * util.c: string helpers every layer uses: freeing a list of strings and
 * a snprintf for paths that refuses to truncate.
 */
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/util.h"

void
strlist_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int
pathf(char *buf, size_t sz, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sz, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sz) {
		warnx("%s...: path too long", buf);
		return -1;
	}
	return 0;
}
