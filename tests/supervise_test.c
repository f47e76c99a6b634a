/*
 * supervise_test.c: the supervisor's state machine (sv_next) driven
 * through whole runs, the decoding of bhyve's exit status, and the
 * PATH kvm and the supervisor's children run with (ctx_path).
 */
#include <atf-c.h>

#include <stdlib.h>

#include "core/sv.h"
#include "host/paths.h"
#include "cmd/cmd.h"

/* Feed one result and check the state it leads to. */
#define STEP(sv, result, now, want) do {				\
	ATF_CHECK_EQ_MSG((want), sv_next((sv), (result), (now)),	\
	    "line %d", __LINE__);					\
} while (0)

/* One whole run of a UEFI guest ending with bhyve's status. */
static void
run(struct sv *sv, int status, time_t now, enum sv_state after)
{
	STEP(sv, 0, now, SV_PRERUN);
	STEP(sv, 0, now, sv->sv_loader ? SV_LOADER : SV_BHYVE);
	if (sv->sv_loader)
		STEP(sv, 0, now, SV_BHYVE);
	STEP(sv, status, now, SV_POSTRUN);
	STEP(sv, 0, now, after);
}

ATF_TC_WITHOUT_HEAD(decode);
ATF_TC_BODY(decode, tc)
{
	char buf[64];

	ATF_CHECK_EQ(SVX_REBOOT, sv_decode(0));
	ATF_CHECK_EQ(SVX_POWEROFF, sv_decode(1));
	ATF_CHECK_EQ(SVX_HALT, sv_decode(2));
	ATF_CHECK_EQ(SVX_TRIPLE, sv_decode(3));
	ATF_CHECK_EQ(SVX_ERROR, sv_decode(4));
	ATF_CHECK_EQ(SVX_SIGNAL, sv_decode(128 + 9));
	ATF_CHECK_EQ(SVX_OTHER, sv_decode(64));
	ATF_CHECK_EQ(SVX_OTHER, sv_decode(-1));
	ATF_CHECK_STREQ("reboot", sv_meaning(0, buf, sizeof(buf)));
	ATF_CHECK_STREQ("power-off", sv_meaning(1, buf, sizeof(buf)));
	ATF_CHECK_STREQ("halt", sv_meaning(2, buf, sizeof(buf)));
	ATF_CHECK_STREQ("triple fault", sv_meaning(3, buf, sizeof(buf)));
	ATF_CHECK_STREQ("error", sv_meaning(4, buf, sizeof(buf)));
	ATF_CHECK_STREQ("killed by signal 9 (SIGKILL)",
	    sv_meaning(128 + 9, buf, sizeof(buf)));
	ATF_CHECK_STREQ("killed by signal 15 (SIGTERM)",
	    sv_meaning(128 + 15, buf, sizeof(buf)));
	ATF_CHECK_STREQ("unexpected status", sv_meaning(64, buf, sizeof(buf)));
	ATF_CHECK_STREQ("not started", sv_meaning(-1, buf, sizeof(buf)));
}

ATF_TC_WITHOUT_HEAD(reboot_then_poweroff);
ATF_TC_BODY(reboot_then_poweroff, tc)
{
	struct sv sv;

	sv_init(&sv, 0, 0);
	ATF_CHECK_EQ(SV_PREPARE, sv.sv_state);
	run(&sv, 0, 100, SV_PREPARE);
	ATF_CHECK_EQ(2, sv.sv_run);
	ATF_CHECK_EQ(0, sv.sv_restarted);
	run(&sv, 0, 100, SV_PREPARE);
	run(&sv, 1, 100, SV_END);
	ATF_CHECK_EQ(3, sv.sv_run);
	ATF_CHECK_EQ(SVEND_POWEROFF, sv.sv_end);
	ATF_CHECK_EQ(0, sv_exitcode(&sv));
	/* Ended stays ended. */
	STEP(&sv, 0, 100, SV_END);
}

ATF_TC_WITHOUT_HEAD(halt);
ATF_TC_BODY(halt, tc)
{
	struct sv sv;

	sv_init(&sv, 1, 1);
	run(&sv, 2, 5, SV_END);
	ATF_CHECK_EQ(SVEND_HALT, sv.sv_end);
	ATF_CHECK_EQ(0, sv_exitcode(&sv));
}

ATF_TC_WITHOUT_HEAD(loader_runs_every_time);
ATF_TC_BODY(loader_runs_every_time, tc)
{
	struct sv sv;

	sv_init(&sv, 1, 0);
	run(&sv, 0, 1, SV_PREPARE);
	run(&sv, 1, 1, SV_END);
}

