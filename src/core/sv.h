/*
 * sv.h: the supervisor's state machine (pure).  sv_next: from the
 * current state, the result of the step just done (0 or an exit status
 * for the hooks, the loader and the preparation; bhyve's exit status,
 * or -1 when it could not be started, for SV_BHYVE), the request flags
 * and the time, it returns the next state and records why the
 * supervisor ends (sv_end) or that it restarts after a fault.
 */
#ifndef KVM_CORE_SV_H
#define KVM_CORE_SV_H

#include <stddef.h>
#include <time.h>

enum sv_state {
	SV_PREPARE,	/* modules, leftover instance, VNC port */
	SV_PRERUN,	/* the preRun hook */
	SV_LOADER,	/* grub-bhyve or bhyveload */
	SV_BHYVE,	/* bhyve runs the guest */
	SV_POSTRUN,	/* the postRun hook */
	SV_END		/* done: see sv_end */
};

/* bhyve's exit status decoded (bhyve-facts.md 2.1). */
enum sv_exit {
	SVX_REBOOT,	/* 0 */
	SVX_POWEROFF,	/* 1 */
	SVX_HALT,	/* 2 */
	SVX_TRIPLE,	/* 3: triple fault */
	SVX_ERROR,	/* 4 */
	SVX_SIGNAL,	/* killed by a signal (128+N) */
	SVX_OTHER	/* anything else, or not started (-1) */
};

enum sv_end {
	SVEND_NONE,	/* not ended */
	SVEND_POWEROFF,	/* the guest powered off (exit 0) */
	SVEND_HALT,	/* the guest halted (exit 0) */
	SVEND_STOP,	/* stop requested (exit 0) */
	SVEND_LAST,	/* end after the run requested: shutdown (exit 0) */
	SVEND_FAULT,	/* fault with OnFault=stop (exit 1) */
	SVEND_GIVEUP,	/* fault, too many restarts (exit 1) */
	SVEND_PRERUN,	/* preRun failed (exit 1) */
	SVEND_LOADER,	/* the loader failed (exit 1) */
	SVEND_ERROR	/* kvm could not do a step (exit 1) */
};

#define SV_RESTART_MAX		3	/* restarts after faults ... */
#define SV_RESTART_WINDOW	60	/* ... within this many seconds */

struct sv {
	enum sv_state	 sv_state;
	enum sv_end	 sv_end;	/* why it ended, when SV_END */
	enum sv_end	 sv_pending;	/* end decided before postRun */
	int		 sv_status;	/* bhyve's last exit status, -1 none */
	int		 sv_loader;	/* the rom needs a loader run */
	int		 sv_restart;	/* OnFault=restart */
	int		 sv_stop;	/* stop requested: end now */
	int		 sv_last;	/* end after this run */
	int		 sv_run;	/* the run under way, from 1 */
	int		 sv_restarted;	/* the last transition was a restart */
	int		 sv_nrestart;	/* restarts in sv_restarts */
	time_t		 sv_restarts[SV_RESTART_MAX];
};

void		 sv_init(struct sv *, int loader, int restart);
enum sv_state	 sv_next(struct sv *, int result, time_t now);
enum sv_exit	 sv_decode(int status);
/* "SIGKILL" for 9, NULL for a signal without a name here. */
const char	*sv_signame(int sig);
/* "reboot", "power-off", "triple fault", "signal 9 (SIGKILL)" ... */
const char	*sv_meaning(int status, char *buf, size_t bufsz);
/* The supervisor's exit status for an ended machine: 0 or 1. */
int		 sv_exitcode(const struct sv *);

#endif /* !KVM_CORE_SV_H */
