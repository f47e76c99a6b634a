/*
 * json.h: a compact JSON writer (RFC 8259) for the -j forms.  key is
 * the member name inside an object, NULL inside an array or for the
 * document itself; closing the outermost container ends the line.
 * A NULL string value is written as null.
 */
#ifndef KVM_CORE_JSON_H
#define KVM_CORE_JSON_H

#include <stdio.h>

#define JSON_DEPTH	16	/* deepest nesting the writer tracks */
struct json {
	FILE	*js_fp;
	int	 js_depth;
	int	 js_count[JSON_DEPTH];	/* members so far at each level */
};

void	 json_init(struct json *, FILE *);
void	 json_object_open(struct json *, const char *key);
void	 json_object_close(struct json *);
void	 json_array_open(struct json *, const char *key);
void	 json_array_close(struct json *);
void	 json_string(struct json *, const char *key, const char *value);
void	 json_int(struct json *, const char *key, long long value);
void	 json_uint(struct json *, const char *key, unsigned long long value);
void	 json_null(struct json *, const char *key);
void	 json_bool(struct json *, const char *key, int value);

#endif /* !KVM_CORE_JSON_H */
