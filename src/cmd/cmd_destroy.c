/*
 * cmd_destroy.c: "kvm destroy", the seed's vmdestroy, and "kvm
 * uninstall", the seed's deinstallation steps.  Both act only on
 * stopped VMs whose lock they hold, ask on a terminal unless -f (and
 * refuse without one), and are all-or-nothing: rc.conf variables and
 * rc.d scripts go first, kept in memory, and come back when the
 * dataset cannot be destroyed.  Their plan is written to the intent
 * journal before the first change, so that one killed half way is
 * finished by the next command (recover.c).
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/argv.h"
#include "core/common.h"
#include "core/util.h"
#include "host/fault.h"
#include "host/journal.h"
#include "host/lock.h"
#include "host/paths.h"
#include "host/rc.h"
#include "host/runtime.h"
#include "host/tty.h"
#include "host/undo.h"
#include "host/vmdestroy.h"
#include "host/vmload.h"
#include "host/zfs.h"
#include "cmd/cmd.h"

/* Short name of a VM's dataset (DATASET/vm/X -> X), else the dataset. */
static const char *
ds_short(const struct kvm_ctx *ctx, const char *ds)
{
	size_t n = strlen(ctx->dataset);

	if (strncmp(ds, ctx->dataset, n) == 0 && strncmp(ds + n, "/vm/", 4)
	    == 0 && strchr(ds + n + 4, '/') == NULL)
		return ds + n + 4;
	return ds;
}

/*
 * The clones of every snapshot of ds, as one space-separated string
 * (VM names for kvm's datasets); "" when there are none.  Counts the
 * snapshots into *nsnap.  NULL on error (reported).
 */
static char *
destroy_clones(const struct kvm_ctx *ctx, const char *ds, size_t *nsnap)
{
	struct zfs_snap *snaps;
	char origin[KVM_DATASET_MAX], **names, *list;
	size_t n, nn, i, k;

	if (zfs_snap_list(ctx, ds, 0, &snaps, &n) == -1)
		return NULL;
	*nsnap = n;
	if ((list = strdup("")) == NULL)
		err(1, NULL);
	for (i = 0; i < n; i++) {
		if (pathf(origin, sizeof(origin), "%s@%s", ds,
		    snaps[i].zs_name) == -1 ||
		    zfs_clones(ctx, origin, &names, &nn) == -1) {
			free(list);
			list = NULL;
			break;
		}
		for (k = 0; k < nn; k++) {
			char *more;

			if (asprintf(&more, "%s%s%s", list, *list != '\0' ?
			    " " : "", ds_short(ctx, names[k])) == -1)
				err(1, NULL);
			free(list);
			list = more;
		}
		strlist_free(names, nn);
	}
	zfs_snap_free(snaps, n);
	return list;
}

/* No clones, and confirmed: 0 to go on, -1 after a message. */
static int
destroy_check(const struct kvm_ctx *ctx, const char *name, const char *ds,
    int force)
{
	char q[128], *clones;
	size_t nsnap;

	if ((clones = destroy_clones(ctx, ds, &nsnap)) == NULL)
		return -1;
	if (*clones != '\0') {
		warnx("%s: has clones: %s; destroy them first", name, clones);
		free(clones);
		return -1;
	}
	free(clones);
	if (force)
		return 0;
	if (!isatty(STDIN_FILENO)) {
		warnx("%s: not destroyed: confirm on a terminal or use -f",
		    name);
		return -1;
	}
	if (nsnap == 0)
		snprintf(q, sizeof(q), "Destroy VM %s?", name);
	else
		snprintf(q, sizeof(q), "Destroy VM %s and its %zu snapshot%s?",
		    name, nsnap, nsnap == 1 ? "" : "s");
	if (!ask_yes(q)) {
		warnx("%s: not destroyed", name);
		return -1;
	}
	return 0;
}

