/*
 * conf_test.c: unit tests of the set.conf reader and writer (conf.c).
 * The golden files are shared with conf_sh_test.sh: conf/valid/NAME.conf
 * must parse to NAME.expect (confdump's format, one NAME=VALUE a line)
 * and come back byte for byte from conf_text; conf/invalid/NAME.conf
 * must fail with exactly the line in NAME.err, the file being named
 * NAME.conf in the message.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <atf-c.h>

#include "core/common.h"
#include "core/conf.h"
#include "host/conffile.h"
#include "host/file.h"
#include "cmd/cmd.h"

/* Read a whole file; fails the test if it cannot. */
static char *
slurp(const char *path, size_t *lenp)
{
	FILE *f;
	char *buf = NULL;
	size_t cap = 0, len = 0, n;

	if ((f = fopen(path, "r")) == NULL)
		atf_tc_fail("%s: %s", path, strerror(errno));
	do {
		if (len + 4096 + 1 > cap) {
			cap = cap * 2 + 4096 + 1;
			ATF_REQUIRE((buf = realloc(buf, cap)) != NULL);
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	ATF_REQUIRE(!ferror(f));
	fclose(f);
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

static void
spit(const char *path, const char *text)
{
	FILE *f;

	ATF_REQUIRE((f = fopen(path, "w")) != NULL);
	ATF_REQUIRE(fputs(text, f) >= 0);
	ATF_REQUIRE(fclose(f) == 0);
}

static struct conf *
parse(const char *text)
{
	char err[KVM_ERR_MAX];
	struct conf *c;

	c = conf_parse(text, strlen(text), "set.conf", err, sizeof(err));
	if (c == NULL)
		atf_tc_fail("unexpected error: %s", err);
	return c;
}

/* The error for text, "" if it parses. */
static const char *
parse_err(const char *text)
{
	static char err[KVM_ERR_MAX];
	struct conf *c;

	err[0] = '\0';
	c = conf_parse(text, strlen(text), "set.conf", err, sizeof(err));
	if (c != NULL) {
		conf_free(c);
		return "";
	}
	return err;
}

/* confdump's format: \\, \n and \ooo for other bytes outside ASCII. */
static char *
dump(const struct conf *c)
{
	char *buf;
	size_t len, i;
	const unsigned char *s;
	FILE *f;

	ATF_REQUIRE((f = open_memstream(&buf, &len)) != NULL);
	for (i = 0; i < conf_count(c); i++) {
		fprintf(f, "%s=", conf_name(c, i));
		s = (const unsigned char *)conf_get(c, conf_name(c, i));
		for (; *s != '\0'; s++) {
			if (*s == '\\')
				fputs("\\\\", f);
			else if (*s == '\n')
				fputs("\\n", f);
			else if (*s < 0x20 || *s >= 0x7f)
				fprintf(f, "\\%03o", *s);
			else
				fputc(*s, f);
		}
		fputc('\n', f);
	}
	fclose(f);
	return buf;
}

/* conf_text(c) must be exactly want. */
static void
check_text(const struct conf *c, const char *want)
{
	char *text = conf_text(c);

	ATF_CHECK_STREQ(want, text);
	free(text);
}

ATF_TC_WITHOUT_HEAD(parse_basic);
ATF_TC_BODY(parse_basic, tc)
{
	struct conf *c;

	c = parse("# set.conf\n\nCores=\"2\"\n  Mem=4G # memory\n"
	    "LAN='tapLAN'\nDevices=\"4,virtio-net,$LAN 5,passthru,3/0/0\"\n");
	ATF_CHECK_EQ(conf_count(c), 4);
	ATF_CHECK_STREQ(conf_name(c, 0), "Cores");
	ATF_CHECK_STREQ(conf_name(c, 3), "Devices");
	ATF_CHECK(conf_name(c, 4) == NULL);
	ATF_CHECK_STREQ(conf_get(c, "Cores"), "2");
	ATF_CHECK_STREQ(conf_get(c, "Mem"), "4G");
	ATF_CHECK_STREQ(conf_get(c, "Devices"),
	    "4,virtio-net,tapLAN 5,passthru,3/0/0");
	ATF_CHECK_EQ(conf_line(c, "Mem"), 4);
	ATF_CHECK(conf_get(c, "Iso") == NULL);
	ATF_CHECK(conf_get(c, "Core") == NULL);
	ATF_CHECK_EQ(conf_line(c, "Iso"), 0);
	conf_free(c);
}

ATF_TC_WITHOUT_HEAD(duplicate);
ATF_TC_BODY(duplicate, tc)
{
	struct conf *c;

	c = parse("A=1\nB=$A\nA=2\nC=$A\n");
	ATF_CHECK_EQ(conf_count(c), 3);
	ATF_CHECK_STREQ(conf_name(c, 0), "A");
	ATF_CHECK_STREQ(conf_name(c, 2), "C");
	ATF_CHECK_STREQ(conf_get(c, "A"), "2");
	ATF_CHECK_STREQ(conf_get(c, "B"), "1");
	ATF_CHECK_STREQ(conf_get(c, "C"), "2");
	ATF_CHECK_EQ(conf_line(c, "A"), 3);
	conf_free(c);
}

ATF_TC_WITHOUT_HEAD(multiline);
ATF_TC_BODY(multiline, tc)
{
	struct conf *c;

	c = parse("A=1\nB=\"one\ntwo\"\nC='x\n\ny'\nD=4\n");
	ATF_CHECK_STREQ(conf_get(c, "B"), "one\ntwo");
	ATF_CHECK_STREQ(conf_get(c, "C"), "x\n\ny");
	ATF_CHECK_EQ(conf_line(c, "B"), 2);
	ATF_CHECK_EQ(conf_line(c, "C"), 4);
	ATF_CHECK_EQ(conf_line(c, "D"), 7);
	conf_free(c);
}

/* A few errors straight from C; the goldens hold the full list. */
ATF_TC_WITHOUT_HEAD(errors);
ATF_TC_BODY(errors, tc)
{
	ATF_CHECK_STREQ(parse_err("A=1\nB=$(id)\n"),
	    "set.conf:2: command substitution is not allowed");
	ATF_CHECK_STREQ(parse_err("A=\"x\ny\nz `id`\"\n"),
	    "set.conf:3: command substitution is not allowed");
	ATF_CHECK_STREQ(parse_err("A=1\nB=\"open\nC=3\n"),
	    "set.conf:2: unterminated double quote");
	ATF_CHECK_STREQ(parse_err("A=1\n\necho hi\n"),
	    "set.conf:3: \"echo hi\" is not an assignment");
	ATF_CHECK_STREQ(parse_err("A=$B\nB=1\n"),
	    "set.conf:1: $B is not set earlier in the file");
	ATF_CHECK_STREQ(parse_err("A=1 B=2"),
	    "set.conf:1: only one assignment per line is allowed");
	ATF_CHECK_STREQ(parse_err("A=1\nB=\\"),
	    "set.conf:2: backslash at end of line (line continuation) "
	    "is not allowed");
	ATF_CHECK_STREQ(parse_err("A=~"),
	    "set.conf:1: unquoted \"~\" is not allowed (sh would expand it)");
	ATF_CHECK_STREQ(parse_err("A=\"${A:-x}\""),
	    "set.conf:1: parameter expansion operators are not allowed "
	    "(only $NAME and ${NAME})");
	ATF_CHECK_STREQ(parse_err("A=1\r\n"), "set.conf:1: carriage "
	    "return is not allowed (DOS line endings?)");
}

ATF_TC_WITHOUT_HEAD(nul_byte);
ATF_TC_BODY(nul_byte, tc)
{
	char err[KVM_ERR_MAX];

	ATF_CHECK(conf_parse("A=1\n\nB=x\0y\n", 11, "f", err,
	    sizeof(err)) == NULL);
	ATF_CHECK_STREQ(err, "f:3: NUL byte is not allowed");
}

/* A short error buffer gets a truncated, terminated message. */
ATF_TC_WITHOUT_HEAD(small_err_buffer);
ATF_TC_BODY(small_err_buffer, tc)
{
	char err[12];

	memset(err, 'x', sizeof(err));
	ATF_CHECK(conf_parse("echo hi\n", 8, "set.conf", err, sizeof(err))
	    == NULL);
	ATF_CHECK_STREQ(err, "set.conf:1:");
}

ATF_TC_WITHOUT_HEAD(long_line_shown_cut);
ATF_TC_BODY(long_line_shown_cut, tc)
{
	ATF_CHECK_STREQ(parse_err("echo 0123456789012345678901234567890123456789"
	    "0123456789\n"), "set.conf:1: \"echo 012345678901234567890123456"
	    "78901234...\" is not an assignment");
	ATF_CHECK_STREQ(parse_err("ls\001\n"),
	    "set.conf:1: \"ls?\" is not an assignment");
}

ATF_TC(golden_valid);
ATF_TC_HEAD(golden_valid, tc)
{
	atf_tc_set_md_var(tc, "descr", "conf/valid: values and round trip");
}
ATF_TC_BODY(golden_valid, tc)
{
	char path[PATH_MAX], err[KVM_ERR_MAX], *text, *want, *got;
	const char *dir = atf_tc_get_config_var(tc, "srcdir");
	struct dirent *de;
	struct conf *c;
	size_t len, n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/conf/valid", dir);
	ATF_REQUIRE_MSG((d = opendir(path)) != NULL, "%s", path);
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".conf") != 0)
			continue;
		n++;
		snprintf(path, sizeof(path), "%s/conf/valid/%s", dir,
		    de->d_name);
		text = slurp(path, &len);
		snprintf(path + strlen(path) - 5, 8, ".expect");
		want = slurp(path, NULL);
		if ((c = conf_parse(text, len, de->d_name, err,
		    sizeof(err))) == NULL) {
			atf_tc_fail_nonfatal("%s", err);
		} else {
			got = dump(c);
			ATF_CHECK_STREQ_MSG(want, got, "%s", de->d_name);
			free(got);
			got = conf_text(c);
			ATF_CHECK_MSG(strlen(got) == len &&
			    memcmp(got, text, len) == 0,
			    "%s: conf_text differs", de->d_name);
			free(got);
			conf_free(c);
		}
		free(text);
		free(want);
	}
	closedir(d);
	ATF_CHECK_MSG(n >= 30, "only %zu valid cases", n);
}

