/*
 * vmdestroy.c: a stopped VM removed for good, all or nothing.  The
 * rc.conf variables and the rc.d script go first, kept in memory by
 * the undo log, and come back when the dataset cannot be destroyed.
 * The plan is written to the intent journal before the first change,
 * so that one killed half way is finished by the next command
 * (recover.c, "destroy").
 */
#include <err.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "host/vmdestroy.h"
#include "core/common.h"
#include "host/fault.h"
#include "host/journal.h"
#include "host/paths.h"
#include "host/rc.h"
#include "host/runtime.h"
#include "host/undo.h"
#include "host/vmload.h"
#include "host/zfs.h"

void
vmdestroy_plan(struct journal *ij, const char *name, int vars, int script)
{
	char var[KVM_NAME_MAX + 1];
	const char *const *s;

	rc_varname(name, var, sizeof(var));
	for (s = rc_suffixes; vars && *s != NULL; s++)
		journal_add(ij, "unset", "%s%s", var, *s);
	if (script)
		journal_add(ij, "rc", "%s", name);
}

int
vmdestroy_rc(struct undo_log *j, const struct kvm_ctx *ctx,
    const struct journal *ij, FILE *log, const char **what)
{
	static char msg[128];
	char path[PATH_MAX];
	const char *v;
	size_t i;
	int r;

	for (i = 0; i < ij->j_n; i++) {
		v = strchr(ij->j_kv[i], '=') + 1;
		if (strncmp(ij->j_kv[i], "unset=", 6) == 0) {
			snprintf(msg, sizeof(msg), "could not remove %s", v);
			*what = msg;
			if ((r = undo_sysrc_unset(j, v)) == -1)
				return -1;
			if (r == 1 && log != NULL)
				fprintf(log, "removed %s from rc.conf\n", v);
		} else if (strncmp(ij->j_kv[i], "rc=", 3) == 0) {
			*what = "could not remove the rc.d script";
			if (rc_path(ctx, v, path, sizeof(path)) == -1 ||
			    undo_unlink(j, path) == -1)
				return -1;
			if (log != NULL)
				fprintf(log, "removed %s\n", path);
		}
	}
	return 0;
}

/* The intent journal of destroying VM name: its plan and dataset. */
static int
destroy_intent(const struct kvm_ctx *ctx, const char *name, const char *ds,
    struct journal *ij)
{
	char dir[PATH_MAX];
	int vars, kind;

	if ((vars = rc_owns_vars(ctx, name)) == -1 ||
	    (kind = rc_read(ctx, name, NULL)) == -1 ||
	    vm_dir(ctx, name, NULL, dir, sizeof(dir)) == -1)
		return -1;
	journal_init(ij, "destroy", name);
	journal_vm(ij, name);
	journal_add(ij, "ds", "%s", ds);
	journal_add(ij, "dir", "%s", dir);
	vmdestroy_plan(ij, name, vars, kind == RC_KVM);
	if (journal_begin(ctx, ij) == -1) {
		journal_free(ij);
		return -1;
	}
	return 0;
}

int
vm_destroy(const struct kvm_ctx *ctx, const char *name, const char *ds,
    const char *op)
{
	const char *what = "";
	struct undo_log j;
	struct journal ij;
	int r;

	if (destroy_intent(ctx, name, ds, &ij) == -1)
		return -1;
	undo_init(&j, ctx, "destroy");
	r = vmdestroy_rc(&j, ctx, &ij, NULL, &what);
	if (r == 0) {
		what = "could not destroy its dataset";
		fault_point("destroy");
		r = zfs_destroy_tree(ctx, ds);
	}
	if (r == -1) {
		if (undo_rollback(&j) == -1)
			warnx("%s: %s failed: %s; restoring its rc.d "
			    "script and rc.conf failed too: check by hand",
			    name, op, what);
		else
			warnx("%s: %s failed: %s; nothing changed", name,
			    op, what);
	} else {
		rt_remove(ctx, name);
		fault_point("destroy");
	}
	undo_free(&j);
	journal_end(&ij);
	return r;
}

