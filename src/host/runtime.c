/*
 * runtime.c: what is running, kept under /var/run/kvm and never inside
 * the dataset (a snapshot must not carry a pid).  NAME.lock (lock.c) is
 * held by the supervisor for its whole life, so a crashed supervisor
 * leaves no stale lock; NAME.pid says who runs: the supervisor, bhyve,
 * a loader, since when, and where the console and VNC are.  Reading it
 * checks every pid, so a dead process never counts as running.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/runtime.h"
#include "core/util.h"
#include "host/file.h"
#include "host/lock.h"
#include "host/paths.h"
#include "host/port.h"

static int
rt_path(const struct kvm_ctx *ctx, const char *name, const char *ext,
    char *buf, size_t sz)
{
	char dir[PATH_MAX];

	if (host_path(ctx, KVM_RUNDIR, dir, sizeof(dir)) == -1)
		return -1;
	return pathf(buf, sz, "%s/%s.%s", dir, name, ext);
}

static void
rt_parse(struct vm_runtime *rt, char *text)
{
	char *line, *v;

	while ((line = strsep(&text, "\n")) != NULL) {
		if ((v = strchr(line, '=')) == NULL)
			continue;
		*v++ = '\0';
		if (strcmp(line, "supervisor") == 0)
			rt->rt_supervisor = (pid_t)strtol(v, NULL, 10);
		else if (strcmp(line, "bhyve") == 0)
			rt->rt_bhyve = (pid_t)strtol(v, NULL, 10);
		else if (strcmp(line, "loader") == 0)
			rt->rt_loader = (pid_t)strtol(v, NULL, 10);
		else if (strcmp(line, "started") == 0)
			rt->rt_started = (time_t)strtoll(v, NULL, 10);
		else if (strcmp(line, "vnc") == 0)
			strlcpy(rt->rt_vnc, v, sizeof(rt->rt_vnc));
		else if (strcmp(line, "console") == 0)
			strlcpy(rt->rt_console, v, sizeof(rt->rt_console));
	}
}

static int
pid_alive(pid_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

int
rt_read(const struct kvm_ctx *ctx, const char *name, struct vm_runtime *rt)
{
	char path[PATH_MAX], *text;
	struct stat st;

	memset(rt, 0, sizeof(*rt));
	if (rt_path(ctx, name, "pid", path, sizeof(path)) == -1)
		return -1;
	if (file_read(path, &text, NULL) == 0) {
		rt_parse(rt, text);
		free(text);
	}
	if (!lock_held(ctx, name) || !pid_alive(rt->rt_supervisor))
		rt->rt_supervisor = 0;
	if (!port_proc_is(rt->rt_bhyve, "bhyve", name))
		rt->rt_bhyve = 0;
	/* A zombie or a reused pid is not a loader: check what it runs. */
	if (!port_proc_is(rt->rt_loader, "grub-bhyve", name) &&
	    !port_proc_is(rt->rt_loader, "bhyveload", name))
		rt->rt_loader = 0;
	if (pathf(path, sizeof(path), "%s/dev/vmm/%s", ctx->rootdir,
	    name) == -1)
		return -1;
	rt->rt_instance = stat(path, &st) == 0;
	return 0;
}

enum vm_state
rt_state(const struct vm_runtime *rt)
{
	if (rt->rt_bhyve != 0)
		return rt->rt_supervisor != 0 ? VM_RUNNING : VM_ORPHAN;
	if (rt->rt_supervisor != 0)
		return VM_STARTING;
	if (rt->rt_loader != 0 || rt->rt_instance)
		return VM_STALE;
	return VM_STOPPED;
}

const char *
rt_state_name(enum vm_state s)
{
	static const char *const names[] = {
		"stopped", "running", "starting", "orphan", "stale"
	};

	return names[s];
}

int
rt_write(const struct kvm_ctx *ctx, const char *name,
    const struct vm_runtime *rt)
{
	char path[PATH_MAX], *text;
	int r;

	if (rt_path(ctx, name, "pid", path, sizeof(path)) == -1)
		return -1;
	if (asprintf(&text, "supervisor=%ld\nbhyve=%ld\nloader=%ld\n"
	    "started=%lld\nvnc=%s\nconsole=%s\n", (long)rt->rt_supervisor,
	    (long)rt->rt_bhyve, (long)rt->rt_loader,
	    (long long)rt->rt_started, rt->rt_vnc, rt->rt_console) == -1) {
		warn("%s", path);
		return -1;
	}
	r = file_write_atomic(path, text, strlen(text), 0644);
	free(text);
	return r;
}

void
rt_remove(const struct kvm_ctx *ctx, const char *name)
{
	char path[PATH_MAX];

	if (rt_path(ctx, name, "pid", path, sizeof(path)) == 0)
		unlink(path);
}
