/*
 * journal.c: the intent journal's file, ROOT/var/db/kvm/OP.NAME (see
 * journal.h for why there).  It is written to a dot-named temporary
 * file, fsync'd, linked to its name (so two commands never take the
 * same one) and the directory fsync'd, all before the command's first
 * change.  The command holds an flock on it for its life; the
 * descriptor is inherited by the zfs and sysrc it starts, so the lock
 * lasts until the last of them is gone even when kvm itself is killed:
 * recovery never races a step still under way.  Recovery is here too:
 * it finds the journals of dead commands, takes the VMs' locks and
 * hands each to recover.c.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/journal.h"
#include "core/util.h"
#include "host/file.h"
#include "host/lock.h"
#include "host/paths.h"
#include "host/recover.h"

void
journal_init(struct journal *j, const char *op, const char *name)
{
	memset(j, 0, sizeof(*j));
	j->j_fd = -1;
	journal_add(j, "op", "%s", op);
	journal_add(j, "name", "%s", name);
}

void
journal_add(struct journal *j, const char *key, const char *fmt, ...)
{
	char *val, *line;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&val, fmt, ap) == -1)
		err(1, NULL);
	va_end(ap);
	if (asprintf(&line, "%s=%s", key, val) == -1 ||
	    (j->j_kv = reallocarray(j->j_kv, j->j_n + 1,
	    sizeof(*j->j_kv))) == NULL)
		err(1, NULL);
	free(val);
	j->j_kv[j->j_n++] = line;
}

void
journal_vm(struct journal *j, const char *name)
{
	journal_add(j, "vm", "%s", name);
}

void
journal_also(struct journal *j, const char *name)
{
	journal_add(j, "also", "%s", name);
}

const char *
journal_get(const struct journal *j, const char *key, size_t i)
{
	size_t k, n = strlen(key);

	for (k = 0; k < j->j_n; k++)
		if (strncmp(j->j_kv[k], key, n) == 0 && j->j_kv[k][n] == '=' &&
		    i-- == 0)
			return j->j_kv[k] + n + 1;
	return NULL;
}

void
journal_free(struct journal *j)
{
	size_t i;

	for (i = 0; i < j->j_n; i++)
		free(j->j_kv[i]);
	free(j->j_kv);
	j->j_kv = NULL;
	j->j_n = 0;
	if (j->j_fd != -1)
		close(j->j_fd);
	j->j_fd = -1;
}

/* fsync a directory, so that a link or unlink in it is durable. */
static void
journal_sync_dir(const char *path)
{
	char dir[PATH_MAX];
	int fd;

	strlcpy(dir, path, sizeof(dir));
	*strrchr(dir, '/') = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
}

static int
journal_write_all(int fd, const struct journal *j)
{
	size_t i;

	for (i = 0; i < j->j_n; i++)
		if (dprintf(fd, "%s\n", j->j_kv[i]) < 0)
			return -1;
	return fsync(fd);
}

int
journal_begin(const struct kvm_ctx *ctx, struct journal *j)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	int fd, saved;

	/* No O_CLOEXEC: the programs kvm starts hold the lock too. */
	if (host_path(ctx, KVM_JOURNALDIR, dir, sizeof(dir)) == -1 ||
	    mkdirs(dir, 0700) == -1 ||
	    pathf(j->j_path, sizeof(j->j_path), "%s/%s.%s", dir,
	    journal_get(j, "op", 0), journal_get(j, "name", 0)) == -1 ||
	    pathf(tmp, sizeof(tmp), "%s/.%s.%s.XXXXXX", dir,
	    journal_get(j, "op", 0), journal_get(j, "name", 0)) == -1)
		goto fail;
	journal_sync_dir(dir);	/* /var/db: the directory may be new */
	if ((fd = mkstemp(tmp)) == -1) {
		warn("%s", j->j_path);
		goto fail;
	}
	if (flock(fd, LOCK_EX) == -1 || journal_write_all(fd, j) == -1 ||
	    link(tmp, j->j_path) == -1) {
		saved = errno;
		unlink(tmp);
		close(fd);
		if (saved == EEXIST)
			warnx("%s: %s exists: another kvm command is changing "
			    "it", journal_get(j, "name", 0), j->j_path);
		else
			warnc(saved, "%s", j->j_path);
		goto fail;
	}
	unlink(tmp);
	journal_sync_dir(j->j_path);
	j->j_fd = fd;
	return 0;
