#! /usr/bin/env atf-sh
#
# argv_sim_test.sh: every valid golden case of tests/argv (argv_test.c)
# fed to the bhyve simulator.  For each NAME.argv the case builds what
# the command line names (disk, ISO, firmware and vars files, taps, the
# nmdm module, the ppt device) in a scratch KVM_ROOTDIR, checks that
# argvdump prints exactly the golden argv, then runs the loader (if
# any) and bhyve with a guest that powers off: the simulator, which
# checks its command line as bhyve does, must accept both.

# slot_arg FILE PREFIX: each "-s" argument of the argv in FILE that
# starts with PREFIX (every one when PREFIX is empty).
slot_arg()
{
	awk -v p="$2" 'prev == "-s" && (p == "" || index($0, p) == 1) {
		print
	}
	{ prev = $0 }' "$1"
}

# Create everything the bhyve argv in FILE refers to.  The loops read
# from files, not pipes, so that they run in this shell and a failed
# check fails the test case.
build_files()
{
	{ slot_arg "$1" 2,; slot_arg "$1" 3,ahci-cd,; slot_arg "$1" 28,ahci-cd,
	  slot_arg "$1" "" | grep -E '^[0-9]+,(nvme|virtio-blk|ahci-hd),' |
	    grep -v '^2,' || true; } > disks
	while read -r a; do
		path=${a#*,*,}
		path=${path%%,*}
		atf_check mkdir -p "${path%/*}"
		atf_check truncate -s 64M "$path"
	done < disks
	grep '^bootrom,' "$1" > roms || true
	while read -r a; do
		rom=${a#bootrom,}
		vars=${rom#*,}
		rom=${rom%%,*}
		atf_check mkdir -p "${rom%/*}" "${vars%/*}"
		# edk2-bhyve's sizes, which pass bhyve's bootrom checks
		atf_check truncate -s 2M "$rom"
		atf_check truncate -s 128K "$vars"
	done < roms
	slot_arg "$1" "" | grep -E '^[0-9:]+,virtio-net,' > nics || true
	while read -r a; do
		tap=${a#*,virtio-net,}
		tap=${tap%%,*}
		case $tap in
		tap[0-9]*)
			atf_check ifconfig "$tap" create ;;
		*)
			atf_check -o inline:"$tap\n" \
			    ifconfig tap create name "$tap" ;;
		esac
	done < nics
	# TPM: the host device (a plain file serves), or a running swtpm
	grep '^tpm,passthru,' "$1" > tpms || true
	while read -r a; do
		atf_check mkdir -p "$(dirname "${a#tpm,passthru,}")"
		atf_check touch "${a#tpm,passthru,}"
	done < tpms
	if grep '^tpm,swtpm,' "$1" > tpms; then
		sock=$(sed 's/^tpm,swtpm,//' tpms)
		atf_check mkdir -p "$(dirname "$sock")" swtpm-state
		swtpm socket --tpm2 --tpmstate dir="$(pwd)/swtpm-state" \
		    --server type=unixio,path="$sock" --flags not-need-init &
		echo $! > swtpm.pid
		i=0
		while [ ! -S "$sock" ] && [ $i -lt 100 ]; do
			sleep 0.05
			i=$((i + 1))
		done
	fi
	if slot_arg "$1" "" | grep -q ',passthru,3/0/0$'; then
		printf '%s\t%s\n' ppt0@pci0:3:0:0: \
		    'class=0x020000 rev=0x06 hdr=0x00 vendor=0x10ec' \
		    > "$KVM_ROOTDIR/sim/pci"
	fi
}

# vnc_connect HOST PORT: play a VNC viewer connecting (retrying while
# bhyve sets up), so that an fbuf with "wait" lets the guest boot.
vnc_connect()
{
	[ "$1" = 0.0.0.0 ] && set -- 127.0.0.1 "$2"
	i=0
	while [ $i -lt 100 ]; do
		if command -v nc >/dev/null 2>&1; then
			nc -z "$1" "$2" 2>/dev/null && return 0
		else
			python3 -c 'import socket, sys
socket.create_connection((sys.argv[1], int(sys.argv[2])), 1).close()' \
			    "$1" "$2" 2>/dev/null && return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# Run the argument vector in FILE as a command and expect status $2,
# no output on stderr.  With "wait" on the fbuf, connect to it first.
run_argv()
{
	file=$1
	status=$2
	fbuf=$(slot_arg "$file" 29,fbuf, | grep ',wait' || true)
	set --
	while IFS= read -r a; do
		set -- "$@" "$a"
	done < "$file"
	if [ -z "$fbuf" ]; then
		atf_check -s "exit:$status" -o ignore -e empty "$@"
		return
	fi
	command -v nc >/dev/null 2>&1 || command -v python3 >/dev/null 2>&1 ||
	    atf_skip "no nc or python3 to play the VNC viewer"
	"$@" > out 2> err &
	addr=${fbuf#*tcp=}
	addr=${addr%%,*}
	vnc_connect "${addr%:*}" "${addr##*:}" ||
	    atf_fail "cannot connect to the VNC server at $addr"
	rc=0
	wait $! || rc=$?
	atf_check_equal "$status" "$rc"
	atf_check -o empty cat err
}

sim_case()
{
	name=$1
	src=$(atf_get_srcdir)
	home=$(pwd)/home
	dir=$home/vm/$name
	KVM_ROOTDIR=$(pwd)/root
	export KVM_ROOTDIR
	export PATH="$src/sim/bin:$PATH"
	mkdir -p "$KVM_ROOTDIR/sim" "$dir"
	echo 64 > "$KVM_ROOTDIR/sim/maxcpu"
	touch "$KVM_ROOTDIR/sim/romcheck"
	atf_check kldload vmm nmdm if_tuntap
	subst="s|@DIR@|$dir|g; s|@HOME@|$home|g; s|@ROOT@|$KVM_ROOTDIR|g"
	sed "$subst" "$src/argv/$name.conf" > "$dir/set.conf"
	sed "$subst" "$src/argv/$name.argv" > want
	detached=
	grep -qx '# test: detached' "$dir/set.conf" && detached=-d
	atf_check -o file:want "$src/argvdump" $detached \
	    -m "$dir/device.map" -r "$KVM_ROOTDIR" "$dir/set.conf" \
	    "$name" "$dir" "$home"
	grep '^loader:' want | sed 's/^loader://' > loader
	grep -v '^loader:' want > bhyve
	build_files bhyve
	if [ -s loader ]; then
		run_argv loader 0
		atf_check test -e "$KVM_ROOTDIR/dev/vmm/$name"
	fi
	echo poweroff > "$KVM_ROOTDIR/sim/$name.guest"
	run_argv bhyve 1
	if [ -f swtpm.pid ]; then
		kill "$(cat swtpm.pid)"
		wait "$(cat swtpm.pid)" || true
	fi
	# the guest ran: bhyve got past its device setup
	atf_check -o inline:"1\n" cat "$KVM_ROOTDIR/sim/$name.runs"
}

atf_init_test_cases()
{
	for f in "$(atf_get_srcdir)"/argv/*.argv; do
		n=${f##*/}
		n=${n%.argv}
		eval "atf_test_case $n
		${n}_head() { atf_set descr 'simulator accepts argv/$n.argv'; }
		${n}_body() { sim_case $n; }"
		atf_add_test_case "$n"
	done
}
