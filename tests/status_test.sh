#! /usr/bin/env atf-sh
# Integration tests of "kvm status", "kvm list", "kvm info" and
# "kvm console" on a real (zfs-fuse) pool.  VMs are made by hand (a
# dataset, set.conf, run, disk) so set.conf is exactly what the test
# says; each runtime state is made by stand-ins written the way the
# supervisor writes its runtime files: a process the kernel shows as
# "bhyve: NAME" (as bhyve sets its title), one holding NAME.lock (the
# supervisor), NAME.pid in the runtime format, /dev/vmm/NAME.

. "$(atf_get_srcdir)/lib.sh"

# The fixture, a bin directory for this file's stand-ins, UTC times.
st_setup()
{
	kvm_setup "$@"
	mkdir -p bin root/sim root/var/run/kvm root/dev/vmm
	PATH="$(pwd)/bin:$PATH"
	TZ=UTC
	export PATH TZ
	# No bridge anywhere unless a test says otherwise.
	printf '#!/bin/sh\nexit 0\n' > bin/ifconfig
	chmod +x bin/ifconfig
}

# kvm_cleanup, then the pool again if zfs-fuse said "busy" the first
# time (it unmounts as it refuses, so a second destroy works).
st_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
	if [ -f pool ] && zpool list -H -o name "$(cat pool)" >/dev/null 2>&1
	then
		sleep 1
		zpool destroy -f "$(cat pool)"
	fi
	return 0
}

# mkvm NAME [set.conf lines ...]: a VM as kvm create leaves it.
mkvm()
{
	_n=$1
	shift
	zfs create "$POOL/kvm/vm/$_n" || atf_fail "zfs create $_n"
	printf '%s\n' "$@" > "$HOME_DIR/vm/$_n/set.conf"
	printf 'preRun()\n{\n\t:\n}\n\npostRun()\n{\n\t:\n}\n' > "$HOME_DIR/vm/$_n/run"
	truncate -s 1G "$HOME_DIR/vm/$_n/disk"
	cp "$HOME_DIR/firmware/BHYVE_UEFI_VARS.fd" \
	    "$HOME_DIR/vm/$_n/uefi-vars.fd"
}

# wait_for CMD...: retry for up to 5 s.
wait_for()
{
	_i=0
	until "$@"; do
		_i=$((_i + 1))
		[ $_i -lt 50 ] || atf_fail "timed out waiting for: $*"
		sleep 0.1
	done
}

# Remember a stand-in's pid for kvm_cleanup.
standin_pid()
{
	echo "$1" > "root/sim/standin-$1.pid"
}

is_titled()
{
	ps -o args= -p "$1" | grep -q "^bhyve: $2\$"
}

# standin_bhyve NAME: a process titled "bhyve: NAME"; pid in $pid.
standin_bhyve()
{
	perl -e '$0 = "bhyve: $ARGV[0]"; sleep 3600' "$1" \
	    </dev/null >/dev/null 2>&1 &
	pid=$!
	standin_pid $pid
	wait_for is_titled $pid "$1"
}

lock_held()
{
	perl -e 'use Fcntl ":flock"; open(my $f, "<", $ARGV[0]) or exit 1;
	    exit(flock($f, LOCK_SH | LOCK_NB) ? 1 : 0)' "$1"
}

# standin_supervisor NAME: holds NAME.lock as the supervisor does.
standin_supervisor()
{
	perl -e 'use Fcntl ":flock"; open(my $f, ">>", $ARGV[0]) or die;
	    flock($f, LOCK_EX) or die; sleep 3600' \
	    "$(pwd)/root/var/run/kvm/$1.lock" </dev/null >/dev/null 2>&1 &
	pid=$!
	standin_pid $pid
	wait_for lock_held "root/var/run/kvm/$1.lock"
}

is_loader()
{
	ps -o args= -p "$1" | grep -q "^grub-bhyve .* $2\$"
}

# standin_loader NAME: a process whose command line is grub-bhyve's,
# the VM name last.
standin_loader()
{
	perl -e 'exec { $^X } "grub-bhyve", "-e", "sleep 3600", $ARGV[0]' \
	    "$1" </dev/null >/dev/null 2>&1 &
	pid=$!
	standin_pid $pid
	wait_for is_loader $pid "$1"
}

# write_rt NAME SUPERVISOR BHYVE LOADER STARTED VNC CONSOLE
write_rt()
{
	printf 'supervisor=%s\nbhyve=%s\nloader=%s\nstarted=%s\nvnc=%s\nconsole=%s\n' \
	    "$2" "$3" "$4" "$5" "$6" "$7" > "root/var/run/kvm/$1.pid"
}

is_dead()
{
	! kill -0 "$1" 2>/dev/null
}

# A pid that was used and is free again.
dead_pid()
{
	sleep 0 &
	_p=$!
	wait $_p
	echo $_p
}

fmt_time()
{
	date -u -d "@$1" '+%Y-%m-%d %H:%M:%S' 2>/dev/null ||
	    date -u -r "$1" '+%Y-%m-%d %H:%M:%S'
}

# The list's format: name column as wide as the longest name.
row()
{
	printf "%-${W}s  %-8s  %s\n" "$@"
}

