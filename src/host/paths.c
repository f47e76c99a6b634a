/*
 * paths.c: where kvm's things are.  Host paths are taken under
 * KVM_ROOTDIR when it is set (the test bench); the kvm home and its
 * dataset come from /usr/local/etc/kvm.conf, which install writes in
 * set.conf syntax and which is read with the same parser.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/paths.h"
#include "core/common.h"
#include "core/conf.h"
#include "host/conffile.h"

void
ctx_init(struct kvm_ctx *ctx)
{
	const char *r;

	memset(ctx, 0, sizeof(*ctx));
	r = getenv("KVM_ROOTDIR");
	ctx->rootdir = (r != NULL && strcmp(r, "/") != 0) ? r : "";
}

const char *
ctx_path(const char *rootdir, uid_t euid)
{
	if (euid == 0 && rootdir[0] == '\0')
		return KVM_ROOT_PATH;
	return NULL;
}

int
ctx_pin_path(const struct kvm_ctx *ctx)
{
	const char *path;

	if ((path = ctx_path(ctx->rootdir, geteuid())) == NULL)
		return 0;
	if (setenv("PATH", path, 1) == -1) {
		warn("setenv PATH");
		return -1;
	}
	return 0;
}

int
host_path(const struct kvm_ctx *ctx, const char *abs, char *buf, size_t sz)
{
	if ((size_t)snprintf(buf, sz, "%s%s", ctx->rootdir, abs) >= sz) {
		warnx("%s%s: path too long", ctx->rootdir, abs);
		return -1;
	}
	return 0;
}

/* Copy a kvm.conf variable into dst; -1 and a message when missing. */
static int
ctx_var(const struct conf *c, const char *path, const char *var, char *dst,
    size_t sz)
{
	const char *v;

	if ((v = conf_get(c, var)) == NULL || *v == '\0') {
		warnx("%s: %s is not set", path, var);
		return -1;
	}
	if (strlcpy(dst, v, sz) >= sz) {
		warnx("%s:%d: %s is too long", path, conf_line(c, var), var);
		return -1;
	}
	return 0;
}

int
ctx_load_home(struct kvm_ctx *ctx)
{
	char path[PATH_MAX], e[KVM_ERR_MAX];
	struct conf *c;
	int r;

	if (host_path(ctx, KVM_CONF, path, sizeof(path)) == -1)
		return -1;
	if (access(path, F_OK) == -1 && errno == ENOENT) {
		warnx("not installed (no %s): run kvm install", path);
		return -1;
	}
	if ((c = conffile_load(path, e, sizeof(e))) == NULL) {
		warnx("%s", e);
		return -1;
	}
	r = 0;
	if (ctx_var(c, path, "kvm_pool", ctx->pool, sizeof(ctx->pool)) ||
	    ctx_var(c, path, "kvm_dataset", ctx->dataset,
	    sizeof(ctx->dataset)) ||
	    ctx_var(c, path, "kvm_home", ctx->home, sizeof(ctx->home)))
		r = -1;
	conf_free(c);
	return r;
}

int
vm_dir(const struct kvm_ctx *ctx, const char *name, const char *file,
    char *buf, size_t sz)
{
	int n;

	if (file != NULL)
		n = snprintf(buf, sz, "%s/vm/%s/%s", ctx->home, name, file);
	else
		n = snprintf(buf, sz, "%s/vm/%s", ctx->home, name);
	if (n < 0 || (size_t)n >= sz) {
		warnx("%s: path too long", name);
		return -1;
	}
	return 0;
}

int
vm_dataset(const struct kvm_ctx *ctx, const char *name, char *buf, size_t sz)
{
	if ((size_t)snprintf(buf, sz, "%s/vm/%s", ctx->dataset, name) >= sz) {
		warnx("%s: dataset name too long", name);
		return -1;
	}
	return 0;
}
