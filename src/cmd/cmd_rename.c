/*
 * cmd_rename.c: "kvm rename old new", the seed's vmrename, made
 * all-or-nothing.  A stopped VM's dataset is renamed, the paths inside
 * its directory that set.conf and run spell out follow, its rc.d script
 * is written for the new name (same REQUIRE, BEFORE, KEYWORD) and its
 * rc.conf variables move; when a step fails the earlier ones are taken
 * back.  The guest's identities (UUID, disk serial, MACs, UEFI
 * variables) are stored in the dataset, so they do not change.  The
 * plan goes into the intent journal first, so that a rename killed
 * half way is finished (or, before the dataset moved, undone) by the
 * next command (recover.c).
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/argv.h"
#include "core/common.h"
#include "core/util.h"
#include "core/valid.h"
#include "host/file.h"
#include "host/fault.h"
#include "host/journal.h"
#include "host/lock.h"
#include "host/paths.h"
#include "host/rc.h"
#include "host/runtime.h"
#include "host/sysrc.h"
#include "host/undo.h"
#include "host/vmload.h"
#include "host/zfs.h"
#include "cmd/cmd.h"

/* What a rename does beyond the dataset, worked out before any change. */
struct rename {
	const char		*old;
	const char		*new;
	char			 oldds[KVM_DATASET_MAX];
	char			 newds[KVM_DATASET_MAX];
	char			 olddir[PATH_MAX];	/* HOME/vm/OLD */
	char			 newdir[PATH_MAX];
	int			 script;		/* OLD has kvm's script */
	struct rc_fields	 fields;
	int			 movevars;		/* OLD_x become NEW_x */
	char			 oldvar[KVM_NAME_MAX + 1];
	char			 newvar[KVM_NAME_MAX + 1];
};

/* Rewrite the old directory's paths in the renamed VM's file. */
static int
rename_file(struct undo_log *j, const struct rename *rn, const char *file)
{
	char path[PATH_MAX], *text, *changed;
	struct stat st;
	int r;

	if (pathf(path, sizeof(path), "%s/%s", rn->newdir, file) == -1)
		return -1;
	if (stat(path, &st) == -1 && errno == ENOENT)
		return 0;
	if (file_read(path, &text, NULL) == -1) {
		warn("%s", path);
		return -1;
	}
	changed = path_replace(text, rn->olddir, rn->newdir);
	free(text);
	if (changed == NULL)
		return 0;
	r = undo_write(j, path, changed, strlen(changed), st.st_mode & 07777);
	free(changed);
	return r;
}

/* The rc.d script under the new name, then the old one removed. */
static int
rename_script(struct undo_log *j, const struct kvm_ctx *ctx,
    const struct rename *rn, const char **what)
{
	char path[PATH_MAX], *text;
	int r;

	if (!rn->script)
		return 0;
	*what = "could not write the rc.d script";
	if (rc_path(ctx, rn->new, path, sizeof(path)) == -1)
		return -1;
	text = rc_text(ctx, rn->new, &rn->fields);
	r = undo_write(j, path, text, strlen(text), 0555);
	free(text);
	if (r == -1)
		return -1;
	*what = "could not remove the old rc.d script";
	if (rc_path(ctx, rn->old, path, sizeof(path)) == -1)
		return -1;
	return undo_unlink(j, path);
}

/*
 * Each OLD_x variable set in rc.conf becomes NEW_x: every NEW_x is set
 * before the first OLD_x goes, so that a failure leaves rc.conf as it
 * was in most cases, not merely with the same values.
 */
