/*
 * cmd_clone.c: "kvm clone src[@snapshot] new", a ZFS clone of a VM's
 * dataset under a new name.  Without @snapshot, kvm first snapshots src
 * as src@clone-NEW.  The clone then gets its own identity in its
 * set.conf: a new UUID, DiskSerial, MAC address for every NIC, serial
 * for every ser= in Devices and every disk of Disks, and fresh UEFI
 * variables; paths into the source's directory follow to the clone's.  Any failure after the clone
 * was made destroys it (and the snapshot made for it): nothing
 * half-made stays, and after a crash the next command does that
 * (the intent journal, recover.c).  The identities come from
 * ident.c, as for create.
 */
#include <sys/stat.h>

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/argv.h"
#include "core/common.h"
#include "core/conf.h"
#include "core/disks.h"
#include "core/ident.h"
#include "core/util.h"
#include "core/valid.h"
#include "core/vm.h"
#include "host/conffile.h"
#include "host/fault.h"
#include "host/file.h"
#include "host/journal.h"
#include "host/lock.h"
#include "host/paths.h"
#include "host/swtpm.h"
#include "host/vmload.h"
#include "host/zfs.h"
#include "cmd/cmd.h"

#define CLONE_SNAP_PREFIX	"clone-"
#define CLONE_MAX_SER		32	/* ser= options in one entry (ahci) */

/* The new identity of one Devices entry, drawn before any editing. */
struct clone_ids {
	char	ci_mac[18];
	char	ci_ser[CLONE_MAX_SER][KVM_SERIAL_LEN + 1];
};

/* What the set.conf edits need. */
struct clone_ctx {
	const char		*cc_path;	/* the clone's set.conf */
	const char		*cc_srcdir;	/* HOME/vm/SRC */
	const char		*cc_newdir;	/* HOME/vm/NEW */
	struct clone_ids	*cc_ids;	/* one per Devices entry */
	size_t			 cc_nids;
};

/* Append n bytes of s to the malloc'd string *dst. */
static void
str_add(char **dst, size_t *len, const char *s, size_t n)
{
	if ((*dst = realloc(*dst, *len + n + 1)) == NULL)
		err(1, NULL);
	memcpy(*dst + *len, s, n);
	*len += n;
	(*dst)[*len] = '\0';
}

/*
 * s with every path into srcdir/ moved to newdir/: an occurrence counts
 * at the start of s or after one of , : = " ' (where a path can start).
 */
static char *
clone_paths(const struct clone_ctx *cc, const char *s)
{
	size_t sl = strlen(cc->cc_srcdir), len = 0;
	const char *p;
	char *out = NULL;

	str_add(&out, &len, "", 0);
	for (p = s; *p != '\0'; p++) {
		if ((p == s || strchr(",:=\"'", p[-1]) != NULL) &&
		    strncmp(p, cc->cc_srcdir, sl) == 0 && p[sl] == '/') {
			str_add(&out, &len, cc->cc_newdir,
			    strlen(cc->cc_newdir));
			p += sl - 1;
			continue;
		}
		str_add(&out, &len, p, 1);
	}
	return out;
}

/* 1 if the entry's emulation (its second field) is a NIC. */
static int
clone_is_nic(const char *entry)
{
	const char *emu = strchr(entry, ',');
	size_t n;

	if (emu == NULL)
		return 0;
	n = strcspn(++emu, ",");
	return (n == 10 && strncmp(emu, "virtio-net", n) == 0) ||
	    (n == 5 && strncmp(emu, "e1000", n) == 0);
}

/*
 * One Devices entry with the identity ids: a NIC gets ids->ci_mac
 * (replacing its mac= or added at the end), the k-th ser= gets the k-th
 * serial, paths follow the clone.  Works on the expanded entry and on
 * the entry as written in the file alike.
 */