fail:
	j->j_path[0] = '\0';
	return -1;
}

void
journal_end(struct journal *j)
{
	if (j->j_path[0] != '\0') {
		if (unlink(j->j_path) == -1)
			warn("%s", j->j_path);
		else
			journal_sync_dir(j->j_path);
		j->j_path[0] = '\0';
	}
	journal_free(j);
}

/* The lines of the journal at j_path into j (any length). */
static int
journal_parse(struct journal *j)
{
	char *buf, *p, *nl;

	if (file_read(j->j_path, &buf, NULL) == -1)
		return -1;
	for (p = buf; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = '\0';
		if ((j->j_kv = reallocarray(j->j_kv, j->j_n + 1,
		    sizeof(*j->j_kv))) == NULL ||
		    (j->j_kv[j->j_n++] = strdup(p)) == NULL)
			err(1, NULL);
	}
	free(buf);
	return journal_get(j, "op", 0) != NULL &&
	    journal_get(j, "name", 0) != NULL ? 0 : -1;
}

/*
 * Open and lock the journal at path if no live command holds it: 0 and
 * j filled, 1 when it is busy or gone, -1 when it cannot be read.
 */
static int
journal_open(struct journal *j, const char *path)
{
	struct stat a, b;
	int fd;

	memset(j, 0, sizeof(*j));
	j->j_fd = -1;
	if ((fd = open(path, O_RDWR)) == -1)
		return errno == ENOENT ? 1 : -1;
	/* Gone meanwhile: its command finished just before we locked. */
	if (flock(fd, LOCK_EX | LOCK_NB) == -1 || fstat(fd, &a) == -1 ||
	    stat(path, &b) == -1 || a.st_ino != b.st_ino ||
	    a.st_dev != b.st_dev) {
		close(fd);
		return 1;
	}
	j->j_fd = fd;
	strlcpy(j->j_path, path, sizeof(j->j_path));
	if (journal_parse(j) == -1) {
		warnx("%s: not a kvm journal", path);
		journal_free(j);
		return -1;
	}
	return 0;
}

/* 1 if the journal concerns VM name (any VM when name is NULL). */
static int
journal_names(const struct journal *j, const char *name)
{
	static const char *const keys[] = { "vm", "also", NULL };
	const char *const *k;
	const char *v;
	size_t i;

	if (name == NULL || strcmp(journal_get(j, "op", 0), "uninstall") == 0)
		return 1;
	for (k = keys; *k != NULL; k++)
		for (i = 0; (v = journal_get(j, *k, i)) != NULL; i++)
			if (strcmp(v, name) == 0)
				return 1;
	return 0;
}

/*
 * Recover the journal at path with the locks of its VMs held: 1 when
 * it was, 0 when it is not ours to recover now, -1 when it failed.
 */
static int
journal_recover_one(const struct kvm_ctx *ctx, const char *path,
    const char *name)
{
	struct journal j;
	size_t n = 0, nvm = 0;
	int *locks, r;

	if ((r = journal_open(&j, path)) != 0)
		return r == 1 ? 0 : -1;
	r = 0;
	if (!journal_names(&j, name))
		goto out;
	while (journal_get(&j, "vm", nvm) != NULL)
		nvm++;
	if ((locks = calloc(nvm + 1, sizeof(*locks))) == NULL)
		err(1, NULL);
	/* A lock held: a command acts on that VM; try another time. */
	for (; n < nvm; n++)
		if (lock_vm(ctx, journal_get(&j, "vm", n), &locks[n]) != 0)
			break;
	if (n == nvm && (r = recover_journal(ctx, &j)) == 0) {
		journal_end(&j);
		r = 1;
	}
	while (n > 0)
		lock_release(locks[--n]);
	free(locks);
out:
	journal_free(&j);
	return r;
}

int
journal_recover(const struct kvm_ctx *ctx, const char *name)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r = 0, k, n = 0;

	if (host_path(ctx, KVM_JOURNALDIR, dir, sizeof(dir)) == -1)
		return -1;
	/* None, or not ours: a user's "kvm list" (the directory is 0700). */
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT || errno == EACCES)
			return 0;
		warn("%s", dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' ||
		    pathf(path, sizeof(path), "%s/%s", dir, de->d_name) == -1)
			continue;
		if ((k = journal_recover_one(ctx, path, name)) == -1)
			r = -1;
		n += k == 1;
	}
	closedir(d);
	return r == -1 ? -1 : n;
}
