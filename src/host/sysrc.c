/*
 * sysrc.c: rc.conf through sysrc(8), the only way kvm changes it.
 */
#include <ctype.h>
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/sysrc.h"
#include "core/argv.h"
#include "host/paths.h"
#include "host/spawn.h"

/*
 * Run sysrc; 0, 1 when it answered "unknown variable", -1 otherwise
 * (its messages passed on as "kvm: ...").
 */
static int
sysrc(const struct kvm_ctx *ctx, char *const argv[], char **out)
{
	const char *p, *nl;
	char *eo;
	int st;

	if ((st = spawn_capture(ctx, argv, out, &eo)) == -1)
		return -1;
	if (st == 0) {
		free(eo);
		return 0;
	}
	if (out != NULL) {
		free(*out);
		*out = NULL;
	}
	if (strstr(eo, "unknown variable") != NULL) {
		free(eo);
		return 1;
	}
	for (p = eo; *p != '\0'; p = nl + (*nl != '\0')) {
		nl = p + strcspn(p, "\n");
		if (nl > p)
			warnx("%.*s", (int)(nl - p), p);
	}
	if (*eo == '\0')
		warnx("sysrc %s: exit status %d", argv[1], st);
	free(eo);
	return -1;
}

int
sysrc_get(const struct kvm_ctx *ctx, const char *var, char **value)
{
	char *argv[] = { "sysrc", "-n", NULL, NULL };
	char *out;
	size_t n;
	int r;

	argv[2] = (char *)(uintptr_t)var;
	if ((r = sysrc(ctx, argv, &out)) != 0)
		return r == 1 ? 0 : -1;
	n = strlen(out);
	if (n > 0 && out[n - 1] == '\n')
		out[n - 1] = '\0';
	*value = out;
	return 1;
}

int
sysrc_set(const struct kvm_ctx *ctx, const char *var, const char *value)
{
	char *argv[] = { "sysrc", NULL, NULL };
	int r;

	if (asprintf(&argv[1], "%s=%s", var, value) == -1)
		err(1, NULL);
	r = sysrc(ctx, argv, NULL);
	free(argv[1]);
	return r == 0 ? 0 : -1;
}

int
sysrc_unset(const struct kvm_ctx *ctx, const char *var)
{
	char *argv[] = { "sysrc", "-x", NULL, NULL };

	argv[2] = (char *)(uintptr_t)var;
	return sysrc(ctx, argv, NULL) == -1 ? -1 : 0;
}