ATF_TC(golden_invalid);
ATF_TC_HEAD(golden_invalid, tc)
{
	atf_tc_set_md_var(tc, "descr", "conf/invalid: the exact error");
}
ATF_TC_BODY(golden_invalid, tc)
{
	char path[PATH_MAX], err[KVM_ERR_MAX], *text, *want;
	const char *dir = atf_tc_get_config_var(tc, "srcdir");
	struct dirent *de;
	struct conf *c;
	size_t len, n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/conf/invalid", dir);
	ATF_REQUIRE_MSG((d = opendir(path)) != NULL, "%s", path);
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".conf") != 0)
			continue;
		n++;
		snprintf(path, sizeof(path), "%s/conf/invalid/%s", dir,
		    de->d_name);
		text = slurp(path, &len);
		snprintf(path + strlen(path) - 5, 5, ".err");
		want = slurp(path, NULL);
		want[strcspn(want, "\n")] = '\0';
		strlcpy(err, "(no error)", sizeof(err));
		c = conf_parse(text, len, de->d_name, err, sizeof(err));
		ATF_CHECK_MSG(c == NULL, "%s: parsed", de->d_name);
		ATF_CHECK_STREQ(want, err);
		conf_free(c);
		free(text);
		free(want);
	}
	closedir(d);
	ATF_CHECK_MSG(n >= 30, "only %zu invalid cases", n);
}

