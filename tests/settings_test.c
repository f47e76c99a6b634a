/*
 * settings_test.c: unit tests of the settings table (settings.c), of
 * the loader reporting every error (vm_from_conf_each in vm.c) and of
 * conf_raw (conf.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "core/common.h"
#include "core/conf.h"
#include "core/settings.h"
#include "core/vm.h"

static struct conf *
parse(const char *text)
{
	char err[KVM_ERR_MAX];
	struct conf *c;

	c = conf_parse(text, strlen(text), "/d/set.conf", err, sizeof(err));
	ATF_REQUIRE_MSG(c != NULL, "%s", err);
	return c;
}

/* Every error as its text, one a line. */
struct collected {
	char	text[4096];
	int	stop_after;	/* stop after this many, 0: never */
	int	n;
};

static int
collect(const struct vm_err *e, void *arg)
{
	struct collected *col = arg;
	char line[KVM_ERR_MAX];

	vm_err_text(e, line, sizeof(line));
	strlcat(col->text, line, sizeof(col->text));
	strlcat(col->text, "|", sizeof(col->text));
	strlcat(col->text, e->ve_var != NULL ? e->ve_var : "-",
	    sizeof(col->text));
	strlcat(col->text, "\n", sizeof(col->text));
	col->n++;
	return col->stop_after != 0 && col->n == col->stop_after;
}

/* Names are unique and every default passes its own parser. */
ATF_TC_WITHOUT_HEAD(table_sane);
ATF_TC_BODY(table_sane, tc)
{
	const struct setting *s, *t;
	char msg[KVM_ERR_MAX];
	struct vm vm;
	size_t i, k;

	ATF_REQUIRE(settings_count() > 0);
	ATF_REQUIRE(settings_count() <= SETTINGS_MAX);
	ATF_CHECK(settings_at(settings_count()) == NULL);
	for (i = 0; (s = settings_at(i)) != NULL; i++) {
		ATF_CHECK(s->s_parse != NULL && s->s_type != NULL &&
		    s->s_explain != NULL);
		ATF_CHECK_EQ((int)i, settings_index(s->s_name));
		ATF_CHECK(settings_find(s->s_name) == s);
		for (k = i + 1; (t = settings_at(k)) != NULL; k++)
			ATF_CHECK_MSG(strcmp(s->s_name, t->s_name) != 0,
			    "%s twice", s->s_name);
		if (s->s_default == NULL)
			continue;
		memset(&vm, 0, sizeof(vm));
		strlcpy(vm.dir, "/d", sizeof(vm.dir));
		strlcpy(vm.home, "/h", sizeof(vm.home));
		ATF_CHECK_EQ_MSG(0, s->s_parse(&vm, s->s_name, s->s_default,
		    msg, sizeof(msg)), "%s: %s", s->s_name, msg);
		vm_free(&vm);
	}
	ATF_CHECK(settings_find("Memm") == NULL);
	ATF_CHECK_EQ(-1, settings_index("LAN"));
}

/* Every error, in table order, each after its variable's default. */
ATF_TC_WITHOUT_HEAD(every_error);
ATF_TC_BODY(every_error, tc)
{
	struct collected col;
	struct conf *c;
	struct vm vm;

	c = parse("OnFault=again\nCores=zero\nVNCwait=maybe\n"
	    "Devices=\"4,virtio-net,tap0 2,virtio-rnd\"\nCom=serial\n");
	memset(&col, 0, sizeof(col));
	ATF_CHECK_EQ(-1, vm_from_conf_each(&vm, c, "web", "/d", "/h",
	    collect, &col));
	ATF_CHECK_STREQ("/d/set.conf:2: Cores must be a whole number from 1 "
	    "to 255|Cores\n"
	    "/d/set.conf: Mem is not set|Mem\n"
	    "/d/set.conf:5: Com must be stdio or nmdm, not \"serial\"|Com\n"
	    "/d/set.conf:3: VNCwait must be yes or no, not \"maybe\"|VNCwait\n"
	    "/d/set.conf:4: Devices entry \"2,virtio-rnd\": slot 2 is "
	    "reserved for the main disk|Devices\n"
	    "/d/set.conf:1: OnFault must be stop or restart, not \"again\""
	    "|OnFault\n", col.text);
	ATF_CHECK_EQ(0, vm.ndevices);

	/* The callback can stop; vm_from_conf gives the first only. */
	memset(&col, 0, sizeof(col));
	col.stop_after = 2;
	ATF_CHECK_EQ(-1, vm_from_conf_each(&vm, c, "web", "/d", "/h",
	    collect, &col));
	ATF_CHECK_EQ(2, col.n);
	conf_free(c);
}

