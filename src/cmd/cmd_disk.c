/*
 * cmd_disk.c: "kvm disk add|grow|list", the VM's disks.  add makes a
 * sparse file diskN in the VM's dataset and appends its entry to Disks
 * in set.conf with a serial and a slot drawn once and kept; it is
 * allowed while the VM runs (bhyve has no hotplug: the disk appears at
 * the next start, and the output says so).  grow makes a disk, the main
 * one too, larger and never smaller, only while the VM is stopped (the
 * running bhyve has the old size).  list shows the main disk and the
 * extra ones; it needs no root.
 */
#include <sys/stat.h>

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/common.h"
#include "core/conf.h"
#include "core/disks.h"
#include "core/ident.h"
#include "core/json.h"
#include "core/util.h"
#include "core/valid.h"
#include "core/vm.h"
#include "host/conffile.h"
#include "host/disk.h"
#include "host/fault.h"
#include "host/journal.h"
#include "host/lock.h"
#include "host/paths.h"
#include "host/runtime.h"
#include "host/vmload.h"
#include "cmd/cmd.h"

/* One disk as list and grow see it. */
struct disk_row {
	const char	*dr_name;	/* as set.conf has it */
	const char	*dr_path;	/* absolute */
	const char	*dr_driver;
	const char	*dr_serial;	/* "" when none */
	unsigned	 dr_slot;
};

/* The VM's disks, the main one first; returns how many (at most n). */
static size_t
disk_rows(const struct vm *vm, struct disk_row *r, size_t n)
{
	size_t i, dl = strlen(vm->dir);

	r[0].dr_path = vm->disk;
	r[0].dr_name = strncmp(vm->disk, vm->dir, dl) == 0 &&
	    vm->disk[dl] == '/' ? vm->disk + dl + 1 : vm->disk;
	r[0].dr_driver = vm->disk_driver;
	r[0].dr_serial = vm->disk_serial;
	r[0].dr_slot = 2;
	for (i = 0; i < vm->ndisks && i + 1 < n; i++) {
		r[i + 1].dr_name = disks_name(&vm->disks[i]);
		r[i + 1].dr_path = vm->disks[i].vd_path;
		r[i + 1].dr_driver = vm->disks[i].vd_driver;
		r[i + 1].dr_serial = vm->disks[i].vd_serial;
		r[i + 1].dr_slot = vm->disks[i].vd_slot;
	}
	return i + 1;
}

/* A size operand: "kvm: NAME: disk size ..." when it is no size. */
static int
disk_size_arg(const char *name, const char *s, uint64_t *bytes)
{
	char e[KVM_ERR_MAX];

	if (valid_size("disk size", s, bytes, e, sizeof(e)) == -1) {
		warnx("%s: %s", name, e);
		return -1;
	}
	if (*bytes > INT64_MAX) {
		warnx("%s: disk size is too large", name);
		return -1;
	}
	return 0;
}

/* 1 if NAME runs (or starts): what add says after its change. */
static int
disk_running(const struct kvm_ctx *ctx, const char *name)
{
	struct vm_runtime rt;
	enum vm_state st;

	if (rt_read(ctx, name, &rt) == -1)
		return 0;
	st = rt_state(&rt);
	return st != VM_STOPPED && st != VM_STALE;
}

/* The first diskN (N from 1) that is no file and no disk of vm. */
static int
disk_new_name(const struct vm *vm, char *name, size_t sz, char *path,
    size_t psz)
{
	struct stat st;
	unsigned n;
	size_t i;

	for (n = 1; n < 1000; n++) {
		snprintf(name, sz, "disk%u", n);
		if ((size_t)snprintf(path, psz, "%s/%s", vm->dir, name) >= psz)
			break;
		for (i = 0; i < vm->ndisks; i++)
			if (strcmp(vm->disks[i].vd_path, path) == 0)
				break;
		if (i == vm->ndisks && strcmp(vm->disk, path) != 0 &&
		    lstat(path, &st) == -1)
			return 0;
	}
	warnx("%s: no free name for a new disk", vm->name);
	return -1;
}