ATF_TC_WITHOUT_HEAD(quote);
ATF_TC_BODY(quote, tc)
{
	static const char *const cases[][2] = {
		{ "", "\"\"" },
		{ "plain", "\"plain\"" },
		{ "a b", "\"a b\"" },
		{ "\\", "\"\\\\\"" },
		{ "\"$`", "\"\\\"\\$\\`\"" },
		{ "it's\nok", "\"it's\nok\"" },
		{ "${A}~*;", "\"\\${A}~*;\"" },
	};
	size_t i;
	char *q;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		q = conf_quote(cases[i][0]);
		ATF_CHECK_STREQ(q, cases[i][1]);
		free(q);
	}
}

ATF_TC_WITHOUT_HEAD(set_replace);
ATF_TC_BODY(set_replace, tc)
{
	struct conf *c;

	c = parse("# web\nIso=\"/a.iso\"\n\t Iso='/b.iso'\t# the ISO\nX=$Iso");
	ATF_REQUIRE_EQ(conf_set(c, "Iso", "/c d.iso"), 0);
	check_text(c,
	    "# web\nIso=\"/a.iso\"\n\t Iso=\"/c d.iso\"\t# the ISO\nX=$Iso");
	ATF_CHECK_STREQ(conf_get(c, "Iso"), "/c d.iso");
	ATF_CHECK_STREQ(conf_get(c, "X"), "/c d.iso");
	ATF_CHECK_EQ(conf_line(c, "Iso"), 3);
	ATF_REQUIRE_EQ(conf_set(c, "Iso", ""), 0);
	check_text(c, "# web\nIso=\"/a.iso\"\n\t Iso=\"\"\t# the ISO\nX=$Iso");
	ATF_CHECK_STREQ(conf_get(c, "X"), "");
	conf_free(c);
}

