/*
 * cmd_snap.c: "kvm snap create|destroy|rollback|list [-j] name
 * [snapshot]", the seed's snap.  As in the seed only the first letter of
 * the action counts (c, d, r, l).  A snapshot is one of the VM's dataset,
 * so it holds everything: set.conf, run, the disk, the UEFI variables.
 * Snapshots of a running VM are crash-consistent (like pulling the
 * power); rollback goes only to the newest snapshot and only while the
 * VM is stopped.  list needs no root.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/argv.h"
#include "core/common.h"
#include "core/json.h"
#include "core/util.h"
#include "core/valid.h"
#include "host/lock.h"
#include "host/paths.h"
#include "host/runtime.h"
#include "host/vmload.h"
#include "host/zfs.h"
#include "cmd/cmd.h"

/* What every action needs: the VM, its dataset, the snapshot operand. */
struct snap_op {
	const char	*so_name;
	const char	*so_snap;	/* NULL for list */
	char		 so_ds[KVM_DATASET_MAX];	/* DATASET/vm/NAME */
	char		 so_full[KVM_DATASET_MAX];	/* DATASET/vm/NAME@SNAP */
};

/*
 * A size the way OpenZFS 2.2's zfs list shows it (zfs_nicebytes): "512B"
 * below 1K, else at most 5 characters with a K, M, G, T, P or E suffix.
 */
static void
snap_nicenum(uint64_t num, char *buf, size_t sz)
{
	static const char units[] = "BKMGTPE";
	uint64_t n = num;
	int i = 0, prec;

	while (n >= 1024 && i < 6) {
		n /= 1024;
		i++;
	}
	if (i == 0) {
		snprintf(buf, sz, "%lluB", (unsigned long long)num);
		return;
	}
	if ((num & ((1ULL << (10 * i)) - 1)) == 0) {
		snprintf(buf, sz, "%llu%c", (unsigned long long)n, units[i]);
		return;
	}
	for (prec = 2; prec >= 0; prec--) {
		snprintf(buf, sz, "%.*f%c", prec,
		    (double)num / (double)(1ULL << (10 * i)), units[i]);
		if (strlen(buf) <= 5)
			break;
	}
}

static int
snap_list(const struct kvm_ctx *ctx, struct snap_op *op, int json)
{
	struct zfs_snap *s;
	struct json js;
	struct tm tm;
	char when[32], used[32];
	size_t n, i, w = strlen("NAME");

	if (zfs_snap_list(ctx, op->so_ds, 1, &s, &n) == -1)
		return 1;
	if (json) {
		json_init(&js, stdout);
		json_array_open(&js, NULL);
		for (i = 0; i < n; i++) {
			json_object_open(&js, NULL);
			json_string(&js, "name", s[i].zs_name);
			json_int(&js, "created", (long long)s[i].zs_created);
			json_uint(&js, "used", s[i].zs_used);
			json_object_close(&js);
		}
		json_array_close(&js);
	} else {
		for (i = 0; i < n; i++)
			if (strlen(s[i].zs_name) > w)
				w = strlen(s[i].zs_name);
		printf("%-*s  %-19s  %s\n", (int)w, "NAME", "CREATED",
		    "USED");
		for (i = 0; i < n; i++) {
			localtime_r(&s[i].zs_created, &tm);
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
			snap_nicenum(s[i].zs_used, used, sizeof(used));
			printf("%-*s  %-19s  %s\n", (int)w, s[i].zs_name, when,
			    used);
		}
	}
	zfs_snap_free(s, n);
	return fflush(stdout) == 0 ? 0 : 1;
}

static int
snap_create(const struct kvm_ctx *ctx, struct snap_op *op)
{
	int e;

	if ((e = zfs_exists(ctx, op->so_full)) == -1)
		return 1;
	if (e == 1) {
		warnx("%s: snapshot %s already exists", op->so_name,
		    op->so_snap);
		return 1;
	}
	return zfs_snapshot(ctx, op->so_ds, op->so_snap) == 0 ? 0 : 1;
}

/* "a b c": the clones, as VM names when they are kvm's VMs. */
static char *
snap_clone_names(const struct kvm_ctx *ctx, char **names, size_t n)
{
	char prefix[KVM_DATASET_MAX], *s = NULL, *t;
	size_t i, plen;

	/* No prefix when it does not fit: then no clone is one of ours. */
	if ((size_t)snprintf(prefix, sizeof(prefix), "%s/vm/",
	    ctx->dataset) >= sizeof(prefix))
		prefix[0] = '\0';
	plen = strlen(prefix);
	for (i = 0; i < n; i++) {
		const char *nm = names[i];

		if (strncmp(nm, prefix, plen) == 0 &&
		    strchr(nm + plen, '/') == NULL)
			nm += plen;
		if (asprintf(&t, "%s%s%s", s != NULL ? s : "",
		    s != NULL ? " " : "", nm) == -1)
			err(1, NULL);
		free(s);
		s = t;
	}
	return s;
}