static char *
clone_entry(const struct clone_ctx *cc, const struct clone_ids *ids,
    const char *entry)
{
	char *moved, *out = NULL;
	const char *p, *tok;
	size_t len = 0, n, k = 0;
	int nic, mac = 0;

	moved = clone_paths(cc, entry);
	nic = clone_is_nic(moved);
	str_add(&out, &len, "", 0);
	for (p = moved; *p != '\0'; p += n) {
		tok = p + (*p == ',');
		n = (size_t)(tok - p) + strcspn(tok, ",");
		if (nic && p != moved && strncmp(tok, "mac=", 4) == 0) {
			str_add(&out, &len, p, (size_t)(tok - p) + 4);
			str_add(&out, &len, ids->ci_mac, strlen(ids->ci_mac));
			mac = 1;
		} else if (p != moved && strncmp(tok, "ser=", 4) == 0 &&
		    k < CLONE_MAX_SER) {
			str_add(&out, &len, p, (size_t)(tok - p) + 4);
			str_add(&out, &len, ids->ci_ser[k],
			    strlen(ids->ci_ser[k]));
			k++;
		} else
			str_add(&out, &len, p, n);
	}
	if (nic && !mac) {
		str_add(&out, &len, ",mac=", 5);
		str_add(&out, &len, ids->ci_mac, strlen(ids->ci_mac));
	}
	free(moved);
	return out;
}

/*
 * Every whitespace-separated word of s through clone_entry, separators
 * kept; NULL when s does not have exactly cc_nids words.
 */
static char *
clone_words(const struct clone_ctx *cc, const char *s)
{
	static const char sep[] = " \t\n";
	char *out = NULL, *w, *e;
	size_t len = 0, n, i = 0;

	str_add(&out, &len, "", 0);
	while (*s != '\0') {
		n = strspn(s, sep);
		str_add(&out, &len, s, n);
		s += n;
		if (*s == '\0')
			break;
		n = strcspn(s, sep);
		if (i == cc->cc_nids) {
			free(out);
			return NULL;
		}
		if ((w = strndup(s, n)) == NULL)
			err(1, NULL);
		e = clone_entry(cc, &cc->cc_ids[i++], w);
		str_add(&out, &len, e, strlen(e));
		free(w);
		free(e);
		s += n;
	}
	if (i != cc->cc_nids) {
		free(out);
		return NULL;
	}
	return out;
}

/*
 * Set name so that it reads value: by editing its text as written with
 * edit (keeping quotes and $references, e.g. Devices="4,virtio-net,$LAN"
 * stays a reference), when the edited text reads exactly value; else as
 * a plain quoted value.  *cp may be replaced.  0 or -1.
 */
static int
clone_set(struct conf **cp, const struct clone_ctx *cc, const char *name,
    const char *value, char *(*edit)(const struct clone_ctx *, const char *))
{
	char e[KVM_ERR_MAX], *inner, *ed, *t0, *text;
	const char *raw;
	struct conf *nc = NULL;
	size_t off, n;
	int q, len;

	if (conf_raw(*cp, name, &off, &n) == 0) {
		t0 = conf_text(*cp);
		raw = t0 + off;
		q = n >= 2 && (raw[0] == '"' || raw[0] == '\'') &&
		    raw[n - 1] == raw[0];
		if ((inner = strndup(raw + q, n - 2 * q)) == NULL)
			err(1, NULL);
		if ((ed = edit(cc, inner)) != NULL) {
			/* The quote (q bytes of raw) goes around the edit. */
			len = asprintf(&text, "%.*s%.*s%s%.*s%s", (int)off, t0,
			    q, raw, ed, q, raw, raw + n);
			if (len == -1)
				err(1, NULL);
			nc = conf_parse(text, (size_t)len, cc->cc_path, e,
			    sizeof(e));
			free(text);
		}
		free(ed);
		free(inner);
		free(t0);
	}
	if (nc != NULL && strcmp(conf_get(nc, name), value) == 0) {
		conf_free(*cp);
		*cp = nc;
		return 0;
	}
	conf_free(nc);
	return conf_set(*cp, name, value);
}

/*
 * Devices with new identities: one MAC and set of serials drawn per
 * entry, then the same edit applied to the expanded value and to the
 * text as written.  Unchanged when nothing in it is an identity.
 */
static int
clone_devices(struct conf **cp, struct clone_ctx *cc, size_t ndevices)
{
	const char *cur;
	char *want;
	size_t i, k;
	int r;

	if ((cur = conf_get(*cp, "Devices")) == NULL || ndevices == 0)
		return 0;
	if ((cc->cc_ids = calloc(ndevices, sizeof(*cc->cc_ids))) == NULL)
		err(1, NULL);
	cc->cc_nids = ndevices;
	for (i = 0; i < ndevices; i++) {
		ident_mac(cc->cc_ids[i].ci_mac, sizeof(cc->cc_ids[i].ci_mac));
		for (k = 0; k < CLONE_MAX_SER; k++)
			ident_serial(cc->cc_ids[i].ci_ser[k],
			    sizeof(cc->cc_ids[i].ci_ser[k]));
	}
	if ((want = clone_words(cc, cur)) == NULL) {
		warnx("%s: Devices: cannot split into %zu entries",
		    cc->cc_path, ndevices);
		return -1;
	}
	r = strcmp(want, cur) == 0 ? 0 :
	    clone_set(cp, cc, "Devices", want, clone_words);
	free(want);
	return r;
}

