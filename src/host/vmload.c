/*
 * vmload.c: finding and loading VMs: which exist, whether a name is one,
 * reading and checking a VM's set.conf into struct vm, the files a
 * start needs, and holding a stopped VM (its lock) while changing it.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/vmload.h"
#include "core/common.h"
#include "core/conf.h"
#include "core/util.h"
#include "core/valid.h"
#include "core/vm.h"
#include "host/conffile.h"
#include "host/journal.h"
#include "host/lock.h"
#include "host/paths.h"
#include "host/runtime.h"
#include "host/swtpm.h"

int
vm_exists(const struct kvm_ctx *ctx, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	journal_recover(ctx, name);	/* a half-done command's repair */
	if (vm_dir(ctx, name, "set.conf", path, sizeof(path)) == -1)
		return 0;
	return stat(path, &st) == 0;
}

int
vm_find(const struct kvm_ctx *ctx, const char *name)
{
	char e[KVM_ERR_MAX];

	if (valid_name(name, e, sizeof(e)) == -1) {
		warnx("%s: %s", name, e);
		return -1;
	}
	if (!vm_exists(ctx, name)) {
		warnx("%s: no such VM", name);
		return -1;
	}
	return 0;
}

int
vm_load(const struct kvm_ctx *ctx, const char *name, struct vm *vm)
{
	char dir[PATH_MAX], path[PATH_MAX], e[KVM_ERR_MAX];
	struct conf *c;
	int r;

	if (vm_find(ctx, name) == -1)
		return -1;
	if (vm_dir(ctx, name, NULL, dir, sizeof(dir)) == -1 ||
	    vm_dir(ctx, name, "set.conf", path, sizeof(path)) == -1)
		return -1;
	if ((c = conffile_load(path, e, sizeof(e))) == NULL) {
		warnx("%s", e);
		return -1;
	}
	r = vm_from_conf(vm, c, name, dir, ctx->home, e, sizeof(e));
	if (r == -1)
		warnx("%s", e);
	conf_free(c);
	return r;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
vm_names(const struct kvm_ctx *ctx, char ***namesp, size_t *np)
{
	char dir[PATH_MAX], **names = NULL;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	if (pathf(dir, sizeof(dir), "%s/vm", ctx->home) == -1)
		return -1;
	if ((d = opendir(dir)) == NULL) {
		warn("%s", dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !vm_exists(ctx, de->d_name))
			continue;
		if ((names = reallocarray(names, n + 1, sizeof(*names))) ==
		    NULL || (names[n++] = strdup(de->d_name)) == NULL)
			err(1, NULL);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), name_cmp);
	*namesp = names;
	*np = n;
	return 0;
}

/* One file a start needs; what names it in the message. */
static int
check_file(const struct vm *vm, const char *what, const char *path,
    int devok, char *err, size_t errsz)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		snprintf(err, errsz, "%s: %s %s: %s", vm->name, what, path,
		    strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode) ||
	    (devok && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))))
		return 0;
	snprintf(err, errsz, "%s: %s %s: %s", vm->name, what, path,
	    devok ? "not a regular file or a device" : "not a regular file");
	return -1;
}

int
vm_check_files(const struct vm *vm, char *err, size_t errsz)
{
	size_t i;

	if (check_file(vm, "disk", vm->disk, 1, err, errsz) == -1)
		return -1;
	for (i = 0; i < vm->ndisks; i++)
		if (check_file(vm, "disk", vm->disks[i].vd_path, 1, err,
		    errsz) == -1)
			return -1;
	if (vm->iso[0] != '\0' &&
	    check_file(vm, "ISO", vm->iso, 1, err, errsz) == -1)
		return -1;
	if (vm->rom_path[0] != '\0' &&
	    check_file(vm, "firmware", vm->rom_path, 0, err, errsz) == -1)
		return -1;
	if (vm->vars_path[0] != '\0' &&
	    check_file(vm, "UEFI variables", vm->vars_path, 0, err,
	    errsz) == -1)
		return -1;
	return 0;
}

/*
 * Under the admin lock: 0 if the VM is stopped, else 1 and its state
 * (VM_STARTING when nothing runs yet but the run lock is held: a start
 * between taking it and writing NAME.pid).  -1 when a path is too long.
 * A stopped VM's swtpm that a killed supervisor left is ended here: it
 * holds files in the dataset that destroy, rename or rollback change.
 */
static int
vm_stopped(const struct kvm_ctx *ctx, const char *name, enum vm_state *stp)
{
	struct vm_runtime rt;

	if (rt_read(ctx, name, &rt) == -1)
		return -1;
	if ((*stp = rt_state(&rt)) == VM_STOPPED && lock_held(ctx, name))
		*stp = VM_STARTING;
	if (*stp == VM_STOPPED && swtpm_leftover(ctx, name) == -1)
		return -1;
	return *stp == VM_STOPPED ? 0 : 1;
}

int
vm_lock_stopped(const struct kvm_ctx *ctx, const char *name, int *lockfd,
    enum vm_state *stp)
{
	int r;

	*lockfd = -1;
	if (lock_admin(ctx, name, lockfd) == -1)
		return -1;
	if ((r = vm_stopped(ctx, name, stp)) != 0) {
		lock_release(*lockfd);
		*lockfd = -1;
	}
	return r;
}

/* Still there now that we hold its lock?  -1 after "no such VM". */
static int
vm_still(const struct kvm_ctx *ctx, const char *name)
{
	if (vm_exists(ctx, name))
		return 0;
	warnx("%s: no such VM", name);
	return -1;
}

int
vm_admin(const struct kvm_ctx *ctx, const char *name, int *lockfd)
{
	*lockfd = -1;
	if (vm_find(ctx, name) == -1 || lock_admin(ctx, name, lockfd) == -1)
		return -1;
	if (vm_still(ctx, name) == -1) {
		lock_release(*lockfd);
		*lockfd = -1;
		return -1;
	}
	return 0;
}

int
vm_hold(const struct kvm_ctx *ctx, const char *name, int *lockfd)
{
	enum vm_state st;
	int r;

	if (vm_find(ctx, name) == -1)
		return -1;
	if ((r = vm_lock_stopped(ctx, name, lockfd, &st)) == 1)
		warnx("%s: is %s; stop it first", name, rt_state_name(st));
	if (r == 0 && vm_still(ctx, name) == -1) {
		lock_release(*lockfd);
		*lockfd = -1;
		r = -1;
	}
	return r == 0 ? 0 : -1;
}

int
vm_hold2(const struct kvm_ctx *ctx, const char *name, const char *other,
    int *lockfd, int *otherfd)
{
	enum vm_state st;
	int r;

	*lockfd = *otherfd = -1;
	if (vm_find(ctx, name) == -1 ||
	    lock_admin2(ctx, name, other, lockfd, otherfd) == -1)
		return -1;
	if ((r = vm_stopped(ctx, name, &st)) == 1)
		warnx("%s: is %s; stop it first", name, rt_state_name(st));
	if (r != 0 || vm_still(ctx, name) == -1) {
		lock_release(*lockfd);
		lock_release(*otherfd);
		*lockfd = *otherfd = -1;
		return -1;
	}
	return 0;
}
