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

#include "host/zfs.h"
#include "core/argv.h"
#include "core/util.h"
#include "host/fault.h"
#include "host/paths.h"
#include "host/spawn.h"

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

/*
 * Snapshots and clones (cmd_snap.c, cmd_clone.c).  Snapshots are listed
 * with "-d 1 -s createtxg", the form both zfs implementations accept,
 * and their numbers read with one "zfs get -Hp" for all of them.
 */

int
zfs_snapshot(const struct kvm_ctx *ctx, const char *fs, const char *snap)
{
	char *argv[] = { "zfs", "snapshot", NULL, NULL };
	char *full;
	int r;

	if (asprintf(&full, "%s@%s", fs, snap) == -1)
		err(1, NULL);
	argv[2] = full;
	r = zfs_call(ctx, argv, NULL, 0);
	free(full);
	return r;
}

void
zfs_snap_free(struct zfs_snap *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(s[i].zs_name);
	free(s);
}

/* Fill zs_created and zs_used of every snapshot with one zfs get. */
static int
zfs_snap_props(const struct kvm_ctx *ctx, const char *fs, struct zfs_snap *s,
    size_t n)
{
	struct argv a;
	char *out, *line, *p, *name, *prop, *val;
	size_t i, len = strlen(fs);
	int r;

	argv_init(&a);
	argv_add(&a, "zfs");
	argv_add(&a, "get");
	argv_add(&a, "-Hp");
	argv_add(&a, "-o");
	argv_add(&a, "name,property,value");
	argv_add(&a, "creation,used");
	for (i = 0; i < n; i++)
		argv_addf(&a, "%s@%s", fs, s[i].zs_name);
	r = zfs_call(ctx, a.av_v, &out, 0);
	argv_free(&a);
	if (r == -1)
		return -1;
	for (p = out; (line = strsep(&p, "\n")) != NULL; ) {
		name = strsep(&line, "\t");
		prop = strsep(&line, "\t");
		val = strsep(&line, "\t");
		if (val == NULL || strncmp(name, fs, len) != 0 ||
		    name[len] != '@')
			continue;
		for (i = 0; i < n; i++) {
			if (strcmp(name + len + 1, s[i].zs_name) != 0)
				continue;
			if (strcmp(prop, "creation") == 0)
				s[i].zs_created = (time_t)strtoll(val, NULL,
				    10);
			else if (strcmp(prop, "used") == 0)
				s[i].zs_used = strtoull(val, NULL, 10);
		}
	}
	free(out);
	return 0;
}

int
zfs_snap_list(const struct kvm_ctx *ctx, const char *fs, int props,
    struct zfs_snap **sp, size_t *np)
{
	char *argv[] = { "zfs", "list", "-H", "-t", "snapshot", "-d", "1",
	    "-o", "name", "-s", "createtxg", NULL, NULL };
	char *out, *line, *p, *at;
	struct zfs_snap *s = NULL;
	size_t n = 0;

	argv[11] = (char *)(uintptr_t)fs;
	if (zfs_call(ctx, argv, &out, 0) == -1)
		return -1;
	for (p = out; (line = strsep(&p, "\n")) != NULL; ) {
		if ((at = strchr(line, '@')) == NULL)
			continue;
		if ((s = reallocarray(s, n + 1, sizeof(*s))) == NULL)
			err(1, NULL);
		memset(&s[n], 0, sizeof(s[n]));
		if ((s[n++].zs_name = strdup(at + 1)) == NULL)
			err(1, NULL);
	}
	free(out);
	if (props && n > 0 && zfs_snap_props(ctx, fs, s, n) == -1) {
		zfs_snap_free(s, n);
		return -1;
	}
	*sp = s;
	*np = n;
	return 0;
}

int
zfs_rollback(const struct kvm_ctx *ctx, const char *fs, const char *snap)
{
	char *argv[] = { "zfs", "rollback", NULL, NULL };
	char *full;
	int r;

	if (asprintf(&full, "%s@%s", fs, snap) == -1)
		err(1, NULL);
	argv[2] = full;
	r = zfs_call(ctx, argv, NULL, 1);
	free(full);
	/* The files must show the rolled-back contents: keep it mounted. */
	if (r == 0)
		r = zfs_mount(ctx, fs);
	return r;
}

int
zfs_clone(const struct kvm_ctx *ctx, const char *origin, const char *ds)
{
	char *argv[] = { "zfs", "clone", NULL, NULL, NULL };

	argv[2] = (char *)(uintptr_t)origin;
	argv[3] = (char *)(uintptr_t)ds;
	return zfs_call(ctx, argv, NULL, 0);
}

