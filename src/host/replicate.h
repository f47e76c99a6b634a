/*
 * replicate.h: moving a VM's dataset to another host with ZFS
 * replication over ssh (kvm send and kvm receive).  The remote command
 * that ssh hands to a shell is built only from words checked here, so
 * no value can carry a shell metacharacter.
 */
#ifndef KVM_HOST_REPLICATE_H
#define KVM_HOST_REPLICATE_H

#include <stddef.h>
#include <stdint.h>

struct kvm_ctx;

/* What ssh(1) is asked for: BatchMode, so it never prompts. */
#define REPL_SSH_OPT	"BatchMode=yes"
/* The program run on the other host, found on its PATH. */
#define REPL_REMOTE	"kvm"
#define REPL_HOST_MAX	253	/* a DNS name */
#define REPL_USER_MAX	32

/*
 * [user@]host: host of letters, digits, '.', '-' and ':' (a name, an
 * IPv4 or IPv6 address), user of letters, digits, '.', '_' and '-';
 * neither empty nor starting with '-' (ssh would take it for an
 * option).  0, or -1 and a message in err.
 */
int	 repl_valid_dest(const char *dest, char *err, size_t errsz);
/*
 * A word kvm puts on the remote command line: a snapshot name it made,
 * a guid, an absolute path of letters, digits and "/._-" (path != 0).
 * 0 or -1 (no message: the caller names the word).
 */
int	 repl_valid_word(const char *s, int path);
/*
 * Run "ssh -o BatchMode=yes DEST kvm WORDS..." and collect its stdout
 * into *out (malloc'd, may be NULL to discard); what the remote says on
 * stderr is passed on.  Returns its exit status (255: ssh failed), -1
 * when ssh could not be started.
 */
int	 repl_remote(const struct kvm_ctx *, const char *dest,
	    const char *const words[], char **out);
/*
 * zfs send -R [-I @from] FS@to | ssh ... kvm WORDS...: the exit status
 * of the pipeline (spawn_pipe), -1 when it could not start.
 */
int	 repl_send(const struct kvm_ctx *, const char *fs, const char *from,
	    const char *to, const char *dest, const char *const words[]);
/*
 * zfs receive [-F] fs, the stream on stdin.  0 or -1 (zfs's message
 * passed on).
 */
int	 repl_receive(const struct kvm_ctx *, const char *fs, int force);
/* The guid of FS@SNAP into *guid; 0 or -1 (reported). */
int	 repl_guid(const struct kvm_ctx *, const char *fs, const char *snap,
	    uint64_t *guid);

#endif /* !KVM_HOST_REPLICATE_H */
