#! /usr/bin/env atf-sh
#
# passthru_test.sh: Devices passthru entries against the host's PCI
# devices (the simulator's pciconf reads root/sim/pci): kvm check says
# when the host device is missing or not attached to ppt and how to
# attach it; kvm info shows each device's driver and description.

# shellcheck source=/dev/null
. "$(atf_get_srcdir)/lib.sh"

# mkvm NAME [set.conf lines...]: a stopped UEFI VM made by hand.
mkvm()
{
	name=$1
	shift
	zfs create "$POOL/kvm/vm/$name" || atf_fail "zfs create $name"
	dir="$HOME_DIR/vm/$name"
	{
		echo 'Mem="256M"'
		for l in "$@"; do
			echo "$l"
		done
	} > "$dir/set.conf"
	printf 'preRun()\n{\n\t:\n}\n\npostRun()\n{\n\t:\n}\n' > "$dir/run"
	truncate -s 1G "$dir/disk"
	cp "$HOME_DIR/firmware/BHYVE_UEFI_VARS.fd" "$dir/uefi-vars.fd"
}

# pci DRIVER: the host's 3/0/0, a Realtek NIC, as pciconf -lv shows it.
pci()
{
	mkdir -p root/sim
	{
		printf '%s@pci0:3:0:0:\tclass=0x020000 rev=0x06 hdr=0x00 vendor=0x10ec device=0x8168 subvendor=0x1462 subdevice=0x7798\n' "$1"
		printf "    vendor     = 'Realtek Semiconductor Co., Ltd.'\n"
		printf "    device     = 'RTL8111/8168 PCI Express Gigabit Ethernet Controller'\n"
		printf '    class      = network\n    subclass   = ethernet\n'
		printf 'none0@pci0:0:31:3:\tclass=0x0c0500 rev=0x00 hdr=0x00 vendor=0x8086 device=0x7a23\n'
	} > root/sim/pci
}

atf_test_case check cleanup
check_head()
{
	atf_set descr "check: a missing host device, one not on ppt (with the devctl line), one on ppt, one preRun attaches"
	atf_set require.user root
}
check_body()
{
	kvm_setup
	mkvm fw 'Devices="5,passthru,3/0/0"'
	kvm_state > before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: fw: passthru 3/0/0: no such host device (pciconf -l lists no pci0:3:0:0)\n" \
	    kvm check fw
	pci re0
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: fw: passthru 3/0/0: the host device is re0, not attached to ppt; attach it with \"devctl set driver -f pci0:3:0:0 ppt\" (in preRun, or by hand), or at boot with pptdevs=\"3/0/0\" in /boot/loader.conf\n" \
	    kvm check fw
	kvm_state > after
	atf_check -o file:before cat after
	# the seed's way: preRun attaches it
	printf 'preRun()\n{\n\tdevctl set driver -f pci0:3:0:0 ppt\n}\n\npostRun()\n{\n\tdevctl set driver -f pci0:3:0:0 re\n}\n' \
	    > "$HOME_DIR/vm/fw/run"
	atf_check -s exit:0 -o empty -e empty kvm check fw
	printf 'preRun()\n{\n\t:\n}\n\npostRun()\n{\n\t:\n}\n' \
	    > "$HOME_DIR/vm/fw/run"
	pci ppt0
	atf_check -s exit:0 -o empty -e empty kvm check fw
	# an unattached device (none0) on a second passthru entry
	sed -i 's|^Devices=.*|Devices="5,passthru,3/0/0 6,passthru,0/31/3"|' \
	    "$HOME_DIR/vm/fw/set.conf"
	atf_check -s exit:1 -o empty \
	    -e match:"^kvm: fw: passthru 0/31/3: the host device is none0, not attached to ppt; attach it with \"devctl set driver -f pci0:0:31:3 ppt\"" \
	    kvm check fw
}
check_cleanup()
{
	# shellcheck source=/dev/null
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case bad_input cleanup
bad_input_head()
{
	atf_set descr "check: a bad B/S/F or a host device given twice is a set.conf error, nothing changes"
	atf_set require.user root
}
bad_input_body()
{
	kvm_setup
	mkvm fw 'Devices="5,passthru,3/0"'
	conf="$HOME_DIR/vm/fw/set.conf"
	kvm_state > before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: $conf:2: Devices entry \"5,passthru,3/0\": passthru needs the host device as BUS/SLOT/FUNCTION (0-255, 0-31, 0-7), e.g. 5,passthru,3/0/0\n" \
	    kvm check fw
	atf_check -s exit:1 -o empty -e match:"^kvm: $conf:2: " kvm info fw
	sed -i 's|^Devices=.*|Devices="5,passthru,3/0/0 7,passthru,3/0/0"|' \
	    "$conf"
	kvm_state > before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: $conf:2: Devices entry \"7,passthru,3/0/0\": host device 3/0/0 is already passed through\n" \
	    kvm check fw
	sed -i 's|^Devices=.*|Devices="5,passthru,3/0/0 5,virtio-rnd"|' "$conf"
	kvm_state > before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: $conf:2: Devices entry \"5,virtio-rnd\": slot 0:5:0 is already used by \"5,passthru,3/0/0\"\n" \
	    kvm check fw
	kvm_state > after
	atf_check -o file:before cat after
}
bad_input_cleanup()
{
	# shellcheck source=/dev/null
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case info cleanup
info_head()
{
	atf_set descr "info: each passthru device with its driver and description, or not on this host"
	atf_set require.user root
}
info_body()
{
	kvm_setup
	mkvm fw 'Devices="5,passthru,3/0/0 6,passthru,4/0/0"'
	pci re0
	atf_check -s exit:0 -o save:out -e empty kvm info fw
	atf_check -o inline:"passthru:    3/0/0 (slot 5, re0, Realtek Semiconductor Co., Ltd. RTL8111/8168 PCI Express Gigabit Ethernet Controller)\npassthru:    4/0/0 (slot 6, not on this host)\n" \
	    grep '^passthru:' out
	atf_check -s exit:0 -o save:out.json -e empty kvm info -j fw
	atf_check -o match:'"passthru":\[\{"slot":"5","device":"3/0/0","driver":"re0","description":"Realtek Semiconductor Co., Ltd. RTL8111/8168 PCI Express Gigabit Ethernet Controller"\},\{"slot":"6","device":"4/0/0","driver":null,"description":null\}\]' \
	    cat out.json
	# without -v strings (pciconf -l only): the ids
	grep -v "^ " root/sim/pci > pci.l
	sed 's/^re0@/ppt0@/' pci.l > root/sim/pci
	atf_check -s exit:0 -o save:out -e empty kvm info fw
	atf_check -o match:"^passthru:    3/0/0 \\(slot 5, ppt0, vendor 0x10ec device 0x8168\\)\$" \
	    cat out
}
info_cleanup()
{
	# shellcheck source=/dev/null
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case check
	atf_add_test_case bad_input
	atf_add_test_case info
}