int
zfs_clones(const struct kvm_ctx *ctx, const char *origin, char ***namesp,
    size_t *np)
{
	char *argv[] = { "zfs", "list", "-H", "-r", "-t", "filesystem,volume",
	    "-o", "name,origin", NULL, NULL };
	char *pool, *out, *line, *p, *name, **names = NULL;
	size_t n = 0;
	int r;

	if ((pool = strndup(origin, strcspn(origin, "/@"))) == NULL)
		err(1, NULL);
	argv[8] = pool;
	r = zfs_call(ctx, argv, &out, 0);
	free(pool);
	if (r == -1)
		return -1;
	for (p = out; (line = strsep(&p, "\n")) != NULL; ) {
		name = strsep(&line, "\t");
		if (line == NULL || strcmp(line, origin) != 0)
			continue;
		if ((names = reallocarray(names, n + 1, sizeof(*names))) ==
		    NULL || (names[n++] = strdup(name)) == NULL)
			err(1, NULL);
	}
	free(out);
	*namesp = names;
	*np = n;
	return 0;
}

/*
 * Renaming (cmd_rename.c).  zfs-fuse refuses to rename a mounted
 * filesystem, sometimes says "busy" right after the unmount, and leaves
 * the renamed one unmounted (bhyve-facts.md 6.3 #3-#5); OpenZFS does
 * the unmount and mount by itself, so the same sequence is right there.
 */
static int
zfs_umount(const struct kvm_ctx *ctx, const char *ds)
{
	char *argv[] = { "zfs", "umount", NULL, NULL };

	argv[2] = (char *)(uintptr_t)ds;
	return zfs_call(ctx, argv, NULL, 1);
}

int
zfs_rename(const struct kvm_ctx *ctx, const char *from, const char *to)
{
	char *argv[] = { "zfs", "rename", NULL, NULL, NULL };
	char mounted[16];
	int was;

	if (zfs_get(ctx, from, "mounted", mounted, sizeof(mounted)) == -1)
		return -1;
	was = strcmp(mounted, "yes") == 0;
	if (was && zfs_umount(ctx, from) == -1) {
		zfs_mount(ctx, from);
		return -1;
	}
	/* Crash tests: stopped unmounted, under either name. */
	fault_point("rename");
	argv[2] = (char *)(uintptr_t)from;
	argv[3] = (char *)(uintptr_t)to;
	if (zfs_call(ctx, argv, NULL, 1) == -1) {
		if (was)
			zfs_mount(ctx, from);
		return -1;
	}
	fault_point("rename");
	if (was && zfs_mount(ctx, to) == -1) {
		/* Unmounted under the new name is no rename: go back. */
		argv[2] = (char *)(uintptr_t)to;
		argv[3] = (char *)(uintptr_t)from;
		if (zfs_call(ctx, argv, NULL, 1) == 0)
			zfs_mount(ctx, from);
		return -1;
	}
	return 0;
}

/*
 * Destroying a tree (cmd_destroy.c).  zfs-fuse answers "busy" to the
 * destroy of a mounted filesystem and unmounts one level per try
 * (bhyve-facts.md 6.3 #6), so the filesystems are unmounted deepest
 * first beforehand, and mounted again when the destroy fails.
 */
static void
zfs_remount(const struct kvm_ctx *ctx, char **names, const int *was,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (was[i])
			zfs_mount(ctx, names[i]);
}

int
zfs_destroy_tree(const struct kvm_ctx *ctx, const char *ds)
{
	char *argv[] = { "zfs", "list", "-H", "-r", "-t", "filesystem",
	    "-o", "name,mounted", NULL, NULL };
	char *out, *line, *p, *m, **names = NULL;
	size_t n = 0, i;
	int *was = NULL, r = 0;

	argv[8] = (char *)(uintptr_t)ds;
	if (zfs_call(ctx, argv, &out, 0) == -1)
		return -1;
	for (p = out; (line = strsep(&p, "\n")) != NULL; ) {
		if ((m = strchr(line, '\t')) == NULL)
			continue;
		*m++ = '\0';
		if ((names = reallocarray(names, n + 1, sizeof(*names))) ==
		    NULL || (was = reallocarray(was, n + 1, sizeof(*was))) ==
		    NULL || (names[n] = strdup(line)) == NULL)
			err(1, NULL);
		was[n++] = strcmp(m, "yes") == 0;
	}
	free(out);
	for (i = n; r == 0 && i > 0; i--)
		if (was[i - 1] && zfs_umount(ctx, names[i - 1]) == -1)
			r = -1;
	if (r == 0)
		r = zfs_destroy(ctx, ds, 1);
	if (r == -1)
		zfs_remount(ctx, names, was, n);
	strlist_free(names, n);
	free(was);
	return r;
}

/* zfs.h: zfs set PROP=VALUE DS. */
int
zfs_set(const struct kvm_ctx *ctx, const char *ds, const char *prop,
    const char *value)
{
	char *argv[] = { "zfs", "set", NULL, NULL, NULL };
	char *pv;
	int r;

	if (asprintf(&pv, "%s=%s", prop, value) == -1)
		err(1, NULL);
	argv[2] = pv;
	argv[3] = (char *)(uintptr_t)ds;
	r = zfs_call(ctx, argv, NULL, 0);
	free(pv);
	return r;
}
