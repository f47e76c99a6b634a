/*
 * util.c: string helpers every layer uses: freeing a list of strings, a
 * snprintf for paths that refuses to truncate, and the rewrite of a
 * directory's paths in a text.
 */
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int
path_namechar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

char *
path_replace(const char *text, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0, len = 0, cap, pre;
	const char *p, *hit;
	char *out;
	int whole;

	cap = strlen(text) + 1;
	if ((out = malloc(cap)) == NULL)
		err(1, NULL);
	for (p = text; (hit = strstr(p, from)) != NULL; p = hit + fl) {
		pre = (size_t)(hit - p);
		whole = !path_namechar((unsigned char)hit[fl]) &&
		    (hit == text || (hit[-1] != '/' &&
		    !path_namechar((unsigned char)hit[-1])));
		if (cap < len + pre + tl + 1) {
			cap = (len + pre + tl + 1) * 2;
			if ((out = realloc(out, cap)) == NULL)
				err(1, NULL);
		}
		memcpy(out + len, p, pre);
		len += pre;
		memcpy(out + len, whole ? to : from, whole ? tl : fl);
		len += whole ? tl : fl;
		n += whole;
	}
	if (n == 0) {
		free(out);
		return NULL;
	}
	if ((out = realloc(out, len + strlen(p) + 1)) == NULL)
		err(1, NULL);
	memcpy(out + len, p, strlen(p) + 1);
	return out;
}

void
size_human(uint64_t b, char *buf, size_t sz)
{
	static const char units[] = "BKMGTPE";
	uint64_t div = 1;
	double v;
	int i = 0;

	while (i < 6 && b / div >= 1024) {
		div *= 1024;
		i++;
	}
	v = (double)b / (double)div;
	if (b % div == 0)
		snprintf(buf, sz, "%llu%c", (unsigned long long)(b / div),
		    units[i]);
	else if (v < 10)
		snprintf(buf, sz, "%.2f%c", v, units[i]);
	else if (v < 100)
		snprintf(buf, sz, "%.1f%c", v, units[i]);
	else
		snprintf(buf, sz, "%.0f%c", v, units[i]);
}