usage_status="usage: kvm status [-j] name\n"
usage_list="usage: kvm list [-jl]\n"
usage_info="usage: kvm info [-j] name\n"
usage_console="usage: kvm console name\n"

# ---------------------------------------------------------------- status

atf_test_case status_stopped cleanup
status_stopped_head()
{
	atf_set descr "status of a stopped VM is 0, exit 1, even with a stale pid file"
	atf_set require.user root
}
status_stopped_body()
{
	st_setup
	mkvm web 'Mem="1G"'
	atf_check -s exit:1 -o inline:"0\n" -e empty kvm status web
	atf_check -s exit:1 -o inline:'{"name":"web","state":"stopped","pid":0,"supervisor":0}\n' \
	    -e empty kvm status -j web
	# Dead pids in the file (a crash) count for nothing.
	d=$(dead_pid)
	write_rt web "$d" "$d" "$d" 1700000000 "" ""
	atf_check -s exit:1 -o inline:"0\n" -e empty kvm status web
	# A live process that is not bhyve NAME (pid reuse) either.
	standin_bhyve other
	write_rt web 0 "$pid" 0 1700000000 "" ""
	atf_check -s exit:1 -o inline:"0\n" -e empty kvm status web
	# The seed's name, a link in the kvm home, runs it too.
	atf_check -s exit:1 -o inline:"0\n" -e empty "$HOME_DIR/status" web
}
status_stopped_cleanup()
{
	st_cleanup
}

atf_test_case status_none cleanup
status_none_head()
{
	atf_set descr "status of a VM that does not exist, or cannot, is -1, exit 1"
	atf_set require.user root
}
status_none_body()
{
	st_setup
	mkvm web 'Mem="1G"'
	atf_check -s exit:1 -o inline:"-1\n" -e empty kvm status nope
	atf_check -s exit:1 -o inline:'{"name":"nope","state":"none","pid":-1,"supervisor":0}\n' \
	    -e empty kvm status -j nope
	# A directory without set.conf is not a VM.
	mkdir "$HOME_DIR/vm/half"
	atf_check -s exit:1 -o inline:"-1\n" -e empty kvm status half
	for n in 'a/b' '../vm/web' '' '-web' '.web' 'a b' \
	    'abcdefghijklmnopqrstuvwxyz012345'; do
		atf_check -s exit:1 -o inline:"-1\n" -e empty kvm status -- "$n"
	done
	printf '{"name":"a\\"b\\\\c\\n","state":"none","pid":-1,"supervisor":0}\n' \
	    > expected
	atf_check -s exit:1 -o file:expected -e empty kvm status -j 'a"b\c
'
}
status_none_cleanup()
{
	st_cleanup
}

atf_test_case status_running cleanup
status_running_head()
{
	atf_set descr "status of a running VM is bhyve's pid, exit 0"
	atf_set require.user root
}
status_running_body()
{
	st_setup
	mkvm web 'Mem="1G"'
	standin_bhyve web
	b=$pid
	standin_supervisor web
	s=$pid
	write_rt web "$s" "$b" 0 "$(date +%s)" "" "$(pwd)/root/dev/nmdm-web.1B"
	atf_check -s exit:0 -o inline:"$b\n" -e empty kvm status web
	atf_check -s exit:0 \
	    -o inline:"{\"name\":\"web\",\"state\":\"running\",\"pid\":$b,\"supervisor\":$s}\n" \
	    -e empty kvm status -j web
}
status_running_cleanup()
{
	st_cleanup
}

atf_test_case status_orphan cleanup
status_orphan_head()
{
	atf_set descr "a bhyve whose supervisor was killed is still up: orphan, exit 0"
	atf_set require.user root
}
status_orphan_body()
{
	st_setup
	mkvm web 'Mem="1G"'
	standin_bhyve web
	b=$pid
	standin_supervisor web
	s=$pid
	write_rt web "$s" "$b" 0 "$(date +%s)" "" ""
	kill -9 "$s"
	wait_for is_dead "$s"
	atf_check -s exit:0 -o inline:"$b\n" -e empty kvm status web
	atf_check -s exit:0 \
	    -o inline:"{\"name\":\"web\",\"state\":\"orphan\",\"pid\":$b,\"supervisor\":0}\n" \
	    -e empty kvm status -j web
}
status_orphan_cleanup()
{
	st_cleanup
}

atf_test_case status_starting cleanup
status_starting_head()
{
	atf_set descr "a supervisor in its hooks or loader: pid 0 but exit 0"
	atf_set require.user root
}
status_starting_body()
{
	st_setup
	mkvm web 'Mem="1G"' 'VMrom="grub"'
	standin_supervisor web
	s=$pid
	standin_loader web
	write_rt web "$s" 0 "$pid" "$(date +%s)" "" ""
	atf_check -s exit:0 -o inline:"0\n" -e empty kvm status web
	atf_check -s exit:0 \
	    -o inline:"{\"name\":\"web\",\"state\":\"starting\",\"pid\":0,\"supervisor\":$s}\n" \
	    -e empty kvm status -j web
}
status_starting_cleanup()
{
	st_cleanup
}