int
cmd_destroy(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	const char *name;
	char ds[KVM_DATASET_MAX];
	int ch, force = 0, lock, r = 1;

	while ((ch = getopt(argc, argv, "+f")) != -1) {
		if (ch != 'f')
			cmd_usage(cmd);
		force = 1;
	}
	if (argc - optind != 1)
		cmd_usage(cmd);
	name = argv[optind];
	if (ctx_load_home(ctx) == -1 || vm_hold(ctx, name, &lock) == -1)
		return 1;
	if (vm_dataset(ctx, name, ds, sizeof(ds)) == 0 &&
	    destroy_check(ctx, name, ds, force) == 0 &&
	    vm_destroy(ctx, name, ds, "destroy") == 0) {
		printf("%s: destroyed\n", name);
		r = 0;
	}
	lock_release(lock);
	return r;
}

/*
 * Check every VM is stopped and hold its lock (fds into locks, -1 for
 * none); the names of the others, space-separated, into *busy ("" when
 * none).  -1 on error.
 */
static int
uninstall_hold(const struct kvm_ctx *ctx, char **vms, size_t n, int *locks,
    char **busy)
{
	enum vm_state st;
	char *more;
	size_t i;
	int r;

	if ((*busy = strdup("")) == NULL)
		err(1, NULL);
	/* All -1 first: the caller releases them all, even after -1. */
	for (i = 0; i < n; i++)
		locks[i] = -1;
	for (i = 0; i < n; i++) {
		if ((r = vm_lock_stopped(ctx, vms[i], &locks[i], &st)) == -1)
			return -1;
		if (r == 0)
			continue;
		if (asprintf(&more, "%s%s%s", *busy, **busy != '\0' ? " " : "",
		    vms[i]) == -1)
			err(1, NULL);
		free(*busy);
		*busy = more;
	}
	return 0;
}

static int
uninstall_confirm(const struct kvm_ctx *ctx, char **vms, size_t n)
{
	char *q, *more;
	size_t i;
	int yes;

	if (asprintf(&q, "Uninstall kvm: destroy %s", ctx->dataset) == -1)
		err(1, NULL);
	for (i = 0; i < n; i++) {
		if (asprintf(&more, "%s%s%s", q, i == 0 ? " with VMs " : " ",
		    vms[i]) == -1)
			err(1, NULL);
		free(q);
		q = more;
	}
	if (asprintf(&more, "%s%s?", q, n > 0 ? " and all their snapshots" :
	    "") == -1)
		err(1, NULL);
	free(q);
	yes = ask_yes(more);
	free(more);
	return yes;
}

/* 1 if name is in the sorted list v of n names. */
static int
in_list(char **v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return 1;
	return 0;
}

/*
 * The intent journal of an uninstall: the VMs (their locks), the plan
 * for the rc.d scripts of every kvm script and the rc.conf variables
 * of every VM, the dataset and kvm.conf.  0, or -1 (reported).
 */
static int
uninstall_intent(const struct kvm_ctx *ctx, char **vms, size_t nvm,
    struct journal *ij)
{
	char **scripts, path[PATH_MAX];
	size_t nsc, i;
	int r = 0;

	if (host_path(ctx, KVM_CONF, path, sizeof(path)) == -1 ||
	    rc_scripts(ctx, &scripts, &nsc) == -1)
		return -1;
	journal_init(ij, "uninstall", ctx->pool);
	for (i = 0; i < nvm; i++)
		journal_vm(ij, vms[i]);
	journal_add(ij, "ds", "%s", ctx->dataset);
	journal_add(ij, "conf", "%s", path);
	for (i = 0; i < nsc; i++)
		vmdestroy_plan(ij, scripts[i], 1, 1);
	for (i = 0; r == 0 && i < nvm; i++) {
		if (in_list(scripts, nsc, vms[i]))
			continue;
		if ((r = rc_owns_vars(ctx, vms[i])) == 1)
			vmdestroy_plan(ij, vms[i], 1, 0);
	}
	strlist_free(scripts, nsc);
	if (r == -1 || journal_begin(ctx, ij) == -1) {
		journal_free(ij);
		return -1;
	}
	return 0;
}

/*
 * The rc.d scripts and rc.conf variables of every VM and every kvm
 * script, then the kvm dataset; undone when a step fails (-1), and
 * last kvm.conf (-2 when it cannot be removed: everything else is
 * gone).  What was removed is written to log.  A crash half way is
 * finished by the next "kvm uninstall" (recover.c).
 */
