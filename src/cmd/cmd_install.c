/*
 * cmd_install.c: "kvm install [pool]", the seed's kvminst.  Creates
 * POOL/kvm and POOL/kvm/vm, lays out the kvm home (hook library, seed
 * name links, pinned loader copies) and records it in kvm.conf.  It is
 * idempotent, and a failed first install leaves no dataset behind.
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
#include "host/file.h"
#include "host/functions.h"
#include "host/journal.h"
#include "host/paths.h"
#include "host/rc.h"
#include "host/zfs.h"
#include "cmd/cmd.h"

/* The seed's program names, made links to kvm in the home. */
static const char *const seed_names[] = {
	"kvminst", "vmcreate", "insert", "eject", "start", "stop", "status",
	"vminfo", "vmlist", "vmrename", "vmdestroy", "snap", "dorc", NULL
};

/* Loaders pinned at install time: source (host path), name in firmware/. */
static const struct {
	const char	*src;
	const char	*dst;
	mode_t		 mode;
} pinned[] = {
	{ "/usr/local/share/uefi-firmware/BHYVE_UEFI_CODE.fd",
	    "BHYVE_UEFI_CODE.fd", 0444 },
	{ "/usr/local/share/uefi-firmware/BHYVE_UEFI_VARS.fd",
	    "BHYVE_UEFI_VARS.fd", 0444 },
	{ "/usr/local/sbin/grub-bhyve", "grub-bhyve", 0555 },
};

/* Ask for the pool on a terminal; NULL on EOF or no pools. */
static char *
install_ask_pool(char **pools, size_t n)
{
	char *line = NULL;
	size_t cap = 0, i;
	ssize_t len;

	printf("Pools:");
	for (i = 0; i < n; i++)
		printf(" %s", pools[i]);
	for (;;) {
		printf("\nPool to install kvm on [%s]: ", pools[0]);
		fflush(stdout);
		if ((len = getline(&line, &cap, stdin)) == -1) {
			free(line);
			return NULL;
		}
		line[strcspn(line, "\n")] = '\0';
		if (*line == '\0') {
			free(line);
			if ((line = strdup(pools[0])) == NULL)
				err(1, NULL);
		}
		for (i = 0; i < n; i++)
			if (strcmp(line, pools[i]) == 0)
				return line;
		fprintf(stderr, "kvm: %s: no such pool", line);
	}
}

static int
install_dataset(struct kvm_ctx *ctx, const char *ds, int *created)
{
	int e;

	*created = 0;
	if ((e = zfs_exists(ctx, ds)) == -1)
		return -1;
	if (e == 1)
		return zfs_mount(ctx, ds);
	if (zfs_create(ctx, ds, NULL) == -1)
		return -1;
	*created = 1;
	printf("created %s\n", ds);
	return 0;
}

/* Link every seed name in the home to this program. */
static int
install_links(struct kvm_ctx *ctx)
{
	char path[PATH_MAX], cur[PATH_MAX];
	const char *const *s;
	ssize_t n;

	for (s = seed_names; *s != NULL; s++) {
		if (pathf(path, sizeof(path), "%s/%s", ctx->home, *s) == -1)
			return -1;
		n = readlink(path, cur, sizeof(cur) - 1);
		if (n >= 0) {
			cur[n] = '\0';
			if (strcmp(cur, ctx->self) == 0)
				continue;
		}
		if ((unlink(path) == -1 && errno != ENOENT) ||
		    symlink(ctx->self, path) == -1) {
			warn("%s", path);
			return -1;
		}
	}
	return 0;
}

/* Copy the installed loaders once; existing pinned copies are kept. */
static int
install_firmware(struct kvm_ctx *ctx)
{
	char src[PATH_MAX], dst[PATH_MAX];
	size_t i;

	if (pathf(dst, sizeof(dst), "%s/firmware", ctx->home) == -1 ||
	    mkdirs(dst, 0755) == -1)
		return -1;
	for (i = 0; i < sizeof(pinned) / sizeof(pinned[0]); i++) {
		if (host_path(ctx, pinned[i].src, src, sizeof(src)) == -1)
			return -1;
		if (pathf(dst, sizeof(dst), "%s/firmware/%s", ctx->home,
		    pinned[i].dst) == -1)
			return -1;
		if (access(dst, F_OK) == 0 || access(src, R_OK) == -1)
			continue;
		if (file_copy(src, dst, pinned[i].mode) == -1)
			return -1;
		printf("pinned %s\n", dst);
	}
	if (pathf(dst, sizeof(dst), "%s/firmware/BHYVE_UEFI_CODE.fd",
	    ctx->home) == 0 && access(dst, F_OK) == -1)
		printf("note: no UEFI firmware pinned (install edk2-bhyve, "
		    "then run kvm install again)\n");
	return 0;
}

