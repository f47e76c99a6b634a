/*
 * rc.h: kvm's rc.d script for a VM, ROOT/usr/local/etc/rc.d/NAME.  kvm reads, rewrites or removes only a
 * script carrying its marker line for that very VM ("# kvm rc.d script
 * for VM NAME").  Its host script, rc.d/kvm ("# kvm host rc.d script"),
 * loads the modules at boot and stops all VMs at host shutdown.
 */
#ifndef KVM_HOST_RC_H
#define KVM_HOST_RC_H

#include <stddef.h>

struct kvm_ctx;

#define RC_MARKER	"# kvm rc.d script for VM "
#define RC_HOST_MARKER	"# kvm host rc.d script"
#define RC_HOST_NAME	"kvm"	/* the host script's file name */
#define RC_DEF_TIMEOUT	60	/* seconds a script waits for its guest */
#define RC_WORDS_MAX	256
struct rc_fields {
	char	rf_require[RC_WORDS_MAX];
	char	rf_before[RC_WORDS_MAX];
	char	rf_keyword[RC_WORDS_MAX];
};
enum rc_kind	{ RC_NONE, RC_KVM, RC_FOREIGN };
/* The rc.conf prefix of a VM's variables: NAME, '.' and '-' as '_'. */
void	 rc_varname(const char *name, char *buf, size_t bufsz);
int	 rc_path(const struct kvm_ctx *, const char *name, char *buf,
	    size_t bufsz);
/* What ROOT/usr/local/etc/rc.d/NAME is (enum rc_kind); the fields of
 * kvm's script into rf when rf is not NULL.  -1 when it cannot be read
 * (reported). */
int	 rc_read(const struct kvm_ctx *, const char *name,
	    struct rc_fields *rf);
/* The script's text; caller frees. */
char	*rc_text(const struct kvm_ctx *, const char *name,
	    const struct rc_fields *);
/* 0, or -1 after "kvm: NAME: ..." when NAME's script may not be written
 * (a foreign file, a base system script, or another VM's script using
 * the same rc.conf variables). */
int	 rc_check_free(const struct kvm_ctx *, const char *name,
	    const char *except);
/* 1 and its name in other when the kvm script of another VM (not name,
 * not except) uses name's rc.conf variables, 0 when none does, -1. */
int	 rc_var_taken(const struct kvm_ctx *, const char *name,
	    const char *except, char *other, size_t othersz);
/* 1 when the rc.conf variables named after VM name are its own: no
 * foreign rc.d script of that name and no other VM's kvm script reads
 * them; else 0, or -1 (reported). */
int	 rc_owns_vars(const struct kvm_ctx *, const char *name);
/* VMs with a kvm script in rc.d, sorted; free with strlist_free. */
int	 rc_scripts(const struct kvm_ctx *, char ***names, size_t *n);
/* The text of kvm's host script (rc.d/kvm); caller frees. */
char	*rc_host_text(const struct kvm_ctx *);
/* Write rc.d/kvm (mode 0555) unless a file that is not kvm's host
 * script is there: then -1 after a message, as on any error. */
int	 rc_host_write(const struct kvm_ctx *);
/* Remove rc.d/kvm when it is kvm's host script: 1 when removed, 0
 * when there was none, -1 (reported). */
int	 rc_host_remove(const struct kvm_ctx *);
/* The suffixes of the rc.conf variables a script reads, NULL-ended. */
extern const char *const rc_suffixes[];
#endif /* !KVM_HOST_RC_H */
