/*
 * cmd_send.c: "kvm send [-m] name [user@]host" and its other half,
 * "kvm receive", which send runs on the other host through ssh.  ZFS
 * replication carries the VM (zfs send -R, incremental from the newest
 * snapshot both sides have, matched by guid); kvm chooses the
 * snapshots, checks the copy and, with -m, stops the guest for the
 * last increment, starts it there and only then destroys it here.  The
 * copy is recognised by the UUID in set.conf: a different VM of the
 * same name on the other host is never touched.
 */
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/common.h"
#include "core/util.h"
#include "core/valid.h"
#include "core/vm.h"
#include "host/file.h"
#include "host/lock.h"
#include "host/paths.h"
#include "host/replicate.h"
#include "host/runtime.h"
#include "host/spawn.h"
#include "host/vmdestroy.h"
#include "host/vmload.h"
#include "host/zfs.h"
#include "cmd/cmd.h"

/* Seconds the guest has to power off after the button (-m). */
#define SEND_SHUTDOWN	"60"
#define SEND_SNAP	"kvm-send"

struct send {
	struct kvm_ctx	*ctx;
	const char	*name;
	const char	*dest;		/* [user@]host, checked */
	char		 ds[KVM_DATASET_MAX];
	char		 dir[PATH_MAX];	/* HOME/vm/NAME here */
	char		 uuid[40];
	char		 base[KVM_DATASET_MAX];	/* newest common, or "" */
	char		 snap[KVM_DATASET_MAX];	/* the one sent last */
	char		*remote;	/* receive -l's answer */
};

static double
send_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The VM here: its dataset, directory and UUID.  0 or -1 (reported). */
static int
send_load(struct send *s)
{
	struct vm vm;

	if (ctx_load_home(s->ctx) == -1 || vm_load(s->ctx, s->name, &vm) == -1)
		return -1;
	strlcpy(s->dir, vm.dir, sizeof(s->dir));
	strlcpy(s->uuid, vm.uuid, sizeof(s->uuid));
	vm_free(&vm);
	if (s->uuid[0] == '\0') {
		warnx("%s: set.conf has no UUID; kvm send needs it to "
		    "recognise the copy", s->name);
		return -1;
	}
	if (repl_valid_word(s->dir, 1) == -1) {
		warnx("%s: its directory %s holds characters kvm does not "
		    "pass to ssh", s->name, s->dir);
		return -1;
	}
	return vm_dataset(s->ctx, s->name, s->ds, sizeof(s->ds));
}

/* What the other host has of this VM: receive -l's lines. */
static int
send_ask(struct send *s)
{
	const char *words[] = { "receive", "-l", "-u", s->uuid, s->name,
	    NULL };
	int r;

	if ((r = repl_remote(s->ctx, s->dest, words, &s->remote)) == 0)
		return 0;
	if (r == 255)
		warnx("%s: ssh to %s failed", s->name, s->dest);
	warnx("%s: not sent to %s", s->name, s->dest);
	return -1;
}

/* 1 if the remote answer lists guid. */
static int
send_has(const char *remote, uint64_t guid)
{
	char word[32];
	size_t n;

	n = (size_t)snprintf(word, sizeof(word), "%ju ", (uintmax_t)guid);
	for (; remote != NULL && *remote != '\0';
	    remote += strcspn(remote, "\n") + (remote[strcspn(remote,
	    "\n")] != '\0'))
		if (strncmp(remote, word, n) == 0)
			return 1;
	return 0;
}

/*
 * The newest snapshot both sides have (by guid) into s->base, and a
 * new snapshot name no snapshot here has into s->snap.
 */