atf_test_case status_stale cleanup
status_stale_head()
{
	atf_set descr "a left-over instance or loader is not up: 0, exit 1, stale"
	atf_set require.user root
}
status_stale_body()
{
	st_setup
	mkvm web 'Mem="1G"'
	touch root/dev/vmm/web
	atf_check -s exit:1 -o inline:"0\n" -e empty kvm status web
	atf_check -s exit:1 \
	    -o inline:'{"name":"web","state":"stale","pid":0,"supervisor":0}\n' \
	    -e empty kvm status -j web
	rm root/dev/vmm/web
	standin_loader web
	write_rt web 0 0 "$pid" "$(date +%s)" "" ""
	atf_check -s exit:1 \
	    -o inline:'{"name":"web","state":"stale","pid":0,"supervisor":0}\n' \
	    -e empty kvm status -j web
	# A live process that is not web's loader (pid reuse) is nothing.
	standin_loader other
	write_rt web 0 0 "$pid" "$(date +%s)" "" ""
	atf_check -s exit:1 \
	    -o inline:'{"name":"web","state":"stopped","pid":0,"supervisor":0}\n' \
	    -e empty kvm status -j web
}
status_stale_cleanup()
{
	st_cleanup
}

atf_test_case status_usage cleanup
status_usage_head()
{
	atf_set descr "status: operands and options, exit 2 with the usage line"
	atf_set require.user root
}
status_usage_body()
{
	st_setup
	mkvm web 'Mem="1G"'
	kvm_state > before
	atf_check -s exit:2 -o empty -e inline:"$usage_status" kvm status
	atf_check -s exit:2 -o empty -e inline:"$usage_status" kvm status -j
	atf_check -s exit:2 -o empty -e inline:"$usage_status" kvm status web web
	atf_check -s exit:2 -o empty -e inline:"$usage_status" kvm status -x web
	atf_check -s exit:2 -o empty -e inline:"$usage_status" kvm status -jx web
	atf_check -s exit:2 -o empty -e inline:"$usage_status" kvm status web -j
	kvm_state > after
	atf_check cmp before after
}
status_usage_cleanup()
{
	st_cleanup
}

atf_test_case not_installed cleanup
not_installed_head()
{
	atf_set descr "status, list and info say so when kvm is not installed"
	atf_set require.user root
}
not_installed_body()
{
	st_setup noinstall
	msg="kvm: not installed (no $(pwd)/root/usr/local/etc/kvm.conf): run kvm install\n"
	# An error, not "not running": exit 3, nothing on stdout.
	atf_check -s exit:3 -o empty -e inline:"$msg" kvm status web
	atf_check -s exit:1 -o empty -e inline:"$msg" kvm list
	atf_check -s exit:1 -o empty -e inline:"$msg" kvm info web
	atf_check -s exit:1 -o empty -e inline:"$msg" kvm console web
}
not_installed_cleanup()
{
	st_cleanup
}

# ---------------------------------------------------------------- list

atf_test_case list_states cleanup
list_states_head()
{
	atf_set descr "list: up VMs first, then the others, each by name"
	atf_set require.user root
}
list_states_body()
{
	st_setup
	mkvm alpha 'Mem="512M"'
	mkvm web 'Cores="2"' 'Mem="1G"'
	mkvm db 'Cores="4"' 'Mem="8G"'
	mkvm mail 'Mem="256M"' 'VMrom="grub"'
	mkvm old 'Mem="1G"'
	mkvm zz-broken 'Mem="8"'
	mkdir "$HOME_DIR/vm/notavm"
	standin_bhyve web
	bw=$pid
	standin_supervisor web
	sw=$pid
	write_rt web "$sw" "$bw" 0 "$(date +%s)" "" ""
	standin_bhyve db
	bd=$pid
	write_rt db "$(dead_pid)" "$bd" 0 "$(date +%s)" "" ""
	standin_supervisor mail
	sm=$pid
	write_rt mail "$sm" 0 0 "$(date +%s)" "" ""
	touch root/dev/vmm/old

	# A broken set.conf does not matter: list does not read it.
	W=9
	{
		row NAME STATE PID
		row db orphan "$bd"
		row mail starting -
		row web running "$bw"
		row alpha stopped -
		row old stale -
		row zz-broken stopped -
	} > expected
	kvm_state > before
	atf_check -s exit:0 -o file:expected -e empty kvm list
	atf_check -s exit:0 -o file:expected -e empty "$HOME_DIR/vmlist"
	printf '[%s,%s,%s,%s,%s,%s]\n' \
	    "{\"name\":\"db\",\"state\":\"orphan\",\"pid\":$bd,\"supervisor\":0}" \
	    "{\"name\":\"mail\",\"state\":\"starting\",\"pid\":0,\"supervisor\":$sm}" \
	    "{\"name\":\"web\",\"state\":\"running\",\"pid\":$bw,\"supervisor\":$sw}" \
	    '{"name":"alpha","state":"stopped","pid":0,"supervisor":0}' \
	    '{"name":"old","state":"stale","pid":0,"supervisor":0}' \
	    '{"name":"zz-broken","state":"stopped","pid":0,"supervisor":0}' \
	    > expected.json
	atf_check -s exit:0 -o file:expected.json -e empty kvm list -j
	python3 -c 'import json, sys; json.load(sys.stdin)' < expected.json ||
	    atf_fail "expected.json is not JSON"
	kvm_state > after
	atf_check cmp before after
}
list_states_cleanup()
{
	st_cleanup
}

