/*
 * cloudinit_test.c: the text of the cloud-init seed (core/cloudinit.c):
 * meta-data, network-config from Devices, the SSH key check with its
 * exact messages, and the user-data made from keys.
 */
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "core/cloudinit.h"
#include "core/common.h"
#include "core/vm.h"

static char msg[KVM_ERR_MAX];

#define OK(text) do {							\
	msg[0] = '\0';							\
	ATF_CHECK_EQ_MSG(0, ci_keys_check(text, msg, sizeof(msg)),	\
	    "%s: %s", text, msg);					\
} while (0)

#define BAD(text, want) do {						\
	msg[0] = '\0';							\
	ATF_CHECK_EQ_MSG(-1, ci_keys_check(text, msg, sizeof(msg)),	\
	    "%s accepted", text);					\
	ATF_CHECK_STREQ_MSG(want, msg, "%s", text);			\
} while (0)

#define NOTKEY(n)	"line " #n " is not an SSH public key (ssh-rsa, " \
	"ssh-ed25519, ecdsa-sha2-*, sk-*... KEY [comment])"

/* Check the malloc'd text got against want, then free it. */
static void
same(char *got, const char *want)
{
	ATF_CHECK_STREQ(want, got != NULL ? got : "(null)");
	free(got);
}

ATF_TC_WITHOUT_HEAD(meta_data);
ATF_TC_BODY(meta_data, tc)
{
	struct vm vm;

	memset(&vm, 0, sizeof(vm));
	strlcpy(vm.name, "web", sizeof(vm.name));
	strlcpy(vm.uuid, "0b8e5f2a-4c1d-4e6f-9a3b-7c2d1e0f4a5b",
	    sizeof(vm.uuid));
	same(ci_meta_data(&vm), "instance-id: "
	    "iid-0b8e5f2a-4c1d-4e6f-9a3b-7c2d1e0f4a5b\nlocal-hostname: web\n");
}

ATF_TC_WITHOUT_HEAD(network_config);
ATF_TC_BODY(network_config, tc)
{
	char *devs[] = { "4,virtio-net,tap0,mac=58:9c:fc:00:00:01",
	    "5,virtio-net,tap1", "6,passthru,3/0/0",
	    "7:1,e1000,tap2,mtu=9000,mac=58:9c:fc:00:00:02",
	    "8,virtio-blk,/x,mac=58:9c:fc:00:00:03" };
	struct vm vm;

	memset(&vm, 0, sizeof(vm));
	ATF_CHECK(ci_network_config(&vm) == NULL);
	vm.devices[0] = devs[1];
	vm.devices[1] = devs[2];
	vm.ndevices = 2;
	/* No NIC with a known MAC: none, cloud-init's fallback. */
	ATF_CHECK(ci_network_config(&vm) == NULL);
	memcpy(vm.devices, devs, sizeof(devs));
	vm.ndevices = 5;
	same(ci_network_config(&vm), "version: 2\nethernets:\n"
	    "  nic0:\n    match:\n      macaddress: \"58:9c:fc:00:00:01\"\n"
	    "    dhcp4: true\n"
	    "  nic1:\n    match:\n      macaddress: \"58:9c:fc:00:00:02\"\n"
	    "    dhcp4: true\n");
}

ATF_TC_WITHOUT_HEAD(keys);
ATF_TC_BODY(keys, tc)
{
	OK("ssh-ed25519 AAAAC3Nza me@host\n");
	OK("ssh-rsa AAAAB3Nza\n");
	OK("ecdsa-sha2-nistp256 AAAAE2Vj x\r\n");
	OK("sk-ssh-ed25519@openssh.com AAAAGnNr y\n");
	OK("# mine\n\n  ssh-ed25519 AAAA a\nssh-rsa BBBB b");
	BAD("", "no SSH public key in it");
	BAD("# only a comment\n\n", "no SSH public key in it");
	BAD("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n", NOTKEY(1));
	BAD("ssh-ed25519 AAAA a\nAAAA b\n", NOTKEY(2));
	BAD("ssh-ed25519\n", NOTKEY(1));
	BAD("ssh-ed25519  \n", NOTKEY(1));
	BAD("ecdsa-sha2- AAAA\n", NOTKEY(1));
	BAD("ssh-ed25519 AAAA\001 a\n", "line 1 has a control character");
}

ATF_TC_WITHOUT_HEAD(user_data);
ATF_TC_BODY(user_data, tc)
{
	same(ci_user_data(NULL), "#cloud-config\n");
	same(ci_user_data("# keys\nssh-ed25519 AAAA a \"b\\c\"\t\r\n\n"
	    "ssh-rsa BBBB\n"), "#cloud-config\nssh_authorized_keys:\n"
	    "  - \"ssh-ed25519 AAAA a \\\"b\\\\c\\\"\"\n"
	    "  - \"ssh-rsa BBBB\"\n");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, meta_data);
	ATF_TP_ADD_TC(tp, network_config);
	ATF_TP_ADD_TC(tp, keys);
	ATF_TP_ADD_TC(tp, user_data);
	return atf_no_error();
}
