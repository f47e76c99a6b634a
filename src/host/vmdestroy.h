/*
 * vmdestroy.h: removing a stopped VM for good (its rc.conf variables,
 * its kvm rc.d script, then its dataset), all or nothing, under an
 * intent journal so that a crash half way is finished by the next
 * command (recover.c).  Used by destroy, uninstall and send -m.
 */
#ifndef KVM_HOST_VMDESTROY_H
#define KVM_HOST_VMDESTROY_H

#include <stdio.h>

struct journal;
struct kvm_ctx;
struct undo_log;

/*
 * Plan the removal of the rc.conf variables of VM name (when vars) and
 * of its kvm rc.d script (when script): "unset=VAR" and "rc=NAME"
 * lines in the intent journal, in the order they are carried out.
 */
void	 vmdestroy_plan(struct journal *, const char *name, int vars,
	    int script);
/*
 * Carry out the journal's plan, each step recorded in the undo log;
 * what was removed goes to log (may be NULL).  *what says what failed.
 */
int	 vmdestroy_rc(struct undo_log *, const struct kvm_ctx *,
	    const struct journal *, FILE *log, const char **what);
/*
 * Destroy the stopped VM name, whose dataset is ds and whose locks the
 * caller holds: the rc.conf variables, the rc.d script, then the
 * dataset; or nothing.  0, or -1 (reported, with op naming the
 * command in the message: "web: destroy failed: ...").
 */
int	 vm_destroy(const struct kvm_ctx *, const char *name, const char *ds,
	    const char *op);

#endif /* !KVM_HOST_VMDESTROY_H */