atf_test_case list_empty cleanup
list_empty_head()
{
	atf_set descr "list with no VM: the header alone, [] in JSON"
	atf_set require.user root
}
list_empty_body()
{
	st_setup
	atf_check -s exit:0 -o inline:"NAME  STATE     PID\n" -e empty kvm list
	atf_check -s exit:0 -o inline:"[]\n" -e empty kvm list -j
}
list_empty_cleanup()
{
	st_cleanup
}

atf_test_case list_usage cleanup
list_usage_head()
{
	atf_set descr "list takes no operand; bad options give the usage line"
	atf_set require.user root
}
list_usage_body()
{
	st_setup
	mkvm web 'Mem="1G"'
	atf_check -s exit:2 -o empty -e inline:"$usage_list" kvm list web
	atf_check -s exit:2 -o empty -e inline:"$usage_list" kvm list -j web
	atf_check -s exit:2 -o empty -e inline:"$usage_list" kvm list -x
	atf_check -s exit:2 -o empty -e inline:"$usage_list" kvm list -v
}
list_usage_cleanup()
{
	st_cleanup
}

# ---------------------------------------------------------------- info

# The VM of the info tests: every setting info shows, one snapshot
# taken after another with a name earlier in the alphabet, a clone,
# an rc.d script enabled in rc.conf.
info_vm()
{
	mkvm web 'Cores="2"' 'Mem="2G"' \
	    'UUID="0b5e7a52-8c9d-4e0f-9a1b-2c3d4e5f6a7b"' \
	    'DiskDriver="virtio-blk"' 'DiskSerial="KVM0001"' \
	    'Iso="/isos/FreeBSD-14.0-RELEASE-amd64-disc1.iso"' \
	    'Console="vnc"' 'VNCport="5905"' 'Com="nmdm"' \
	    'LAN="tapweb"' \
	    'Devices="4,virtio-net,$LAN,mac=58:9c:fc:00:00:01 5,passthru,3/0/0 6,virtio-rnd"' \
	    'OnFault="restart"'
	zfs snapshot "$POOL/kvm/vm/web@zeta" || atf_fail "zfs snapshot"
	zfs snapshot "$POOL/kvm/vm/web@alpha" || atf_fail "zfs snapshot"
	tz=$(zfs get -Hp -o value creation "$POOL/kvm/vm/web@zeta")
	ta=$(zfs get -Hp -o value creation "$POOL/kvm/vm/web@alpha")
	zfs clone "$POOL/kvm/vm/web@zeta" "$POOL/kvm/vm/copy" ||
	    atf_fail "zfs clone"
	mkdir -p root/usr/local/etc/rc.d
	printf '#!/bin/sh\n' > root/usr/local/etc/rc.d/web
	printf 'hostname="h"\nweb_enable="NO"\nweb_enable="YES" # boot it\n' \
	    > root/etc/rc.conf
}

# info_expect FILE STATE PID SUPERVISOR NETWORK CONSOLE VNC: the lines
# of web but "since" and "disk size", which the tests match apart.
info_expect()
{
	cat > "$1" <<EOF
name:        web
state:       $2
pid:         $3
supervisor:  $4
loader:      uefi
firmware:    $HOME_DIR/firmware/BHYVE_UEFI_CODE.fd
uefi vars:   $HOME_DIR/vm/web/uefi-vars.fd
cpus:        2
memory:      2G
uuid:        0b5e7a52-8c9d-4e0f-9a1b-2c3d4e5f6a7b
disk:        $HOME_DIR/vm/web/disk
disk driver: virtio-blk
disk serial: KVM0001
iso:         /isos/FreeBSD-14.0-RELEASE-amd64-disc1.iso
network:     $5
passthru:    3/0/0 (slot 5, not on this host)
device:      6,virtio-rnd
console:     $6
vnc:         $7
onfault:     restart
tpm:         none
dataset:     $POOL/kvm/vm/web
origin:      -
snapshot:    zeta ($(fmt_time "$tz"))
snapshot:    alpha ($(fmt_time "$ta"))
rc.d:        $(pwd)/root/usr/local/etc/rc.d/web
rc.conf:     web_enable=YES
EOF
}