static int
rename_vars(struct undo_log *j, const struct kvm_ctx *ctx,
    const struct rename *rn, const char **what)
{
	static char msg[128];
	char var[64], *val[8];
	size_t i, n;
	int r = 0;

	if (!rn->movevars)
		return 0;
	memset(val, 0, sizeof(val));
	*what = msg;
	for (n = 0; rc_suffixes[n] != NULL && r == 0; n++) {
		snprintf(var, sizeof(var), "%s%s", rn->oldvar, rc_suffixes[n]);
		snprintf(msg, sizeof(msg), "could not read %s", var);
		r = sysrc_get(ctx, var, &val[n]) == -1 ? -1 : 0;
	}
	for (i = 0; i < n && r == 0; i++) {
		if (val[i] == NULL)
			continue;
		snprintf(var, sizeof(var), "%s%s", rn->newvar, rc_suffixes[i]);
		snprintf(msg, sizeof(msg), "could not set %s", var);
		r = undo_sysrc_set(j, var, val[i]);
	}
	for (i = 0; i < n && r == 0; i++) {
		if (val[i] == NULL)
			continue;
		snprintf(var, sizeof(var), "%s%s", rn->oldvar, rc_suffixes[i]);
		snprintf(msg, sizeof(msg), "could not remove %s", var);
		r = undo_sysrc_unset(j, var) == -1 ? -1 : 0;
	}
	for (i = 0; i < n; i++)
		free(val[i]);
	return r;
}

static int	rename_check_rc(const struct kvm_ctx *, struct rename *);

/* Everything that must hold before the first change. */
static int
rename_check(const struct kvm_ctx *ctx, struct rename *rn)
{
	char path[PATH_MAX];
	struct stat st;
	int r;

	if (vm_dataset(ctx, rn->old, rn->oldds, sizeof(rn->oldds)) == -1 ||
	    vm_dataset(ctx, rn->new, rn->newds, sizeof(rn->newds)) == -1 ||
	    vm_dir(ctx, rn->old, NULL, rn->olddir, sizeof(rn->olddir)) == -1 ||
	    vm_dir(ctx, rn->new, NULL, rn->newdir, sizeof(rn->newdir)) == -1)
		return -1;
	if (vm_exists(ctx, rn->new) || stat(rn->newdir, &st) == 0 ||
	    (r = zfs_exists(ctx, rn->newds)) == 1) {
		warnx("%s: already exists", rn->new);
		return -1;
	}
	if (r == -1)
		return -1;
	/* The paths to rewrite and the files to move are where zfs puts
	 * the renamed dataset only when it inherits its mountpoint. */
	if (zfs_get(ctx, rn->oldds, "mountpoint", path, sizeof(path)) == -1)
		return -1;
	if (strcmp(path, rn->olddir) != 0) {
		warnx("%s: dataset %s is mounted at %s, not %s", rn->old,
		    rn->oldds, path, rn->olddir);
		return -1;
	}
	return rename_check_rc(ctx, rn);
}

/* The rc.d script and rc.conf variables can follow. */
static int
rename_check_rc(const struct kvm_ctx *ctx, struct rename *rn)
{
	char path[PATH_MAX], var[64], other[KVM_NAME_MAX + 1], *val;
	char e[KVM_ERR_MAX];
	const char *const *s;
	int k, r;

	if ((k = rc_read(ctx, rn->old, &rn->fields)) == -1)
		return -1;
	rn->script = k == RC_KVM;
	/* The script follows the VM: it must stay one rc(8) runs. */
	if (rn->script && valid_rc_name(rn->new, e, sizeof(e)) == -1) {
		warnx("%s: %s, and %s has an rc.d script; choose another name",
		    rn->new, e, rn->old);
		return -1;
	}
	if (rn->script) {
		if ((k = rc_read(ctx, rn->new, NULL)) == -1 ||
		    rc_path(ctx, rn->new, path, sizeof(path)) == -1)
			return -1;
		if (k != RC_NONE) {
			warnx("%s: %s already exists", rn->new, path);
			return -1;
		}
		if (rc_check_free(ctx, rn->new, rn->old) == -1)
			return -1;
	}
	rc_varname(rn->old, rn->oldvar, sizeof(rn->oldvar));
	rc_varname(rn->new, rn->newvar, sizeof(rn->newvar));
	if (strcmp(rn->oldvar, rn->newvar) == 0)
		return 0;
	if ((k = rc_var_taken(ctx, rn->new, rn->old, other,
	    sizeof(other))) != 0) {
		if (k == 1)
			warnx("%s: the rc.d script of VM %s already uses "
			    "%s_enable", rn->new, other, rn->newvar);
		return -1;
	}
	/* Variables a foreign script or another VM's reads stay. */
	if ((rn->movevars = rc_owns_vars(ctx, rn->old)) != 1)
		return rn->movevars;
	for (s = rc_suffixes; *s != NULL; s++) {
		snprintf(var, sizeof(var), "%s%s", rn->newvar, *s);
		if ((r = sysrc_get(ctx, var, &val)) == -1)
			return -1;
		if (r == 1) {
			free(val);
			warnx("%s: %s is already set in rc.conf", rn->new, var);
			return -1;
		}
	}
	return 0;
}

