#! /usr/bin/env atf-sh
# The basic network of "kvm create -n tap[,bridge[,uplink]]" and of its
# three questions: the exact set.conf and run it writes (the seed's
# network example 1), the commands their hooks run under the simulator
# (modules, tap, bridge, the uplink added once), bhyve's virtio-net
# device with the VM's MAC, "kvm info", and bad names refused with
# nothing changed.

# The expected texts hold $NAME as written in set.conf and run.
# shellcheck disable=SC2016

# shellcheck source=/dev/null
. "$(atf_get_srcdir)/lib.sh"
# shellcheck source=/dev/null
. "$(atf_get_srcdir)/vm.sh"

CONFDUMP="$(atf_get_srcdir)/confdump"
PTYRUN="$(atf_get_srcdir)/ptyrun"

# mac NAME: the MAC address create drew for VM NAME.
mac()
{
	"$CONFDUMP" "$HOME_DIR/vm/$1/set.conf" |
	    sed -n 's/^Devices=4,virtio-net,[^,]*,mac=//p'
}

# netblock NAME: set.conf's network: its comment and variables, then
# the Devices line as written.
netblock()
{
	sed -n '/^# The network chosen at create/,/^$/p' \
	    "$HOME_DIR/vm/$1/set.conf"
	grep '^Devices=' "$HOME_DIR/vm/$1/set.conf"
}

# hooks NAME: run's preRun and postRun.
hooks()
{
	sed -n '/^preRun()/,$p' "$HOME_DIR/vm/$1/run"
}

# The simulator's log: the network stand-ins and bhyve's device, the
# supervisor's own modules (vmm, nmdm) left out.
netlog()
{
	grep -E '^(ifconfig|kldstat|kldload|bhyve) ' "$KVM_ROOTDIR/sim/log" |
	    grep -Ev '^kld(stat -q -m|load) (vmm|nmdm)$' |
	    sed -E 's|^bhyve .* (-s 4,[^ ]*) .*|bhyve \1|'
}

# The comment above the network's variables, for three names.
comment3='# The network chosen at create (kvm create -n), for Devices below and
# the hooks in run; kvm itself reads only Devices.  Its MAC address was
# drawn for this VM: keep it and the guest keeps its network settings.
# LAN: the tap of the guest'"'"'s virtio-net card, made before each run.
# BRI: the bridge the tap joins, made when missing.
# UPLINK: the host'"'"'s interface on the bridge, added when not a member.'

