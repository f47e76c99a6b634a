/*
 * cmd_insert.c: "kvm insert name iso" and "kvm eject name", the seed's
 * insert and eject.  Both change only the Iso line of the VM's set.conf
 * (conf_set keeps every other line and comment; the write is atomic).
 * They are allowed while the VM runs: bhyve reads the ISO at start, so
 * the change takes effect at the next start, and the output says so.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/argv.h"
#include "core/common.h"
#include "core/conf.h"
#include "host/conffile.h"
#include "host/file.h"
#include "host/lock.h"
#include "host/paths.h"
#include "host/runtime.h"
#include "host/vmload.h"
#include "cmd/cmd.h"

/*
 * The checks both commands share and the VM's admin lock (into *lock),
 * then NAME's set.conf parsed; its path goes to path.  Returns the
 * conf, or NULL after reporting, holding no lock.
 */
static struct conf *
iso_load(struct kvm_ctx *ctx, const char *name, char *path, size_t sz,
    int *lock)
{
	char e[KVM_ERR_MAX];
	struct conf *c;

	if (ctx_load_home(ctx) == -1 || vm_admin(ctx, name, lock) == -1)
		return NULL;
	if (vm_dir(ctx, name, "set.conf", path, sz) == -1) {
		lock_release(*lock);
		return NULL;
	}
	if ((c = conffile_load(path, e, sizeof(e))) == NULL) {
		warnx("%s", e);
		lock_release(*lock);
		return NULL;
	}
	return c;
}

/* Set Iso to value, write set.conf, say what was done.  Exit status. */
static int
iso_store(struct kvm_ctx *ctx, const char *name, struct conf *c,
    const char *path, const char *value, const char *done, const char *iso)
{
	struct vm_runtime rt;
	enum vm_state st;
	int running = 0;

	if (conf_set(c, "Iso", value) == -1 || conffile_write(c, path) == -1)
		return 1;
	if (rt_read(ctx, name, &rt) == 0) {
		st = rt_state(&rt);
		running = st != VM_STOPPED && st != VM_STALE;
	}
	printf("%s: %s %s%s\n", name, done, iso,
	    running ? " (takes effect at the next start)" : "");
	return 0;
}

int
cmd_insert(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	char path[PATH_MAX], iso[PATH_MAX], e[KVM_ERR_MAX];
	struct conf *c;
	const char *name;
	int lock, r = 1;

	if (getopt(argc, argv, "+") != -1 || argc - optind != 2)
		cmd_usage(cmd);
	name = argv[optind];
	if ((c = iso_load(ctx, name, path, sizeof(path), &lock)) == NULL)
		return 1;
	if (argv[optind + 1][0] == '\0')
		warnx("%s: no ISO given (use kvm eject to remove one)", name);
	else if (file_iso_path(argv[optind + 1], iso, sizeof(iso), e,
	    sizeof(e)) == -1)
		warnx("%s: %s", name, e);
	else
		r = iso_store(ctx, name, c, path, iso, "inserted", iso);
	conf_free(c);
	lock_release(lock);
	return r;
}

int
cmd_eject(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	char path[PATH_MAX], *old;
	const char *name, *v;
	struct conf *c;
	int lock, r = 1;

	if (getopt(argc, argv, "+") != -1 || argc - optind != 1)
		cmd_usage(cmd);
	name = argv[optind];
	if ((c = iso_load(ctx, name, path, sizeof(path), &lock)) == NULL)
		return 1;
	if ((v = conf_get(c, "Iso")) == NULL || *v == '\0')
		warnx("%s: no ISO inserted", name);
	else {
		if ((old = strdup(v)) == NULL)
			err(1, NULL);
		r = iso_store(ctx, name, c, path, "", "ejected", old);
		free(old);
	}
	conf_free(c);
	lock_release(lock);
	return r;
}
