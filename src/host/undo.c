/*
 * undo.c: all-or-nothing changes for rename, destroy and uninstall.
 * Each step is done through a journal that first records how to take
 * it back (the old file text and mode, the old rc.conf value, the
 * dataset's old name); when a later step fails, undo_rollback takes
 * the recorded steps back in reverse order.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/undo.h"
#include "host/fault.h"
#include "host/file.h"
#include "host/paths.h"
#include "host/sysrc.h"
#include "host/zfs.h"

enum undo_kind {
	UNDO_RENAME,	/* zfs rename u_a -> u_b: rename back */
	UNDO_FILE,	/* u_a was written or removed: put u_text back */
	UNDO_RCCONF	/* rc.conf u_a changed: set u_text again, or unset */
};

struct undo {
	enum undo_kind	 u_kind;
	char		*u_a;
	char		*u_b;
	char		*u_text;	/* NULL: did not exist before */
	size_t		 u_len;
	mode_t		 u_mode;
};

static char *
undo_strdup(const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		err(1, NULL);
	return d;
}

static struct undo *
undo_push(struct undo_log *j, enum undo_kind kind, const char *a,
    const char *b)
{
	struct undo *u;

	if ((j->j_steps = reallocarray(j->j_steps, j->j_n + 1,
	    sizeof(*j->j_steps))) == NULL)
		err(1, NULL);
	u = &j->j_steps[j->j_n++];
	memset(u, 0, sizeof(*u));
	u->u_kind = kind;
	u->u_a = undo_strdup(a);
	u->u_b = undo_strdup(b);
	return u;
}

static void
undo_pop(struct undo_log *j)
{
	struct undo *u = &j->j_steps[--j->j_n];

	free(u->u_a);
	free(u->u_b);
	free(u->u_text);
}

void
undo_init(struct undo_log *j, const struct kvm_ctx *ctx, const char *op)
{
	memset(j, 0, sizeof(*j));
	j->j_ctx = ctx;
	j->j_op = op;
}

void
undo_free(struct undo_log *j)
{
	while (j->j_n > 0)
		undo_pop(j);
	free(j->j_steps);
	j->j_steps = NULL;
}

int
undo_zfs_rename(struct undo_log *j, const char *from, const char *to)
{
	undo_push(j, UNDO_RENAME, from, to);
	fault_point(j->j_op);
	if (zfs_rename(j->j_ctx, from, to) == -1) {
		undo_pop(j);
		return -1;
	}
	return 0;
}

/* Record path's current text and mode (none when it does not exist). */
static int
undo_save_file(struct undo_log *j, const char *path)
{
	struct undo *u;
	struct stat st = { 0 };

	u = undo_push(j, UNDO_FILE, path, NULL);
	if (stat(path, &st) == -1 && errno == ENOENT)
		return 0;
	u->u_mode = st.st_mode & 07777;
	/* A failed stat other than ENOENT fails the read too. */
	if (file_read(path, &u->u_text, &u->u_len) == -1) {
		warn("%s", path);
		undo_pop(j);
		return -1;
	}
	return 0;
}

int
undo_write(struct undo_log *j, const char *path, const char *text,
    size_t len, mode_t mode)
{
	if (undo_save_file(j, path) == -1)
		return -1;
	fault_point(j->j_op);
	if (file_write_atomic(path, text, len, mode) == -1) {
		undo_pop(j);
		return -1;
	}
	return 0;
}

int
undo_unlink(struct undo_log *j, const char *path)
{
	if (undo_save_file(j, path) == -1)
		return -1;
	fault_point(j->j_op);
	if (unlink(path) == -1) {
		warn("%s", path);
		undo_pop(j);
		return -1;
	}
	return 0;
}

/* Record var's current value in rc.conf. */
static int
undo_save_var(struct undo_log *j, const char *var)
{
	struct undo *u;
	char *v;
	int r;

	if ((r = sysrc_get(j->j_ctx, var, &v)) == -1)
		return -1;
	u = undo_push(j, UNDO_RCCONF, var, NULL);
	u->u_text = r == 1 ? v : NULL;
	return 0;
}

int
undo_sysrc_set(struct undo_log *j, const char *var, const char *value)
{
	if (undo_save_var(j, var) == -1)
		return -1;
	fault_point(j->j_op);
	if (sysrc_set(j->j_ctx, var, value) == -1) {
		undo_pop(j);
		return -1;
	}
	return 0;
}

int
undo_sysrc_unset(struct undo_log *j, const char *var)
{
	if (undo_save_var(j, var) == -1)
		return -1;
	if (j->j_steps[j->j_n - 1].u_text == NULL) {
		undo_pop(j);	/* not set: nothing to do or undo */
		return 0;
	}
	fault_point(j->j_op);
	if (sysrc_unset(j->j_ctx, var) == -1) {
		undo_pop(j);
		return -1;
	}
	return 1;
}

/* Take one step back; 0 or -1 (reported). */
static int
undo_step(const struct kvm_ctx *ctx, const struct undo *u)
{
	switch (u->u_kind) {
	case UNDO_RENAME:
		return zfs_rename(ctx, u->u_b, u->u_a);
	case UNDO_FILE:
		if (u->u_text != NULL)
			return file_write_atomic(u->u_a, u->u_text, u->u_len,
			    u->u_mode);
		if (unlink(u->u_a) == -1 && errno != ENOENT) {
			warn("%s", u->u_a);
			return -1;
		}
		return 0;
	case UNDO_RCCONF:
		if (u->u_text != NULL)
			return sysrc_set(ctx, u->u_a, u->u_text);
		return sysrc_unset(ctx, u->u_a);
	}
	return -1;
}

int
undo_rollback(struct undo_log *j)
{
	int r = 0;

	while (j->j_n > 0) {
		if (undo_step(j->j_ctx, &j->j_steps[j->j_n - 1]) == -1)
			r = -1;
		undo_pop(j);
	}
	return r;
}
