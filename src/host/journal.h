/*
 * journal.h: the intent journal of the multi-step commands (create,
 * rename, clone, destroy, uninstall, disk add),
 * ROOT/var/db/kvm/OP.NAME.  A command writes what it is about to do,
 * durably, before its first change, holds the file locked while it
 * works and removes it when it is done; the next command that looks at
 * a VM named in a journal left behind by a dead one finishes or undoes
 * that operation (recover.c).
 *
 * Why /var/db and not /var/run: FreeBSD's rc.d/cleanvar deletes every
 * file under /var/run at boot, while what a half-done command leaves
 * (datasets, rc.d scripts, rc.conf) survives a power loss, so its
 * journal must too; /var/db is where the base system keeps state that
 * survives a reboot.  Outside the kvm dataset so that it outlives
 * uninstall's destroy of that dataset.
 */
#ifndef KVM_HOST_JOURNAL_H
#define KVM_HOST_JOURNAL_H

#include <limits.h>
#include <stddef.h>

struct kvm_ctx;

#define KVM_JOURNALDIR	"/var/db/kvm"

/* One operation's intent: "key=value" lines, first "op" and "name". */
struct journal {
	char	  j_path[PATH_MAX];	/* "" until written */
	int	  j_fd;			/* locked while the op runs */
	char	**j_kv;
	size_t	  j_n;
};

void	 journal_init(struct journal *, const char *op, const char *name);
/* Add a key=value line (value printf-style); values hold no newline. */
void	 journal_add(struct journal *, const char *key, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 3, 4)));
/* Add "vm=NAME": a VM whose lock recovery takes first. */
void	 journal_vm(struct journal *, const char *name);
/* Add "also=NAME": a VM whose name finds the journal, not locked. */
void	 journal_also(struct journal *, const char *name);
/*
 * Write the journal to ROOT/var/db/kvm/OP.NAME durably (fsync of the
 * file and of the directory), locked by this process and the programs
 * it starts for as long as they live.  0, or -1 after one warning (an
 * existing journal of that name included) with nothing written.
 */
int	 journal_begin(const struct kvm_ctx *, struct journal *);
/* The operation is done (or was undone): remove the journal durably. */
void	 journal_end(struct journal *);
/* Free the lines (journal_end does it too). */
void	 journal_free(struct journal *);
/*
 * The value of the i-th line with key (i from 0), or NULL when there
 * are fewer.
 */
const char *journal_get(const struct journal *, const char *key, size_t i);

/*
 * Finish or undo every operation a dead command left in a journal
 * naming VM name (every one when name is NULL; uninstall's names all):
 * each is recovered with its journal and the locks of its VMs held,
 * and says so on stderr ("kvm: web: finished an interrupted rename to
 * db").  One that is still running (its journal or a lock is held) is
 * left alone.  The number recovered, or -1 when one could not be
 * (reported; its journal stays for the next try).
 */
int	 journal_recover(const struct kvm_ctx *, const char *name);

#endif /* !KVM_HOST_JOURNAL_H */