/* 1 if path is inside directory dir. */
static int
clone_inside(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* Disk, when it is a path into the source's directory, follows. */
static int
clone_disk(struct conf **cp, struct clone_ctx *cc)
{
	const char *cur;
	char *want;
	int r = 0;

	if ((cur = conf_get(*cp, "Disk")) == NULL)
		return 0;
	want = clone_paths(cc, cur);
	if (strcmp(want, cur) != 0)
		r = clone_set(cp, cc, "Disk", want, clone_paths);
	free(want);
	return r;
}

/* Disks with new serials, the same files, drivers and slots. */
static int
clone_disks(struct conf *c, const struct vm *vm)
{
	char *want;
	int r;

	if (vm->ndisks == 0)
		return 0;
	want = disks_reserial(vm);
	r = conf_set(c, "Disks", want);
	free(want);
	return r;
}

/* The operands of one clone and what it made so far. */
struct clone_op {
	const char	*co_src;
	const char	*co_new;
	char		 co_snap[KVM_NAME_MAX + 1];
	char		 co_srcds[KVM_DATASET_MAX];	/* DATASET/vm/SRC */
	char		 co_origin[KVM_DATASET_MAX];	/* DATASET/vm/SRC@SNAP */
	char		 co_newds[KVM_DATASET_MAX];	/* DATASET/vm/NEW */
	char		 co_srcdir[PATH_MAX];
	char		 co_newdir[PATH_MAX];
	int		 co_made_snap;
	int		 co_made_clone;
};

/*
 * What the clone still shares with its source, said at once: a disk
 * outside the dataset, and a tap (a tap serves one guest: bhyve opens
 * /dev/tapN exclusively, so the second to start would fail).
 */
static void
clone_warn_shared(const struct clone_op *op, const struct vm *vm)
{
	const char *be;
	size_t i, n;

	if (!clone_inside(op->co_srcdir, vm->disk) &&
	    !clone_inside(op->co_newdir, vm->disk))
		warnx("%s: disk %s is outside the VM's dataset: the clone "
		    "shares it with %s", op->co_new, vm->disk, op->co_src);
	for (i = 0; i < vm->ndisks; i++)
		if (vm->disks[i].vd_off == 0)	/* a zvol of Disks */
			warnx("%s: disk %s is outside the VM's dataset: the "
			    "clone shares it with %s", op->co_new,
			    vm->disks[i].vd_path, op->co_src);
	for (i = 0; i < vm->ndevices; i++) {
		/* "SLOT,EMULATION,BACKEND[,...]": the backend's name. */
		be = vm->devices[i] + strcspn(vm->devices[i], ",");
		if (*be == '\0')
			continue;
		be += 1 + strcspn(be + 1, ",");
		if (*be == '\0' || strncmp(++be, "tap", 3) != 0)
			continue;
		n = strcspn(be, ",");
		warnx("%s: shares %.*s with %s (a tap serves one guest): "
		    "give it another in set.conf before running both",
		    op->co_new, (int)n, be, op->co_src);
	}
}

/*
 * Give the clone its own identity in its set.conf, fresh UEFI
 * variables and, with TPM=swtpm, a new TPM.  A disk outside the dataset is not cloned: say that the
 * clone shares it.  0 or -1.
 */
static int
clone_identity(const struct kvm_ctx *ctx, const struct clone_op *op)
{
	struct clone_ctx cc;
	struct conf *c;
	struct vm vm;
	char path[PATH_MAX], e[KVM_ERR_MAX], uuid[40];
	char serial[KVM_SERIAL_LEN + 1], tmpl[PATH_MAX];
	int r = -1;

	if (pathf(path, sizeof(path), "%s/set.conf", op->co_newdir) == -1)
		return -1;
	if ((c = conffile_load(path, e, sizeof(e))) == NULL) {
		warnx("%s", e);
		return -1;
	}
	if (vm_from_conf(&vm, c, op->co_new, op->co_newdir, ctx->home, e,
	    sizeof(e)) == -1) {
		warnx("%s", e);
		conf_free(c);
		return -1;
	}
	memset(&cc, 0, sizeof(cc));
	cc.cc_path = path;
	cc.cc_srcdir = op->co_srcdir;
	cc.cc_newdir = op->co_newdir;
	ident_uuid(uuid, sizeof(uuid));
	ident_serial(serial, sizeof(serial));
	if (conf_set(c, "UUID", uuid) == 0 &&
	    conf_set(c, "DiskSerial", serial) == 0 &&
	    clone_disk(&c, &cc) == 0 &&
	    clone_devices(&c, &cc, vm.ndevices) == 0 &&
	    clone_disks(c, &vm) == 0 &&
	    conffile_write(c, path) == 0)
		r = 0;
	/* Fresh UEFI variables: the copy of the template install pinned. */
	if (r == 0)
		fault_point("clone");
	if (r == 0 && vm.rom == ROM_UEFI &&
	    (pathf(tmpl, sizeof(tmpl), "%s/firmware/BHYVE_UEFI_VARS.fd",
	    ctx->home) == -1 || file_copy(tmpl, vm.vars_path, 0644) == -1))
		r = -1;
	/* A TPM of its own too: swtpm makes a new one (new EK). */
	if (r == 0 && vm.tpm == TPM_SWTPM && swtpm_forget(op->co_newdir) == -1)
		r = -1;
	if (r == 0)
		clone_warn_shared(op, &vm);
	free(cc.cc_ids);
	vm_free(&vm);
	conf_free(c);
	return r;
}

/* Names valid, src there, new not; 1 after a message, else 0. */
static int
clone_check(struct kvm_ctx *ctx, struct clone_op *op, const char *snap)
{
	char e[KVM_ERR_MAX];
	struct stat st;
	int x;

	if (valid_name(op->co_src, e, sizeof(e)) == -1) {
		warnx("%s: %s", op->co_src, e);
		return 1;
	}
	if (snap != NULL && valid_name(snap, e, sizeof(e)) == -1) {
		warnx("%s: snapshot %s", op->co_src, e);
		return 1;
	}
	if (valid_name(op->co_new, e, sizeof(e)) == -1) {
		warnx("%s: %s", op->co_new, e);
		return 1;
	}
	if (ctx_load_home(ctx) == -1 ||
	    vm_dataset(ctx, op->co_src, op->co_srcds,
	    sizeof(op->co_srcds)) == -1 ||
	    vm_dataset(ctx, op->co_new, op->co_newds,
	    sizeof(op->co_newds)) == -1 ||
	    vm_dir(ctx, op->co_src, NULL, op->co_srcdir,
	    sizeof(op->co_srcdir)) == -1 ||
	    vm_dir(ctx, op->co_new, NULL, op->co_newdir,
	    sizeof(op->co_newdir)) == -1)
		return 1;
	if (!vm_exists(ctx, op->co_src)) {
		warnx("%s: no such VM", op->co_src);
		return 1;
	}
	if ((x = zfs_exists(ctx, op->co_newds)) == -1)
		return 1;
	if (x == 1 || lstat(op->co_newdir, &st) == 0) {
		warnx("%s: already exists", op->co_new);
		return 1;
	}
	return 0;
}

/* The snapshot to clone: the one given, or src@clone-NEW (to make). */
static int
clone_snapshot(const struct kvm_ctx *ctx, struct clone_op *op,
    const char *snap)
{
	int x;

	if (snap != NULL)
		strlcpy(op->co_snap, snap, sizeof(op->co_snap));
	else
		snprintf(op->co_snap, sizeof(op->co_snap), "%s%s",
		    CLONE_SNAP_PREFIX, op->co_new);
	if (pathf(op->co_origin, sizeof(op->co_origin), "%s@%s",
	    op->co_srcds, op->co_snap) == -1 ||
	    (x = zfs_exists(ctx, op->co_origin)) == -1)
		return -1;
	if (snap != NULL && x == 0) {
		warnx("%s: no snapshot %s", op->co_src, op->co_snap);
		return -1;
	}
	if (snap == NULL && x == 1) {
		warnx("%s: snapshot %s already exists (clone from it with "
		    "%s@%s, or destroy it)", op->co_src, op->co_snap,
		    op->co_src, op->co_snap);
		return -1;
	}
	return 0;
}

/*
 * The intent journal: what the next command destroys should we die
 * half way (recover.c); then the snapshot, when kvm makes it.
 */
static int
clone_begin(const struct kvm_ctx *ctx, struct clone_op *op,
    const char *snap, struct journal *ij)
{
	journal_init(ij, "clone", op->co_new);
	journal_vm(ij, op->co_new);
	/* Not locked: the source may run; its snapshot can go anyway. */
	journal_also(ij, op->co_src);
	journal_add(ij, "src", "%s", op->co_src);
	journal_add(ij, "ds", "%s", op->co_newds);
	journal_add(ij, "dir", "%s", op->co_newdir);
	journal_add(ij, "origin", "%s", op->co_origin);
	journal_add(ij, "madesnap", "%d", snap == NULL);
	if (journal_begin(ctx, ij) == -1) {
		journal_free(ij);
		return -1;
	}
	fault_point("clone");
	if (snap == NULL) {
		if (zfs_snapshot(ctx, op->co_srcds, op->co_snap) == -1) {
			journal_end(ij);
			return -1;
		}
		op->co_made_snap = 1;
	}
	return 0;
}

/* The clone mounted where kvm looks for it. */
static int
clone_mounted(const struct kvm_ctx *ctx, struct clone_op *op)
{
	char mnt[PATH_MAX];

	if (zfs_get(ctx, op->co_newds, "mountpoint", mnt, sizeof(mnt)) == -1)
		return -1;
	if (strcmp(mnt, op->co_newdir) != 0) {
		warnx("%s: mountpoint is %s, not %s", op->co_newds, mnt,
		    op->co_newdir);
		return -1;
	}
	return zfs_mount(ctx, op->co_newds);
}

/* As create does: a name kvm rc refuses is said at once. */
static void
clone_warn_rc(const char *name)
{
	char e[KVM_ERR_MAX];

	if (valid_rc_name(name, e, sizeof(e)) == -1)
		warnx("%s: %s: kvm rc cannot give it an rc.d script; rename "
		    "it to start it at boot (kvm rename %s NEWNAME)", name, e,
		    name);
}

int
cmd_clone(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	struct clone_op op;
	struct journal ij;
	char *src, *snap;
	int lock = -1, lock2 = -1, r = 1;

	if (getopt(argc, argv, "+") != -1 || argc - optind != 2)
		cmd_usage(cmd);
	if ((src = strdup(argv[optind])) == NULL)
		err(1, NULL);
	if ((snap = strchr(src, '@')) != NULL)
		*snap++ = '\0';
	memset(&op, 0, sizeof(op));
	op.co_src = src;
	op.co_new = argv[optind + 1];
	if (*src == '\0') {
		/* "@snap": name the operand, not an empty string. */
		warnx("%s: name is empty", argv[optind]);
		goto out;
	}
	/* Both admin locks, then the checks again under them. */
	if (clone_check(ctx, &op, snap) != 0 ||
	    lock_admin2(ctx, op.co_src, op.co_new, &lock, &lock2) == -1 ||
	    clone_check(ctx, &op, snap) != 0 ||
	    clone_snapshot(ctx, &op, snap) == -1 ||
	    clone_begin(ctx, &op, snap, &ij) == -1)
		goto out;
	fault_point("clone");
	if (zfs_clone(ctx, op.co_origin, op.co_newds) == -1)
		goto undo;
	op.co_made_clone = 1;
	fault_point("clone");
	if (clone_mounted(ctx, &op) == -1)
		goto undo;
	fault_point("clone");
	if (clone_identity(ctx, &op) == -1)
		goto undo;
	fault_point("clone");
	journal_end(&ij);
	printf("%s: cloned from %s@%s\n", op.co_new, op.co_src, op.co_snap);
	clone_warn_rc(op.co_new);
	r = 0;
	goto out;
undo:
	/* The clone first: the snapshot cannot go while it depends on it. */
	if ((op.co_made_clone && zfs_destroy(ctx, op.co_newds, 0) == -1) ||
	    (op.co_made_snap && zfs_destroy(ctx, op.co_origin, 0) == -1))
		journal_free(&ij);	/* the next command tries again */
	else
		journal_end(&ij);
out:
	lock_release(lock);
	lock_release(lock2);
	free(src);
	return r;
}
