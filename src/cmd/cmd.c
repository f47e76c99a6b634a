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

int
cmd_sub_args(const struct cmd *c, int *argcp, char ***argvp, int *json)
{
	const struct cmd_sub *sub;
	int ch, act, argc = *argcp;
	char **argv = *argvp;

	if (argc < 2 || (sub = cmd_sub(c, argv[1])) == NULL)
		cmd_usage(c);
	act = sub->cs_name[0];
	/* Each subcommand has its own root policy (list needs none). */
	if (sub->cs_flags & CMD_ROOT)
		cmd_root(c->c_name);
	argc--;
	argv++;
	*json = 0;
	while ((ch = getopt(argc, argv, "+j")) != -1) {
		if (ch != 'j' || act != 'l')
			cmd_usage(c);
		*json = 1;
	}
	*argcp = argc - optind;
	*argvp = argv + optind;
	return act;
}

void
cmd_root(const char *name)
{
	if (geteuid() != 0)
		errx(1, "%s: must be run as root", name);
}
