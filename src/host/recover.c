/*
 * recover.c: what the next command does about an operation a dead
 * command left half done (its journal, journal.c).  Each operation
 * goes the way that leaves the VM whole:
 *   create     finished when set.conf, its last file, is there; else
 *              the new dataset is destroyed;
 *   clone      undone: the clone, and the snapshot made for it, go;
 *   rename     undone while the dataset has its old name (its rename
 *              is the first change), else finished;
 *   destroy,   finished: the user confirmed, and what is gone (rc.conf
 *   uninstall  lines, rc.d scripts) cannot come back from the journal;
 *   diskadd    finished when set.conf names the new disk (its file is
 *              renamed into place), else undone (the file goes).
 * Every step checks whether it is done before doing it.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/recover.h"
#include "core/common.h"
#include "core/conf.h"
#include "core/util.h"
#include "host/conffile.h"
#include "host/file.h"
#include "host/journal.h"
#include "host/paths.h"
#include "host/rc.h"
#include "host/runtime.h"
#include "host/sysrc.h"
#include "host/zfs.h"

/* The value of key, "" when the journal lacks it. */
static const char *
jget(const struct journal *j, const char *key)
{
	const char *v = journal_get(j, key, 0);

	return v != NULL ? v : "";
}

/* Destroy ds with what is under it, if it exists; rmdir its mountpoint. */
static int
rec_destroy_ds(const struct kvm_ctx *ctx, const char *ds, const char *dir)
{
	int e;

	if ((e = zfs_exists(ctx, ds)) == -1 ||
	    (e == 1 && zfs_destroy_tree(ctx, ds) == -1))
		return -1;
	if (dir != NULL)
		(void)rmdir(dir);
	return 0;
}

static int
rec_create(const struct kvm_ctx *ctx, const struct journal *j)
{
	const char *name = jget(j, "name");
	char path[PATH_MAX];
	struct stat st;

	if (pathf(path, sizeof(path), "%s/set.conf", jget(j, "dir")) == -1)
		return -1;
	if (stat(path, &st) == 0) {
		warnx("%s: finished an interrupted create", name);
		return 0;
	}
	if (rec_destroy_ds(ctx, jget(j, "ds"), jget(j, "dir")) == -1)
		return -1;
	warnx("%s: undid an interrupted create", name);
	return 0;
}

static int
rec_clone(const struct kvm_ctx *ctx, const struct journal *j)
{
	const char *origin = jget(j, "origin");
	int e;

	if (rec_destroy_ds(ctx, jget(j, "ds"), jget(j, "dir")) == -1)
		return -1;
	if (strcmp(jget(j, "madesnap"), "1") == 0) {
		if ((e = zfs_exists(ctx, origin)) == -1 ||
		    (e == 1 && zfs_destroy(ctx, origin, 0) == -1))
			return -1;
	}
	warnx("%s: undid an interrupted clone from %s", jget(j, "name"),
	    jget(j, "src"));
	return 0;
}

/* The renamed VM's file with the old directory's paths rewritten. */
static int
rec_rename_file(const struct journal *j, const char *file)
{
	char path[PATH_MAX], *text, *changed;
	int r;

	if (pathf(path, sizeof(path), "%s/%s", jget(j, "newdir"), file) == -1)
		return -1;
	if (file_read(path, &text, NULL) == -1) {
		if (errno == ENOENT)
			return 0;
		warn("%s", path);
		return -1;
	}
	changed = path_replace(text, jget(j, "olddir"), jget(j, "newdir"));
	free(text);
	if (changed == NULL)
		return 0;
	r = file_write_atomic(path, changed, strlen(changed), 0644);
	free(changed);
	return r;
}

/* The new rc.d script written, the old one removed. */
static int
rec_rename_script(const struct kvm_ctx *ctx, const struct journal *j)
{
	const char *old = jget(j, "name"), *new = jget(j, "new");
	struct rc_fields f;
	char path[PATH_MAX], *text;
	int k, r;

	if (strcmp(jget(j, "script"), "1") != 0)
		return 0;
	memset(&f, 0, sizeof(f));
	strlcpy(f.rf_require, jget(j, "require"), sizeof(f.rf_require));
	strlcpy(f.rf_before, jget(j, "before"), sizeof(f.rf_before));
	strlcpy(f.rf_keyword, jget(j, "keyword"), sizeof(f.rf_keyword));
	if (rc_path(ctx, new, path, sizeof(path)) == -1)
		return -1;
	text = rc_text(ctx, new, &f);
	r = file_write_atomic(path, text, strlen(text), 0555);
	free(text);
	if (r == -1 || (k = rc_read(ctx, old, NULL)) == -1 ||
	    rc_path(ctx, old, path, sizeof(path)) == -1)
		return -1;
	if (k == RC_KVM && unlink(path) == -1 && errno != ENOENT) {
		warn("%s", path);
		return -1;
	}
	return 0;
}

/* Every OLDVAR_x still set becomes NEWVAR_x. */
static int
rec_rename_vars(const struct kvm_ctx *ctx, const struct journal *j)
{
	const char *const *s;
	char ov[64], nv[64], *val;
	int r;

	if (strcmp(jget(j, "movevars"), "1") != 0)
		return 0;
	for (s = rc_suffixes; *s != NULL; s++) {
		snprintf(ov, sizeof(ov), "%s%s", jget(j, "oldvar"), *s);
		snprintf(nv, sizeof(nv), "%s%s", jget(j, "newvar"), *s);
		if ((r = sysrc_get(ctx, ov, &val)) == -1)
			return -1;
		if (r == 0)
			continue;
		r = sysrc_set(ctx, nv, val);
		free(val);
		if (r == -1 || sysrc_unset(ctx, ov) == -1)
			return -1;
	}
	return 0;
}