atf_test_case info_stopped cleanup
info_stopped_head()
{
	atf_set descr "info of a stopped VM: its settings, disk, snapshots, rc.d"
	atf_set require.user root
}
info_stopped_body()
{
	st_setup
	info_vm
	info_expect expected stopped - - \
	    "tapweb (virtio-net, slot 4, mac 58:9c:fc:00:00:01)" \
	    "nmdm $(pwd)/root/dev/nmdm-web.1B" "127.0.0.1:5905"
	kvm_state > before
	atf_check -s exit:0 -o save:out -e empty kvm info web
	atf_check -o file:expected grep -v -e '^since:' -e '^disk size:' out
	atf_check -o inline:"since:       -\n" grep '^since:' out
	atf_check -o match:'^disk size:   1G, [0-9.]+[BKM] allocated$' \
	    grep '^disk size:' out
	atf_check -s exit:0 -o file:out -e empty "$HOME_DIR/vminfo" web
	kvm_state > after
	atf_check cmp before after

	# The clone shows its origin; a missing disk is said, not fatal.
	rm "$HOME_DIR/vm/copy/disk"
	atf_check -s exit:0 -o save:copy -e empty kvm info copy
	atf_check -o inline:"origin:      $POOL/kvm/vm/web@zeta\n" \
	    grep '^origin:' copy
	atf_check -o inline:"snapshot:    none\n" grep '^snapshot:' copy
	atf_check -o inline:"disk size:   - (No such file or directory)\n" \
	    grep '^disk size:' copy
	atf_check -o inline:"rc.d:        none\nrc.conf:     copy_enable is not set\n" \
	    grep '^rc\.' copy
}
info_stopped_cleanup()
{
	st_cleanup
}

atf_test_case info_defaults cleanup
info_defaults_head()
{
	atf_set descr "info of a VM with only Mem set: the defaults"
	atf_set require.user root
}
info_defaults_body()
{
	st_setup
	mkvm my-vm.1 'Mem="512M"' 'VMrom="grub"'
	cat > expected <<EOF
name:        my-vm.1
state:       stopped
since:       -
pid:         -
supervisor:  -
loader:      grub
cpus:        1
memory:      512M
uuid:        -
disk:        $HOME_DIR/vm/my-vm.1/disk
disk driver: nvme
disk serial: -
iso:         none
network:     none
passthru:    none
device:      none
console:     nmdm $(pwd)/root/dev/nmdm-my-vm.1.1B with start -d, else stdio
vnc:         none
onfault:     stop
tpm:         none
dataset:     $POOL/kvm/vm/my-vm.1
origin:      -
snapshot:    none
rc.d:        none
rc.conf:     my_vm_1_enable is not set
EOF
	atf_check -s exit:0 -o save:out -e empty kvm info my-vm.1
	atf_check -o file:expected grep -v '^disk size:' out
	printf '{"name":"my-vm.1","state":"stopped","started":null,"uptime":null,"pid":0,"supervisor":0,"loader_pid":0,"loader":"grub","firmware":null,"uefi_vars":null,"cpus":1,"memory":536870912,"uuid":null,"disk":{"path":"%s","driver":"nvme","serial":null,"size":1073741824,"allocated":A},"disks":[],"iso":null,"network":[],"passthru":[],"devices":[],"com":"auto","console":"%s","vnc":null,"onfault":"stop","tpm":null,"dataset":"%s","origin":null,"snapshots":[],"rcd":null,"rc_enable":null}\n' \
	    "$HOME_DIR/vm/my-vm.1/disk" "$(pwd)/root/dev/nmdm-my-vm.1.1B" \
	    "$POOL/kvm/vm/my-vm.1" > expected.json
	atf_check -s exit:0 -o save:out.json -e empty kvm info -j my-vm.1
	atf_check -o file:expected.json \
	    sed 's/"allocated":[0-9]*/"allocated":A/' out.json
	atf_check -o ignore python3 -m json.tool out.json
}
info_defaults_cleanup()
{
	st_cleanup
}

