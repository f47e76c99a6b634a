/*
 * tty.c: questions on the terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "host/tty.h"

int
ask_yes(const char *question)
{
	char *line = NULL;
	size_t cap = 0;
	int yes = 0;

	printf("%s [y/N] ", question);
	fflush(stdout);
	if (getline(&line, &cap, stdin) != -1) {
		line[strcspn(line, "\n")] = '\0';
		yes = strcasecmp(line, "y") == 0 || strcasecmp(line, "yes") == 0;
	} else
		printf("\n");
	free(line);
	return yes;
}
