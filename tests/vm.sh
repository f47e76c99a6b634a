# tests/vm.sh: helpers for the tests that run VMs; source it after
# lib.sh, once kvm_setup has run.
#
# kvm_mkvm NAME [LINE...]   make a VM (kvm create when it works, else by
#                           hand) whose preRun/postRun append
#                           "preRun NAME" / "postRun NAME VM_EXIT" to the
#                           simulator's log; each LINE is appended to
#                           set.conf (the last assignment wins)
# kvm_guest NAME LINE...    the guest script the simulated bhyve plays
# kvm_loader NAME LINE...   the script the simulated loader plays
# kvm_rt NAME KEY           a field of NAME.pid (supervisor, bhyve, ...)
# kvm_wait_rt NAME KEY      wait until that field names a live process
# kvm_wait_unlocked NAME    wait until no supervisor holds NAME.lock
# kvm_locked NAME           true while NAME.lock is held
# $KVM_RUNS                 grep -E pattern of the preRun/bhyve/postRun
#                           lines of the simulator's log
# kvm_wait_gone PID         wait until the process is gone (or a zombie)
# kvm_fake_running NAME [orphan]  a stand-in bhyve (and supervisor)

KVM_WAIT=${KVM_WAIT:-100}	# tenths of a second a wait may take

# The hooks the tests use: they log, and fail on request.
kvm_run_file()
{
	cat <<'EOF'
# run: written by the tests (tests/vm.sh)
preRun()
{
	echo "preRun $VM_NAME $(pwd)" >> "$KVM_ROOTDIR/sim/log"
	if [ -f "$KVM_ROOTDIR/sim/prerun-fails" ]; then
		echo "preRun: no network for $VM_NAME" >&2
		return 3
	fi
}

postRun()
{
	echo "postRun $VM_NAME ${VM_EXIT-unset}" >> "$KVM_ROOTDIR/sim/log"
}
EOF
}

kvm_mkvm()
{
	_name=$1
	shift
	mkdir -p "$KVM_ROOTDIR/sim"
	_dir=$HOME_DIR/vm/$_name
	if ! kvm create -y -m 256M -s 64M "$_name" >/dev/null 2>&1; then
		zfs create "$POOL/kvm/vm/$_name" ||
		    atf_fail "cannot create the dataset of $_name"
		printf 'Mem="256M"\nVMrom="uefi"\nDisk="disk"\n' \
		    > "$_dir/set.conf"
		truncate -s 64M "$_dir/disk"
		cp "$HOME_DIR/firmware/BHYVE_UEFI_VARS.fd" \
		    "$_dir/uefi-vars.fd"
	fi
	kvm_run_file > "$_dir/run"
	for _l in "$@"; do
		echo "$_l" >> "$_dir/set.conf"
	done
}

kvm_guest()
{
	_name=$1
	shift
	mkdir -p "$KVM_ROOTDIR/sim"
	printf '%s\n' "$@" > "$KVM_ROOTDIR/sim/$_name.guest"
}

kvm_loader()
{
	_name=$1
	shift
	mkdir -p "$KVM_ROOTDIR/sim"
	printf '%s\n' "$@" > "$KVM_ROOTDIR/sim/$_name.loader"
}

kvm_rt()
{
	sed -n "s/^$2=//p" "$KVM_ROOTDIR/var/run/kvm/$1.pid" 2>/dev/null
}

kvm_wait_rt()
{
	_i=0
	while :; do
		_p=$(kvm_rt "$1" "$2")
		if [ -n "$_p" ] && [ "$_p" != 0 ] && kill -0 "$_p" 2>/dev/null
		then
			echo "$_p"
			return 0
		fi
		_i=$((_i + 1))
		[ $_i -lt "$KVM_WAIT" ] || atf_fail "$1: no $2 process"
		sleep 0.1
	done
}

kvm_locked()
{
	! flock -n "$KVM_ROOTDIR/var/run/kvm/$1.lock" true 2>/dev/null
}

kvm_wait_unlocked()
{
	_i=0
	while kvm_locked "$1"; do
		_i=$((_i + 1))
		[ $_i -lt "$KVM_WAIT" ] || atf_fail "$1: the supervisor did not end"
		sleep 0.1
	done
}

# Gone, or a zombie nobody reaps (which is gone for every purpose).
kvm_gone()
{
	! kill -0 "$1" 2>/dev/null ||
	    [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" = Z ]
}

kvm_wait_gone()
{
	_i=0
	until kvm_gone "$1"; do
		_i=$((_i + 1))
		[ $_i -lt "$KVM_WAIT" ] || atf_fail "process $1 is still there"
		sleep 0.1
	done
}

# The preRun/bhyve/postRun lines of the simulator's log, for grep -E.
KVM_RUNS='^(preRun|postRun|bhyve) '

# Wait until the simulated bhyve of NAME runs its guest (it has
# activated its vCPUs); prints kvm's bhyve pid for it.
kvm_wait_guest()
{
	_p=$(kvm_wait_rt "$1" bhyve)
	_i=0
	until [ -s "$KVM_ROOTDIR/sim/$1.pid" ]; do
		_i=$((_i + 1))
		[ $_i -lt "$KVM_WAIT" ] || atf_fail "$1: the guest does not run"
		sleep 0.1
	done
	echo "$_p"
}

# kvm_fake_running NAME [orphan]: pretend VM NAME runs: a process
# titled "bhyve: NAME" and, unless
# "orphan", a supervisor holding NAME.lock, both in NAME.pid.
# Their pids go to ./fakepids, which kvm_cleanup kills.
kvm_fake_running()
{
	mkdir -p root/var/run/kvm
	perl -e '$0 = "bhyve: $ARGV[0]"; sleep 600' "$1" &
	b=$!
	echo $b >> fakepids
	s=0
	if [ "${2:-}" != orphan ]; then
		perl -e 'use Fcntl ":flock"; open(my $f, ">>", $ARGV[0]) or die;
		    flock($f, LOCK_EX) or die; $0 = "supervisor"; sleep 600' \
		    "root/var/run/kvm/$1.lock" &
		s=$!
		echo $s >> fakepids
		i=0
		until kvm_locked "$1"; do
			i=$((i + 1))
			[ $i -lt 100 ] || atf_fail "fake supervisor has no lock"
			sleep 0.1
		done
	fi
	printf 'supervisor=%s\nbhyve=%s\nloader=0\nstarted=%s\nvnc=\nconsole=\n' \
	    "$s" "$b" "$(date +%s)" > "root/var/run/kvm/$1.pid"
	i=0
	until ps -o args= -p "$b" 2>/dev/null |
	    grep -q "^bhyve: $1"; do
		i=$((i + 1))
		[ $i -lt 100 ] || atf_fail "fake bhyve has no title"
		sleep 0.1
	done
}
