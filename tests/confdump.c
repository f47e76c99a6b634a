/*
 * confdump: what the C set.conf parser sees, for the sh tests.
 *   confdump FILE                 print NAME=VALUE per variable, in
 *                                 first-assignment order
 *   confdump -s FILE NAME VALUE   conf_set then conf_write FILE
 * VALUE is printed with \\ for a backslash, \n for a newline and \ooo
 * (three octal digits) for any other byte outside printable ASCII, so
 * the output is one line per variable and can be compared exactly.
 * A parse error is printed alone on stderr, exit status 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/argv.h"
#include "core/common.h"
#include "core/conf.h"
#include "host/conffile.h"
#include "cmd/cmd.h"

static void
dump_value(const char *s)
{
	unsigned char c;

	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if (c == '\\')
			fputs("\\\\", stdout);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\%03o", c);
		else
			putchar(c);
	}
	putchar('\n');
}

static void
usage(void)
{
	fprintf(stderr, "usage: confdump FILE\n"
	    "       confdump -s FILE NAME VALUE\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	char err[KVM_ERR_MAX];
	struct conf *c;
	size_t i;
	int set = argc > 1 && strcmp(argv[1], "-s") == 0;

	if (argc != (set ? 5 : 2))
		usage();
	if ((c = conffile_load(argv[set ? 2 : 1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (set) {
		if (conf_set(c, argv[3], argv[4]) == -1 ||
		    conffile_write(c, argv[2]) == -1) {
			conf_free(c);
			return 1;
		}
	} else {
		for (i = 0; i < conf_count(c); i++) {
			printf("%s=", conf_name(c, i));
			dump_value(conf_get(c, conf_name(c, i)));
		}
	}
	conf_free(c);
	return fflush(stdout) == 0 ? 0 : 1;
}