static int
uninstall_do(struct kvm_ctx *ctx, char **vms, size_t nvm, FILE *log)
{
	const char *what = "";
	struct undo_log j;
	struct journal ij;
	int r;

	if (uninstall_intent(ctx, vms, nvm, &ij) == -1)
		return -1;
	undo_init(&j, ctx, "uninstall");
	r = vmdestroy_rc(&j, ctx, &ij, log, &what);
	if (r == 0) {
		what = "could not destroy its dataset";
		fault_point("uninstall");
		r = zfs_destroy_tree(ctx, ctx->dataset);
	}
	if (r == -1) {
		if (undo_rollback(&j) == -1)
			warnx("%s: uninstall failed: %s; restoring rc.d "
			    "scripts and rc.conf failed too: check by hand",
			    ctx->pool, what);
		else
			warnx("%s: uninstall failed: %s; nothing changed",
			    ctx->pool, what);
		undo_free(&j);
		journal_end(&ij);
		return -1;
	}
	undo_free(&j);
	fprintf(log, "destroyed %s\n", ctx->dataset);
	fault_point("uninstall");
	r = 0;
	if (unlink(journal_get(&ij, "conf", 0)) == -1) {
		warn("%s", journal_get(&ij, "conf", 0));
		r = -2;
	} else
		fprintf(log, "removed %s\n", journal_get(&ij, "conf", 0));
	fault_point("uninstall");
	journal_end(&ij);
	return r;
}

/*
 * With every VM held: refuse while one is not stopped or without a
 * confirmation, else uninstall and print what was done.  The exit status.
 */
static int
uninstall_go(struct kvm_ctx *ctx, const char *pool, char **vms, size_t nvm,
    const char *busy, int force)
{
	char *out = NULL;
	size_t len;
	FILE *log;
	int r;

	if (*busy != '\0')
		warnx("%s: not uninstalled: VMs not stopped: %s", pool, busy);
	else if (!force && !isatty(STDIN_FILENO))
		warnx("%s: not uninstalled: confirm on a terminal or use -f",
		    pool);
	else if (!force && !uninstall_confirm(ctx, vms, nvm))
		warnx("%s: not uninstalled", pool);
	else {
		if ((log = open_memstream(&out, &len)) == NULL)
			err(1, "open_memstream");
		r = uninstall_do(ctx, vms, nvm, log);
		fclose(log);
		if (r != -1)
			fputs(out, stdout);
		free(out);
		return r != 0;
	}
	return 1;
}

/* 1 when kvm.conf is gone: kvm is no longer installed. */
static int
uninstall_gone(const struct kvm_ctx *ctx)
{
	char path[PATH_MAX];

	return host_path(ctx, KVM_CONF, path, sizeof(path)) == 0 &&
	    access(path, F_OK) == -1 && errno == ENOENT;
}

int
cmd_uninstall(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	const char *pool;
	char **vms, *busy;
	size_t nvm, i;
	int ch, force = 0, r = 1, *locks;

	while ((ch = getopt(argc, argv, "+f")) != -1) {
		if (ch != 'f')
			cmd_usage(cmd);
		force = 1;
	}
	if (argc - optind != 1)
		cmd_usage(cmd);
	pool = argv[optind];
	/* An uninstall killed half way: finishing it may be all to do. */
	if (journal_recover(ctx, NULL) > 0 && uninstall_gone(ctx))
		return 0;
	if (ctx_load_home(ctx) == -1)
		return 1;
	if (strcmp(pool, ctx->pool) != 0)
		errx(1, "%s: kvm is not installed on this pool (it is on %s)",
		    pool, ctx->pool);
	if (vm_names(ctx, &vms, &nvm) == -1)
		return 1;
	if ((locks = calloc(nvm + 1, sizeof(*locks))) == NULL)
		err(1, NULL);
	if (uninstall_hold(ctx, vms, nvm, locks, &busy) == -1)
		goto done;
	r = uninstall_go(ctx, pool, vms, nvm, busy, force);
done:
	free(busy);
	for (i = 0; i < nvm; i++)
		lock_release(locks[i]);
	free(locks);
	strlist_free(vms, nvm);
	return r;
}