ATF_TC_WITHOUT_HEAD(set_multiline);
ATF_TC_BODY(set_multiline, tc)
{
	struct conf *c;

	c = parse("A=\"one\ntwo\nthree\" # c\nB=2\n");
	ATF_REQUIRE_EQ(conf_set(c, "A", "x"), 0);
	check_text(c, "A=\"x\" # c\nB=2\n");
	ATF_CHECK_EQ(conf_line(c, "B"), 2);
	ATF_REQUIRE_EQ(conf_set(c, "A", "1\n2"), 0);
	check_text(c, "A=\"1\n2\" # c\nB=2\n");
	ATF_CHECK_EQ(conf_line(c, "B"), 3);
	conf_free(c);
}

ATF_TC_WITHOUT_HEAD(set_append);
ATF_TC_BODY(set_append, tc)
{
	struct conf *c;

	c = parse("A=1\n# no newline");
	ATF_REQUIRE_EQ(conf_set(c, "New", "$x"), 0);
	check_text(c, "A=1\n# no newline\nNew=\"\\$x\"\n");
	ATF_CHECK_EQ(conf_line(c, "New"), 3);
	ATF_CHECK_EQ(conf_count(c), 2);
	ATF_CHECK_STREQ(conf_name(c, 1), "New");
	conf_free(c);

	c = parse("");
	ATF_REQUIRE_EQ(conf_set(c, "A", "1"), 0);
	check_text(c, "A=\"1\"\n");
	conf_free(c);
}

ATF_TC_WITHOUT_HEAD(set_refused);
ATF_TC_BODY(set_refused, tc)
{
	static const char *const bad[] = {
		"", "1A", "A-B", "A B", "A=", "IFS", "PATH", "OPTIND", "LINENO"
	};
	struct conf *c;
	size_t i;

	c = parse("A=1\n");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ATF_CHECK_EQ_MSG(conf_set(c, bad[i], "x"), -1, "%s", bad[i]);
	check_text(c, "A=1\n");
	conf_free(c);
}

/* Every byte but NUL survives set, text and parse again. */
ATF_TC_WITHOUT_HEAD(set_every_byte);
ATF_TC_BODY(set_every_byte, tc)
{
	char value[256], err[KVM_ERR_MAX], *text;
	struct conf *c, *c2;
	int i;

	for (i = 1; i < 256; i++)
		value[i - 1] = (char)i;
	value[255] = '\0';
	c = parse("A=1\nB=\"<$A>\"\n");
	ATF_REQUIRE_EQ(conf_set(c, "A", value), 0);
	ATF_CHECK_STREQ(conf_get(c, "A"), value);
	text = conf_text(c);
	c2 = conf_parse(text, strlen(text), "again", err, sizeof(err));
	ATF_REQUIRE_MSG(c2 != NULL, "%s", err);
	ATF_CHECK_STREQ(conf_get(c2, "A"), value);
	ATF_CHECK_EQ(strlen(conf_get(c2, "B")), 257);
	conf_free(c2);
	conf_free(c);
	free(text);
}