atf_test_case info_running cleanup
info_running_head()
{
	atf_set descr "info of a running VM: since, pids, bridge, runtime console and VNC"
	atf_set require.user root
}
info_running_body()
{
	st_setup
	info_vm
	cat > bin/ifconfig <<'EOF'
#!/bin/sh
cat <<'OUT'
em0: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500
	ether 00:a0:98:00:00:01
bridge0: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500
	ether 58:9c:fc:10:ff:a5
	member: tapweb flags=143<LEARNING,DISCOVER,AUTOEDGE,AUTOPTP>
	        ifmaxaddr 0 port 4 priority 128 path cost 2000000
	member: em0 flags=143<LEARNING,DISCOVER,AUTOEDGE,AUTOPTP>
	groups: bridge
tapweb: flags=8943<UP,BROADCAST,RUNNING,PROMISC,SIMPLEX,MULTICAST> metric 0 mtu 1500
	groups: tap
OUT
EOF
	standin_bhyve web
	b=$pid
	standin_supervisor web
	s=$pid
	started=$(($(date +%s) - 90061))
	dev="$(pwd)/root/dev/nmdm-web.1B"
	write_rt web "$s" "$b" 0 "$started" "127.0.0.1:5907" "$dev"
	info_expect expected running "$b" "$s" \
	    "tapweb (virtio-net, slot 4, mac 58:9c:fc:00:00:01, bridge bridge0)" \
	    "nmdm $dev" "127.0.0.1:5907"
	atf_check -s exit:0 -o save:out -e empty kvm info web
	atf_check -o file:expected grep -v -e '^since:' -e '^disk size:' out
	atf_check -o match:"^since:       $(fmt_time $started) \\(up 1d 01:01:0[1-5]\\)\$" \
	    grep '^since:' out

	# JSON: every key, uptime and allocated aside.
	printf '{"name":"web","state":"running","started":%s,"uptime":U,"pid":%s,"supervisor":%s,"loader_pid":0,' \
	    "$started" "$b" "$s" > expected.json
	printf '"loader":"uefi","firmware":"%s","uefi_vars":"%s","cpus":2,"memory":2147483648,"uuid":"0b5e7a52-8c9d-4e0f-9a1b-2c3d4e5f6a7b",' \
	    "$HOME_DIR/firmware/BHYVE_UEFI_CODE.fd" \
	    "$HOME_DIR/vm/web/uefi-vars.fd" >> expected.json
	printf '"disk":{"path":"%s","driver":"virtio-blk","serial":"KVM0001","size":1073741824,"allocated":A},"disks":[],' \
	    "$HOME_DIR/vm/web/disk" >> expected.json
	printf '"iso":"/isos/FreeBSD-14.0-RELEASE-amd64-disc1.iso",' \
	    >> expected.json
	printf '"network":[{"slot":"4","emulation":"virtio-net","backend":"tapweb","mac":"58:9c:fc:00:00:01","bridge":"bridge0"}],' \
	    >> expected.json
	printf '"passthru":[{"slot":"5","device":"3/0/0","driver":null,"description":null}],"devices":["6,virtio-rnd"],' \
	    >> expected.json
	printf '"com":"nmdm","console":"%s","vnc":"127.0.0.1:5907","onfault":"restart","tpm":null,"dataset":"%s/kvm/vm/web","origin":null,' \
	    "$dev" "$POOL" >> expected.json
	printf '"snapshots":[{"name":"zeta","created":%s,"used":U},{"name":"alpha","created":%s,"used":U}],"rcd":"%s","rc_enable":"YES"}\n' \
	    "$tz" "$ta" "$(pwd)/root/usr/local/etc/rc.d/web" >> expected.json
	atf_check -s exit:0 -o save:out.json -e empty kvm info -j web
	atf_check -o file:expected.json sed -e 's/"uptime":[0-9]*/"uptime":U/' \
	    -e 's/"allocated":[0-9]*/"allocated":A/' \
	    -e 's/"used":[0-9]*/"used":U/g' out.json
	atf_check -o match:'"uptime":9006[1-5],' cat out.json
	atf_check -o ignore python3 -m json.tool out.json
}
info_running_cleanup()
{
	st_cleanup
}

atf_test_case info_json_strings cleanup
info_json_strings_head()
{
	atf_set descr "info -j escapes strings per RFC 8259 and keeps them UTF-8"
	atf_set require.user root
}
info_json_strings_body()
{
	st_setup
	mkvm web 'Mem="1G"'
	# A quote, a backslash, a tab, a valid é and an invalid byte.
	printf 'Mem="1G"\nIso='"'"'/iso/a"b\\c\td \303\251 \377.iso'"'"'\n' \
	    > "$HOME_DIR/vm/web/set.conf"
	atf_check -s exit:0 -o save:out.json -e empty kvm info -j web
	printf '"iso":"/iso/a\\"b\\\\c\\td \303\251 \\ufffd.iso",\n' > expected
	atf_check -o file:expected grep -o '"iso":[^,]*,' out.json
	printf '/iso/a"b\\c\td \303\251 \357\277\275.iso\n' > expected.py
	atf_check -o file:expected.py python3 -c 'import json, sys
sys.stdout.buffer.write(json.load(sys.stdin)["iso"].encode() + b"\n")' \
	    < out.json
}
info_json_strings_cleanup()
{
	st_cleanup
}

atf_test_case info_errors cleanup
info_errors_head()
{
	atf_set descr "info: no such VM, bad names, set.conf errors, usage"
	atf_set require.user root
}
info_errors_body()
{
	st_setup
	mkvm web 'Mem="1G"'
	mkvm bad '# a comment' 'Mem="8"'
	kvm_state > before
	atf_check -s exit:1 -o empty -e inline:"kvm: nope: no such VM\n" \
	    kvm info nope
	atf_check -s exit:1 -o empty -e inline:"kvm: nope: no such VM\n" \
	    kvm info -j nope
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: a/b: name may only contain letters, digits, '.', '_' and '-'\n" \
	    kvm info a/b
	atf_check -s exit:1 -o empty -e inline:"kvm: : name is empty\n" \
	    kvm info ''
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: $HOME_DIR/vm/bad/set.conf:2: Mem needs a unit (K, M, G or T)\n" \
	    kvm info bad
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: $HOME_DIR/vm/bad/set.conf:2: Mem needs a unit (K, M, G or T)\n" \
	    kvm info -j bad
	atf_check -s exit:2 -o empty -e inline:"$usage_info" kvm info
	atf_check -s exit:2 -o empty -e inline:"$usage_info" kvm info -j
	atf_check -s exit:2 -o empty -e inline:"$usage_info" kvm info web web
	atf_check -s exit:2 -o empty -e inline:"$usage_info" kvm info -x web
	kvm_state > after
	atf_check cmp before after
}
info_errors_cleanup()
{
	st_cleanup
}

