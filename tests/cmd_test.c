/*
 * cmd_test.c: the command layer without main.c.  This program links
 * src/libkvm.a and not src/main.o, so building it proves the library
 * needs nothing of main.c; the cases check that a command takes its
 * usage line and subcommands from the row it is handed, not from a
 * table of its own.
 */
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	"snap", NULL, cmd_snap, "create|destroy|rollback|list name", 0, subs,
	"snapshots of the test"
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
		"stop", NULL, cmd_stop, "name", CMD_ROOT, NULL,
		"a row of the test"
	};

	ATF_CHECK(cmd_sub(&row, "create") == NULL);
	ATF_CHECK(cmd_sub(&row, "") == NULL);
}

/*
 * child: fork with stdout and stderr to the files out and err; 0 in the
 * child.  (atf_utils_fork would do, but its child leaks what it
 * allocates, which the sanitizer build reports as a failure.)
 */
static pid_t
child(void)
{
	pid_t pid;
	int o, e;

	fflush(stdout);
	fflush(stderr);
	ATF_REQUIRE((pid = fork()) != -1);
	if (pid != 0)
		return pid;
	if ((o = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1 ||
	    (e = open("err", O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1 ||
	    dup2(o, STDOUT_FILENO) == -1 || dup2(e, STDERR_FILENO) == -1)
		_exit(99);
	return 0;
}

/* The whole of file name (up to 4 KB less one). */
static const char *
slurp(const char *name)
{
	static char buf[4096];
	FILE *f;
	size_t n;

	ATF_REQUIRE((f = fopen(name, "r")) != NULL);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Wait for pid: it must exit with status, printing out and err. */
static void
reap(pid_t pid, int status, const char *out, const char *err)
{
	int st;

	ATF_REQUIRE(waitpid(pid, &st, 0) == pid);
	ATF_REQUIRE_MSG(WIFEXITED(st), "child died of signal %d",
	    WTERMSIG(st));
	ATF_CHECK_EQ_MSG(status, WEXITSTATUS(st), "exit status %d, not %d",
	    WEXITSTATUS(st), status);
	ATF_CHECK_STREQ(out, slurp("out"));
	ATF_CHECK_STREQ(err, slurp("err"));
}

ATF_TC_WITHOUT_HEAD(usage);
ATF_TC_BODY(usage, tc)
{
	static const struct cmd row = {
		"verb", NULL, NULL, "[-q] operand ...", 0, NULL,
		"a row of the test"
	};
	pid_t pid;

	if ((pid = child()) == 0)
		cmd_usage(&row);
	reap(pid, 2, "", "usage: kvm verb [-q] operand ...\n");
}

ATF_TC_WITHOUT_HEAD(help);
ATF_TC_BODY(help, tc)
{
	static const struct cmd row = {
		"verb", NULL, NULL, "[-q] operand ...", 0, NULL,
		"do what the verb says"
	};
	pid_t pid;

	if ((pid = child()) == 0) {
		cmd_help(&row, stdout);
		exit(0);
	}
	reap(pid, 0, "usage: kvm verb [-q] operand ...\n"
	    "       do what the verb says\n", "");
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

	if ((pid = child()) == 0) {
		ctx_init(&ctx);
		opterr = 0;
		optind = 1;
		exit(row->c_fn(&ctx, row, argc, argv));
	}
	reap(pid, status, "", err);
}

ATF_TC_WITHOUT_HEAD(handler_usage);
ATF_TC_BODY(handler_usage, tc)
{
	/* Not main.c's usage: the line comes from this row. */
	static const struct cmd row = {
		"status", NULL, cmd_status, "[-j] name-of-this-row", 0, NULL,
		"a row of the test"
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
		"list", NULL, cmd_list, "[-j] (row of the test)", 0, NULL,
		"a row of the test"
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
	ATF_TP_ADD_TC(tp, help);
	ATF_TP_ADD_TC(tp, handler_usage);
	ATF_TP_ADD_TC(tp, handler_alias);
	ATF_TP_ADD_TC(tp, handler_sub);
	return atf_no_error();
}
