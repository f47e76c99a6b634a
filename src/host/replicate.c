/*
 * replicate.c: the pieces of kvm send and kvm receive that touch the
 * system: the checks on what goes into the remote command line, the ssh
 * call, the "zfs send | ssh" pipeline, zfs receive, snapshot guids and
 * the rewrite of the sender's paths in set.conf and run.  ZFS does the
 * replication; kvm only chooses the snapshots and checks the result.
 */
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/argv.h"
#include "core/common.h"
#include "core/valid.h"
#include "host/replicate.h"
#include "host/spawn.h"

static int
repl_charset(const char *s, const char *extra)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr(extra, *s) != NULL))
			return -1;
	return 0;
}

int
repl_valid_dest(const char *dest, char *err, size_t errsz)
{
	const char *at = strchr(dest, '@'), *host = at ? at + 1 : dest;
	char user[REPL_USER_MAX + 1];
	size_t ul = at ? (size_t)(at - dest) : 0;

	if (at != NULL) {
		if (ul == 0 || ul > REPL_USER_MAX)
			return errf(err, errsz, "user must be 1 to %d "
			    "characters", REPL_USER_MAX);
		memcpy(user, dest, ul);
		user[ul] = '\0';
		if (user[0] == '-' || repl_charset(user, "._-") == -1)
			return errf(err, errsz, "user may hold only letters, "
			    "digits, '.', '_' and '-', and not start with '-'");
	}
	if (*host == '\0' || strlen(host) > REPL_HOST_MAX)
		return errf(err, errsz, "host must be 1 to %d characters",
		    REPL_HOST_MAX);
	if (host[0] == '-' || repl_charset(host, ".-:") == -1)
		return errf(err, errsz, "host may hold only letters, digits, "
		    "'.', '-' and ':', and not start with '-'");
	return 0;
}

int
repl_valid_word(const char *s, int path)
{
	if (*s == '\0' || *s == '-' || strlen(s) >= KVM_DATASET_MAX)
		return -1;
	if (path && (s[0] != '/' || strstr(s, "/../") != NULL))
		return -1;
	return repl_charset(s, path ? "/._-" : "._-");
}

/* ssh -o BatchMode=yes DEST kvm WORDS... */
static void
repl_ssh_argv(struct argv *a, const char *dest, const char *const words[])
{
	size_t i;

	argv_init(a);
	argv_add(a, "ssh");
	argv_add(a, "-o");
	argv_add(a, REPL_SSH_OPT);
	argv_add(a, dest);
	argv_add(a, REPL_REMOTE);
	for (i = 0; words[i] != NULL; i++)
		argv_add(a, words[i]);
}

int
repl_remote(const struct kvm_ctx *ctx, const char *dest,
    const char *const words[], char **out)
{
	struct argv a;
	char *eo = NULL;
	int r;

	repl_ssh_argv(&a, dest, words);
	r = spawn_capture(ctx, a.av_v, out, &eo);
	argv_free(&a);
	if (eo != NULL) {
		fputs(eo, stderr);
		free(eo);
	}
	return r;
}

int
repl_send(const struct kvm_ctx *ctx, const char *fs, const char *from,
    const char *to, const char *dest, const char *const words[])
{
	struct argv zs, ssh;
	int r;

	argv_init(&zs);
	argv_add(&zs, "zfs");
	argv_add(&zs, "send");
	argv_add(&zs, "-R");
	if (from != NULL) {
		argv_add(&zs, "-I");
		argv_addf(&zs, "@%s", from);
	}
	argv_addf(&zs, "%s@%s", fs, to);
	repl_ssh_argv(&ssh, dest, words);
	r = spawn_pipe(ctx, zs.av_v, ssh.av_v);
	argv_free(&zs);
	argv_free(&ssh);
	return r;
}

int
repl_receive(const struct kvm_ctx *ctx, const char *fs, int force)
{
	char *argv[] = { "zfs", "receive", "-F", NULL, NULL }, *eo = NULL;
	char *um[] = { "zfs", "umount", (char *)(uintptr_t)fs, NULL };
	int r;

	/*
	 * receive -F rolls the copy back first; zfs-fuse then shows a
	 * mounted copy without its files for a while, so it is unmounted
	 * before and mounted again by the caller.
	 */
	if (force && (r = spawn_capture(ctx, um, NULL, &eo)) != 0 &&
	    strstr(eo, "not currently mounted") == NULL) {
		eo[strcspn(eo, "\n")] = '\0';
		if (r != -1)
			warnx("%s: %s", fs, eo[0] ? eo : "zfs umount failed");
		free(eo);
		return -1;
	}
	free(eo);
	if (force)
		argv[3] = (char *)(uintptr_t)fs;
	else
		argv[2] = (char *)(uintptr_t)fs;
	if ((r = spawn_run(ctx, argv)) != 0) {
		if (r != -1)
			warnx("%s: zfs receive failed (exit status %d)", fs, r);
		return -1;
	}
	return 0;
}

int
repl_guid(const struct kvm_ctx *ctx, const char *fs, const char *snap,
    uint64_t *guid)
{
	char full[KVM_DATASET_MAX], *argv[] = { "zfs", "get", "-Hp", "-o",
	    "value", "guid", full, NULL }, *out = NULL, *end;
	int r;

	if (snprintf(full, sizeof(full), "%s@%s", fs, snap) >=
	    (int)sizeof(full)) {
		warnx("%s@%s: name too long", fs, snap);
		return -1;
	}
	r = spawn_capture(ctx, argv, &out, NULL);
	errno = 0;
	*guid = r == 0 ? strtoumax(out, &end, 10) : 0;
	if (r != 0 || errno != 0 || end == out || (*end != '\n' &&
	    *end != '\0')) {
		warnx("%s: cannot read its guid", full);
		free(out);
		return -1;
	}
	free(out);
	return 0;
}