static int
rec_rename(const struct kvm_ctx *ctx, const struct journal *j)
{
	const char *old = jget(j, "name"), *new = jget(j, "new");
	int e;

	if ((e = zfs_exists(ctx, jget(j, "oldds"))) == -1)
		return -1;
	if (e == 1) {
		if (zfs_mount(ctx, jget(j, "oldds")) == -1)
			return -1;
		warnx("%s: undid an interrupted rename to %s", old, new);
		return 0;
	}
	if (zfs_mount(ctx, jget(j, "newds")) == -1 ||
	    rec_rename_file(j, "set.conf") == -1 ||
	    rec_rename_file(j, "run") == -1 ||
	    rec_rename_script(ctx, j) == -1 ||
	    rec_rename_vars(ctx, j) == -1)
		return -1;
	rt_remove(ctx, old);
	warnx("%s: finished an interrupted rename to %s", old, new);
	return 0;
}

/*
 * The journal's "unset=VAR" and "rc=NAME" lines, in order: each
 * variable unset if it is set, each kvm script of NAME removed.
 */
static int
rec_remove_rc(const struct kvm_ctx *ctx, const struct journal *j)
{
	const char *v;
	char path[PATH_MAX], *val;
	size_t i;
	int k;

	for (i = 0; i < j->j_n; i++) {
		v = strchr(j->j_kv[i], '=') + 1;
		if (strncmp(j->j_kv[i], "unset=", 6) == 0) {
			if ((k = sysrc_get(ctx, v, &val)) == -1)
				return -1;
			if (k == 1)
				free(val);
			if (k == 1 && sysrc_unset(ctx, v) == -1)
				return -1;
		} else if (strncmp(j->j_kv[i], "rc=", 3) == 0) {
			if ((k = rc_read(ctx, v, NULL)) == -1 ||
			    rc_path(ctx, v, path, sizeof(path)) == -1)
				return -1;
			if (k == RC_KVM && unlink(path) == -1 &&
			    errno != ENOENT) {
				warn("%s", path);
				return -1;
			}
		}
	}
	return 0;
}

static int
rec_destroy(const struct kvm_ctx *ctx, const struct journal *j)
{
	const char *name = jget(j, "name");

	if (rec_remove_rc(ctx, j) == -1 ||
	    rec_destroy_ds(ctx, jget(j, "ds"), jget(j, "dir")) == -1)
		return -1;
	rt_remove(ctx, name);
	warnx("%s: finished an interrupted destroy", name);
	return 0;
}

static int
rec_uninstall(const struct kvm_ctx *ctx, const struct journal *j)
{
	const char *conf = jget(j, "conf");

	if (rec_remove_rc(ctx, j) == -1 ||
	    rec_destroy_ds(ctx, jget(j, "ds"), NULL) == -1 ||
	    rc_host_remove(ctx) == -1)
		return -1;
	if (*conf != '\0' && unlink(conf) == -1 && errno != ENOENT) {
		warn("%s", conf);
		return -1;
	}
	warnx("%s: finished an interrupted uninstall", jget(j, "name"));
	return 0;
}

/* 1 if the Disks of set.conf at path has the word entry, else 0. */
static int
rec_has_disk(const char *path, const char *entry)
{
	char e[KVM_ERR_MAX];
	const char *v;
	struct conf *c;
	size_t n = strlen(entry), w;
	int r = 0;

	if ((c = conffile_load(path, e, sizeof(e))) == NULL)
		return 0;
	for (v = conf_get(c, "Disks"); v != NULL && *v != '\0' && !r;
	    v += w) {
		v += strspn(v, " \t\n");
		w = strcspn(v, " \t\n");
		r = w == n && strncmp(v, entry, n) == 0;
	}
	conf_free(c);
	return r;
}

static int
rec_diskadd(const struct kvm_ctx *ctx, const struct journal *j)
{
	const char *name = jget(j, "name"), *tmp = jget(j, "tmp");
	const char *path = jget(j, "path");

	(void)ctx;
	if (!rec_has_disk(jget(j, "setconf"), jget(j, "entry"))) {
		if (unlink(tmp) == -1 && errno != ENOENT) {
			warn("%s", tmp);
			return -1;
		}
		warnx("%s: undid an interrupted disk add", name);
		return 0;
	}
	if (access(path, F_OK) == -1 && rename(tmp, path) == -1) {
		warn("%s", path);
		return -1;
	}
	warnx("%s: finished an interrupted disk add (%s)", name,
	    strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path);
	return 0;
}

int
recover_journal(const struct kvm_ctx *ctx, const struct journal *j)
{
	static const struct {
		const char	*op;
		int		(*fn)(const struct kvm_ctx *,
				    const struct journal *);
	} ops[] = {
		{ "create", rec_create }, { "clone", rec_clone },
		{ "rename", rec_rename }, { "destroy", rec_destroy },
		{ "uninstall", rec_uninstall }, { "diskadd", rec_diskadd },
	};
	const char *op = jget(j, "op");
	size_t i;
	int r;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(ops[i].op, op) != 0)
			continue;
		if ((r = ops[i].fn(ctx, j)) == -1)
			warnx("%s: could not recover an interrupted %s (%s "
			    "stays for the next try)", jget(j, "name"), op,
			    j->j_path);
		return r;
	}
	warnx("%s: unknown operation %s", j->j_path, op);
	return -1;
}
