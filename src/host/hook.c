/*
 * hook.c: runs a VM's preRun and postRun.  The run file is the one
 * place where sh runs, by design; it runs a fixed script (below) that
 * sources the hook library, set.conf and run, then calls the function.
 * Values reach it only through the environment, never pasted into the
 * script text, and it runs in the VM's directory.
 *
 * A hook may start other programs (ifconfig, a "sleep" that hangs):
 * SIGTERM to the sh alone would leave them running, and sh waits for
 * its foreground child before acting on a trapped signal.  So the hook
 * leads a process group of its own and whoever ends it signals the
 * group (kill(-pid)), which reaches the sh and all it started, unless
 * they moved to another group or session themselves.  The price: in a
 * foreground "kvm start" the hook is not in the terminal's foreground
 * group, so ^C reaches it only through the supervisor (which ends it),
 * and reading the terminal would stop it with SIGTTIN; hooks run
 * unattended (at boot, detached) anyway, so stdin is /dev/null.
 */
#include <err.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/hook.h"
#include "core/argv.h"
#include "core/util.h"
#include "core/vm.h"
#include "host/file.h"
#include "host/functions.h"
#include "host/paths.h"
#include "host/spawn.h"

#define HOOK_SCRIPT(fn)							\
	"cd \"$VM_DIR\" && . \"$KVM_HOME/functions\" && "		\
	". \"$VM_DIR/set.conf\" && . \"$VM_DIR/run\" && " fn

/* "NAME=value", or a bare NAME (unset it) when value is NULL. */
static char *
hook_var(const char *name, const char *value)
{
	char *s;

	if (value == NULL)
		return strdup(name);
	if (asprintf(&s, "%s=%s", name, value) == -1)
		return NULL;
	return s;
}

/* The environment changes of a hook; 0, or -1 after a warning. */
static int
hook_env(const struct vm *vm, const char *vm_exit, char *env[5])
{
	env[0] = hook_var("VM_NAME", vm->name);
	env[1] = hook_var("VM_DIR", vm->dir);
	env[2] = hook_var("KVM_HOME", vm->home);
	env[3] = hook_var("VM_EXIT", vm_exit);
	env[4] = NULL;
	if (env[0] == NULL || env[1] == NULL || env[2] == NULL ||
	    env[3] == NULL) {
		warn(NULL);
		return -1;
	}
	return 0;
}

int
hook_run(const struct kvm_ctx *ctx, const struct vm *vm, const char *fn,
    const char *vm_exit, const struct spawn_runner *run)
{
	static const char pre[] = HOOK_SCRIPT("preRun");
	static const char post[] = HOOK_SCRIPT("postRun");
	struct spawn_opts o;
	char *argv[4], *env[5];
	int r = -1, i;

	argv[0] = (char *)(uintptr_t)"sh";
	argv[1] = (char *)(uintptr_t)"-c";
	argv[2] = (char *)(uintptr_t)(strcmp(fn, "preRun") == 0 ? pre : post);
	argv[3] = NULL;
	if (hook_env(vm, vm_exit, env) == 0) {
		memset(&o, 0, sizeof(o));
		o.so_env = env;
		o.so_pgroup = 1;
		o.so_nullin = 1;
		r = run != NULL ? run->sr_run(run->sr_cookie, argv, &o) :
		    spawn_run_opts(ctx, argv, &o);
	}
	for (i = 0; i < 4; i++)
		free(env[i]);
	return r;
}

int
hook_library_sync(const struct kvm_ctx *ctx)
{
	char path[PATH_MAX], *text = NULL;
	size_t len, n = strlen(kvm_functions);
	int same;

	if (pathf(path, sizeof(path), "%s/functions", ctx->home) == -1)
		return -1;
	same = file_read(path, &text, &len) == 0 && len == n &&
	    memcmp(text, kvm_functions, n) == 0;
	free(text);
	if (same)
		return 0;
	return file_write_atomic(path, kvm_functions, n, 0644);
}