ATF_TC_WITHOUT_HEAD(fault_stop);
ATF_TC_BODY(fault_stop, tc)
{
	static const int faults[] = { 3, 4, 128 + 6, 128 + 15, 64, 71, -1 };
	struct sv sv;
	size_t i;

	for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		sv_init(&sv, 0, 0);
		run(&sv, faults[i], 7, SV_END);
		ATF_CHECK_EQ_MSG(faults[i] == -1 ? SVEND_ERROR : SVEND_FAULT,
		    sv.sv_end, "status %d", faults[i]);
		ATF_CHECK_EQ(faults[i], sv.sv_status);
		ATF_CHECK_EQ(1, sv_exitcode(&sv));
	}
}

ATF_TC_WITHOUT_HEAD(fault_restart_limit);
ATF_TC_BODY(fault_restart_limit, tc)
{
	struct sv sv;

	sv_init(&sv, 0, 1);
	run(&sv, 3, 1000, SV_PREPARE);
	ATF_CHECK_EQ(1, sv.sv_restarted);
	ATF_CHECK_EQ(1, sv.sv_nrestart);
	run(&sv, 3, 1001, SV_PREPARE);
	ATF_CHECK_EQ(2, sv.sv_nrestart);
	run(&sv, 3, 1002, SV_PREPARE);
	ATF_CHECK_EQ(3, sv.sv_nrestart);
	ATF_CHECK_EQ(4, sv.sv_run);
	run(&sv, 3, 1003, SV_END);
	ATF_CHECK_EQ(SVEND_GIVEUP, sv.sv_end);
	ATF_CHECK_EQ(0, sv.sv_restarted);
	ATF_CHECK_EQ(3, sv.sv_status);
	ATF_CHECK_EQ(1, sv_exitcode(&sv));
}

ATF_TC_WITHOUT_HEAD(fault_restart_window);
ATF_TC_BODY(fault_restart_window, tc)
{
	struct sv sv;

	sv_init(&sv, 0, 1);
	run(&sv, 3, 1000, SV_PREPARE);
	run(&sv, 3, 1030, SV_PREPARE);
	run(&sv, 3, 1059, SV_PREPARE);
	/* The first restart is 60 s old: it no longer counts. */
	run(&sv, 3, 1060, SV_PREPARE);
	ATF_CHECK_EQ(3, sv.sv_nrestart);
	run(&sv, 3, 1061, SV_END);
	ATF_CHECK_EQ(SVEND_GIVEUP, sv.sv_end);
}

ATF_TC_WITHOUT_HEAD(reboots_are_not_restarts);
ATF_TC_BODY(reboots_are_not_restarts, tc)
{
	struct sv sv;
	int i;

	sv_init(&sv, 0, 1);
	for (i = 0; i < 10; i++)
		run(&sv, 0, 10, SV_PREPARE);
	ATF_CHECK_EQ(0, sv.sv_nrestart);
	run(&sv, 3, 10, SV_PREPARE);
	ATF_CHECK_EQ(1, sv.sv_nrestart);
	ATF_CHECK_EQ(12, sv.sv_run);
}

ATF_TC_WITHOUT_HEAD(prerun_fails);
ATF_TC_BODY(prerun_fails, tc)
{
	struct sv sv;

	sv_init(&sv, 0, 1);
	STEP(&sv, 0, 1, SV_PRERUN);
	STEP(&sv, 1, 1, SV_END);
	ATF_CHECK_EQ(SVEND_PRERUN, sv.sv_end);
	ATF_CHECK_EQ(1, sv_exitcode(&sv));
}

ATF_TC_WITHOUT_HEAD(prepare_fails);
ATF_TC_BODY(prepare_fails, tc)
{
	struct sv sv;

	sv_init(&sv, 0, 0);
	STEP(&sv, -1, 1, SV_END);
	ATF_CHECK_EQ(SVEND_ERROR, sv.sv_end);
}

ATF_TC_WITHOUT_HEAD(loader_fails);
ATF_TC_BODY(loader_fails, tc)
{
	struct sv sv;

	sv_init(&sv, 1, 1);
	STEP(&sv, 0, 1, SV_PRERUN);
	STEP(&sv, 0, 1, SV_LOADER);
	/* postRun still undoes what preRun did. */
	STEP(&sv, 1, 1, SV_POSTRUN);
	ATF_CHECK_EQ(-1, sv.sv_status);
	STEP(&sv, 0, 1, SV_END);
	ATF_CHECK_EQ(SVEND_LOADER, sv.sv_end);
	ATF_CHECK_EQ(1, sv_exitcode(&sv));
}

ATF_TC_WITHOUT_HEAD(postrun_failure_is_not_fatal);
ATF_TC_BODY(postrun_failure_is_not_fatal, tc)
{
	struct sv sv;

	sv_init(&sv, 0, 0);
	STEP(&sv, 0, 1, SV_PRERUN);
	STEP(&sv, 0, 1, SV_BHYVE);
	STEP(&sv, 0, 1, SV_POSTRUN);
	STEP(&sv, 1, 1, SV_PREPARE);
}