ATF_TC_WITHOUT_HEAD(write_file);
ATF_TC_BODY(write_file, tc)
{
	struct conf *c;
	struct stat st;
	char *text;

	spit("set.conf", "A=1\n");
	ATF_REQUIRE(chmod("set.conf", 0640) == 0);
	c = parse("A=1\n");
	ATF_REQUIRE_EQ(conf_set(c, "A", "two words"), 0);
	ATF_REQUIRE_EQ(conffile_write(c, "set.conf"), 0);
	text = slurp("set.conf", NULL);
	ATF_CHECK_STREQ(text, "A=\"two words\"\n");
	free(text);
	ATF_REQUIRE(stat("set.conf", &st) == 0);
	ATF_CHECK_EQ(st.st_mode & 07777, 0640);

	umask(022);
	ATF_REQUIRE_EQ(conffile_write(c, "new.conf"), 0);
	ATF_REQUIRE(stat("new.conf", &st) == 0);
	ATF_CHECK_EQ(st.st_mode & 07777, 0644);
	conf_free(c);
}

/* Count the entries of the current directory. */
static int
entries(void)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	ATF_REQUIRE((d = opendir(".")) != NULL);
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

ATF_TC_WITHOUT_HEAD(write_fails);
ATF_TC_BODY(write_fails, tc)
{
	struct conf *c;
	int n;

	ATF_REQUIRE(mkdir("dir", 0755) == 0);
	spit("dir/keep", "x");
	n = entries();
	c = parse("A=1\n");
	/* rename onto a non-empty directory fails after the temp file. */
	ATF_CHECK_EQ(conffile_write(c, "dir"), -1);
	ATF_CHECK_EQ(entries(), n);
	ATF_CHECK_EQ(conffile_write(c, "nodir/set.conf"), -1);
	ATF_CHECK_EQ(entries(), n);
	conf_free(c);
}

/*
 * file_write_atomic, which conffile_write and every other writer use:
 * an existing file keeps its mode, a new one gets the given mode as it
 * is (no umask), and a failed write leaves no temporary file.
 */
ATF_TC_WITHOUT_HEAD(write_atomic);
ATF_TC_BODY(write_atomic, tc)
{
	struct stat st;
	char *text;
	int n;

	spit("old", "x");
	ATF_REQUIRE(chmod("old", 0600) == 0);
	ATF_REQUIRE_EQ(file_write_atomic("old", "new\n", 4, 0755), 0);
	text = slurp("old", NULL);
	ATF_CHECK_STREQ(text, "new\n");
	free(text);
	ATF_REQUIRE(stat("old", &st) == 0);
	ATF_CHECK_EQ(st.st_mode & 07777, 0600);

	umask(077);
	ATF_REQUIRE_EQ(file_write_atomic("new", "", 0, 0751), 0);
	ATF_REQUIRE(stat("new", &st) == 0);
	ATF_CHECK_EQ(st.st_mode & 07777, 0751);

	ATF_REQUIRE(mkdir("dir", 0755) == 0);
	spit("dir/keep", "x");
	n = entries();
	ATF_CHECK_EQ(file_write_atomic("dir", "y", 1, 0644), -1);
	ATF_CHECK_EQ(entries(), n);
}

ATF_TC_WITHOUT_HEAD(load);
ATF_TC_BODY(load, tc)
{
	char err[KVM_ERR_MAX];
	struct conf *c;

	ATF_CHECK(conffile_load("missing.conf", err, sizeof(err)) == NULL);
	ATF_CHECK_STREQ(err, "missing.conf: No such file or directory");
	spit("bad.conf", "A=1\nB=`id`\n");
	ATF_CHECK(conffile_load("bad.conf", err, sizeof(err)) == NULL);
	ATF_CHECK_STREQ(err, "bad.conf:2: command substitution is not allowed");
	spit("ok.conf", "A=1\nB=\"$A\"");
	ATF_REQUIRE_MSG((c = conffile_load("ok.conf", err, sizeof(err))) != NULL,
	    "%s", err);
	ATF_CHECK_STREQ(conf_get(c, "B"), "1");
	check_text(c, "A=1\nB=\"$A\"");
	conf_free(c);
}