/* The driver operand, or DiskDriver's. */
static const char *
disk_driver_arg(const struct vm *vm, const char *arg)
{
	static const char *const drivers[] = { "nvme", "virtio-blk",
	    "ahci-hd", NULL };
	size_t i;

	if (arg == NULL)
		return vm->disk_driver;
	for (i = 0; drivers[i] != NULL; i++)
		if (strcmp(arg, drivers[i]) == 0)
			return drivers[i];
	warnx("%s: disk driver must be nvme, virtio-blk or ahci-hd, not "
	    "\"%s\"", vm->name, arg);
	return NULL;
}

/*
 * set.conf with Disks plus entry, checked as a start would read it: 0
 * and the new conf in *cp, or -1 after a message.
 */
static int
disk_new_conf(const struct kvm_ctx *ctx, const struct vm *vm,
    const char *entry, struct conf **cp)
{
	char setconf[PATH_MAX], e[KVM_ERR_MAX], *v;
	const char *old;
	struct conf *c;
	struct vm *check;
	int r;

	if (vm_dir(ctx, vm->name, "set.conf", setconf, sizeof(setconf)) == -1)
		return -1;
	if ((c = conffile_load(setconf, e, sizeof(e))) == NULL) {
		warnx("%s", e);
		return -1;
	}
	old = conf_get(c, "Disks");
	old = old != NULL ? old + strspn(old, " \t\n") : "";
	if (asprintf(&v, "%s%s%s", old, *old != '\0' ? " " : "", entry) == -1 ||
	    (check = malloc(sizeof(*check))) == NULL)
		err(1, NULL);
	r = conf_set(c, "Disks", v);
	free(v);
	if (r == 0 && (r = vm_from_conf(check, c, vm->name, vm->dir,
	    vm->home, e, sizeof(e))) == -1)
		warnx("%s", e);
	else if (r == 0)
		vm_free(check);
	free(check);
	if (r == -1) {
		conf_free(c);
		return -1;
	}
	*cp = c;
	return 0;
}

/*
 * The new file as a dot-named temporary, set.conf naming it, then the
 * file renamed into place, under the intent journal "diskadd": a kill
 * before set.conf is written is undone by the next command (the
 * temporary goes), one after it finished (recover.c).  0, or -1 after
 * a message with nothing changed.
 */
static int
disk_add_steps(const struct kvm_ctx *ctx, const struct vm *vm,
    const struct conf *c, const char *entry, const char *path,
    uint64_t bytes)
{
	char setconf[PATH_MAX], tmp[PATH_MAX];
	const char *base = strrchr(path, '/') + 1;
	struct journal ij;

	if (vm_dir(ctx, vm->name, "set.conf", setconf, sizeof(setconf)) ==
	    -1 || pathf(tmp, sizeof(tmp), "%s/.%s.new", vm->dir, base) == -1)
		return -1;
	journal_init(&ij, "diskadd", vm->name);
	journal_vm(&ij, vm->name);
	journal_add(&ij, "setconf", "%s", setconf);
	journal_add(&ij, "entry", "%s", entry);
	journal_add(&ij, "tmp", "%s", tmp);
	journal_add(&ij, "path", "%s", path);
	if (journal_begin(ctx, &ij) == -1) {
		journal_free(&ij);
		return -1;
	}
	/* The file first: a set.conf naming a missing disk fails starts. */
	if (disk_create(tmp, bytes) == -1) {
		journal_end(&ij);
		return -1;
	}
	fault_point("diskadd");
	if (conffile_write(c, setconf) == -1) {
		(void)unlink(tmp);
		journal_end(&ij);
		return -1;
	}
	fault_point("diskadd");
	if (rename(tmp, path) == -1) {
		/* set.conf names it: the next command renames it. */
		warn("%s: %s", vm->name, path);
		journal_free(&ij);
		return -1;
	}
	fault_point("diskadd");
	journal_end(&ij);
	return 0;
}

