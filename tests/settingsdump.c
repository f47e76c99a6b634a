/*
 * settingsdump: the settings table as the C code has it, for the sh
 * tests (the set.conf(5) drift test).  Prints one line per known
 * set.conf variable, in table order: NAME, TYPE and DEFAULT ("-" when
 * there is none), separated by tabs.
 */
#include <stdio.h>

#include "core/settings.h"

int
main(void)
{
	const struct setting *s;
	size_t i;

	for (i = 0; (s = settings_at(i)) != NULL; i++)
		printf("%s\t%s\t%s\n", s->s_name, s->s_type,
		    s->s_default != NULL ? s->s_default : "-");
	return fflush(stdout) == 0 ? 0 : 1;
}
