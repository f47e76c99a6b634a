/*
 * spawn.h: the only place that starts processes.  argv[0] is looked up
 * on PATH; the environment (PATH, KVM_ROOTDIR, ...) is inherited.
 * Every child starts with the default action for every signal and an
 * empty signal mask, whatever kvm itself blocks or ignores.
 * Exit codes are returned as the shell shows them: 0-255 for a normal
 * exit, 128+N for death by signal N, -1 when the program could not be
 * started (already reported).  Nothing here exits the process.
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

/* How spawn_start_opts starts a child; all zero: as spawn_start. */
struct spawn_opts {
	char *const	*so_env;	/* changes, as for spawn_run_env */
	int		 so_quiet;	/* stdout and stderr to /dev/null */
	int		 so_nullin;	/* stdin from /dev/null */
	int		 so_pgroup;	/* leads a process group of its own */
};
pid_t	 spawn_start_opts(const struct kvm_ctx *, char *const argv[],
	    const struct spawn_opts *);

/*
 * Who waits for a child that must run to its end: sr_run starts argv
 * as opts say and returns its exit status (as spawn_run does).  The
 * supervisor passes its own, which answers stop requests while it
 * waits; where a runner may be NULL, spawn_run_opts is used.
 */
struct spawn_runner {
	int	(*sr_run)(void *cookie, char *const argv[],
		    const struct spawn_opts *opts);
	void	*sr_cookie;
};
int	 spawn_run_opts(const struct kvm_ctx *, char *const argv[],
	    const struct spawn_opts *);
/*
 * A runner for a command (not the supervisor) that must not wait for
 * ever: cookie is a struct spawn_bound; after sb_secs the child (its
 * process group, with so_pgroup) gets SIGTERM, SPAWN_KILL_AFTER seconds
 * later SIGKILL.  Returns its exit status as spawn_run does.
 */
#define SPAWN_KILL_AFTER	3
struct spawn_bound {
	const struct kvm_ctx	*sb_ctx;
	unsigned		 sb_secs;
	const char		*sb_what;	/* for the warning; NULL: argv[0] */
};
int	 spawn_run_bounded(void *cookie, char *const argv[],
	    const struct spawn_opts *);
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
 * 1 if pid has ended but is not reaped yet (its pid, and its process
 * group if it led one, still belong to it), 0 while it runs, -1 on
 * error (reported).
 */
int	 spawn_ended(pid_t pid);
/*
 * Go to the background: fork; the child gets a new session, stdin from
 * /dev/null, stdout/stderr appended to log and / as its directory.
 * Returns 0 in the child, the child's pid in the parent, -1 (reported)
 * on failure, in the parent or in the child (which should then end).
 * Open descriptors (a held lock) are shared with the child.
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