ATF_TC_WITHOUT_HEAD(first_error);
ATF_TC_BODY(first_error, tc)
{
	char err[KVM_ERR_MAX];
	struct conf *c;
	struct vm vm;

	c = parse("Cores=1\nMem=\"8\"\nOnFault=again\n");
	ATF_CHECK_EQ(-1, vm_from_conf(&vm, c, "web", "/d", "/h", err,
	    sizeof(err)));
	ATF_CHECK_STREQ("/d/set.conf:2: Mem needs a unit (K, M, G or T)",
	    err);
	ATF_CHECK_EQ(-1, vm_from_conf(&vm, c, "-web", "/d", "/h", err,
	    sizeof(err)));
	ATF_CHECK_STREQ("-web: name must start with a letter or a digit",
	    err);
	conf_free(c);

	c = parse("Mem=1G\nDevices=\"4,virtio-net,tap0\"\n");
	ATF_CHECK_EQ(0, vm_from_conf(&vm, c, "web", "/d", "/h", err,
	    sizeof(err)));
	ATF_CHECK_EQ(1, vm.ndevices);
	ATF_CHECK_STREQ("1G", vm.memstr);
	ATF_CHECK_STREQ("AHPwu", vm.options);
	vm_free(&vm);
	conf_free(c);
}

/* VMoptions: an empty value is a value, not the default. */
ATF_TC_WITHOUT_HEAD(empty_value);
ATF_TC_BODY(empty_value, tc)
{
	char err[KVM_ERR_MAX];
	struct conf *c;
	struct vm vm;

	c = parse("Mem=1g\nVMoptions=\nDiskDriver=\n");
	ATF_REQUIRE_EQ_MSG(0, vm_from_conf(&vm, c, "web", "/d", "/h", err,
	    sizeof(err)), "%s", err);
	ATF_CHECK_STREQ("", vm.options);
	ATF_CHECK_STREQ("nvme", vm.disk_driver);
	ATF_CHECK_STREQ("1G", vm.memstr);
	vm_free(&vm);
	conf_free(c);
}

/* conf_raw: the value as written, of the last assignment. */
ATF_TC_WITHOUT_HEAD(raw);
ATF_TC_BODY(raw, tc)
{
	struct conf *c;
	char *t;
	size_t off, len;

	c = parse("LAN=tap0\nDevices=\"4,virtio-net,$LAN\" # nic\n"
	    "Disk='d'\nDisk=\"x\"'y'$LAN\nIso=\n");
	t = conf_text(c);
	ATF_REQUIRE_EQ(0, conf_raw(c, "Devices", &off, &len));
	ATF_CHECK_EQ(17, off);
	ATF_CHECK_EQ(19, len);
	ATF_CHECK_EQ(0, strncmp(t + off, "\"4,virtio-net,$LAN\"", len));
	ATF_REQUIRE_EQ(0, conf_raw(c, "Disk", &off, &len));
	ATF_CHECK_EQ(0, strncmp(t + off, "\"x\"'y'$LAN\n", len + 1));
	ATF_REQUIRE_EQ(0, conf_raw(c, "Iso", &off, &len));
	ATF_CHECK_EQ(0, len);
	ATF_CHECK_EQ(-1, conf_raw(c, "Mem", &off, &len));
	free(t);
	conf_free(c);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, table_sane);
	ATF_TP_ADD_TC(tp, every_error);
	ATF_TP_ADD_TC(tp, first_error);
	ATF_TP_ADD_TC(tp, empty_value);
	ATF_TP_ADD_TC(tp, raw);
	return atf_no_error();
}
