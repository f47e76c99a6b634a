/*
 * cmd.c: what every command does with its row of the table: print its
 * usage or help, find its subcommand, check root.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"

void
cmd_help(const struct cmd *c, FILE *fp)
{
	fprintf(fp, "usage: kvm %s %s\n       %s\n", c->c_name, c->c_usage,
	    c->c_desc);
}

void
cmd_usage(const struct cmd *c)
{
	fprintf(stderr, "usage: kvm %s %s\n", c->c_name, c->c_usage);
	exit(2);
}

const struct cmd_sub *
cmd_sub(const struct cmd *c, const char *word)
{
	const struct cmd_sub *s;

	if (c->c_subs == NULL || *word == '\0')
		return NULL;
	for (s = c->c_subs; s->cs_name != NULL; s++)
		if (s->cs_name[0] == word[0])
			return s;
	return NULL;
}

void
cmd_root(const char *name)
{
	if (geteuid() != 0)
		errx(1, "%s: must be run as root", name);
}