ATF_TC_WITHOUT_HEAD(load_too_large);
ATF_TC_BODY(load_too_large, tc)
{
	char err[KVM_ERR_MAX];
	FILE *f;
	int i;

	ATF_REQUIRE((f = fopen("big.conf", "w")) != NULL);
	for (i = 0; i < 70000; i++)
		fputs("# padding padding\n", f);
	ATF_REQUIRE(fclose(f) == 0);
	ATF_CHECK(conffile_load("big.conf", err, sizeof(err)) == NULL);
	ATF_CHECK_STREQ(err, "big.conf: file too large (over 1 MiB)");
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * kvm list reads every set.conf: 1000 loads of a realistic one must take
 * well under 100 ms; the bound is loose for sanitizer builds.
 */
ATF_TC_WITHOUT_HEAD(perf_many);
ATF_TC_BODY(perf_many, tc)
{
	char err[KVM_ERR_MAX];
	struct conf *c;
	double t;
	int i;

	spit("set.conf", "# set.conf for web\nCores=\"4\"\nMem=\"8G\"\n"
	    "VMrom=\"uefi\"\nVMoptions=\"AHPwu\"\n"
	    "UUID=\"6f1c2a52-3c0e-4b7e-9f5e-0d3b1b2a4c11\"\nDisk=\"disk\"\n"
	    "DiskDriver=\"nvme\"\nIso=\"\"\nConsole=\"vnc\"\n"
	    "VNCbind=\"0.0.0.0\"\nVNCport=\"auto\"\nVNCsize=\"1920x1080\"\n"
	    "OnFault=\"restart\"\n\n# free variables\nLAN=\"tapweb\"\n"
	    "Devices=\"4,virtio-net,$LAN,mac=58:9c:fc:0a:1b:2c\"\n");
	t = now();
	for (i = 0; i < 1000; i++) {
		c = conffile_load("set.conf", err, sizeof(err));
		ATF_REQUIRE_MSG(c != NULL, "%s", err);
		conf_free(c);
	}
	t = now() - t;
	printf("1000 loads: %.1f ms\n", t * 1000);
	ATF_CHECK_MSG(t < 0.5, "1000 loads took %.0f ms", t * 1000);
}

/* 100000 variables with references to earlier ones: linear, not n^2. */
ATF_TC_WITHOUT_HEAD(perf_linear);
ATF_TC_BODY(perf_linear, tc)
{
	char err[KVM_ERR_MAX], *buf;
	struct conf *c;
	size_t len;
	double t;
	FILE *f;
	int i;

	ATF_REQUIRE((f = open_memstream(&buf, &len)) != NULL);
	fputs("V0=x\n", f);
	for (i = 1; i < 100000; i++)
		fprintf(f, "V%d=\"$V%d\"_$V0 # %d\n", i, i / 2, i);
	fclose(f);
	t = now();
	c = conf_parse(buf, len, "big", err, sizeof(err));
	t = now() - t;
	free(buf);
	ATF_REQUIRE_MSG(c != NULL, "%s", err);
	ATF_CHECK_EQ(conf_count(c), 100000);
	ATF_CHECK_STREQ(conf_get(c, "V5"), "x_x_x_x");
	conf_free(c);
	printf("100000 lines: %.1f ms\n", t * 1000);
	ATF_CHECK_MSG(t < 2.0, "100000 lines took %.0f ms", t * 1000);
}

/*
 * A0="x", A1="$A0$A0", ... Ak="$Ak-1$Ak-1": a few hundred bytes whose
 * last value would be 2^levels bytes.  Malloc'd, NUL-terminated.
 */
static char *
doubling(int levels)
{
	char *buf;
	size_t len;
	FILE *f;
	int i;

	ATF_REQUIRE((f = open_memstream(&buf, &len)) != NULL);
	fputs("A0=\"x\"\n", f);
	for (i = 1; i <= levels; i++)
		fprintf(f, "A%d=\"$A%d$A%d\"\n", i, i - 1, i - 1);
	ATF_REQUIRE(fclose(f) == 0);
	return buf;
}

/* A21 is the first value over CONF_VALUE_MAX (2^21 bytes). */
ATF_TC_WITHOUT_HEAD(bound_value);
ATF_TC_BODY(bound_value, tc)
{
	struct conf *c;
	char *text;

	ATF_REQUIRE_EQ(CONF_VALUE_MAX, 1048576);
	text = doubling(20);
	c = parse(text);
	ATF_CHECK_EQ(strlen(conf_get(c, "A20")), 1048576);
	conf_free(c);
	free(text);
	text = doubling(30);
	ATF_CHECK_STREQ(parse_err(text), "set.conf:22: A21 is longer than "
	    "1048576 bytes after expansion");
	free(text);
	text = doubling(40);
	ATF_CHECK_STREQ(parse_err(text), "set.conf:22: A21 is longer than "
	    "1048576 bytes after expansion");
	free(text);
}

/*
 * Values under the cap that add up: A19 is 512 KiB, each B copies it;
 * the expansions reach 2^20 - 2 + k * 2^19 bytes, over CONF_EXPAND_MAX
 * (2^24) at B31, line 51.
 */
ATF_TC_WITHOUT_HEAD(bound_total);
ATF_TC_BODY(bound_total, tc)
{
	char *buf, *text;
	struct conf *c;
	size_t len;
	FILE *f;
	int i;

	ATF_REQUIRE_EQ(CONF_EXPAND_MAX, 16777216);
	text = doubling(19);
	ATF_REQUIRE((f = open_memstream(&buf, &len)) != NULL);
	fputs(text, f);
	for (i = 1; i <= 30; i++)
		fprintf(f, "B%d=$A19\n", i);
	ATF_REQUIRE(fclose(f) == 0);
	c = parse(buf);
	ATF_CHECK_EQ(strlen(conf_get(c, "B30")), 524288);
	conf_free(c);
	free(buf);
	ATF_REQUIRE((f = open_memstream(&buf, &len)) != NULL);
	fputs(text, f);
	for (i = 1; i <= 1000; i++)
		fprintf(f, "B%d=$A19\n", i);
	ATF_REQUIRE(fclose(f) == 0);
	ATF_CHECK_STREQ(parse_err(buf), "set.conf:51: B31: expansions in "
	    "the file add up to more than 16777216 bytes");
	free(buf);
	free(text);
}

/* The hash conf.c used before issue 12: FNV-1a, no key. */
static uint32_t
fnv1a(const char *s, size_t n, uint32_t h)
{
	while (n-- > 0)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

#define FLOOD_BITS	18		/* the table of 95000 names: 2^18 */
#define FLOOD_MASK	((1u << FLOOD_BITS) - 1)

static const char flood_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";

/* The i-th 3-character string over flood_chars (63^3 of them). */
static void
flood_word(char *w, size_t i)
{
	w[0] = flood_chars[i / (63 * 63)];
	w[1] = flood_chars[i / 63 % 63];
	w[2] = flood_chars[i % 63];
}

/*
 * want distinct 6-character names whose unkeyed FNV-1a hashes share
 * their low FLOOD_BITS bits, as "NAME=1\n" lines.  Meet in the middle:
 * the hash state after a 3-character prefix, bucketed; for each suffix
 * the state it needs to end at 0, by running the steps backwards (the
 * FNV prime is odd, so each step inverts).
 */
static char *
flood_names(size_t want, size_t *lenp)
{
	int32_t *head, *next;
	uint32_t pinv = 16777619u, h;
	size_t npre = 52 * 63 * 63, nsuf = 63 * 63 * 63, i, k, found = 0;
	char w[7], *buf;
	FILE *f;
	int32_t j;

	for (i = 0; i < 5; i++)		/* Newton: inverse mod 2^32 */
		pinv *= 2 - 16777619u * pinv;
	ATF_REQUIRE((head = malloc(sizeof(*head) << FLOOD_BITS)) != NULL);
	ATF_REQUIRE((next = malloc(sizeof(*next) * npre)) != NULL);
	memset(head, 0xff, sizeof(*head) << FLOOD_BITS);
	for (i = 0; i < npre; i++) {
		flood_word(w, i);
		h = fnv1a(w, 3, 2166136261u) & FLOOD_MASK;
		next[i] = head[h];
		head[h] = (int32_t)i;
	}
	ATF_REQUIRE((f = open_memstream(&buf, lenp)) != NULL);
	for (i = 0; i < nsuf && found < want; i++) {
		flood_word(w + 3, i);
		for (h = 0, k = 6; k > 3; k--)
			h = ((h * pinv) ^ (unsigned char)w[k - 1]) & FLOOD_MASK;
		for (j = head[h]; j != -1 && found < want; j = next[j]) {
			flood_word(w, (size_t)j);
			w[6] = '\0';
			fprintf(f, "%s=1\n", w);
			found++;
		}
	}
	ATF_REQUIRE(fclose(f) == 0);
	free(head);
	free(next);
	ATF_REQUIRE_EQ(found, want);
	return buf;
}

/*
 * 95000 names that all start at the same slot of the old table (26 s
 * to parse): with a keyed hash they spread like any others.
 */
ATF_TC_WITHOUT_HEAD(bound_flood);
ATF_TC_BODY(bound_flood, tc)
{
	char err[KVM_ERR_MAX], *buf;
	struct conf *c;
	size_t len;
	double t;

	buf = flood_names(95000, &len);
	ATF_REQUIRE(len <= CONF_MAX);
	/* The names do collide under the old hash. */
	ATF_REQUIRE_EQ(fnv1a(buf, 6, 2166136261u) & FLOOD_MASK, 0);
	ATF_REQUIRE_EQ(fnv1a(buf + len - 9, 6, 2166136261u) & FLOOD_MASK, 0);
	ATF_REQUIRE(memcmp(buf, buf + len - 9, 6) != 0);
	t = now();
	c = conf_parse(buf, len, "flood", err, sizeof(err));
	t = now() - t;
	ATF_REQUIRE_MSG(c != NULL, "%s", err);
	ATF_CHECK_EQ(conf_count(c), 95000);
	ATF_CHECK_EQ(conf_line(c, conf_name(c, 94999)), 95000);
	conf_free(c);
	free(buf);
	printf("95000 colliding names: %.1f ms\n", t * 1000);
	ATF_CHECK_MSG(t < 1.0, "95000 colliding names took %.0f ms",
	    t * 1000);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, parse_basic);
	ATF_TP_ADD_TC(tp, duplicate);
	ATF_TP_ADD_TC(tp, multiline);
	ATF_TP_ADD_TC(tp, errors);
	ATF_TP_ADD_TC(tp, nul_byte);
	ATF_TP_ADD_TC(tp, small_err_buffer);
	ATF_TP_ADD_TC(tp, long_line_shown_cut);
	ATF_TP_ADD_TC(tp, golden_valid);
	ATF_TP_ADD_TC(tp, golden_invalid);
	ATF_TP_ADD_TC(tp, quote);
	ATF_TP_ADD_TC(tp, set_replace);
	ATF_TP_ADD_TC(tp, set_multiline);
	ATF_TP_ADD_TC(tp, set_append);
	ATF_TP_ADD_TC(tp, set_refused);
	ATF_TP_ADD_TC(tp, set_every_byte);
	ATF_TP_ADD_TC(tp, write_file);
	ATF_TP_ADD_TC(tp, write_fails);
	ATF_TP_ADD_TC(tp, write_atomic);
	ATF_TP_ADD_TC(tp, load);
	ATF_TP_ADD_TC(tp, load_too_large);
	ATF_TP_ADD_TC(tp, perf_many);
	ATF_TP_ADD_TC(tp, perf_linear);
	ATF_TP_ADD_TC(tp, bound_value);
	ATF_TP_ADD_TC(tp, bound_total);
	ATF_TP_ADD_TC(tp, bound_flood);
	return atf_no_error();
}
