/*
 * json.c: a small JSON writer for the -j forms of status, list and info.
 * Output is compact (one document, then a newline), strings are escaped
 * per RFC 8259 and always valid UTF-8: a byte that does not start a
 * well-formed UTF-8 sequence is written as U+FFFD, so an odd file name
 * can never make the document unreadable.
 */
#include <stdio.h>
#include <string.h>

#include "core/json.h"

void
json_init(struct json *js, FILE *fp)
{
	memset(js, 0, sizeof(*js));
	js->js_fp = fp;
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629), 0 if none. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned c = s[0], min;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		min = 0x10000;
	} else
		return 0;
	c &= 0x3f >> (n - 1);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* No overlong forms, no surrogates, nothing past U+10FFFF. */
	if (c < min || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return n;
}

/* Write s as a JSON string, quotes included. */
static void
json_quote(FILE *fp, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	putc('"', fp);
	while (*s != '\0') {
		switch (*s) {
		case '"':
			fputs("\\\"", fp);
			break;
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\b':
			fputs("\\b", fp);
			break;
		case '\f':
			fputs("\\f", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		default:
			if (*s < 0x20) {
				fprintf(fp, "\\u%04x", *s);
				break;
			}
			if ((n = utf8_len(s)) == 0) {
				fputs("\\ufffd", fp);
				break;
			}
			fwrite(s, 1, n, fp);
			s += n;
			continue;
		}
		s++;
	}
	putc('"', fp);
}

/* The separator and the key before a value at the current level. */
static void
json_member(struct json *js, const char *key)
{
	if (js->js_depth > 0 && js->js_depth <= JSON_DEPTH &&
	    js->js_count[js->js_depth - 1]++ > 0)
		putc(',', js->js_fp);
	if (key != NULL) {
		json_quote(js->js_fp, key);
		putc(':', js->js_fp);
	}
}

static void
json_open(struct json *js, const char *key, int c)
{
	json_member(js, key);
	putc(c, js->js_fp);
	if (js->js_depth < JSON_DEPTH)
		js->js_count[js->js_depth] = 0;
	js->js_depth++;
}

static void
json_close(struct json *js, int c)
{
	putc(c, js->js_fp);
	js->js_depth--;
	if (js->js_depth == 0)
		putc('\n', js->js_fp);
}

void
json_object_open(struct json *js, const char *key)
{
	json_open(js, key, '{');
}

void
json_object_close(struct json *js)
{
	json_close(js, '}');
}

void
json_array_open(struct json *js, const char *key)
{
	json_open(js, key, '[');
}

void
json_array_close(struct json *js)
{
	json_close(js, ']');
}

void
json_string(struct json *js, const char *key, const char *value)
{
	json_member(js, key);
	if (value == NULL)
		fputs("null", js->js_fp);
	else
		json_quote(js->js_fp, value);
}

void
json_int(struct json *js, const char *key, long long value)
{
	json_member(js, key);
	fprintf(js->js_fp, "%lld", value);
}

void
json_uint(struct json *js, const char *key, unsigned long long value)
{
	json_member(js, key);
	fprintf(js->js_fp, "%llu", value);
}

void
json_null(struct json *js, const char *key)
{
	json_member(js, key);
	fputs("null", js->js_fp);
}

void
json_bool(struct json *js, const char *key, int value)
{
	json_member(js, key);
	fputs(value ? "true" : "false", js->js_fp);
}