static int
send_plan(struct send *s)
{
	struct zfs_snap *sn;
	uint64_t guid;
	size_t n, i;
	char stamp[32];
	time_t now = time(NULL);
	int k = 0, clash;

	if (zfs_snap_list(s->ctx, s->ds, 0, &sn, &n) == -1)
		return -1;
	/* Nothing there: a full send, no guid to compare. */
	for (i = *s->remote != '\0' ? n : 0; i-- > 0 && s->base[0] == '\0';) {
		if (repl_guid(s->ctx, s->ds, sn[i].zs_name, &guid) == -1)
			break;
		if (send_has(s->remote, guid))
			strlcpy(s->base, sn[i].zs_name, sizeof(s->base));
	}
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", gmtime(&now));
	do {
		snprintf(s->snap, sizeof(s->snap), k == 0 ? "%s-%s" :
		    "%s-%s-%d", SEND_SNAP, stamp, k);
		for (clash = 0, i = 0; i < n; i++)
			clash |= strcmp(sn[i].zs_name, s->snap) == 0;
		k++;
	} while (clash);
	zfs_snap_free(sn, n);
	if (s->base[0] == '\0' && strncmp(s->remote, "vm\n", 3) == 0) {
		warnx("%s: the copy on %s has no snapshot in common with this "
		    "one; destroy it there first", s->name, s->dest);
		return -1;
	}
	return 0;
}

/*
 * Snapshot s->snap and send it (incremental from s->base when set);
 * the other host checks and registers the copy.  On failure the new
 * snapshot goes again.  0 or -1 (reported).
 */
static int
send_stream(struct send *s)
{
	char gs[32], full[KVM_DATASET_MAX];
	const char *words[] = { "receive", "-u", s->uuid, "-g", gs, "-s",
	    s->snap, "-p", s->dir, s->name, NULL };
	uint64_t guid;
	int r;

	if (pathf(full, sizeof(full), "%s@%s", s->ds, s->snap) == -1 ||
	    zfs_snapshot(s->ctx, s->ds, s->snap) == -1)
		return -1;
	if (repl_guid(s->ctx, s->ds, s->snap, &guid) == 0) {
		snprintf(gs, sizeof(gs), "%ju", (uintmax_t)guid);
		r = repl_send(s->ctx, s->ds, s->base[0] ? s->base : NULL,
		    s->snap, s->dest, words);
		if (r == 0)
			return 0;
		warnx("%s: sending to %s failed%s", s->name, s->dest,
		    r == 255 ? " (ssh)" : "");
	}
	(void)zfs_destroy(s->ctx, full, 0);
	return -1;
}

/* Run this kvm with words; its stdout dropped, its stderr passed on. */
static int
send_self(const struct send *s, const char *const words[])
{
	char *argv[8], *eo = NULL;
	size_t i;
	int r;

	argv[0] = s->ctx->self;
	for (i = 0; words[i] != NULL && i < 6; i++)
		argv[i + 1] = (char *)(uintptr_t)words[i];
	argv[i + 1] = NULL;
	r = spawn_capture(s->ctx, argv, NULL, &eo);
	if (eo != NULL) {
		fputs(eo, stderr);
		free(eo);
	}
	return r;
}

/* The move failed after the stop: free the VM here and start it again. */
static void
send_back(const struct send *s, int lock, int running)
{
	const char *start[] = { "start", "-d", s->name, NULL };

	lock_release(lock);
	if (running && send_self(s, start) == 0)
		warnx("%s: not moved; it runs here again", s->name);
	else
		warnx("%s: not moved", s->name);
}

/* Stop the guest if it runs, and hold the VM.  0 or -1 (reported). */
static int
send_stop(const struct send *s, int running, int *lock)
{
	const char *shut[] = { "shutdown", "-t", SEND_SHUTDOWN, s->name,
	    NULL };
	enum vm_state st;

	if (running && send_self(s, shut) != 0) {
		warnx("%s: could not stop it; not moved (%s has a copy)",
		    s->name, s->dest);
		return -1;
	}
	if (vm_lock_stopped(s->ctx, s->name, lock, &st) != 0) {
		warnx("%s: started again meanwhile; not moved (%s has a copy)",
		    s->name, s->dest);
		return -1;
	}
	return 0;
}

