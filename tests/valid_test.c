/*
 * valid_test.c: every validator of valid.c with good and bad input,
 * checking the exact message, since messages are part of the interface.
 */
#include <string.h>

#include <atf-c.h>

#include "core/common.h"
#include "core/valid.h"
#include "cmd/cmd.h"

static char msg[KVM_ERR_MAX];

#define OK(call) do {							\
	msg[0] = '\0';							\
	ATF_CHECK_EQ_MSG(0, (call), "%s: %s", #call, msg);		\
} while (0)

#define BAD(call, want) do {						\
	msg[0] = '\0';							\
	ATF_CHECK_EQ_MSG(-1, (call), "%s accepted", #call);		\
	ATF_CHECK_STREQ_MSG(want, msg, "%s", #call);			\
} while (0)

#define E	msg, sizeof(msg)

ATF_TC_WITHOUT_HEAD(name);
ATF_TC_BODY(name, tc)
{
	OK(valid_name("web", E));
	OK(valid_name("a", E));
	OK(valid_name("9lives", E));
	OK(valid_name("db-1.prod_2", E));
	OK(valid_name("abcdefghijklmnopqrstuvwxyz01234", E));	/* 31 */
	BAD(valid_name("", E), "name is empty");
	BAD(valid_name("abcdefghijklmnopqrstuvwxyz012345", E),
	    "name is longer than 31 characters");
	BAD(valid_name("-web", E), "name must start with a letter or a digit");
	BAD(valid_name(".web", E), "name must start with a letter or a digit");
	BAD(valid_name("_web", E), "name must start with a letter or a digit");
	BAD(valid_name("..", E), "name must start with a letter or a digit");
	BAD(valid_name("web server", E),
	    "name may only contain letters, digits, '.', '_' and '-'");
	BAD(valid_name("web/1", E),
	    "name may only contain letters, digits, '.', '_' and '-'");
	BAD(valid_name("web;rm", E),
	    "name may only contain letters, digits, '.', '_' and '-'");
	BAD(valid_name("w\xc3\xa9" "b", E),
	    "name may only contain letters, digits, '.', '_' and '-'");
	BAD(valid_name("\xc3\xa9", E),
	    "name must start with a letter or a digit");
}

ATF_TC_WITHOUT_HEAD(size);
ATF_TC_BODY(size, tc)
{
	uint64_t b;

	OK(valid_size("Mem", "512M", &b, E));
	ATF_CHECK_EQ(512ULL << 20, b);
	OK(valid_size("Mem", "4g", &b, E));
	ATF_CHECK_EQ(4ULL << 30, b);
	OK(valid_size("Mem", "64k", &b, E));
	ATF_CHECK_EQ(64ULL << 10, b);
	OK(valid_size("Mem", "2T", &b, E));
	ATF_CHECK_EQ(2ULL << 40, b);
	OK(valid_size("Mem", "16777215T", &b, E));
	ATF_CHECK_EQ(16777215ULL << 40, b);
	OK(valid_size("Size", "1536M", &b, E));
	BAD(valid_size("Mem", "8", &b, E), "Mem needs a unit (K, M, G or T)");
	BAD(valid_size("Size", "1024", &b, E),
	    "Size needs a unit (K, M, G or T)");
	BAD(valid_size("Mem", "", &b, E), "Mem is empty");
	BAD(valid_size("Mem", "1.5G", &b, E), "Mem must be a whole number; "
	    "use a smaller unit, e.g. 1536M for 1.5G");
	BAD(valid_size("Mem", "1,5G", &b, E), "Mem must be a whole number; "
	    "use a smaller unit, e.g. 1536M for 1.5G");
	BAD(valid_size("Mem", "0x10G", &b, E),
	    "Mem must be a decimal number");
	BAD(valid_size("Mem", "G", &b, E),
	    "Mem must start with a number, e.g. 4G");
	BAD(valid_size("Mem", " 4G", &b, E),
	    "Mem must start with a number, e.g. 4G");
	BAD(valid_size("Mem", "-1G", &b, E), "Mem must not be negative");
	BAD(valid_size("Mem", "10GB", &b, E),
	    "Mem has an unknown unit \"GB\" (K, M, G or T)");
	BAD(valid_size("Mem", "10P", &b, E),
	    "Mem has an unknown unit \"P\" (K, M, G or T)");
	BAD(valid_size("Mem", "4 G", &b, E),
	    "Mem has an unknown unit \" G\" (K, M, G or T)");
	BAD(valid_size("Mem", "0G", &b, E), "Mem must be greater than zero");
	BAD(valid_size("Mem", "000M", &b, E),
	    "Mem must be greater than zero");
	BAD(valid_size("Mem", "010G", &b, E), "Mem must not start with 0");
	BAD(valid_size("Mem", "16777216T", &b, E), "Mem is too large");
	BAD(valid_size("Mem", "99999999999999999999K", &b, E),
	    "Mem is too large");
}

ATF_TC_WITHOUT_HEAD(uint);
ATF_TC_BODY(uint, tc)
{
	unsigned v;

	OK(valid_uint("Cores", "1", 1, KVM_CORES_MAX, &v, E));
	ATF_CHECK_EQ(1, v);
	OK(valid_uint("Cores", "255", 1, KVM_CORES_MAX, &v, E));
	ATF_CHECK_EQ(255, v);
	BAD(valid_uint("Cores", "0", 1, 255, &v, E),
	    "Cores must be a whole number from 1 to 255");
	BAD(valid_uint("Cores", "256", 1, 255, &v, E),
	    "Cores must be a whole number from 1 to 255");
	BAD(valid_uint("Cores", "", 1, 255, &v, E),
	    "Cores must be a whole number from 1 to 255");
	BAD(valid_uint("Cores", "two", 1, 255, &v, E),
	    "Cores must be a whole number from 1 to 255");
	BAD(valid_uint("Cores", "-2", 1, 255, &v, E),
	    "Cores must be a whole number from 1 to 255");
	BAD(valid_uint("Cores", "2 ", 1, 255, &v, E),
	    "Cores must be a whole number from 1 to 255");
	BAD(valid_uint("Cores", "99999999999999999999", 1, 255, &v, E),
	    "Cores must be a whole number from 1 to 255");
}

ATF_TC_WITHOUT_HEAD(port);
ATF_TC_BODY(port, tc)
{
	int p;

	OK(valid_port("VNCport", "auto", &p, E));
	ATF_CHECK_EQ(0, p);
	OK(valid_port("VNCport", "5901", &p, E));
	ATF_CHECK_EQ(5901, p);
	OK(valid_port("VNCport", "1", &p, E));
	OK(valid_port("VNCport", "65535", &p, E));
	ATF_CHECK_EQ(65535, p);
	BAD(valid_port("VNCport", "0", &p, E),
	    "VNCport must be auto or a port number from 1 to 65535");
	BAD(valid_port("VNCport", "65536", &p, E),
	    "VNCport must be auto or a port number from 1 to 65535");
	BAD(valid_port("VNCport", "Auto", &p, E),
	    "VNCport must be auto or a port number from 1 to 65535");
	BAD(valid_port("VNCport", "", &p, E),
	    "VNCport must be auto or a port number from 1 to 65535");
}

ATF_TC_WITHOUT_HEAD(uuid);
ATF_TC_BODY(uuid, tc)
{
	const char *want = "UUID must be a UUID of the form "
	    "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex digits)";

	OK(valid_uuid("UUID", "0b8e5f2a-4c1d-4e6f-9a3b-7c2d1e0f4a5b", E));
	OK(valid_uuid("UUID", "0B8E5F2A-4C1D-4E6F-9A3B-7C2D1E0F4A5B", E));
	BAD(valid_uuid("UUID", "", E), want);
	BAD(valid_uuid("UUID", "0b8e5f2a4c1d4e6f9a3b7c2d1e0f4a5b", E), want);
	BAD(valid_uuid("UUID", "0b8e5f2a-4c1d-4e6f-9a3b-7c2d1e0f4a5", E),
	    want);
	BAD(valid_uuid("UUID", "0b8e5f2a-4c1d-4e6f-9a3b-7c2d1e0f4a5bc", E),
	    want);
	BAD(valid_uuid("UUID", "0b8e5f2g-4c1d-4e6f-9a3b-7c2d1e0f4a5b", E),
	    want);
	BAD(valid_uuid("UUID", "{0b8e5f2a-4c1d-4e6f-9a3b-7c2d1e0f4a5b}", E),
	    want);
}

ATF_TC_WITHOUT_HEAD(vnc_size);
ATF_TC_BODY(vnc_size, tc)
{
	const char *form = "VNCsize must be WIDTHxHEIGHT, e.g. 1024x768";
	unsigned w, h;

	OK(valid_vnc_size("VNCsize", "1024x768", &w, &h, E));
	ATF_CHECK_EQ(1024, w);
	ATF_CHECK_EQ(768, h);
	OK(valid_vnc_size("VNCsize", "640x480", &w, &h, E));
	OK(valid_vnc_size("VNCsize", "1920x1200", &w, &h, E));
	ATF_CHECK_EQ(1920, w);
	ATF_CHECK_EQ(1200, h);
	BAD(valid_vnc_size("VNCsize", "639x480", &w, &h, E),
	    "VNCsize is below the minimum 640x480");
	BAD(valid_vnc_size("VNCsize", "800x479", &w, &h, E),
	    "VNCsize is below the minimum 640x480");
	BAD(valid_vnc_size("VNCsize", "1921x1080", &w, &h, E),
	    "VNCsize is above the maximum 1920x1200");
	BAD(valid_vnc_size("VNCsize", "1920x1201", &w, &h, E),
	    "VNCsize is above the maximum 1920x1200");
	BAD(valid_vnc_size("VNCsize", "1024X768", &w, &h, E), form);
	BAD(valid_vnc_size("VNCsize", "1024*768", &w, &h, E), form);
	BAD(valid_vnc_size("VNCsize", "1024x", &w, &h, E), form);
	BAD(valid_vnc_size("VNCsize", "x768", &w, &h, E), form);
	BAD(valid_vnc_size("VNCsize", "1024x768x2", &w, &h, E), form);
	BAD(valid_vnc_size("VNCsize", "", &w, &h, E), form);
}

ATF_TC_WITHOUT_HEAD(ipv4);
ATF_TC_BODY(ipv4, tc)
{
	const char *want = "VNCbind must be an IPv4 address, e.g. 127.0.0.1";

	OK(valid_ipv4("VNCbind", "127.0.0.1", E));
	OK(valid_ipv4("VNCbind", "0.0.0.0", E));
	OK(valid_ipv4("VNCbind", "255.255.255.255", E));
	OK(valid_ipv4("VNCbind", "192.168.10.200", E));
	BAD(valid_ipv4("VNCbind", "256.0.0.1", E), want);
	BAD(valid_ipv4("VNCbind", "1.2.3", E), want);
	BAD(valid_ipv4("VNCbind", "1.2.3.4.5", E), want);
	BAD(valid_ipv4("VNCbind", "1.2.3.", E), want);
	BAD(valid_ipv4("VNCbind", "01.2.3.4", E), want);
	BAD(valid_ipv4("VNCbind", "localhost", E), want);
	BAD(valid_ipv4("VNCbind", "::1", E), want);
	BAD(valid_ipv4("VNCbind", "", E), want);
	BAD(valid_ipv4("VNCbind", "1.2.3.4:5900", E), want);
}

ATF_TC_WITHOUT_HEAD(serial);
ATF_TC_BODY(serial, tc)
{
	/* 20 characters */
	OK(valid_serial("DiskSerial", "KVM-0123456789ABCDEF", E));
	OK(valid_serial("DiskSerial", "a", E));
	BAD(valid_serial("DiskSerial", "KVM-0123456789ABCDEFG", E),
	    "DiskSerial is longer than 20 characters");
	BAD(valid_serial("DiskSerial", "", E), "DiskSerial is empty");
	BAD(valid_serial("DiskSerial", "KVM_1", E),
	    "DiskSerial may only contain letters, digits and '-'");
	BAD(valid_serial("DiskSerial", "a,b", E),
	    "DiskSerial may only contain letters, digits and '-'");
	BAD(valid_serial("DiskSerial", "a b", E),
	    "DiskSerial may only contain letters, digits and '-'");
}

ATF_TC_WITHOUT_HEAD(mac);
ATF_TC_BODY(mac, tc)
{
	const char *form = "MAC address must be a MAC address of the form "
	    "xx:xx:xx:xx:xx:xx (hex digits)";

	OK(valid_mac("MAC address", "58:9c:fc:0a:1b:2c", E));
	OK(valid_mac("MAC address", "02:00:00:00:00:01", E));
	OK(valid_mac("MAC address", "58:9C:FC:0A:1B:2C", E));
	BAD(valid_mac("MAC address", "01:00:5e:00:00:01", E),
	    "MAC address is a multicast address");
	BAD(valid_mac("MAC address", "ff:ff:ff:ff:ff:ff", E),
	    "MAC address is a multicast address");
	BAD(valid_mac("MAC address", "00:00:00:00:00:00", E),
	    "MAC address is all zeros");
	BAD(valid_mac("MAC address", "58:9c:fc:0a:1b", E), form);
	BAD(valid_mac("MAC address", "58:9c:fc:0a:1b:2c:3d", E), form);
	BAD(valid_mac("MAC address", "58-9c-fc-0a-1b-2c", E), form);
	BAD(valid_mac("MAC address", "589cfc0a1b2c", E), form);
	BAD(valid_mac("MAC address", "58:9c:fc:0a:1b:2g", E), form);
	BAD(valid_mac("MAC address", "5:9c:fc:0a:1b:2c", E), form);
	BAD(valid_mac("MAC address", "", E), form);
}

#define SLOT(s, B, S, F) do {						\
	OK(valid_pci_slot(s, &b, &sl, &f, E));				\
	ATF_CHECK_MSG(b == (B) && sl == (S) && f == (F),		\
	    "%s: %u:%u:%u", s, b, sl, f);				\
} while (0)

