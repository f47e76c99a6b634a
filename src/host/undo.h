/*
 * undo.h: a journal of steps, each taken back by undo_rollback.
 */
#ifndef KVM_HOST_UNDO_H
#define KVM_HOST_UNDO_H

#include <sys/types.h>

#include <stddef.h>

struct kvm_ctx;

struct undo;
struct journal {
	const struct kvm_ctx	*j_ctx;
	struct undo		*j_steps;
	size_t			 j_n;
};
void	 undo_init(struct journal *, const struct kvm_ctx *);
/* Forget the steps (they stay done). */
void	 undo_free(struct journal *);
/* Each does one step and records it; 0, or -1 (reported, not done). */
int	 undo_zfs_rename(struct journal *, const char *from, const char *to);
int	 undo_write(struct journal *, const char *path, const char *text,
	    size_t len, mode_t mode);
int	 undo_unlink(struct journal *, const char *path);
int	 undo_sysrc_set(struct journal *, const char *var,
	    const char *value);
/* 1 when var was set and is now removed, 0 when it was not set. */
int	 undo_sysrc_unset(struct journal *, const char *var);
/* Take every step back, newest first; -1 if one could not be (reported). */
int	 undo_rollback(struct journal *);

#endif /* !KVM_HOST_UNDO_H */