static int
rename_do(struct undo_log *j, const struct kvm_ctx *ctx,
    const struct rename *rn, const char **what)
{
	static char msg[KVM_DATASET_MAX + 32];

	snprintf(msg, sizeof(msg), "could not rename dataset %s", rn->oldds);
	*what = msg;
	if (undo_zfs_rename(j, rn->oldds, rn->newds) == -1)
		return -1;
	*what = "could not update set.conf";
	if (rename_file(j, rn, "set.conf") == -1)
		return -1;
	*what = "could not update run";
	if (rename_file(j, rn, "run") == -1)
		return -1;
	if (rename_script(j, ctx, rn, what) == -1)
		return -1;
	return rename_vars(j, ctx, rn, what);
}

/* The plan, for recover.c to finish it should we die half way. */
static int
rename_intent(const struct kvm_ctx *ctx, const struct rename *rn,
    struct journal *ij)
{
	journal_init(ij, "rename", rn->old);
	journal_vm(ij, rn->old);
	journal_vm(ij, rn->new);
	journal_add(ij, "new", "%s", rn->new);
	journal_add(ij, "oldds", "%s", rn->oldds);
	journal_add(ij, "newds", "%s", rn->newds);
	journal_add(ij, "olddir", "%s", rn->olddir);
	journal_add(ij, "newdir", "%s", rn->newdir);
	journal_add(ij, "script", "%d", rn->script);
	journal_add(ij, "require", "%s", rn->fields.rf_require);
	journal_add(ij, "before", "%s", rn->fields.rf_before);
	journal_add(ij, "keyword", "%s", rn->fields.rf_keyword);
	journal_add(ij, "movevars", "%d", rn->movevars == 1);
	journal_add(ij, "oldvar", "%s", rn->oldvar);
	journal_add(ij, "newvar", "%s", rn->newvar);
	if (journal_begin(ctx, ij) == -1) {
		journal_free(ij);
		return -1;
	}
	return 0;
}

int
cmd_rename(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	struct rename rn;
	struct undo_log j;
	struct journal ij;
	const char *what = "";
	char e[KVM_ERR_MAX];
	int lock, lock2;

	if (getopt(argc, argv, "+") != -1 || argc - optind != 2)
		cmd_usage(cmd);
	memset(&rn, 0, sizeof(rn));
	rn.old = argv[optind];
	rn.new = argv[optind + 1];
	if (ctx_load_home(ctx) == -1)
		return 1;
	if (valid_name(rn.old, e, sizeof(e)) == -1)
		errx(1, "%s: %s", rn.old, e);
	if (valid_name(rn.new, e, sizeof(e)) == -1)
		errx(1, "%s: %s", rn.new, e);
	if (strcmp(rn.old, rn.new) == 0)
		errx(1, "%s: the new name is the old one", rn.old);
	if (vm_hold2(ctx, rn.old, rn.new, &lock, &lock2) == -1)
		return 1;
	if (rename_check(ctx, &rn) == -1 ||
	    rename_intent(ctx, &rn, &ij) == -1) {
		lock_release(lock);
		lock_release(lock2);
		return 1;
	}
	undo_init(&j, ctx, "rename");
	if (rename_do(&j, ctx, &rn, &what) == -1) {
		if (undo_rollback(&j) == -1)
			warnx("%s: rename failed: %s; undoing the earlier steps "
			    "failed too: check by hand", rn.old, what);
		else
			warnx("%s: rename failed: %s; nothing changed", rn.old,
			    what);
		undo_free(&j);
		journal_end(&ij);
		lock_release(lock);
		lock_release(lock2);
		return 1;
	}
	undo_free(&j);
	rt_remove(ctx, rn.old);
	fault_point("rename");
	journal_end(&ij);
	lock_release(lock);
	lock_release(lock2);
	printf("%s: renamed to %s\n", rn.old, rn.new);
	return 0;
}