/*
 * -m, after the first copy: stop, send the last increment, start it
 * there if it ran here, then destroy it here.
 */
static int
send_move(struct send *s)
{
	const char *start[] = { "start", "-d", s->name, NULL };
	struct vm_runtime rt;
	double t0;
	int running, lock;

	if (rt_read(s->ctx, s->name, &rt) == -1)
		return 1;
	running = rt_state(&rt) != VM_STOPPED;
	t0 = send_clock();
	if (send_stop(s, running, &lock) == -1)
		return 1;
	strlcpy(s->base, s->snap, sizeof(s->base));
	strlcat(s->snap, "-last", sizeof(s->snap));
	if (send_stream(s) == -1) {
		send_back(s, lock, running);
		return 1;
	}
	if (running && repl_remote(s->ctx, s->dest, start, NULL) != 0) {
		warnx("%s: could not start it on %s", s->name, s->dest);
		send_back(s, lock, running);
		return 1;
	}
	if (vm_destroy(s->ctx, s->name, s->ds, "move") == -1) {
		warnx("%s: moved to %s, but not all of it is gone here",
		    s->name, s->dest);
		lock_release(lock);
		return 1;
	}
	lock_release(lock);
	if (running)
		printf("%s: moved to %s; the guest was down for %.1f "
		    "seconds\n", s->name, s->dest, send_clock() - t0);
	else
		printf("%s: moved to %s (it was not running)\n", s->name,
		    s->dest);
	return 0;
}

int
cmd_send(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	struct send s;
	char e[KVM_ERR_MAX];
	int ch, move = 0, r = 1;

	while ((ch = getopt(argc, argv, "+m")) != -1) {
		if (ch != 'm')
			cmd_usage(cmd);
		move = 1;
	}
	if (argc - optind != 2)
		cmd_usage(cmd);
	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.name = argv[optind];
	s.dest = argv[optind + 1];
	if (repl_valid_dest(s.dest, e, sizeof(e)) == -1)
		errx(1, "%s: %s", s.dest, e);
	if (send_load(&s) == -1 || send_ask(&s) == -1 || send_plan(&s) == -1 ||
	    send_stream(&s) == -1) {
		free(s.remote);
		return 1;
	}
	if (move)
		r = send_move(&s);
	else {
		printf("%s: copied to %s (snapshot %s)\n", s.name, s.dest,
		    s.snap);
		r = 0;
	}
	free(s.remote);
	return r;
}

/* receive's operands and options. */
struct recv {
	struct kvm_ctx	*ctx;
	const char	*name;
	const char	*uuid;		/* -u: the sender's UUID */
	const char	*snap;		/* -s: the snapshot the stream ends at */
	const char	*olddir;	/* -p: the VM's directory there */
	uint64_t	 guid;		/* -g: that snapshot's guid there */
	char		 ds[KVM_DATASET_MAX];	/* DATASET/vm/NAME */
	char		 tmp[KVM_DATASET_MAX];	/* DATASET/vm/.recv-NAME */
	char		 dir[PATH_MAX];		/* HOME/vm/NAME */
};

/*
 * What NAME is here: 0 nothing, 1 a copy of the sender's VM (same
 * UUID); -1 after a message when the name is taken by something else.
 */
static int
recv_clash(const struct recv *rv)
{
	struct vm vm;
	int r;

	if (!vm_exists(rv->ctx, rv->name)) {
		if ((r = zfs_exists(rv->ctx, rv->ds)) == 0)
			return 0;
		if (r == 1)
			warnx("%s: dataset %s exists here and is no VM",
			    rv->name, rv->ds);
		return -1;
	}
	if (vm_load(rv->ctx, rv->name, &vm) == -1)
		return -1;
	r = strcasecmp(vm.uuid, rv->uuid) == 0 ? 1 : -1;
	if (r == -1)
		warnx("%s: the name is taken here by a different VM (UUID %s)",
		    rv->name, vm.uuid[0] ? vm.uuid : "none");
	vm_free(&vm);
	return r;
}

