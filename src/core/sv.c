/*
 * sv.c: the supervisor's state machine (pure).  One run of the guest is
 * prepare, preRun, the loader, bhyve, postRun; sv_next decides from the
 * result of the step just done, bhyve's exit status and the request
 * flags what comes next: another run, a restart after a fault
 * (rate-limited), or the end.  The driver is host/supervise.c.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "core/sv.h"

void
sv_init(struct sv *sv, int loader, int restart)
{
	memset(sv, 0, sizeof(*sv));
	sv->sv_state = SV_PREPARE;
	sv->sv_end = SVEND_NONE;
	sv->sv_pending = SVEND_NONE;
	sv->sv_status = -1;
	sv->sv_loader = loader;
	sv->sv_restart = restart;
	sv->sv_run = 1;
}

enum sv_exit
sv_decode(int status)
{
	switch (status) {
	case 0:
		return SVX_REBOOT;
	case 1:
		return SVX_POWEROFF;
	case 2:
		return SVX_HALT;
	case 3:
		return SVX_TRIPLE;
	case 4:
		return SVX_ERROR;
	}
	if (status > 128 && status < 128 + 65)
		return SVX_SIGNAL;
	return SVX_OTHER;
}

const char *
sv_signame(int sig)
{
	static const struct { int sig; const char *name; } tab[] = {
		{ SIGHUP, "SIGHUP" }, { SIGINT, "SIGINT" },
		{ SIGQUIT, "SIGQUIT" }, { SIGILL, "SIGILL" },
		{ SIGTRAP, "SIGTRAP" }, { SIGABRT, "SIGABRT" },
		{ SIGBUS, "SIGBUS" }, { SIGFPE, "SIGFPE" },
		{ SIGKILL, "SIGKILL" }, { SIGSEGV, "SIGSEGV" },
		{ SIGPIPE, "SIGPIPE" }, { SIGALRM, "SIGALRM" },
		{ SIGTERM, "SIGTERM" }, { SIGUSR1, "SIGUSR1" },
		{ SIGUSR2, "SIGUSR2" },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].sig == sig)
			return tab[i].name;
	return NULL;
}

const char *
sv_meaning(int status, char *buf, size_t sz)
{
	static const char *const names[] = {
		"reboot", "power-off", "halt", "triple fault", "error"
	};
	const char *sig;

	switch (sv_decode(status)) {
	case SVX_SIGNAL:
		if ((sig = sv_signame(status - 128)) != NULL)
			snprintf(buf, sz, "killed by signal %d (%s)",
			    status - 128, sig);
		else
			snprintf(buf, sz, "killed by signal %d",
			    status - 128);
		break;
	case SVX_OTHER:
		snprintf(buf, sz, status == -1 ? "not started" :
		    "unexpected status");
		break;
	default:
		snprintf(buf, sz, "%s", names[status]);
	}
	return buf;
}

/* Restarts within the window before now; older ones are forgotten. */
static int
sv_window(struct sv *sv, time_t now)
{
	int i, n = 0;

	for (i = 0; i < sv->sv_nrestart; i++)
		if (now - sv->sv_restarts[i] < SV_RESTART_WINDOW)
			sv->sv_restarts[n++] = sv->sv_restarts[i];
	return sv->sv_nrestart = n;
}

static enum sv_state
sv_finish(struct sv *sv, enum sv_end why)
{
	sv->sv_end = why;
	return sv->sv_state = SV_END;
}

static enum sv_state
sv_goto(struct sv *sv, enum sv_state st)
{
	return sv->sv_state = st;
}

/* After postRun: another run, a restart, or the end. */
static enum sv_state
sv_decide(struct sv *sv, time_t now)
{
	if (sv->sv_pending != SVEND_NONE)
		return sv_finish(sv, sv->sv_pending);
	if (sv->sv_stop)
		return sv_finish(sv, SVEND_STOP);
	if (sv->sv_last)
		return sv_finish(sv, SVEND_LAST);
	switch (sv_decode(sv->sv_status)) {
	case SVX_REBOOT:
		sv->sv_run++;
		return sv_goto(sv, SV_PREPARE);
	case SVX_POWEROFF:
		return sv_finish(sv, SVEND_POWEROFF);
	case SVX_HALT:
		return sv_finish(sv, SVEND_HALT);
	default:
		break;
	}
	if (!sv->sv_restart)
		return sv_finish(sv, SVEND_FAULT);
	if (sv_window(sv, now) >= SV_RESTART_MAX)
		return sv_finish(sv, SVEND_GIVEUP);
	sv->sv_restarts[sv->sv_nrestart++] = now;
	sv->sv_restarted = 1;
	sv->sv_run++;
	return sv_goto(sv, SV_PREPARE);
}

/*
 * The transition function.  result is what the step of the current
 * state gave: 0 or an exit status (or -1: could not be done) for the
 * preparation, the hooks and the loader; bhyve's exit status (or -1:
 * not started) for SV_BHYVE.  A stop request ends the run at once
 * (postRun still runs once preRun has), an end-after-this-run request
 * lets a running bhyve finish but starts none.
 */
enum sv_state
sv_next(struct sv *sv, int result, time_t now)
{
	sv->sv_restarted = 0;
	switch (sv->sv_state) {
	case SV_PREPARE:
		if (result != 0)
			return sv_finish(sv, SVEND_ERROR);
		if (sv->sv_stop || sv->sv_last)
			return sv_finish(sv, sv->sv_stop ? SVEND_STOP :
			    SVEND_LAST);
		sv->sv_status = -1;
		sv->sv_pending = SVEND_NONE;
		return sv_goto(sv, SV_PRERUN);
	case SV_PRERUN:
		/* A request may have ended preRun itself: postRun runs. */
		if (sv->sv_stop || sv->sv_last) {
			sv->sv_pending = sv->sv_stop ? SVEND_STOP : SVEND_LAST;
			return sv_goto(sv, SV_POSTRUN);
		}
		if (result != 0)
			return sv_finish(sv, SVEND_PRERUN);
		return sv_goto(sv, sv->sv_loader ? SV_LOADER : SV_BHYVE);
	case SV_LOADER:
		if (sv->sv_stop || sv->sv_last)
			sv->sv_pending = sv->sv_stop ? SVEND_STOP : SVEND_LAST;
		else if (result != 0)
			sv->sv_pending = SVEND_LOADER;
		else
			return sv_goto(sv, SV_BHYVE);
		return sv_goto(sv, SV_POSTRUN);
	case SV_BHYVE:
		sv->sv_status = result;
		if (result == -1)
			sv->sv_pending = SVEND_ERROR;
		return sv_goto(sv, SV_POSTRUN);
	case SV_POSTRUN:
		return sv_decide(sv, now);
	case SV_END:
		break;
	}
	return SV_END;
}

int
sv_exitcode(const struct sv *sv)
{
	switch (sv->sv_end) {
	case SVEND_POWEROFF:
	case SVEND_HALT:
	case SVEND_STOP:
	case SVEND_LAST:
		return 0;
	default:
		return 1;
	}
}

