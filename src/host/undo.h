/*
 * undo.h: an in-memory log of steps, each taken back by undo_rollback
 * when a later one fails (a crash is journal.h's business).  Each step
 * is a fault point of the log's operation (fault.h).
 */
#ifndef KVM_HOST_UNDO_H
#define KVM_HOST_UNDO_H

#include <sys/types.h>

#include <stddef.h>

struct kvm_ctx;

struct undo;
struct undo_log {
	const struct kvm_ctx	*j_ctx;
	const char		*j_op;		/* for fault_point */
	struct undo		*j_steps;
	size_t			 j_n;
};
/* op names the operation's fault points (fault.h). */
void	 undo_init(struct undo_log *, const struct kvm_ctx *, const char *op);
/* Forget the steps (they stay done). */
void	 undo_free(struct undo_log *);
/* Each does one step and records it; 0, or -1 (reported, not done). */
int	 undo_zfs_rename(struct undo_log *, const char *from, const char *to);
int	 undo_write(struct undo_log *, const char *path, const char *text,
	    size_t len, mode_t mode);
int	 undo_unlink(struct undo_log *, const char *path);
int	 undo_sysrc_set(struct undo_log *, const char *var,
	    const char *value);
/* 1 when var was set and is now removed, 0 when it was not set. */
int	 undo_sysrc_unset(struct undo_log *, const char *var);
/* Take every step back, newest first; -1 if one could not be (reported). */
int	 undo_rollback(struct undo_log *);

#endif /* !KVM_HOST_UNDO_H */