/* receive -l: "vm" when the copy exists, then "GUID SNAPSHOT" lines. */
static int
recv_list(const struct recv *rv)
{
	struct zfs_snap *sn;
	uint64_t guid;
	size_t n, i;
	int r;

	if ((r = recv_clash(rv)) != 1)
		return r == 0 ? 0 : 1;
	if (zfs_snap_list(rv->ctx, rv->ds, 0, &sn, &n) == -1)
		return 1;
	printf("vm\n");
	for (r = 0, i = 0; i < n && r == 0; i++) {
		if ((r = repl_guid(rv->ctx, rv->ds, sn[i].zs_name, &guid)) == 0)
			printf("%ju %s\n", (uintmax_t)guid, sn[i].zs_name);
	}
	zfs_snap_free(sn, n);
	return r == 0 ? 0 : 1;
}

/*
 * The copy mounted, and the sender's directory made ours in its
 * set.conf and run.
 */
static int
recv_paths(const struct recv *rv, const char *ds)
{
	static const char *const files[] = { "set.conf", "run", NULL };
	char mnt[PATH_MAX], path[PATH_MAX], *text, *changed;
	size_t i;
	int r = 0;

	if (zfs_mount(rv->ctx, ds) == -1 ||
	    zfs_get(rv->ctx, ds, "mountpoint", mnt, sizeof(mnt)) == -1)
		return -1;
	if (strcmp(rv->olddir, rv->dir) == 0)
		return 0;
	for (i = 0; files[i] != NULL && r == 0; i++) {
		if (pathf(path, sizeof(path), "%s/%s", mnt, files[i]) == -1)
			return -1;
		if (file_read(path, &text, NULL) == -1) {
			if (errno == ENOENT && i > 0)
				continue;	/* a VM may have no run */
			warn("%s", path);
			return -1;
		}
		changed = path_replace(text, rv->olddir, rv->dir);
		free(text);
		if (changed != NULL)
			r = file_write_atomic(path, changed, strlen(changed),
			    0644);
		free(changed);
	}
	return r;
}

/* The copy in ds ends at the sender's snapshot: same guid. */
static int
recv_guid(const struct recv *rv, const char *ds)
{
	uint64_t guid;

	if (repl_guid(rv->ctx, ds, rv->snap, &guid) == -1)
		return -1;
	if (guid != rv->guid) {
		warnx("%s: snapshot %s has guid %ju here, %ju there", rv->name,
		    rv->snap, (uintmax_t)guid, (uintmax_t)rv->guid);
		return -1;
	}
	return 0;
}

/* kvm check passes on the copy in place. */
static int
recv_check(const struct recv *rv)
{
	char *argv[] = { rv->ctx->self, "check", (char *)(uintptr_t)rv->name,
	    NULL };

	if (spawn_run(rv->ctx, argv) != 0) {
		warnx("%s: kvm check fails on the copy", rv->name);
		return -1;
	}
	return 0;
}

/*
 * A new VM: received into the hidden tmp, checked, renamed into place,
 * checked again by kvm check; any failure destroys it all.
 */
static int
recv_new(const struct recv *rv)
{
	int r;

	if ((r = zfs_exists(rv->ctx, rv->tmp)) == -1 ||
	    (r == 1 && zfs_destroy_tree(rv->ctx, rv->tmp) == -1))
		return -1;
	if (repl_receive(rv->ctx, rv->tmp, 0) == 0 &&
	    recv_guid(rv, rv->tmp) == 0 && recv_paths(rv, rv->tmp) == 0 &&
	    zfs_rename(rv->ctx, rv->tmp, rv->ds) == 0) {
		if (recv_check(rv) == 0)
			return 0;
		(void)zfs_destroy_tree(rv->ctx, rv->ds);
		return -1;
	}
	if (zfs_exists(rv->ctx, rv->tmp) == 1)
		(void)zfs_destroy_tree(rv->ctx, rv->tmp);
	return -1;
}