static int
install_files(struct kvm_ctx *ctx)
{
	char path[PATH_MAX], *text;
	int r;

	if (pathf(path, sizeof(path), "%s/functions", ctx->home) == -1 ||
	    file_write_atomic(path, kvm_functions, strlen(kvm_functions),
	    0644) == -1 || install_links(ctx) == -1 ||
	    install_firmware(ctx) == -1)
		return -1;
	if (host_path(ctx, KVM_CONF, path, sizeof(path)) == -1)
		return -1;
	*strrchr(path, '/') = '\0';
	if (mkdirs(path, 0755) == -1)
		return -1;
	strlcat(path, "/kvm.conf", sizeof(path));
	if (asprintf(&text, "# written by kvm install; see kvm.conf(5)\n"
	    "kvm_pool=\"%s\"\nkvm_dataset=\"%s\"\nkvm_home=\"%s\"\n",
	    ctx->pool, ctx->dataset, ctx->home) == -1)
		err(1, NULL);
	r = file_write_atomic(path, text, strlen(text), 0644);
	free(text);
	return r;
}

/*
 * kvm's host rc.d script (host/rc.c), written anew; *made is 1 when
 * there was none before, so that a failed install removes it.
 */
static int
install_rc(struct kvm_ctx *ctx, int *made)
{
	char path[PATH_MAX];

	*made = 0;
	if (rc_path(ctx, RC_HOST_NAME, path, sizeof(path)) == -1)
		return -1;
	if (access(path, F_OK) == -1)
		*made = 1;
	if (rc_host_write(ctx) == -1) {
		*made = 0;
		return -1;
	}
	return 0;
}

/* Pool operand checked against zpool list; ctx->pool filled. */
static int
install_pool(struct kvm_ctx *ctx, const char *arg)
{
	char **pools, *asked = NULL;
	size_t n, i;
	int r = -1;

	if (zpool_names(ctx, &pools, &n) == -1)
		return -1;
	if (arg == NULL) {
		if (n == 0)
			warnx("install: no ZFS pool found");
		else if ((asked = install_ask_pool(pools, n)) != NULL)
			arg = asked;
	}
	for (i = 0; arg != NULL && i < n; i++)
		if (strcmp(pools[i], arg) == 0)
			r = 0;
	if (arg != NULL && r == -1)
		warnx("%s: no such pool", arg);
	if (r == 0 && strlcpy(ctx->pool, arg, sizeof(ctx->pool)) >=
	    sizeof(ctx->pool)) {
		warnx("%s: pool name too long", arg);
		r = -1;
	}
	free(asked);
	strlist_free(pools, n);
	return r;
}

int
cmd_install(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	struct kvm_ctx old;
	char vmds[KVM_DATASET_MAX], mnt[PATH_MAX];
	int made_kvm = 0, made_vm = 0, made_rc = 0;

	if (getopt(argc, argv, "+") != -1 || argc - optind > 1)
		cmd_usage(cmd);
	if (argc == optind && !isatty(STDIN_FILENO))
		cmd_usage(cmd);
	/* A killed uninstall is finished before a new install. */
	if (journal_recover(ctx, NULL) == -1)
		return 1;
	if (install_pool(ctx, argv[optind]) == -1)
		return 1;
	if (pathf(ctx->dataset, sizeof(ctx->dataset), "%s/kvm", ctx->pool)
	    == -1)
		return 1;
	old = *ctx;
	if (host_path(ctx, KVM_CONF, mnt, sizeof(mnt)) == 0 &&
	    access(mnt, F_OK) == 0 && ctx_load_home(&old) == 0 &&
	    strcmp(old.dataset, ctx->dataset) != 0)
		errx(1, "already installed on %s (%s)", old.pool, old.home);
	if (pathf(vmds, sizeof(vmds), "%s/vm", ctx->dataset) == -1)
		return 1;
	if (install_dataset(ctx, ctx->dataset, &made_kvm) == -1 ||
	    install_dataset(ctx, vmds, &made_vm) == -1)
		goto fail;
	if (zfs_get(ctx, ctx->dataset, "mountpoint", mnt, sizeof(mnt)) == -1)
		goto fail;
	if (mnt[0] != '/') {
		warnx("%s: mountpoint is %s; kvm needs a mounted dataset",
		    ctx->dataset, mnt);
		goto fail;
	}
	strlcpy(ctx->home, mnt, sizeof(ctx->home));
	/* The host script first: a foreign rc.d/kvm stops all here. */
	if (install_rc(ctx, &made_rc) == -1 || install_files(ctx) == -1)
		goto fail;
	printf("kvm home: %s\n", ctx->home);
	return 0;
fail:
	/* Undo only what this run created; an existing install stays. */
	if (made_rc)
		rc_host_remove(ctx);
	if (made_kvm)
		zfs_destroy(ctx, ctx->dataset, 1);
	else if (made_vm)
		zfs_destroy(ctx, vmds, 1);
	return 1;
}