#define BADSLOT(s) BAD(valid_pci_slot(s, &b, &sl, &f, E), "slot \"" s	\
	"\" must be S, S:F or B:S:F with bus 0-255, slot 0-31, "	\
	"function 0-7")

ATF_TC_WITHOUT_HEAD(pci_slot);
ATF_TC_BODY(pci_slot, tc)
{
	unsigned b, sl, f;

	SLOT("4", 0, 4, 0);
	SLOT("4:1", 0, 4, 1);
	SLOT("1:4:7", 1, 4, 7);
	SLOT("255:31:7", 255, 31, 7);
	SLOT("0", 0, 0, 0);
	BADSLOT("32");
	BADSLOT("4:8");
	BADSLOT("256:0:0");
	BADSLOT("1:32:0");
	BADSLOT("1:2:3:4");
	BADSLOT("");
	BADSLOT("a");
	BADSLOT("4:");
	BADSLOT(":4");
	BADSLOT("0x4");
	BADSLOT("-1");
	BADSLOT("4.0");
	BADSLOT("99999999999999999999");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, name);
	ATF_TP_ADD_TC(tp, size);
	ATF_TP_ADD_TC(tp, uint);
	ATF_TP_ADD_TC(tp, port);
	ATF_TP_ADD_TC(tp, uuid);
	ATF_TP_ADD_TC(tp, vnc_size);
	ATF_TP_ADD_TC(tp, ipv4);
	ATF_TP_ADD_TC(tp, serial);
	ATF_TP_ADD_TC(tp, mac);
	ATF_TP_ADD_TC(tp, pci_slot);
	return atf_no_error();
}