atf_test_case info_zfs_fails cleanup
info_zfs_fails_head()
{
	atf_set descr "info says what zfs said, prints the rest, exits 1"
	atf_set require.user root
}
info_zfs_fails_body()
{
	st_setup
	mkvm web 'Mem="1G"'
	printf '#!/bin/sh\necho "%s" >&2\nexit 1\n' \
	    "internal error: failed to initialize ZFS library" > bin/zfs
	chmod +x bin/zfs
	err="kvm: internal error: failed to initialize ZFS library\n"
	atf_check -s exit:1 -o save:out -e inline:"$err" kvm info web
	atf_check -o inline:"origin:      ?\nsnapshot:    ?\n" \
	    grep -e '^origin:' -e '^snapshot:' out
	atf_check -o match:'^name:        web$' cat out
	atf_check -o match:'^rc.conf:     web_enable is not set$' cat out
	atf_check -s exit:1 -o save:out.json -e inline:"$err" kvm info -j web
	atf_check -o match:'"dataset":"[^"]*","origin":null,"snapshots":null,"rcd"' \
	    cat out.json
	# status and list never ask zfs.
	atf_check -s exit:1 -o inline:"0\n" -e empty kvm status web
	atf_check -s exit:0 -o match:'^web ' -e empty kvm list
}
info_zfs_fails_cleanup()
{
	st_cleanup
}

# ---------------------------------------------------------------- console

# A cu that records its arguments and exits 3.
cu_standin()
{
	cat > bin/cu <<'EOF'
#!/bin/sh
printf '%s\n' "$*" >> "$KVM_ROOTDIR/sim/cu.log"
exit 3
EOF
	chmod +x bin/cu
}

atf_test_case console_attach cleanup
console_attach_head()
{
	atf_set descr "console runs cu -l on the nmdm B side and exits with cu's status"
	atf_set require.user root
}
console_attach_body()
{
	st_setup
	cu_standin
	mkvm web 'Mem="1G"'
	standin_bhyve web
	b=$pid
	standin_supervisor web
	s=$pid
	dev="$(pwd)/root/dev/nmdm-web.1B"
	write_rt web "$s" "$b" 0 "$(date +%s)" "" "$dev"
	atf_check -s exit:3 -o empty -e empty kvm console web
	atf_check -o inline:"-l $dev\n" cat root/sim/cu.log
	# An orphan's console is still there.
	kill -9 "$s"
	wait_for is_dead "$s"
	atf_check -s exit:3 -o empty -e empty kvm console web
	atf_check -o inline:"-l $dev\n-l $dev\n" cat root/sim/cu.log
	# -v shows the command.
	atf_check -s exit:3 -o empty -e inline:"+ cu -l $dev\n" \
	    kvm -v console web
}
console_attach_cleanup()
{
	st_cleanup
}

atf_test_case console_sim_cu cleanup
console_sim_cu_head()
{
	atf_set descr "console with the simulator's cu: attached, then cu's own failure"
	atf_set require.user root
}
console_sim_cu_body()
{
	st_setup
	[ -x "$(atf_get_srcdir)/sim/bin/cu" ] || atf_skip "no simulated cu"
	mkvm web 'Mem="1G"'
	standin_bhyve web
	b=$pid
	standin_supervisor web
	dev="$(pwd)/root/dev/nmdm-web.1B"
	write_rt web "$pid" "$b" 0 "$(date +%s)" "" "$dev"
	touch "$dev"
	atf_check -s exit:0 -o inline:"Connected\n" -e empty \
	    kvm console web </dev/null
	atf_check -o inline:"cu -l $dev\n" grep '^cu ' root/sim/log
	rm "$dev"
	atf_check -s exit:1 -o empty \
	    -e inline:"cu: $dev: No such file or directory\n" \
	    kvm console web </dev/null
}
console_sim_cu_cleanup()
{
	st_cleanup
}

atf_test_case console_refused cleanup
console_refused_head()
{
	atf_set descr "console refuses a stopped VM, a stdio console, bad operands"
	atf_set require.user root
}
console_refused_body()
{
	st_setup
	cu_standin
	mkvm web 'Mem="1G"'
	mkvm fg 'Mem="1G"' 'Com="stdio"'
	kvm_state > before
	atf_check -s exit:1 -o empty -e inline:"kvm: web: not running\n" \
	    kvm console web
	touch root/dev/vmm/web
	atf_check -s exit:1 -o empty -e inline:"kvm: web: not running\n" \
	    kvm console web
	standin_bhyve fg
	b=$pid
	standin_supervisor fg
	write_rt fg "$pid" "$b" 0 "$(date +%s)" "" ""
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: fg: console is on the terminal that started it (Com=stdio)\n" \
	    kvm console fg
	atf_check -s exit:1 -o empty -e inline:"kvm: nope: no such VM\n" \
	    kvm console nope
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: a/b: name may only contain letters, digits, '.', '_' and '-'\n" \
	    kvm console a/b
	atf_check -s exit:2 -o empty -e inline:"$usage_console" kvm console
	atf_check -s exit:2 -o empty -e inline:"$usage_console" kvm console web fg
	atf_check -s exit:2 -o empty -e inline:"$usage_console" kvm console -j web
	atf_check test ! -e root/sim/cu.log
	kvm_state > after
	atf_check cmp before after
}
console_refused_cleanup()
{
	st_cleanup
}

# ------------------------------------------------- with the real supervisor

