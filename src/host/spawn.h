/*
 * spawn.h: the only place that starts processes.  argv[0] is looked up
 * on PATH; the environment (PATH, KVM_ROOTDIR, ...) is inherited.
 * Exit codes are returned as the shell shows them: 0-255 for a normal
 * exit, 128+N for death by signal N, -1 when the program could not be
 * started (already reported).
 */
#ifndef KVM_HOST_SPAWN_H
#define KVM_HOST_SPAWN_H

#include <sys/types.h>

struct kvm_ctx;

int	 spawn_run(const struct kvm_ctx *, char *const argv[]);
/*
 * Run and collect stdout and stderr (either pointer may be NULL to
 * discard that stream); strings are NUL-terminated and malloc'd.
 */
int	 spawn_capture(const struct kvm_ctx *, char *const argv[],
	    char **out, char **errout);
/* Start without waiting; returns the pid or -1.  stdio inherited. */
pid_t	 spawn_start(const struct kvm_ctx *, char *const argv[]);
/*
 * Run argv with its environment changed by env (NULL-terminated):
 * "NAME=value" replaces or adds NAME, a bare "NAME" removes it.
 * Returns what spawn_run returns.
 */
int	 spawn_run_env(const struct kvm_ctx *, char *const argv[],
	    char *const env[]);
/*
 * Reap pid if it has ended: 1 with its status in *status (as spawn_run
 * returns it), 0 while it still runs, -1 on error (reported).
 */
int	 spawn_poll(pid_t pid, int *status);
/*
 * Go to the background: fork; the child gets a new session, stdin from
 * /dev/null, stdout/stderr appended to log and / as its directory.
 * Returns 0 in the child, the child's pid in the parent, -1 (reported)
 * on failure.  Open descriptors (a held lock) are shared with the child.
 */
pid_t	 spawn_detach(const char *log);

/*
 * from | to: from's stdout into to's stdin, stdin of from and stdout of
 * to inherited.  0 when both exited 0, else the first failure's status
 * (to's before from's), -1 when one could not start (reported).
 */
int	 spawn_pipe(const struct kvm_ctx *, char *const from[],
	    char *const to[]);

#endif /* !KVM_HOST_SPAWN_H */
