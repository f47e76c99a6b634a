/*
 * recover.h: finishing or undoing an operation a dead command left in
 * its intent journal (journal.h), from the journal and what is on disk
 * now: every step is done again only where it is not yet done, so a
 * recovery that is itself interrupted is simply run again.
 */
#ifndef KVM_HOST_RECOVER_H
#define KVM_HOST_RECOVER_H

struct journal;
struct kvm_ctx;

/*
 * Finish or undo the operation of journal j, whose lock and VM locks
 * the caller holds, and say which on stderr ("kvm: web: undid an
 * interrupted create").  0, or -1 (reported).
 */
int	 recover_journal(const struct kvm_ctx *, const struct journal *j);

#endif /* !KVM_HOST_RECOVER_H */