atf_test_case full cleanup
full_head()
{
	atf_set descr "-n tap0,bridge0,em0: set.conf and run, check, the hooks' commands over a reboot and a second start"
	atf_set require.user root
}
full_body()
{
	kvm_setup
	atf_check -s exit:0 -o inline:"web: created ($HOME_DIR/vm/web)\n" \
	    -e empty kvm create -y -m 256M -s 64M -n tap0,bridge0,em0 web
	m=$(mac web)
	echo "$m" | grep -Eq '^58:9c:fc(:[0-9a-f]{2}){3}$' ||
	    atf_fail "no MAC in Devices: \"$m\""
	netblock web > nb
	hooks web > hk
	atf_check -o inline:"$comment3
LAN=\"tap0\"
BRI=\"bridge0\"
UPLINK=\"em0\"

Devices=\"4,virtio-net,\$LAN,mac=$m\"
" cat nb
	atf_check -o inline:'preRun()
{
	# The network chosen at create: LAN, BRI and UPLINK are in set.conf.
	CreateIF tap "$LAN"
	CreateIF bridge "$BRI"
	AddToBridge "$BRI" "$UPLINK"
	AddToBridge "$BRI" "$LAN"
}

postRun()
{
	# The tap goes with the guest; the bridge stays.
	DestroyIF "$LAN"
}
' cat hk
	# The example in comments is gone: the network is the real one.
	atf_check -s exit:1 -o empty grep '^#LAN=' "$HOME_DIR/vm/web/set.conf"
	atf_check -s exit:0 -o empty -e empty kvm check web

	# First start: a reboot, then a power-off; em0 is the host's NIC,
	# bridge0 and the modules are not there yet.
	mkdir -p root/sim/if
	: > root/sim/if/em0
	kvm_guest web "reboot 0.1" "poweroff 0.1"
	: > root/sim/log
	atf_check -s exit:0 -o match:"-s 4,virtio-net,tap0,mac=$m -s 31,lpc" \
	    -e empty kvm start web
	cat > want <<W
ifconfig tap0
kldstat -q -m if_tuntap
kldload if_tuntap
ifconfig tap0 create
ifconfig tap0 up
ifconfig bridge0
kldstat -q -m if_bridge
kldload if_bridge
ifconfig bridge0 create
ifconfig bridge0 up
ifconfig bridge0
ifconfig bridge0 addm em0
ifconfig bridge0
ifconfig bridge0 addm tap0
bhyve -s 4,virtio-net,tap0,mac=$m
ifconfig tap0
ifconfig tap0 destroy
ifconfig tap0
kldstat -q -m if_tuntap
ifconfig tap0 create
ifconfig tap0 up
ifconfig bridge0
ifconfig bridge0 up
ifconfig bridge0
ifconfig bridge0
ifconfig bridge0 addm tap0
bhyve -s 4,virtio-net,tap0,mac=$m
ifconfig tap0
ifconfig tap0 destroy
W
	netlog > got
	atf_check -o file:want cat got
	atf_check -o inline:"members=em0\n" grep '^members=' root/sim/if/bridge0
	atf_check -o inline:"if_tuntap\nif_bridge\n" \
	    grep '^if_' root/sim/kld

	# Second start, detached, then stopped: the uplink is not added
	# again, the tap is.
	kvm_guest web "run"
	: > root/sim/log
	atf_check -s exit:0 -o ignore -e empty kvm start -d web
	kvm_wait_guest web > /dev/null
	atf_check -s exit:0 -o ignore -e empty kvm stop web
	kvm_wait_unlocked web
	cat > want <<W
ifconfig tap0
kldstat -q -m if_tuntap
ifconfig tap0 create
ifconfig tap0 up
ifconfig bridge0
ifconfig bridge0 up
ifconfig bridge0
ifconfig bridge0
ifconfig bridge0 addm tap0
bhyve -s 4,virtio-net,tap0,mac=$m
ifconfig tap0
ifconfig tap0 destroy
W
	netlog > got
	atf_check -o file:want cat got
	atf_check -o inline:"members=em0\n" grep '^members=' root/sim/if/bridge0
	atf_check -s exit:1 -o empty -e inline:"ifconfig: interface tap0 does not exist\n" \
	    ifconfig tap0

	# A tap a killed supervisor left on the bridge is no error.
	atf_check -o empty ifconfig tap0 create
	atf_check ifconfig bridge0 addm tap0
	kvm_guest web "poweroff 0.1"
	: > root/sim/log
	atf_check -s exit:0 -o ignore -e empty kvm start web
	atf_check -s exit:1 -o empty grep addm root/sim/log
	atf_check -o inline:"members=em0\n" grep '^members=' root/sim/if/bridge0
}
full_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case tap_only cleanup
tap_only_head()
{
	atf_set descr "-n tap0: LAN and Devices only, hooks that make and destroy the tap"
	atf_set require.user root
}
tap_only_body()
{
	kvm_setup
	atf_check -s exit:0 -o ignore -e empty \
	    kvm create -y -m 256M -s 64M -n tap0 web
	m=$(mac web)
	netblock web > nb
	hooks web > hk
	atf_check -o inline:"# The network chosen at create (kvm create -n), for Devices below and
# the hooks in run; kvm itself reads only Devices.  Its MAC address was
# drawn for this VM: keep it and the guest keeps its network settings.
# LAN: the tap of the guest's virtio-net card, made before each run.
LAN=\"tap0\"

Devices=\"4,virtio-net,\$LAN,mac=$m\"
" cat nb
	atf_check -o inline:'preRun()
{
	# The network chosen at create: LAN is in set.conf.
	CreateIF tap "$LAN"
}

postRun()
{
	DestroyIF "$LAN"
}
' cat hk
	atf_check -s exit:0 -o empty -e empty kvm check web
	kvm_guest web "poweroff 0.1"
	: > root/sim/log
	atf_check -s exit:0 -o ignore -e empty kvm start web
	cat > want <<W
ifconfig tap0
kldstat -q -m if_tuntap
kldload if_tuntap
ifconfig tap0 create
ifconfig tap0 up
bhyve -s 4,virtio-net,tap0,mac=$m
ifconfig tap0
ifconfig tap0 destroy
W
	netlog > got
	atf_check -o file:want cat got
}
tap_only_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case tap_bridge cleanup
tap_bridge_head()
{
	atf_set descr "-n tapweb,bridge0: a named tap on an existing bridge, which keeps its members"
	atf_set require.user root
}
tap_bridge_body()
{
	kvm_setup
	atf_check -s exit:0 -o ignore -e empty \
	    kvm create -y -m 256M -s 64M -n tapweb,bridge0 web
	m=$(mac web)
	netblock web > nb
	hooks web > hk
	atf_check -o inline:"# The network chosen at create (kvm create -n), for Devices below and
# the hooks in run; kvm itself reads only Devices.  Its MAC address was
# drawn for this VM: keep it and the guest keeps its network settings.
# LAN: the tap of the guest's virtio-net card, made before each run.
# BRI: the bridge the tap joins, made when missing.
LAN=\"tapweb\"
BRI=\"bridge0\"

Devices=\"4,virtio-net,\$LAN,mac=$m\"
" cat nb
	atf_check -o inline:'preRun()
{
	# The network chosen at create: LAN and BRI are in set.conf.
	CreateIF tap "$LAN"
	CreateIF bridge "$BRI"
	AddToBridge "$BRI" "$LAN"
}

postRun()
{
	# The tap goes with the guest; the bridge stays.
	DestroyIF "$LAN"
}
' cat hk
	atf_check -s exit:0 -o empty -e empty kvm check web
	# bridge0 exists, with em0; its module is compiled in.
	mkdir -p root/sim/if
	: > root/sim/if/em0
	atf_check -o empty ifconfig bridge0 create
	atf_check ifconfig bridge0 addm em0
	kvm_guest web "poweroff 0.1"
	: > root/sim/log
	atf_check -s exit:0 -o match:"-s 4,virtio-net,tapweb,mac=$m " \
	    -e empty kvm start web
	cat > want <<W
ifconfig tapweb
kldstat -q -m if_tuntap
kldload if_tuntap
ifconfig tap create name tapweb
ifconfig tapweb up
ifconfig bridge0
ifconfig bridge0 up
ifconfig bridge0
ifconfig bridge0 addm tapweb
bhyve -s 4,virtio-net,tapweb,mac=$m
ifconfig tapweb
ifconfig tapweb destroy
W
	netlog > got
	atf_check -o file:want cat got
	atf_check -o inline:"members=em0\n" grep '^members=' root/sim/if/bridge0
}
tap_bridge_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case info cleanup
info_head()
{
	atf_set descr "info shows the tap, its bridge (set.conf's BRI while stopped) and the MAC"
	atf_set require.user root
}
info_body()
{
	kvm_setup
	atf_check -s exit:0 -o ignore -e empty \
	    kvm create -y -m 256M -s 64M -n tap0,bridge0,em0 web
	atf_check -s exit:0 -o ignore -e empty \
	    kvm create -y -m 256M -s 64M -n tap1 db
	# -n "" is no network, as an empty answer is.
	atf_check -s exit:0 -o ignore -e empty kvm create -y -m 256M -s 64M -n "" none
	m=$(mac web)
	atf_check -s exit:0 -o save:out -e empty kvm info web
	atf_check -o inline:"network:     tap0 (virtio-net, slot 4, mac $m, bridge bridge0)\n" \
	    grep '^network:' out
	atf_check -s exit:0 -o save:out -e empty kvm info -j web
	atf_check -o match:"\"network\":\\[\\{\"slot\":\"4\",\"emulation\":\"virtio-net\",\"backend\":\"tap0\",\"mac\":\"$m\",\"bridge\":\"bridge0\"\\}\\]" \
	    cat out
	m=$(mac db)
	atf_check -s exit:0 -o save:out -e empty kvm info db
	atf_check -o inline:"network:     tap1 (virtio-net, slot 4, mac $m)\n" \
	    grep '^network:' out
	atf_check -s exit:0 -o save:out -e empty kvm info none
	atf_check -o inline:"network:     none\n" grep '^network:' out
}
info_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case interactive cleanup
interactive_head()
{
	atf_set descr "the three questions on a terminal: bad names asked again, an empty uplink is none"
	atf_set require.user root
}
interactive_body()
{
	kvm_setup
	cat > script <<'EOF'
expect Disk size [20G]:
send 64M
expect ISO image [none]:
send
expect Network: tap for the guest, e.g. tap0 [none]:
send em0
expect Network: tap for the guest, e.g. tap0 [none]:
send tap0
expect Bridge for the tap, made when missing, e.g. bridge0 [none]:
send tap0
expect Bridge for the tap, made when missing, e.g. bridge0 [none]:
send bridge0
expect Uplink, the host's interface on the bridge, e.g. em0 [none]:
send
expect created
EOF
	atf_check -s exit:0 -e empty -o inline:"Disk size [20G]: 64M
ISO image [none]: 
Network: tap for the guest, e.g. tap0 [none]: em0
kvm: web: tap name \"em0\" must begin with \"tap\" (bhyve uses a tap only by that prefix)
Network: tap for the guest, e.g. tap0 [none]: tap0
Bridge for the tap, made when missing, e.g. bridge0 [none]: tap0
kvm: web: the tap and the bridge must differ (both \"tap0\")
Bridge for the tap, made when missing, e.g. bridge0 [none]: bridge0
Uplink, the host's interface on the bridge, e.g. em0 [none]: 
web: created ($HOME_DIR/vm/web)
" "$PTYRUN" script -- kvm create -c 1 -m 256M -l bhyveload -d nvme \
	    -C com web
	"$CONFDUMP" "$HOME_DIR/vm/web/set.conf" > dump
	atf_check -o inline:"LAN=tap0\nBRI=bridge0\nDevices=4,virtio-net,tap0,mac=$(mac web)\n" \
	    grep -E '^(LAN|BRI|UPLINK|Devices)=' dump
	atf_check -s exit:1 -o empty grep UPLINK "$HOME_DIR/vm/web/run"
	atf_check -o match:'^	AddToBridge "\$BRI" "\$LAN"$' cat "$HOME_DIR/vm/web/run"
	atf_check -s exit:0 -o empty -e empty kvm check web
}
interactive_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case interactive_none cleanup
interactive_none_head()
{
	atf_set descr "an empty tap answer is no network: nothing more asked, the example stays in comments"
	atf_set require.user root
}
interactive_none_body()
{
	kvm_setup
	cat > script <<'EOF'
expect Disk size [20G]:
send 64M
expect ISO image [none]:
send
expect Network: tap for the guest, e.g. tap0 [none]:
send
expect created
EOF
	atf_check -s exit:0 -e empty -o inline:"Disk size [20G]: 64M
ISO image [none]: 
Network: tap for the guest, e.g. tap0 [none]: 
web: created ($HOME_DIR/vm/web)
" "$PTYRUN" script -- kvm create -c 1 -m 256M -l bhyveload -d nvme \
	    -C com web
	"$CONFDUMP" "$HOME_DIR/vm/web/set.conf" > dump
	atf_check -o inline:"Devices=\n" grep -E '^(LAN|BRI|UPLINK|Devices)=' dump
	atf_check -o match:'^#LAN="tapweb"$' cat "$HOME_DIR/vm/web/set.conf"
	atf_check -o match:'^	#CreateIF tap "\$LAN"$' cat "$HOME_DIR/vm/web/run"

	# A bridge left empty: no uplink question, a tap alone.
	cat > script <<'EOF'
expect Disk size [20G]:
send 64M
expect ISO image [none]:
send
expect Network: tap for the guest, e.g. tap0 [none]:
send tapdb
expect Bridge for the tap, made when missing, e.g. bridge0 [none]:
send
expect created
EOF
	atf_check -s exit:0 -e empty -o inline:"Disk size [20G]: 64M
ISO image [none]: 
Network: tap for the guest, e.g. tap0 [none]: tapdb
Bridge for the tap, made when missing, e.g. bridge0 [none]: 
db: created ($HOME_DIR/vm/db)
" "$PTYRUN" script -- kvm create -c 1 -m 256M -l bhyveload -d nvme \
	    -C com db
	"$CONFDUMP" "$HOME_DIR/vm/db/set.conf" > dump
	atf_check -o inline:"LAN=tapdb\nDevices=4,virtio-net,tapdb,mac=$(mac db)\n" \
	    grep -E '^(LAN|BRI|UPLINK|Devices)=' dump

	# End of input at a network question: nothing is created.
	cat > script <<'EOF'
expect Disk size [20G]:
send 64M
expect ISO image [none]:
send
expect Network: tap for the guest, e.g. tap0 [none]:
send tap0
expect Bridge for the tap, made when missing, e.g. bridge0 [none]:
sendeof
expect aborted
EOF
	kvm_state > before
	atf_check -s exit:1 -e empty -o inline:"Disk size [20G]: 64M
ISO image [none]: 
Network: tap for the guest, e.g. tap0 [none]: tap0
Bridge for the tap, made when missing, e.g. bridge0 [none]: 
kvm: eof: aborted, nothing created
" "$PTYRUN" script -- kvm create -c 1 -m 256M -l bhyveload -d nvme \
	    -C com eof
	kvm_state > after
	atf_check cmp before after
}
interactive_none_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case clone cleanup
clone_head()
{
	atf_set descr "a clone of a VM with a network keeps Devices' \$LAN and gets its own MAC"
	atf_set require.user root
}
clone_body()
{
	kvm_setup
	atf_check -s exit:0 -o ignore -e empty \
	    kvm create -y -m 256M -s 64M -n tap0,bridge0 web
	m=$(mac web)
	atf_check -s exit:0 -o ignore -e inline:"kvm: web2: shares tap0 with web (a tap serves one guest): give it another in set.conf before running both\n" kvm clone web web2
	m2=$(mac web2)
	echo "$m2" | grep -Eq '^58:9c:fc(:[0-9a-f]{2}){3}$' ||
	    atf_fail "no MAC in the clone's Devices: \"$m2\""
	[ "$m" != "$m2" ] || atf_fail "the clone has the MAC $m too"
	atf_check -o inline:"Devices=\"4,virtio-net,\$LAN,mac=$m2\"\n" \
	    grep '^Devices=' "$HOME_DIR/vm/web2/set.conf"
	atf_check -s exit:0 -o empty -e empty kvm check web2
}
clone_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

# bad STATUS STDERR NETWORK: create -n NETWORK fails as told, prints
# nothing on stdout and changes nothing (datasets, files).
bad()
{
	kvm_state > before
	atf_check -s "exit:$1" -o empty -e inline:"$2" \
	    kvm create -y -m 256M -s 64M -n "$3" web </dev/null
	kvm_state > after
	atf_check cmp before after
}

atf_test_case bad_names cleanup
bad_names_head()
{
	atf_set descr "bad tap, bridge and uplink names: exact message, exit 1, nothing created"
	atf_set require.user root
}
bad_names_body()
{
	kvm_setup
	only="may contain only letters, digits, '.', '_' and '-'"
	bad 1 "kvm: web: tap name \"em0\" must begin with \"tap\" (bhyve uses a tap only by that prefix)\n" em0
	bad 1 "kvm: web: tap name \"vmnet0\" must begin with \"tap\" (bhyve uses a tap only by that prefix)\n" vmnet0
	bad 1 "kvm: web: tap name \"tap\" is the cloner's own name: add a unit number or a name, e.g. tap0\n" tap
	bad 1 "kvm: web: tap name \"tap0123456789abc\" is too long (at most 15 characters)\n" tap0123456789abc
	bad 1 "kvm: web: tap name \"tap 0\" $only\n" "tap 0"
	bad 1 "kvm: web: tap name \"tap0;reboot\" $only\n" "tap0;reboot"
	bad 1 "kvm: web: tap name \"tap\$LAN\" $only\n" 'tap$LAN'
	bad 1 "kvm: web: the tap name is empty\n" ",bridge0"
	bad 1 "kvm: web: the bridge name is empty\n" "tap0,"
	bad 1 "kvm: web: the uplink name is empty\n" "tap0,bridge0,"
	bad 1 "kvm: web: an uplink needs a bridge (tap,bridge,uplink)\n" "tap0,,em0"
	bad 1 "kvm: web: network \"tap0,bridge0,em0,em1\" has more than three names (tap[,bridge[,uplink]])\n" \
	    "tap0,bridge0,em0,em1"
	bad 1 "kvm: web: the tap and the bridge must differ (both \"tap0\")\n" "tap0,tap0"
	bad 1 "kvm: web: the tap and the uplink must differ (both \"tap0\")\n" "tap0,bridge0,tap0"
	bad 1 "kvm: web: the bridge and the uplink must differ (both \"bridge0\")\n" "tap0,bridge0,bridge0"
	bad 1 "kvm: web: bridge name \"bridge\" is the cloner's own name: add a unit number or a name, e.g. bridge0\n" "tap0,bridge"
	bad 1 "kvm: web: bridge name \"0bridge\" must begin with a letter\n" "tap0,0bridge"
	bad 1 "kvm: web: bridge name \"-up\" must begin with a letter\n" "tap0,-up"
	bad 1 "kvm: web: bridge name \"br/0\" $only\n" "tap0,br/0"
	bad 1 "kvm: web: bridge name \"bridge0123456789\" is too long (at most 15 characters)\n" \
	    "tap0,bridge0123456789"
	bad 1 "kvm: web: uplink name \"em0\"\" $only\n" 'tap0,bridge0,em0"'
	bad 1 "kvm: web: uplink name \"lagg0.100.abcdef\" is too long (at most 15 characters)\n" \
	    "tap0,bridge0,lagg0.100.abcdef"
	bad 1 "kvm: web: uplink name \".em0\" must begin with a letter\n" "tap0,bridge0,.em0"
	# -n needs its argument: usage, exit 2.
	kvm_state > before
	atf_check -s exit:2 -o empty -e match:"^usage: kvm create .*\\[-n tap\\[,bridge\\[,uplink\\]\\]\\] .*name\$" \
	    kvm create -y -m 256M -s 64M web -n
	kvm_state > after
	atf_check cmp before after
	# A name whose unit has a dot (a vlan) is a fine uplink.
	atf_check -s exit:0 -o ignore -e empty \
	    kvm create -y -m 256M -s 64M -n tap_web-1,br.lan,em0.100 web
	atf_check -s exit:0 -o empty -e empty kvm check web
}
bad_names_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

# The hook library alone, as kvm runs it: values only as arguments.
HOOK='. "$0" && "$@"'

atf_test_case hook_library
hook_library_head()
{
	atf_set descr "CreateIF loads a missing module once and reports kldload's failure; AddToBridge adds only non-members"
}
hook_library_body()
{
	KVM_ROOTDIR=$(pwd)/root
	PATH="$(atf_get_srcdir)/sim/bin:$PATH"
	export KVM_ROOTDIR PATH
	mkdir -p root/sim/if root/etc
	FUNCS=$(kvm_functions_file)
	: > root/sim/if/em0
	# A module already there (compiled in) is not loaded again.
	echo if_bridge > root/sim/kld
	atf_check -s exit:0 -o empty -e empty sh -c "$HOOK" "$FUNCS" CreateIF bridge bridge5
	atf_check -s exit:0 -o empty -e empty sh -c "$HOOK" "$FUNCS" \
	    AddToBridge bridge5 em0
	atf_check -s exit:0 -o empty -e empty sh -c "$HOOK" "$FUNCS" \
	    AddToBridge bridge5 em0
	atf_check -o inline:"ifconfig bridge5
kldstat -q -m if_bridge
ifconfig bridge5 create
ifconfig bridge5 up
ifconfig bridge5
ifconfig bridge5 addm em0
ifconfig bridge5
" grep -E '^(ifconfig|kld)' root/sim/log
	atf_check -o inline:"members=em0\n" grep '^members=' root/sim/if/bridge5
	# kldload fails: its message, CreateIF fails, nothing is created.
	echo "kldload if_tuntap" > root/sim/fail
	atf_check -s exit:1 -o empty -e inline:"kldload: simulated failure\n" \
	    sh -c "$HOOK" "$FUNCS" CreateIF tap tap0
	atf_check -s exit:1 -o empty -e ignore ifconfig tap0
	rm root/sim/fail
	# A unit with a leading zero is no cloner name: created by rename.
	atf_check -s exit:0 -o empty -e empty sh -c "$HOOK" "$FUNCS" CreateIF tap tap01
	atf_check -o inline:"ifconfig tap create name tap01\n" \
	    grep '^ifconfig tap create' root/sim/log
	atf_check -s exit:2 -o empty \
	    -e inline:"AddToBridge: usage: AddToBridge bridge member ...\n" \
	    sh -c "$HOOK" "$FUNCS" AddToBridge bridge5
}

atf_init_test_cases()
{
	atf_add_test_case full
	atf_add_test_case tap_only
	atf_add_test_case tap_bridge
	atf_add_test_case info
	atf_add_test_case clone
	atf_add_test_case interactive
	atf_add_test_case interactive_none
	atf_add_test_case bad_names
	atf_add_test_case hook_library
}