static int
snap_destroy(const struct kvm_ctx *ctx, struct snap_op *op)
{
	char **clones, *list;
	size_t n;
	int e;

	if ((e = zfs_exists(ctx, op->so_full)) == -1)
		return 1;
	if (e == 0) {
		warnx("%s: no snapshot %s", op->so_name, op->so_snap);
		return 1;
	}
	if (zfs_clones(ctx, op->so_full, &clones, &n) == -1)
		return 1;
	if (n > 0) {
		list = snap_clone_names(ctx, clones, n);
		warnx("%s: cannot destroy %s: %s %s %s on it (destroy %s "
		    "first)", op->so_name, op->so_snap,
		    n == 1 ? "clone" : "clones", list,
		    n == 1 ? "depends" : "depend", n == 1 ? "it" : "them");
		free(list);
		strlist_free(clones, n);
		return 1;
	}
	strlist_free(clones, n);
	return zfs_destroy(ctx, op->so_full, 0) == 0 ? 0 : 1;
}

/* 0 if snap is fs's newest snapshot, else 1 after saying why not. */
static int
snap_is_newest(const struct kvm_ctx *ctx, struct snap_op *op)
{
	struct zfs_snap *s;
	size_t n, i, j;
	char *newer = NULL, *t;

	if (zfs_snap_list(ctx, op->so_ds, 0, &s, &n) == -1)
		return 1;
	for (i = 0; i < n && strcmp(s[i].zs_name, op->so_snap) != 0; i++)
		;
	if (i == n)
		warnx("%s: no snapshot %s", op->so_name, op->so_snap);
	else if (i < n - 1) {
		for (j = i + 1; j < n; j++) {
			if (asprintf(&t, "%s%s%s", newer != NULL ? newer : "",
			    newer != NULL ? " " : "", s[j].zs_name) == -1)
				err(1, NULL);
			free(newer);
			newer = t;
		}
		warnx("%s: cannot roll back to %s: newer %s %s %s (destroy "
		    "%s first)", op->so_name, op->so_snap,
		    n - i - 1 == 1 ? "snapshot" : "snapshots", newer,
		    n - i - 1 == 1 ? "exists" : "exist",
		    n - i - 1 == 1 ? "it" : "them");
		free(newer);
	}
	zfs_snap_free(s, n);
	return i == n - 1 ? 0 : 1;
}

static int
snap_rollback(const struct kvm_ctx *ctx, struct snap_op *op)
{
	enum vm_state st;
	int fd, l, r = 1;

	/* Hold the VM's lock so that no start can race the rollback. */
	if ((l = vm_lock_stopped(ctx, op->so_name, &fd, &st)) == -1)
		return 1;
	if (l == 1) {
		warnx("%s: cannot roll back: VM is %s (stop it first)",
		    op->so_name, rt_state_name(st));
		return 1;
	}
	if (snap_is_newest(ctx, op) == 0)
		r = zfs_rollback(ctx, op->so_ds, op->so_snap) == 0 ? 0 : 1;
	lock_release(fd);
	return r;
}

/* Check the operands and fill op; 1 after a message, else 0. */
static int
snap_operands(struct kvm_ctx *ctx, struct snap_op *op)
{
	char e[KVM_ERR_MAX];

	if (valid_name(op->so_name, e, sizeof(e)) == -1) {
		warnx("%s: %s", op->so_name, e);
		return 1;
	}
	if (op->so_snap != NULL &&
	    valid_name(op->so_snap, e, sizeof(e)) == -1) {
		warnx("%s: snapshot %s", op->so_name, e);
		return 1;
	}
	if (ctx_load_home(ctx) == -1)
		return 1;
	if (!vm_exists(ctx, op->so_name)) {
		warnx("%s: no such VM", op->so_name);
		return 1;
	}
	if (vm_dataset(ctx, op->so_name, op->so_ds, sizeof(op->so_ds)) == -1)
		return 1;
	if (op->so_snap != NULL && pathf(op->so_full, sizeof(op->so_full),
	    "%s@%s", op->so_ds, op->so_snap) == -1)
		return 1;
	return 0;
}

/*
 * The VM's admin lock for snap create and destroy (rollback takes it
 * through vm_lock_stopped), the VM checked again under it.  0 and *fd,
 * or 1 after a message.
 */
static int
snap_lock(const struct kvm_ctx *ctx, const struct snap_op *op, int *fd)
{
	if (lock_admin(ctx, op->so_name, fd) == -1)
		return 1;
	if (!vm_exists(ctx, op->so_name)) {
		warnx("%s: no such VM", op->so_name);
		lock_release(*fd);
		return 1;
	}
	return 0;
}

/* Create or destroy a snapshot under the admin lock; exit status. */
static int
snap_change(const struct kvm_ctx *ctx, struct snap_op *op, int act)
{
	int fd, r;

	if (snap_lock(ctx, op, &fd) != 0)
		return 1;
	r = act == 'c' ? snap_create(ctx, op) : snap_destroy(ctx, op);
	lock_release(fd);
	return r;
}

int
cmd_snap(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	struct snap_op op;
	int act, json;

	act = cmd_sub_args(cmd, &argc, &argv, &json);
	if (argc != (act == 'l' ? 1 : 2))
		cmd_usage(cmd);
	memset(&op, 0, sizeof(op));
	op.so_name = argv[0];
	op.so_snap = act == 'l' ? NULL : argv[1];
	if (snap_operands(ctx, &op) != 0)
		return 1;
	switch (act) {
	case 'c':
	case 'd':
		return snap_change(ctx, &op, act);
	case 'r':
		return snap_rollback(ctx, &op);
	default:
		return snap_list(ctx, &op, json);
	}
}