/* add under the admin lock, vm loaded; exit status. */
static int
disk_add_held(const struct kvm_ctx *ctx, const struct vm *vm,
    const char *size, const char *drv)
{
	char dname[32], path[PATH_MAX], hs[32];
	char serial[KVM_SERIAL_LEN + 1], entry[96];
	const char *driver;
	struct conf *c;
	uint64_t bytes;
	unsigned slot;
	int r;

	if (disk_size_arg(vm->name, size, &bytes) == -1 ||
	    (driver = disk_driver_arg(vm, drv)) == NULL)
		return 1;
	if (vm->ndisks == VM_MAX_DISKS) {
		warnx("%s: already has %d extra disks, the most Disks holds",
		    vm->name, VM_MAX_DISKS);
		return 1;
	}
	if ((slot = disks_next_slot(vm)) == 0) {
		warnx("%s: no free PCI slot for a disk (%d to %d are all "
		    "used)", vm->name, DISKS_SLOT_LOW, DISKS_SLOT_TOP);
		return 1;
	}
	if (disk_new_name(vm, dname, sizeof(dname), path, sizeof(path)) == -1)
		return 1;
	ident_serial(serial, sizeof(serial));
	snprintf(entry, sizeof(entry), "%s:%s:%s:%u", dname, driver, serial,
	    slot);
	if (disk_new_conf(ctx, vm, entry, &c) == -1)
		return 1;
	r = disk_add_steps(ctx, vm, c, entry, path, bytes);
	conf_free(c);
	if (r == -1)
		return 1;
	size_human(bytes, hs, sizeof(hs));
	printf("%s: %s added (%s, %s, slot %u)%s\n", vm->name, dname, hs,
	    driver, slot, disk_running(ctx, vm->name) ?
	    " (takes effect at the next start)" : "");
	return 0;
}

static int
disk_add(struct kvm_ctx *ctx, int argc, char **argv)
{
	struct vm *vm;
	int lock, r = 1;

	if ((vm = malloc(sizeof(*vm))) == NULL)
		err(1, NULL);
	if (ctx_load_home(ctx) == 0 && vm_admin(ctx, argv[0], &lock) == 0) {
		if (vm_load(ctx, argv[0], vm) == 0) {
			r = disk_add_held(ctx, vm, argv[1],
			    argc > 2 ? argv[2] : NULL);
			vm_free(vm);
		}
		lock_release(lock);
	}
	free(vm);
	return r;
}

/* The size of row r for grow: 0, or -1 after a message. */
static int
disk_cur_size(const struct kvm_ctx *ctx, const char *name,
    const struct disk_row *r, uint64_t *size)
{
	struct stat st;
	uint64_t used;
	int s;

	if ((s = disk_size(ctx, r->dr_path, size, &used)) != 1)
		return s;
	if (stat(r->dr_path, &st) == -1)
		warn("%s: %s", name, r->dr_path);
	else
		warnx("%s: %s is not a file or a zvol", name, r->dr_path);
	return -1;
}

/* grow under the held lock (the VM stopped), vm loaded; exit status. */
static int
disk_grow_held(const struct kvm_ctx *ctx, const struct vm *vm,
    const char *disk, const char *size)
{
	struct disk_row rows[VM_MAX_DISKS + 1], *r = NULL;
	char from[32], to[32];
	uint64_t bytes, cur;
	size_t i, n;

	n = disk_rows(vm, rows, VM_MAX_DISKS + 1);
	for (i = 0; i < n && r == NULL; i++)
		if (strcmp(rows[i].dr_name, disk) == 0 ||
		    strcmp(rows[i].dr_path, disk) == 0)
			r = &rows[i];
	if (r == NULL) {
		warnx("%s: no disk %s (kvm disk list %s shows them)", vm->name,
		    disk, vm->name);
		return 1;
	}
	if (disk_size_arg(vm->name, size, &bytes) == -1 ||
	    disk_cur_size(ctx, vm->name, r, &cur) == -1)
		return 1;
	size_human(cur, from, sizeof(from));
	size_human(bytes, to, sizeof(to));
	if (bytes < cur) {
		warnx("%s: %s: cannot shrink from %s to %s (a disk only grows)",
		    vm->name, r->dr_name, from, to);
		return 1;
	}
	if (bytes == cur) {
		printf("%s: %s is already %s\n", vm->name, r->dr_name, to);
		return 0;
	}
	if (disk_grow(ctx, r->dr_path, bytes) == -1)
		return 1;
	printf("%s: %s grown from %s to %s\n", vm->name, r->dr_name, from, to);
	return 0;
}