# The pids of the runtime file, for the cleanup.
rt_pids()
{
	for f in root/var/run/kvm/*.pid; do
		[ -f "$f" ] && sed -n 's/^[a-z]*=\([0-9][0-9]*\)$/\1/p' "$f"
	done
}

sup_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	for p in $(rt_pids); do
		[ "$p" -gt 0 ] && kill -9 "$p" 2>/dev/null
	done
	st_cleanup
}

is_up()
{
	[ "$(kvm status "$1")" -gt 0 ]
}

is_starting()
{
	kvm status -j "$1" | grep -q '"state":"starting"'
}

rt_field()
{
	sed -n "s/^$2=//p" "root/var/run/kvm/$1.pid"
}

atf_test_case supervised_running cleanup
supervised_running_head()
{
	atf_set descr "a VM started by kvm start -d: running, orphan, stale"
	atf_set require.user root
}
supervised_running_body()
{
	st_setup
	mkvm web 'Mem="1G"'
	echo run > root/sim/web.guest
	atf_check -s exit:0 -o ignore -e ignore kvm start -d web
	wait_for is_up web
	b=$(cat root/sim/web.pid)
	s=$(rt_field web supervisor)
	dev="$(pwd)/root/dev/nmdm-web.1B"
	atf_check -s exit:0 -o inline:"$b\n" -e empty kvm status web
	atf_check -s exit:0 \
	    -o inline:"{\"name\":\"web\",\"state\":\"running\",\"pid\":$b,\"supervisor\":$s}\n" \
	    -e empty kvm status -j web
	atf_check -s exit:0 -o inline:"NAME  STATE     PID\nweb   running   $b\n" \
	    -e empty kvm list
	atf_check -s exit:0 -o save:out -e empty kvm info web
	atf_check -o inline:"state:       running\npid:         $b\nsupervisor:  $s\n" \
	    grep -e '^state:' -e '^pid:' -e '^supervisor:' out
	atf_check -o match:'^since:       [0-9-]+ [0-9:]+ \(up 00:00:[0-9][0-9]\)$' \
	    grep '^since:' out
	atf_check -o inline:"console:     nmdm $dev\n" grep '^console:' out
	if [ -x "$(atf_get_srcdir)/sim/bin/cu" ] && [ -e "$dev" ]; then
		atf_check -s exit:0 -o inline:"Connected\n" -e empty \
		    kvm console web </dev/null
	fi

	# The supervisor dies: the guest still runs, an orphan.
	kill -9 "$s"
	wait_for is_dead "$s"
	atf_check -s exit:0 -o inline:"$b\n" -e empty kvm status web
	atf_check -s exit:0 -o inline:"NAME  STATE     PID\nweb   orphan    $b\n" \
	    -e empty kvm list

	# bhyve dies too: its /dev/vmm instance is left over.
	kill -9 "$b"
	wait_for is_dead "$b"
	atf_check -s exit:1 -o inline:"0\n" -e empty kvm status web
	atf_check -s exit:1 \
	    -o inline:'{"name":"web","state":"stale","pid":0,"supervisor":0}\n' \
	    -e empty kvm status -j web
}
supervised_running_cleanup()
{
	sup_cleanup
}

atf_test_case supervised_loader cleanup
supervised_loader_head()
{
	atf_set descr "a VM whose grub loader waits at its prompt is starting: 0, exit 0"
	atf_set require.user root
}
supervised_loader_body()
{
	st_setup
	mkvm boot 'Mem="1G"' 'VMrom="grub"'
	echo hang > root/sim/boot.loader
	atf_check -s exit:0 -o ignore -e ignore kvm start -d boot
	wait_for is_starting boot
	s=$(rt_field boot supervisor)
	atf_check -s exit:0 -o inline:"0\n" -e empty kvm status boot
	atf_check -s exit:0 \
	    -o inline:"{\"name\":\"boot\",\"state\":\"starting\",\"pid\":0,\"supervisor\":$s}\n" \
	    -e empty kvm status -j boot
	atf_check -s exit:0 -o inline:"NAME  STATE     PID\nboot  starting  -\n" \
	    -e empty kvm list
	atf_check -s exit:0 -o save:out -e empty kvm info boot
	atf_check -o inline:"state:       starting\npid:         -\nsupervisor:  $s\n" \
	    grep -e '^state:' -e '^pid:' -e '^supervisor:' out
	atf_check -o match:"\"loader_pid\":$(cat root/sim/boot.grub-bhyve.pid)," \
	    kvm info -j boot
}
supervised_loader_cleanup()
{
	sup_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case status_stopped
	atf_add_test_case status_none
	atf_add_test_case status_running
	atf_add_test_case status_orphan
	atf_add_test_case status_starting
	atf_add_test_case status_stale
	atf_add_test_case status_usage
	atf_add_test_case not_installed
	atf_add_test_case list_states
	atf_add_test_case list_empty
	atf_add_test_case list_usage
	atf_add_test_case info_stopped
	atf_add_test_case info_defaults
	atf_add_test_case info_running
	atf_add_test_case info_json_strings
	atf_add_test_case info_errors
	atf_add_test_case info_zfs_fails
	atf_add_test_case console_attach
	atf_add_test_case console_sim_cu
	atf_add_test_case console_refused
	atf_add_test_case supervised_running
	atf_add_test_case supervised_loader
}