ATF_TC_WITHOUT_HEAD(stop_while_running);
ATF_TC_BODY(stop_while_running, tc)
{
	struct sv sv;

	sv_init(&sv, 0, 1);
	STEP(&sv, 0, 1, SV_PRERUN);
	STEP(&sv, 0, 1, SV_BHYVE);
	sv.sv_stop = 1;
	/* Forced power-off, or killed: either way it ends, cleanly. */
	STEP(&sv, 128 + 9, 1, SV_POSTRUN);
	STEP(&sv, 0, 1, SV_END);
	ATF_CHECK_EQ(SVEND_STOP, sv.sv_end);
	ATF_CHECK_EQ(0, sv_exitcode(&sv));
}

ATF_TC_WITHOUT_HEAD(stop_after_reboot_status);
ATF_TC_BODY(stop_after_reboot_status, tc)
{
	struct sv sv;

	sv_init(&sv, 0, 0);
	STEP(&sv, 0, 1, SV_PRERUN);
	STEP(&sv, 0, 1, SV_BHYVE);
	STEP(&sv, 0, 1, SV_POSTRUN);
	sv.sv_stop = 1;
	STEP(&sv, 0, 1, SV_END);
	ATF_CHECK_EQ(SVEND_STOP, sv.sv_end);
}

ATF_TC_WITHOUT_HEAD(stop_during_loader);
ATF_TC_BODY(stop_during_loader, tc)
{
	struct sv sv;

	sv_init(&sv, 1, 0);
	STEP(&sv, 0, 1, SV_PRERUN);
	STEP(&sv, 0, 1, SV_LOADER);
	sv.sv_stop = 1;
	STEP(&sv, 128 + 15, 1, SV_POSTRUN);
	STEP(&sv, 0, 1, SV_END);
	ATF_CHECK_EQ(SVEND_STOP, sv.sv_end);
	ATF_CHECK_EQ(0, sv_exitcode(&sv));
}

ATF_TC_WITHOUT_HEAD(stop_during_prerun);
ATF_TC_BODY(stop_during_prerun, tc)
{
	struct sv sv;

	sv_init(&sv, 1, 0);
	STEP(&sv, 0, 1, SV_PRERUN);
	sv.sv_stop = 1;
	/* preRun ran: postRun undoes it, no loader, no bhyve. */
	STEP(&sv, 0, 1, SV_POSTRUN);
	STEP(&sv, 0, 1, SV_END);
	ATF_CHECK_EQ(SVEND_STOP, sv.sv_end);
}

ATF_TC_WITHOUT_HEAD(stop_kills_prerun);
ATF_TC_BODY(stop_kills_prerun, tc)
{
	struct sv sv;
	int why;

	/* A preRun ended by the stop (SIGTERM: 143) did not fail. */
	for (why = 0; why < 2; why++) {
		sv_init(&sv, 0, 0);
		STEP(&sv, 0, 1, SV_PRERUN);
		if (why == 0)
			sv.sv_stop = 1;
		else
			sv.sv_last = 1;
		STEP(&sv, 128 + 15, 1, SV_POSTRUN);
		ATF_CHECK_EQ(-1, sv.sv_status);
		STEP(&sv, 128 + 9, 1, SV_END);
		ATF_CHECK_EQ(why == 0 ? SVEND_STOP : SVEND_LAST, sv.sv_end);
		ATF_CHECK_EQ(0, sv_exitcode(&sv));
	}
}

/* PATH is pinned for root on the real host only (ctx_path). */
ATF_TC_WITHOUT_HEAD(path_pinned);
ATF_TC_BODY(path_pinned, tc)
{
	ATF_CHECK_STREQ("/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:"
	    "/usr/local/bin", ctx_path("", 0));
	/* The test bench (KVM_ROOTDIR set) keeps its PATH, root or not. */
	ATF_CHECK(ctx_path("/tmp/root", 0) == NULL);
	ATF_CHECK(ctx_path("", 1001) == NULL);
	ATF_CHECK(ctx_path("/tmp/root", 1001) == NULL);
}

/* ctx_init: KVM_ROOTDIR unset, empty and "/" are all the real host. */
ATF_TC_WITHOUT_HEAD(path_rootdir);
ATF_TC_BODY(path_rootdir, tc)
{
	static const char *const vals[] = { NULL, "", "/" };
	struct kvm_ctx ctx;
	size_t i;

	for (i = 0; i < 3; i++) {
		if (vals[i] == NULL)
			unsetenv("KVM_ROOTDIR");
		else
			setenv("KVM_ROOTDIR", vals[i], 1);
		ctx_init(&ctx);
		ATF_CHECK_STREQ("", ctx.rootdir);
		ATF_CHECK(ctx_path(ctx.rootdir, 0) != NULL);
	}
	setenv("KVM_ROOTDIR", "/tmp/root", 1);
	ctx_init(&ctx);
	ATF_CHECK(ctx_path(ctx.rootdir, 0) == NULL);
}