static int
disk_grow_cmd(struct kvm_ctx *ctx, char **argv)
{
	struct vm *vm;
	int lock, r = 1;

	if ((vm = malloc(sizeof(*vm))) == NULL)
		err(1, NULL);
	if (ctx_load_home(ctx) == 0 && vm_hold(ctx, argv[0], &lock) == 0) {
		if (vm_load(ctx, argv[0], vm) == 0) {
			r = disk_grow_held(ctx, vm, argv[1], argv[2]);
			vm_free(vm);
		}
		lock_release(lock);
	}
	free(vm);
	return r;
}

static void
disk_list_json(const struct kvm_ctx *ctx, const struct disk_row *r,
    size_t n)
{
	struct json js;
	uint64_t size, used;
	size_t i;
	int known;

	json_init(&js, stdout);
	json_array_open(&js, NULL);
	for (i = 0; i < n; i++) {
		known = disk_size(ctx, r[i].dr_path, &size, &used) == 0;
		json_object_open(&js, NULL);
		json_string(&js, "name", r[i].dr_name);
		json_string(&js, "path", r[i].dr_path);
		json_string(&js, "driver", r[i].dr_driver);
		if (known) {
			json_uint(&js, "size", size);
			json_uint(&js, "used", used);
		} else {
			json_null(&js, "size");
			json_null(&js, "used");
		}
		if (r[i].dr_serial[0] != '\0')
			json_string(&js, "serial", r[i].dr_serial);
		else
			json_null(&js, "serial");
		json_uint(&js, "slot", r[i].dr_slot);
		json_object_close(&js);
	}
	json_array_close(&js);
}

static void
disk_list_text(const struct kvm_ctx *ctx, const struct disk_row *r,
    size_t n)
{
	char size[32], used[32];
	uint64_t sz, us;
	size_t i;
	int w = 4;

	for (i = 0; i < n; i++)
		if ((int)strlen(r[i].dr_name) > w)
			w = (int)strlen(r[i].dr_name);
	printf("%-*s  %-4s  %-10s  %-6s  %-6s  %-20s  %s\n", w, "NAME",
	    "SLOT", "DRIVER", "SIZE", "USED", "SERIAL", "PATH");
	for (i = 0; i < n; i++) {
		if (disk_size(ctx, r[i].dr_path, &sz, &us) == 0) {
			size_human(sz, size, sizeof(size));
			size_human(us, used, sizeof(used));
		} else {
			strlcpy(size, "-", sizeof(size));
			strlcpy(used, "-", sizeof(used));
		}
		printf("%-*s  %-4u  %-10s  %-6s  %-6s  %-20s  %s\n", w,
		    r[i].dr_name, r[i].dr_slot, r[i].dr_driver, size, used,
		    r[i].dr_serial[0] != '\0' ? r[i].dr_serial : "-",
		    r[i].dr_path);
	}
}

static int
disk_list(struct kvm_ctx *ctx, const char *name, int json)
{
	struct disk_row rows[VM_MAX_DISKS + 1];
	struct vm *vm;
	size_t n;
	int r = 1;

	if ((vm = malloc(sizeof(*vm))) == NULL)
		err(1, NULL);
	if (ctx_load_home(ctx) == 0 && vm_load(ctx, name, vm) == 0) {
		n = disk_rows(vm, rows, VM_MAX_DISKS + 1);
		if (json)
			disk_list_json(ctx, rows, n);
		else
			disk_list_text(ctx, rows, n);
		r = fflush(stdout) == 0 ? 0 : 1;
		vm_free(vm);
	}
	free(vm);
	return r;
}

int
cmd_disk(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	int act, json, n;

	act = cmd_sub_args(cmd, &argc, &argv, &json);
	n = act == 'a' ? (argc == 2 || argc == 3) : act == 'g' ? argc == 3 :
	    argc == 1;
	if (!n)
		cmd_usage(cmd);
	switch (act) {
	case 'a':
		return disk_add(ctx, argc, argv);
	case 'g':
		return disk_grow_cmd(ctx, argv);
	default:
		return disk_list(ctx, argv[0], json);
	}
}