/* The stream on stdin, into a new VM or the existing copy. */
static int
recv_stream(struct recv *rv)
{
	int lock, r;

	if ((r = lock_vm(rv->ctx, rv->name, &lock)) != 0) {
		if (r == 1)
			warnx("%s: in use here (running, or another kvm "
			    "works on it)", rv->name);
		return 1;
	}
	if ((r = recv_clash(rv)) == 0)
		r = recv_new(rv);
	else if (r == 1)
		r = repl_receive(rv->ctx, rv->ds, 1) == 0 &&
		    recv_guid(rv, rv->ds) == 0 && recv_paths(rv, rv->ds) == 0 &&
		    recv_check(rv) == 0 ? 0 : -1;
	lock_release(lock);
	if (r == -1) {
		warnx("%s: not received", rv->name);
		return 1;
	}
	printf("%s: received snapshot %s\n", rv->name, rv->snap);
	return 0;
}

/* receive's words, each checked: 0, or exit 1 after a message. */
static void
recv_options(const struct cmd *cmd, struct recv *rv, int argc, char **argv,
    int *list)
{
	char e[KVM_ERR_MAX], *end;
	const char *g = NULL;
	int ch;

	while ((ch = getopt(argc, argv, "+lu:g:s:p:")) != -1) {
		switch (ch) {
		case 'l': *list = 1; break;
		case 'u': rv->uuid = optarg; break;
		case 'g': g = optarg; break;
		case 's': rv->snap = optarg; break;
		case 'p': rv->olddir = optarg; break;
		default: cmd_usage(cmd);
		}
	}
	if (argc - optind != 1 || rv->uuid == NULL || (*list && (g != NULL ||
	    rv->snap != NULL || rv->olddir != NULL)) || (!*list && (g == NULL ||
	    rv->snap == NULL || rv->olddir == NULL)))
		cmd_usage(cmd);
	rv->name = argv[optind];
	if (valid_name(rv->name, e, sizeof(e)) == -1)
		errx(1, "%s: %s", rv->name, e);
	if (valid_uuid("-u", rv->uuid, e, sizeof(e)) == -1)
		errx(1, "%s: %s", rv->name, e);
	errno = 0;
	if (g != NULL && (rv->guid = strtoumax(g, &end, 10), errno != 0 ||
	    *g < '0' || *g > '9' || *end != '\0'))
		errx(1, "%s: -g must be a snapshot guid", rv->name);
	if (rv->snap != NULL && repl_valid_word(rv->snap, 0) == -1)
		errx(1, "%s: -s must be a snapshot name", rv->name);
	if (rv->olddir != NULL && repl_valid_word(rv->olddir, 1) == -1)
		errx(1, "%s: -p must be an absolute path", rv->name);
}

int
cmd_receive(struct kvm_ctx *ctx, const struct cmd *cmd, int argc,
    char **argv)
{
	struct recv rv;
	int list = 0;

	memset(&rv, 0, sizeof(rv));
	rv.ctx = ctx;
	recv_options(cmd, &rv, argc, argv, &list);
	if (ctx_load_home(ctx) == -1 ||
	    vm_dataset(ctx, rv.name, rv.ds, sizeof(rv.ds)) == -1 ||
	    vm_dir(ctx, rv.name, NULL, rv.dir, sizeof(rv.dir)) == -1 ||
	    pathf(rv.tmp, sizeof(rv.tmp), "%s/vm/.recv-%s", ctx->dataset,
	    rv.name) == -1)
		return 1;
	return list ? recv_list(&rv) : recv_stream(&rv);
}
