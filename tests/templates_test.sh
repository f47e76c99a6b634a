#! /usr/bin/env atf-sh
# The templates of share/kvm/templates (the two network examples of
# kvm's original README) copied into a VM as they are: kvm check accepts
# them, and started under the simulator their hooks run the README's
# commands in the README's order around a bhyve with its devices.

# shellcheck source=/dev/null
. "$(atf_get_srcdir)/lib.sh"
# shellcheck source=/dev/null
. "$(atf_get_srcdir)/vm.sh"

templates()
{
	if kvm_installed; then
		echo "$(atf_get_srcdir)/../../share/kvm/templates"
	else
		echo "$(atf_get_srcdir)/../share/templates"
	fi
}

# use NAME TEMPLATE: a new VM NAME with the template's set.conf lines
# appended and its run file in place.
use()
{
	atf_check -o ignore -e empty kvm create -y -m 256M -s 64M "$1"
	cat "$(templates)/$2.set.conf" >> "$HOME_DIR/vm/$1/set.conf"
	cp "$(templates)/$2.run" "$HOME_DIR/vm/$1/run"
}

# The log lines of the network stand-ins and bhyve, bhyve's argv cut to
# the device given.
netlog()
{
	grep -E '^(ifconfig|devctl|route|bhyve) ' "$KVM_ROOTDIR/sim/log" |
	    sed -E "s|^bhyve .* (-s $1) .*|bhyve \\1|"
}

atf_test_case bridge cleanup
bridge_head()
{
	atf_set descr "bridge: a tap on bridge0, made before and destroyed after each run"
	atf_set require.user root
}
bridge_body()
{
	kvm_setup
	use web bridge
	mkdir -p root/sim/if
	: > root/sim/if/em0
	atf_check -o ignore ifconfig bridge0 create
	atf_check ifconfig bridge0 addm em0
	atf_check -s exit:0 -o empty -e empty kvm check web
	kvm_guest web "poweroff 0.2"
	: > root/sim/log
	atf_check -s exit:0 -o match:"-s 4,virtio-net,tapMYVM " -e empty \
	    kvm start web
	cat > want <<'W'
ifconfig tapMYVM
ifconfig tap create name tapMYVM
ifconfig tapMYVM up
ifconfig bridge0 addm tapMYVM
bhyve -s 4,virtio-net,tapMYVM
ifconfig tapMYVM
ifconfig tapMYVM destroy
W
	netlog '4,virtio-net,tapMYVM' > got
	atf_check -o file:want cat got
	atf_check -s exit:1 -o empty -e inline:"ifconfig: interface tapMYVM does not exist\n" \
	    ifconfig tapMYVM
	atf_check -o match:"^members=em0\$" cat root/sim/if/bridge0
}
bridge_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case firewall cleanup
firewall_head()
{
	atf_set descr "firewall: re0 by passthru, a tap and a bridge, the host routed through the guest"
	atf_set require.user root
}
firewall_body()
{
	kvm_setup
	use fw firewall
	mkdir -p root/sim/if
	: > root/sim/if/re0
	printf 're0@pci0:3:0:0:\tclass=0x020000 rev=0x06 hdr=0x00 vendor=0x10ec device=0x8168 subvendor=0x1462 subdevice=0x7798\n' \
	    > root/sim/pci
	printf 'search example.org\nnameserver 192.168.1.1\n' > root/etc/resolv.conf
	atf_check -s exit:0 -o empty -e empty kvm check fw
	kvm_guest fw "poweroff 0.2"
	: > root/sim/log
	atf_check -s exit:0 -o match:"^bhyve -A -S -H -P -c 2 -m 4G " \
	    -o match:"-s 4,virtio-net,tapLAN -s 5,passthru,3/0/0 " -e empty \
	    kvm start fw
	cat > want <<'W'
devctl set driver -f pci0:3:0:0 ppt
ifconfig tapLAN
ifconfig tap create name tapLAN
ifconfig tapLAN up
ifconfig bridgeLOCAL
ifconfig bridge create name bridgeLOCAL
ifconfig bridgeLOCAL up
ifconfig tapLAN inet 192.168.2.2/24
ifconfig bridgeLOCAL addm tapLAN
ifconfig bridgeLOCAL up
route -q delete default
route -q add default 192.168.2.1
bhyve -s 5,passthru,3/0/0
ifconfig tapLAN
ifconfig tapLAN destroy
devctl set driver -f pci0:3:0:0 re
ifconfig bridgeLOCAL addm re0
W
	netlog '5,passthru,3/0/0' > got
	atf_check -o file:want cat got
	# re0 is the host's again, the name server is restored.
	atf_check -o match:"^re0@pci0:3:0:0:" cat root/sim/pci
	atf_check -o inline:"search example.org\nnameserver 192.168.1.1\n" \
	    cat root/etc/resolv.conf
}
firewall_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case bridge
	atf_add_test_case firewall
}
