/*
 * getopt.c: getopt(3) as FreeBSD behaves, on every host: stops at the
 * first operand (glibc would permute), and words its complaints the
 * BSD way ("illegal option -- x").  Reentrant through struct sopt, so
 * a program can scan its arguments twice.
 */
#include <stdio.h>
#include <string.h>

#include "sim.h"

/* Next option character, '?' on an error, -1 at the first operand. */
int
sopt_get(struct sopt *o, int argc, char **argv, const char *optstr)
{
	const char *spec;
	char *a;
	int c;

	if (o->ind == 0)
		o->ind = 1;
	o->arg = NULL;
	if (o->pos == 0) {
		if (o->ind >= argc)
			return -1;
		a = argv[o->ind];
		if (a[0] != '-' || a[1] == '\0')
			return -1;
		if (strcmp(a, "--") == 0) {
			o->ind++;
			return -1;
		}
		o->pos = 1;
	}
	a = argv[o->ind];
	c = (unsigned char)a[o->pos++];
	spec = c == ':' ? NULL : strchr(optstr, c);
	if (spec == NULL) {
		o->opt = c;
		if (a[o->pos] == '\0') {
			o->ind++;
			o->pos = 0;
		}
		if (!o->quiet)
			fprintf(stderr, "%s: illegal option -- %c\n",
			    sim_prog, c);
		return '?';
	}
	if (spec[1] != ':') {
		if (a[o->pos] == '\0') {
			o->ind++;
			o->pos = 0;
		}
		return c;
	}
	if (a[o->pos] != '\0') {
		o->arg = a + o->pos;
	} else if (o->ind + 1 < argc) {
		o->arg = argv[++o->ind];
	} else {
		o->ind++;
		o->pos = 0;
		o->opt = c;
		if (!o->quiet)
			fprintf(stderr,
			    "%s: option requires an argument -- %c\n",
			    sim_prog, c);
		return '?';
	}
	o->ind++;
	o->pos = 0;
	return c;
}
