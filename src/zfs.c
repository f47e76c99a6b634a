/*
 * zfs.c: the zfs and zpool commands kvm needs, in the subset that
 * OpenZFS 2.2 (FreeBSD 14) and zfs-fuse share (bhyve-facts.md 6): values
 * only through "zfs get -Hp -o value", snapshots through "-d 1", and a
 * second try when zfs-fuse answers "dataset is busy".  zfs's own error
 * text is passed on once, prefixed by "kvm: ".
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kvm.h"

/* Print zfs's stderr, one warnx per line, dropping usage noise. */
static void
zfs_report(const char *errout)
{
	const char *p, *nl;

	for (p = errout; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if (nl > p)
			warnx("%.*s", (int)(nl - p), p);
		if (*nl == '\0')
			break;
	}
}

/*
 * Run a zfs/zpool argv; on failure report its stderr.  With retry, a
 * "busy" answer is tried again after a short pause (zfs-fuse #4, #6).
 * Returns 0, or -1 after reporting.  *out gets stdout when non-NULL.
 */
static int
zfs_call(const struct kvm_ctx *ctx, char *const argv[], char **out, int retry)
{
	struct timespec ts = { 0, 500 * 1000 * 1000 };
	char *eo;
	int st, tries;

	for (tries = 0; ; tries++) {
		st = spawn_capture(ctx, argv, out, &eo);
		if (st == 0) {
			free(eo);
			return 0;
		}
		if (st == -1)
			return -1;
		if (retry && tries < 3 && strstr(eo, "busy") != NULL) {
			free(eo);
			if (out != NULL)
				free(*out);
			nanosleep(&ts, NULL);
			continue;
		}
		if (*eo == '\0')
			warnx("%s %s: exit status %d", argv[0], argv[1], st);
		else
			zfs_report(eo);
		free(eo);
		if (out != NULL) {
			free(*out);
			*out = NULL;
		}
		return -1;
	}
}

int
zfs_exists(const struct kvm_ctx *ctx, const char *ds)
{
	char *argv[] = { "zfs", "list", "-H", "-o", "name", NULL, NULL };
	char *out, *eo;
	int st;

	argv[5] = (char *)(uintptr_t)ds;
	st = spawn_capture(ctx, argv, &out, &eo);
	free(out);
	if (st == 0) {
		free(eo);
		return 1;
	}
	if (st != -1 && strstr(eo, "does not exist") != NULL) {
		free(eo);
		return 0;
	}
	if (st != -1)
		zfs_report(eo);
	free(eo);
	return -1;
}

int
zfs_create(const struct kvm_ctx *ctx, const char *ds, const char *const *props)
{
	struct argv a;
	int r;

	argv_init(&a);
	argv_add(&a, "zfs");
	argv_add(&a, "create");
	for (; props != NULL && *props != NULL; props++) {
		argv_add(&a, "-o");
		argv_add(&a, *props);
	}
	argv_add(&a, ds);
	r = zfs_call(ctx, a.av_v, NULL, 0);
	argv_free(&a);
	return r;
}

int
zfs_get(const struct kvm_ctx *ctx, const char *ds, const char *prop,
    char *buf, size_t sz)
{
	char *argv[] = { "zfs", "get", "-Hp", "-o", "value", NULL, NULL, NULL };
	char *out;
	size_t n;

	argv[5] = (char *)(uintptr_t)prop;
	argv[6] = (char *)(uintptr_t)ds;
	if (zfs_call(ctx, argv, &out, 0) == -1)
		return -1;
	n = strcspn(out, "\n");
	out[n] = '\0';
	if (strlcpy(buf, out, sz) >= sz) {
		warnx("%s: %s: value too long", ds, prop);
		free(out);
		return -1;
	}
	free(out);
	return 0;
}

int
zfs_destroy(const struct kvm_ctx *ctx, const char *ds, int recursive)
{
	char *argv[] = { "zfs", "destroy", "-r", NULL, NULL };

	if (recursive)
		argv[3] = (char *)(uintptr_t)ds;
	else {
		argv[2] = (char *)(uintptr_t)ds;
		argv[3] = NULL;
	}
	return zfs_call(ctx, argv, NULL, 1);
}

int
zfs_mount(const struct kvm_ctx *ctx, const char *ds)
{
	char *argv[] = { "zfs", "mount", NULL, NULL };
	char mounted[16];

	if (zfs_get(ctx, ds, "mounted", mounted, sizeof(mounted)) == -1)
		return -1;
	if (strcmp(mounted, "yes") == 0)
		return 0;
	argv[2] = (char *)(uintptr_t)ds;
	return zfs_call(ctx, argv, NULL, 1);
}

int
zpool_names(const struct kvm_ctx *ctx, char ***namesp, size_t *np)
{
	char *argv[] = { "zpool", "list", "-H", "-o", "name", NULL };
	char *out, *line, *p, **names = NULL;
	size_t n = 0;

	if (zfs_call(ctx, argv, &out, 0) == -1)
		return -1;
	for (p = out; (line = strsep(&p, "\n")) != NULL; ) {
		if (*line == '\0')
			continue;
		if ((names = reallocarray(names, n + 1, sizeof(*names))) ==
		    NULL || (names[n++] = strdup(line)) == NULL)
			err(1, NULL);
	}
	free(out);
	*namesp = names;
	*np = n;
	return 0;
}
