/*
 * cmd_test.c: the command layer without main.c.  This program links
 * src/libkvm.a and not src/main.o, so building it proves the library
 * needs nothing of main.c; the cases check that a command takes its
 * usage line and subcommands from the row it is handed, not from a
 * table of its own.
 */
#include <stdlib.h>
#include <unistd.h>

#include <atf-c.h>

#include "host/paths.h"
#include "cmd/cmd.h"

/* Like snap's: list only reads, so it alone needs no root. */
static const struct cmd_sub subs[] = {
	{ "create",	CMD_ROOT },
	{ "destroy",	CMD_ROOT },
	{ "rollback",	CMD_ROOT },
	{ "list",	0 },
	{ NULL,		0 },
};

static const struct cmd snaprow = {
	"snap", NULL, cmd_snap, "create|destroy|rollback|list name", 0, subs
};

ATF_TC_WITHOUT_HEAD(sub);
ATF_TC_BODY(sub, tc)
{
	const struct cmd_sub *s;

	ATF_REQUIRE((s = cmd_sub(&snaprow, "c")) != NULL);
	ATF_CHECK_STREQ("create", s->cs_name);
	ATF_CHECK_EQ(CMD_ROOT, s->cs_flags);
	ATF_REQUIRE((s = cmd_sub(&snaprow, "create")) != NULL);
	ATF_CHECK_STREQ("create", s->cs_name);
	/* The seed's "snap c...": the first letter decides. */
	ATF_REQUIRE((s = cmd_sub(&snaprow, "cx")) != NULL);
	ATF_CHECK_STREQ("create", s->cs_name);
	ATF_REQUIRE((s = cmd_sub(&snaprow, "d")) != NULL);
	ATF_CHECK_STREQ("destroy", s->cs_name);
	ATF_REQUIRE((s = cmd_sub(&snaprow, "rollback")) != NULL);
	ATF_CHECK_STREQ("rollback", s->cs_name);
	ATF_REQUIRE((s = cmd_sub(&snaprow, "l")) != NULL);
	ATF_CHECK_STREQ("list", s->cs_name);
	ATF_CHECK_EQ(0, s->cs_flags);
	ATF_CHECK(cmd_sub(&snaprow, "x") == NULL);
	ATF_CHECK(cmd_sub(&snaprow, "") == NULL);
}

ATF_TC_WITHOUT_HEAD(sub_none);
ATF_TC_BODY(sub_none, tc)
{
	static const struct cmd row = {
		"stop", NULL, cmd_stop, "name", CMD_ROOT, NULL
	};

	ATF_CHECK(cmd_sub(&row, "create") == NULL);
	ATF_CHECK(cmd_sub(&row, "") == NULL);
}

ATF_TC_WITHOUT_HEAD(usage);
ATF_TC_BODY(usage, tc)
{
	static const struct cmd row = {
		"verb", NULL, NULL, "[-q] operand ...", 0, NULL
	};
	pid_t pid;

	if ((pid = atf_utils_fork()) == 0)
		cmd_usage(&row);
	atf_utils_wait(pid, 2, "", "usage: kvm verb [-q] operand ...\n");
}

/*
 * run: call row's handler as main.c would (fresh getopt, silent about
 * bad options, a context from the environment) in a child; it must
 * exit with status and exactly err on stderr, nothing on stdout.
 */
static void
run(const struct cmd *row, int argc, char **argv, int status,
    const char *err)
{
	struct kvm_ctx ctx;
	pid_t pid;

	if ((pid = atf_utils_fork()) == 0) {
		ctx_init(&ctx);
		opterr = 0;
		optind = 1;
		exit(row->c_fn(&ctx, row, argc, argv));
	}
	atf_utils_wait(pid, status, "", err);
}

ATF_TC_WITHOUT_HEAD(handler_usage);
ATF_TC_BODY(handler_usage, tc)
{
	/* Not main.c's usage: the line comes from this row. */
	static const struct cmd row = {
		"status", NULL, cmd_status, "[-j] name-of-this-row", 0, NULL
	};
	char *bad[] = { "status", "-x", "web", NULL };
	char *none[] = { "status", NULL };
	char *two[] = { "status", "-j", "web", "db", NULL };

	run(&row, 3, bad, 2, "usage: kvm status [-j] name-of-this-row\n");
	run(&row, 1, none, 2, "usage: kvm status [-j] name-of-this-row\n");
	run(&row, 4, two, 2, "usage: kvm status [-j] name-of-this-row\n");
}

ATF_TC_WITHOUT_HEAD(handler_alias);
ATF_TC_BODY(handler_alias, tc)
{
	/* One handler, two rows: each answers with its own verb. */
	static const struct cmd row = {
		"list", NULL, cmd_list, "[-j] (row of the test)", 0, NULL
	};
	char *bad[] = { "list", "-q", NULL };

	run(&row, 2, bad, 2, "usage: kvm list [-j] (row of the test)\n");
}

ATF_TC_WITHOUT_HEAD(handler_sub);
ATF_TC_BODY(handler_sub, tc)
{
	/* snap finds its subcommand in the row's table (no root: list). */
	char *unknown[] = { "snap", "x", "web", NULL };
	char *noname[] = { "snap", "l", NULL };
	char *nosub[] = { "snap", NULL };

	run(&snaprow, 3, unknown, 2,
	    "usage: kvm snap create|destroy|rollback|list name\n");
	run(&snaprow, 2, noname, 2,
	    "usage: kvm snap create|destroy|rollback|list name\n");
	run(&snaprow, 1, nosub, 2,
	    "usage: kvm snap create|destroy|rollback|list name\n");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, sub);
	ATF_TP_ADD_TC(tp, sub_none);
	ATF_TP_ADD_TC(tp, usage);
	ATF_TP_ADD_TC(tp, handler_usage);
	ATF_TP_ADD_TC(tp, handler_alias);
	ATF_TP_ADD_TC(tp, handler_sub);
	return atf_no_error();
}
