/*
 * pciconf_test.c: unit tests of core/pciconf.c, passthru's B/S/F and
 * host devices in the output of "pciconf -l" and "pciconf -lv"
 * (bhyve-facts 5.3).
 */
#include <string.h>

#include <atf-c.h>

#include "core/pciconf.h"

/* pciconf -lv as FreeBSD 14 prints it: two devices, the first with -v. */
static const char lv[] =
    "hostb0@pci0:0:0:0:\tclass=0x060000 rev=0x02 hdr=0x00 "
    "vendor=0x8086 device=0x3e30 subvendor=0x1462 subdevice=0x7b17\n"
    "    vendor     = 'Intel Corporation'\n"
    "    device     = '8th Gen Core 8-core Desktop Processor Host Bridge'\n"
    "    class      = bridge\n"
    "    subclass   = HOST-PCI\n"
    "ppt0@pci0:3:0:0:\tclass=0x020000 rev=0x06 hdr=0x00 vendor=0x10ec "
    "device=0x8168 subvendor=0x1462 subdevice=0x7798\n"
    "    vendor     = 'Realtek Semiconductor Co., Ltd.'\n"
    "    device     = 'RTL8111/8168 PCI Express Gigabit Ethernet'\n"
    "    class      = network\n"
    "    subclass   = ethernet\n"
    "none2@pci0:3:0:1:\tclass=0x0c0330 rev=0x00 hdr=0x00 vendor=0x1b21 "
    "device=0x1242\n"
    "re0@pci1:3:0:0:\tclass=0x020000 rev=0x06 hdr=0x00 vendor=0x10ec "
    "device=0x8168\n";

ATF_TC_WITHOUT_HEAD(bsf);
ATF_TC_BODY(bsf, tc)
{
	static const char *const bad[] = { "", "3", "3/0", "3/0/", "3/0/0/0",
	    "256/0/0", "3/32/0", "3/0/8", "0x3/0/0", "-1/0/0", "3:0:0",
	    "ppt0", "pci0:3:0:0", "3/0/0x", " 3/0/0", "3/0/0 ", NULL };
	unsigned b[3];
	const char *end;
	size_t i;

	ATF_CHECK_EQ(0, pciconf_bsf("3/0/0", b, &end));
	ATF_CHECK(b[0] == 3 && b[1] == 0 && b[2] == 0 && *end == '\0');
	ATF_CHECK_EQ(0, pciconf_bsf("255/31/7,rom=/r.bin", b, &end));
	ATF_CHECK(b[0] == 255 && b[1] == 31 && b[2] == 7);
	ATF_CHECK_STREQ(",rom=/r.bin", end);
	ATF_CHECK_EQ(0, pciconf_bsf("03/00/1", b, NULL));
	ATF_CHECK(b[0] == 3 && b[1] == 0 && b[2] == 1);
	for (i = 0; bad[i] != NULL; i++)
		ATF_CHECK_MSG(pciconf_bsf(bad[i], b, NULL) == -1,
		    "\"%s\" accepted", bad[i]);
}

ATF_TC_WITHOUT_HEAD(find);
ATF_TC_BODY(find, tc)
{
	static const unsigned nic[3] = { 3, 0, 0 }, usb[3] = { 3, 0, 1 },
	    gone[3] = { 4, 0, 0 }, host[3] = { 0, 0, 0 };
	struct pci_dev d;
	char buf[300];

	ATF_REQUIRE_EQ(1, pciconf_find(lv, nic, &d));
	ATF_CHECK_STREQ("ppt0", d.pd_name);
	ATF_CHECK(pciconf_is_ppt(&d));
	pciconf_describe(&d, buf, sizeof(buf));
	ATF_CHECK_STREQ("Realtek Semiconductor Co., Ltd. RTL8111/8168 PCI "
	    "Express Gigabit Ethernet", buf);
	/* -l only: the ids; none2 is not ppt */
	ATF_REQUIRE_EQ(1, pciconf_find(lv, usb, &d));
	ATF_CHECK_STREQ("none2", d.pd_name);
	ATF_CHECK(!pciconf_is_ppt(&d));
	pciconf_describe(&d, buf, sizeof(buf));
	ATF_CHECK_STREQ("vendor 0x1b21 device 0x1242", buf);
	/* the -v lines of the device before are not this one's */
	ATF_REQUIRE_EQ(1, pciconf_find(lv, host, &d));
	ATF_CHECK_STREQ("hostb0", d.pd_name);
	ATF_CHECK_STREQ("Intel Corporation", d.pd_vendor);
	/* bus 4 is not there; domain 1's 3:0:0 is not passthru's 3/0/0 */
	ATF_CHECK_EQ(0, pciconf_find(lv, gone, &d));
	ATF_CHECK_STREQ("", d.pd_name);
	ATF_CHECK_EQ(0, pciconf_find("", nic, &d));
	ATF_CHECK_EQ(1, pciconf_find("ppt0@pci0:3:0:0:", nic, &d));
	ATF_CHECK_EQ(0, pciconf_find("ppt0@pci0:3:0:", nic, &d));
	ATF_CHECK_EQ(0, pciconf_find("@pci0:3:0:0:\tx", nic, &d));
}

ATF_TC_WITHOUT_HEAD(is_ppt);
ATF_TC_BODY(is_ppt, tc)
{
	struct pci_dev d;

	memset(&d, 0, sizeof(d));
	strlcpy(d.pd_name, "ppt12", sizeof(d.pd_name));
	ATF_CHECK(pciconf_is_ppt(&d));
	strlcpy(d.pd_name, "ppt", sizeof(d.pd_name));
	ATF_CHECK(!pciconf_is_ppt(&d));
	strlcpy(d.pd_name, "pptx0", sizeof(d.pd_name));
	ATF_CHECK(!pciconf_is_ppt(&d));
	strlcpy(d.pd_name, "re0", sizeof(d.pd_name));
	ATF_CHECK(!pciconf_is_ppt(&d));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, bsf);
	ATF_TP_ADD_TC(tp, find);
	ATF_TP_ADD_TC(tp, is_ppt);
	return atf_no_error();
}