ATF_TC_WITHOUT_HEAD(stop_before_prerun);
ATF_TC_BODY(stop_before_prerun, tc)
{
	struct sv sv;

	sv_init(&sv, 0, 0);
	sv.sv_stop = 1;
	STEP(&sv, 0, 1, SV_END);
	ATF_CHECK_EQ(SVEND_STOP, sv.sv_end);
}

ATF_TC_WITHOUT_HEAD(last_run_reboot_is_final);
ATF_TC_BODY(last_run_reboot_is_final, tc)
{
	struct sv sv;

	sv_init(&sv, 0, 1);
	STEP(&sv, 0, 1, SV_PRERUN);
	STEP(&sv, 0, 1, SV_BHYVE);
	sv.sv_last = 1;
	STEP(&sv, 0, 1, SV_POSTRUN);
	STEP(&sv, 0, 1, SV_END);
	ATF_CHECK_EQ(SVEND_LAST, sv.sv_end);
	ATF_CHECK_EQ(0, sv_exitcode(&sv));
}

ATF_TC_WITHOUT_HEAD(last_run_killed_is_no_fault);
ATF_TC_BODY(last_run_killed_is_no_fault, tc)
{
	struct sv sv;

	/* A guest without ACPI dies of the power button's SIGTERM. */
	sv_init(&sv, 0, 1);
	STEP(&sv, 0, 1, SV_PRERUN);
	STEP(&sv, 0, 1, SV_BHYVE);
	sv.sv_last = 1;
	STEP(&sv, 128 + 15, 1, SV_POSTRUN);
	STEP(&sv, 0, 1, SV_END);
	ATF_CHECK_EQ(SVEND_LAST, sv.sv_end);
	ATF_CHECK_EQ(0, sv.sv_nrestart);
}

ATF_TC_WITHOUT_HEAD(last_run_starts_no_bhyve);
ATF_TC_BODY(last_run_starts_no_bhyve, tc)
{
	struct sv sv;

	sv_init(&sv, 1, 0);
	STEP(&sv, 0, 1, SV_PRERUN);
	STEP(&sv, 0, 1, SV_LOADER);
	sv.sv_last = 1;
	STEP(&sv, 0, 1, SV_POSTRUN);
	STEP(&sv, 0, 1, SV_END);
	ATF_CHECK_EQ(SVEND_LAST, sv.sv_end);
}

ATF_TC_WITHOUT_HEAD(status_reset_each_run);
ATF_TC_BODY(status_reset_each_run, tc)
{
	struct sv sv;

	sv_init(&sv, 1, 0);
	run(&sv, 0, 1, SV_PREPARE);
	ATF_CHECK_EQ(0, sv.sv_status);
	STEP(&sv, 0, 1, SV_PRERUN);
	ATF_CHECK_EQ(-1, sv.sv_status);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, decode);
	ATF_TP_ADD_TC(tp, reboot_then_poweroff);
	ATF_TP_ADD_TC(tp, halt);
	ATF_TP_ADD_TC(tp, loader_runs_every_time);
	ATF_TP_ADD_TC(tp, fault_stop);
	ATF_TP_ADD_TC(tp, fault_restart_limit);
	ATF_TP_ADD_TC(tp, fault_restart_window);
	ATF_TP_ADD_TC(tp, reboots_are_not_restarts);
	ATF_TP_ADD_TC(tp, prerun_fails);
	ATF_TP_ADD_TC(tp, prepare_fails);
	ATF_TP_ADD_TC(tp, loader_fails);
	ATF_TP_ADD_TC(tp, postrun_failure_is_not_fatal);
	ATF_TP_ADD_TC(tp, stop_while_running);
	ATF_TP_ADD_TC(tp, stop_after_reboot_status);
	ATF_TP_ADD_TC(tp, stop_during_loader);
	ATF_TP_ADD_TC(tp, stop_during_prerun);
	ATF_TP_ADD_TC(tp, stop_kills_prerun);
	ATF_TP_ADD_TC(tp, stop_before_prerun);
	ATF_TP_ADD_TC(tp, path_pinned);
	ATF_TP_ADD_TC(tp, path_rootdir);
	ATF_TP_ADD_TC(tp, last_run_reboot_is_final);
	ATF_TP_ADD_TC(tp, last_run_killed_is_no_fault);
	ATF_TP_ADD_TC(tp, last_run_starts_no_bhyve);
	ATF_TP_ADD_TC(tp, status_reset_each_run);
	return atf_no_error();
}
