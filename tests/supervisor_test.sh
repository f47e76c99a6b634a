#! /usr/bin/env atf-sh
# supervisor_test.sh: the supervisor as an always-on process: a stop
# ends a hung hook, postRun still runs, a closed stdout does not kill
# it, children get a clean signal state, it does not wake up while the
# guest runs, and VMs started at once share the host (VNC ports, kernel
# modules) without a collision.

# shellcheck source=/dev/null
. "$(atf_get_srcdir)/lib.sh"
# shellcheck source=/dev/null
. "$(atf_get_srcdir)/vm.sh"

# Nothing of NAME runs and nothing is left over.
check_down()
{
	atf_check flock -n "$KVM_ROOTDIR/var/run/kvm/$1.lock" true
	atf_check -s exit:1 test -e "$KVM_ROOTDIR/dev/vmm/$1"
	atf_check -s exit:1 test -e "$KVM_ROOTDIR/var/run/kvm/$1.pid"
	atf_check -s exit:1 test -e "$KVM_ROOTDIR/sim/$1.pid"
}

now()
{
	date +%s.%N
}

# Whole seconds between two now() values.
elapsed()
{
	echo "$1 $2" | awk '{ printf "%d\n", $2 - $1 }'
}

# The live processes of process group $1, one pid a line.
group_members()
{
	ps -eo pid=,pgid=,stat= | awk -v g="$1" '$2 == g && $3 !~ /^Z/ { print $1 }'
}

# wait_file FILE: until it exists and is not empty.
wait_file()
{
	_i=0
	until [ -s "$1" ]; do
		_i=$((_i + 1))
		[ $_i -lt "$KVM_WAIT" ] || atf_fail "no $1"
		sleep 0.1
	done
}

# A run file whose preRun hangs ($1: "" or "trap '' TERM;"), records
# its process group and starts a sleep; postRun leaves a marker.
hang_run_file()
{
	cat <<EOF
preRun()
{
	$1
	sleep 1000 &
	echo "\$\$ \$!" > "\$KVM_ROOTDIR/sim/prerun.ids"
	wait
}

postRun()
{
	echo "postRun \$VM_NAME \${VM_EXIT-unset}" >> "\$KVM_ROOTDIR/sim/log"
}
EOF
}

# Stop web while its preRun hangs; $1: the most seconds stop may take,
# $2 the fewest.  Checks that the hook's group is gone and postRun ran.
stop_hung_prerun()
{
	atf_check -o ignore -e empty kvm start -d web
	wait_file root/sim/prerun.ids
	read -r sh sleeper < root/sim/prerun.ids
	atf_check kill -0 "$sh" "$sleeper"
	sup=$(kvm_rt web supervisor)
	t0=$(now)
	atf_check -s exit:0 -o inline:"web: stopped\n" -e empty kvm stop web
	t=$(elapsed "$t0" "$(now)")
	[ "$t" -le "$1" ] || atf_fail "stop took $t s, more than $1"
	[ "$t" -ge "$2" ] || atf_fail "stop took $t s, less than $2"
	kvm_gone "$sup" || atf_fail "the supervisor still runs"
	kvm_gone "$sh" || atf_fail "the hook's sh still runs"
	kvm_gone "$sleeper" || atf_fail "the hook's sleep still runs"
	[ -z "$(group_members "$sh")" ] || atf_fail "the hook's group lives on"
	atf_check -o inline:"postRun web \n" grep '^postRun ' root/sim/log
	atf_check -s exit:1 grep -q '^bhyve ' root/sim/log
	check_down web
	atf_check -s exit:1 -o inline:"0\n" kvm status web
}

atf_test_case prerun_hangs cleanup
prerun_hangs_head()
{
	atf_set descr "a preRun that sleeps forever: stop ends it and what it started at once, postRun runs"
	atf_set require.user root
}
prerun_hangs_body()
{
	kvm_setup
	kvm_mkvm web
	hang_run_file "" > "$HOME_DIR/vm/web/run"
	stop_hung_prerun 3 0
	log=$HOME_DIR/vm/web/kvm.log
	atf_check -o match:" web: preRun \\(pid $sh\\): terminated \\(SIGTERM\\)\$" \
	    cat "$log"
	atf_check -o match:" web: preRun ended \\(exit status 143\\)\$" \
	    cat "$log"
}
prerun_hangs_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case prerun_ignores_term cleanup
prerun_ignores_term_head()
{
	atf_set descr "a preRun that ignores SIGTERM is killed 3 s later, with all it started"
	atf_set require.user root
}
prerun_ignores_term_body()
{
	kvm_setup
	kvm_mkvm web
	hang_run_file "trap '' TERM;" > "$HOME_DIR/vm/web/run"
	# SIGTERM, 3 s, SIGKILL: within 3 to 6 seconds.
	stop_hung_prerun 6 3
	atf_check -o match:" web: preRun \\(pid $sh\\) did not end within 3 \
seconds of SIGTERM; killed\$" cat "$HOME_DIR/vm/web/kvm.log"
}
prerun_ignores_term_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case shutdown_prerun_hangs cleanup
shutdown_prerun_hangs_head()
{
	atf_set descr "kvm shutdown during a hung preRun: no guest starts, the hook ends, postRun runs"
	atf_set require.user root
}
shutdown_prerun_hangs_body()
{
	kvm_setup
	kvm_mkvm web
	hang_run_file "" > "$HOME_DIR/vm/web/run"
	atf_check -o ignore -e empty kvm start -d web
	wait_file root/sim/prerun.ids
	read -r sh sleeper < root/sim/prerun.ids
	t0=$(now)
	atf_check -s exit:0 -o inline:"web: powered off\n" -e empty \
	    kvm shutdown -t 20 web
	t=$(elapsed "$t0" "$(now)")
	[ "$t" -le 3 ] || atf_fail "shutdown took $t s"
	kvm_gone "$sh" || atf_fail "the hook's sh still runs"
	kvm_gone "$sleeper" || atf_fail "the hook's sleep still runs"
	atf_check -o inline:"postRun web \n" grep '^postRun ' root/sim/log
	atf_check -s exit:1 grep -q '^bhyve ' root/sim/log
	atf_check -o match:" web: shutdown requested: no new run \\(SIGUSR1\\)\$" \
	    cat "$HOME_DIR/vm/web/kvm.log"
	check_down web
}
shutdown_prerun_hangs_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case postrun_bounded cleanup
postrun_bounded_head()
{
	atf_set descr "after a stop, a hung postRun gets 10 s, then SIGTERM; stop still succeeds"
	atf_set require.user root
}
postrun_bounded_body()
{
	kvm_setup
	kvm_mkvm web
	cat > "$HOME_DIR/vm/web/run" <<'EOF'
preRun()
{
	:
}

postRun()
{
	echo "postRun $VM_NAME $VM_EXIT" >> "$KVM_ROOTDIR/sim/log"
	sleep 1000
}
EOF
	kvm_guest web "run acpi"
	atf_check -o ignore -e empty kvm start -d web
	kvm_wait_guest web > /dev/null
	t0=$(now)
	atf_check -s exit:0 -o inline:"web: stopped\n" -e empty kvm stop web
	t=$(elapsed "$t0" "$(now)")
	if [ "$t" -lt 10 ] || [ "$t" -gt 13 ]; then
		atf_fail "stop took $t s, not 10 to 13"
	fi
	atf_check -o inline:"postRun web 1\n" grep '^postRun ' root/sim/log
	atf_check -o match:" web: postRun \\(pid [0-9]+\\): terminated \\(SIGTERM\\)\$" \
	    cat "$HOME_DIR/vm/web/kvm.log"
	check_down web
}
postrun_bounded_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case stdout_closed cleanup
stdout_closed_head()
{
	atf_set descr "kvm start web | head -1: the supervisor outlives its reader and keeps the guest"
	atf_set require.user root
}
stdout_closed_body()
{
	kvm_setup
	kvm_mkvm web
	# The second run prints its command line into the closed pipe.
	kvm_guest web "reboot 1" "run acpi"
	cat > pipeline.sh <<'EOF'
{ kvm start web 2> start.err; echo $? > start.status; } | head -n 1 > first
EOF
	sh pipeline.sh < /dev/null &
	pipeline=$!
	wait_file first
	atf_check -o match:"^bhyve .* web\$" cat first
	i=0
	until [ "$(cat root/sim/web.runs 2>/dev/null)" = 2 ] &&
	    [ -s root/sim/web.pid ]; do
		i=$((i + 1))
		[ $i -lt "$KVM_WAIT" ] || atf_fail "no second run"
		sleep 0.1
	done
	bhyve=$(kvm_wait_guest web)
	sup=$(kvm_rt web supervisor)
	atf_check kill -0 "$sup"
	kvm_locked web || atf_fail "the supervisor holds no lock"
	atf_check -o inline:"$bhyve\n" kvm status web
	atf_check -s exit:0 -o inline:"web: stopped\n" -e empty kvm stop web
	wait "$pipeline"
	atf_check -o inline:"0\n" cat start.status
	atf_check -o empty cat start.err
	atf_check -o inline:"bhyve-exit web 0\nbhyve-exit web 1\n" \
	    grep '^bhyve-exit ' root/sim/log
	check_down web
}
stdout_closed_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

# sigterm.pl HOW CMD...: run CMD with SIGTERM blocked (HOW "block": in
# the signal mask) or ignored ("ignore": SIG_IGN), both kept by exec.
sigterm_script()
{
	cat <<'EOF'
use POSIX qw(:signal_h);
my $how = shift;
if ($how eq "block") {
	sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGTERM)) or die "mask";
} else {
	$SIG{TERM} = "IGNORE";
}
exec @ARGV or die "exec";
EOF
}

atf_test_case shutdown_masked cleanup
shutdown_masked_head()
{
	atf_set descr "an ACPI guest powers off on kvm shutdown though kvm start ran with SIGTERM blocked or ignored"
	atf_set require.user root
}
shutdown_masked_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_guest web "run acpi"
	sigterm_script > sigterm.pl
	for how in block ignore; do
		: > root/sim/log
		atf_check -o ignore -e empty perl sigterm.pl "$how" \
		    kvm start -d web
		bhyve=$(kvm_wait_guest web)
		sup=$(kvm_rt web supervisor)
		if [ -r "/proc/$bhyve/status" ]; then
			# bhyve starts with nothing blocked and nothing ignored.
			atf_check -o inline:"SigBlk:\t0000000000000000\n" \
			    grep '^SigBlk:' "/proc/$bhyve/status"
			# (glibc's posix_spawn ignores its own 32 and 33.)
			atf_check -o match:'^SigIgn:	[0-9a-f]{8}[08]0{7}$' \
			    grep '^SigIgn:' "/proc/$bhyve/status"
		fi
		t0=$(now)
		atf_check -s exit:0 -o inline:"web: powered off\n" -e empty \
		    kvm shutdown -t 10 web
		t=$(elapsed "$t0" "$(now)")
		[ "$t" -lt 5 ] || atf_fail "shutdown took $t s ($how)"
		kvm_gone "$sup" || atf_fail "the supervisor still runs ($how)"
		atf_check -o inline:"bhyve-exit web 1\n" \
		    grep '^bhyve-exit ' root/sim/log
		atf_check -s exit:1 grep -q -- '--force-poweroff' root/sim/log
		check_down web
	done
}
shutdown_masked_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case idle_no_wakeups cleanup
idle_no_wakeups_head()
{
	atf_set descr "the supervisor of a running guest sleeps: 0 voluntary context switches in 2 s (Linux)"
	atf_set require.user root
}
idle_no_wakeups_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_guest web "run acpi"
	atf_check -o ignore -e empty kvm start -d web
	kvm_wait_guest web > /dev/null
	sup=$(kvm_rt web supervisor)
	grep -q '^voluntary_ctxt_switches:' "/proc/$sup/status" 2>/dev/null ||
	    atf_skip "no voluntary_ctxt_switches in /proc/PID/status"
	sleep 0.5
	c0=$(awk '/^voluntary_ctxt_switches:/ { print $2 }' "/proc/$sup/status")
	sleep 2
	c1=$(awk '/^voluntary_ctxt_switches:/ { print $2 }' "/proc/$sup/status")
	atf_check -o inline:"0\n" echo $((c1 - c0))
	atf_check -o inline:"web: stopped\n" kvm stop web
}
idle_no_wakeups_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case vnc_ten_at_once cleanup
vnc_ten_at_once_head()
{
	atf_set descr "ten VNCport=auto VMs started at once, no module loaded: all run, on ten ports"
	atf_set require.user root
	atf_set timeout 300
}
vnc_ten_at_once_body()
{
	kvm_setup
	vms="v0 v1 v2 v3 v4 v5 v6 v7 v8 v9"
	for v in $vms; do
		kvm_mkvm "$v" Console=vnc VNCport=auto
		kvm_guest "$v" "run acpi"
	done
	rm -f root/sim/kld
	for v in $vms; do
		kvm start -d "$v" > "start.$v" 2>&1 &
	done
	wait
	for v in $vms; do
		atf_check -o inline:"$v: started (log $HOME_DIR/vm/$v/kvm.log)\n" \
		    cat "start.$v"
	done
	for v in $vms; do
		kvm_wait_guest "$v" > /dev/null
		sed -n "s/^$v: VNC on 127\\.0\\.0\\.1:\\([0-9]*\\)\$/\\1/p" \
		    "$HOME_DIR/vm/$v/kvm.log" > "port.$v"
		atf_check -o match:'^[0-9]+$' cat "port.$v"
		atf_check -o match:"^bhyve .* -s 29,fbuf,tcp=127\\.0\\.0\\.1:$(cat "port.$v"),w=1024,h=768 .* $v\$" \
		    grep "^bhyve .* $v\$" root/sim/log
	done
	atf_check -o inline:"10\n" sh -c 'cat port.* | sort -u | wc -l'
	atf_check -s exit:1 grep '^bhyve-exit ' root/sim/log
	atf_check kldstat -q -m vmm
	atf_check kldstat -q -m nmdm
	for v in $vms; do
		kvm stop "$v" > "stop.$v" 2>&1 &
	done
	wait
	for v in $vms; do
		atf_check -o inline:"$v: stopped\n" cat "stop.$v"
		check_down "$v"
	done
	# Every reservation went with its supervisor.
	atf_check -o inline:"lock\n" ls root/var/run/kvm/vnc
}
vnc_ten_at_once_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case vnc_reserved cleanup
vnc_reserved_head()
{
	atf_set descr "VNCport=auto skips a port another supervisor reserved, takes it once that one is gone"
	atf_set require.user root
}
vnc_reserved_body()
{
	kvm_setup
	kvm_mkvm web Console=vnc VNCport=auto
	kvm_guest web "poweroff 0.05"
	# Port 5900 and up may be busy on this host: find what web takes.
	atf_check -s exit:0 -o save:out -e empty kvm start web
	first=$(sed -n 's/^web: VNC on 127\.0\.0\.1:\([0-9]*\)$/\1/p' out)
	[ -n "$first" ] || atf_fail "no VNC line"
	mkdir -p root/var/run/kvm/vnc
	perl -e 'use Fcntl ":flock"; open(my $f, ">>", $ARGV[0]) or die;
	    flock($f, LOCK_EX) or die; sleep 60' \
	    "root/var/run/kvm/vnc/$first" &
	echo $! > holder.pid
	i=0
	until ! flock -n "root/var/run/kvm/vnc/$first" true; do
		i=$((i + 1)); [ $i -lt 100 ] || atf_fail "no holder"
		sleep 0.1
	done
	atf_check -s exit:0 -o save:out -e empty kvm start web
	atf_check -s exit:1 -o ignore grep -x "web: VNC on 127.0.0.1:$first" out
	kill "$(cat holder.pid)"
	wait
	atf_check -s exit:0 -o save:out -e empty kvm start web
	atf_check -o inline:"web: VNC on 127.0.0.1:$first\n" head -n 1 out
}
vnc_reserved_cleanup()
{
	[ -f holder.pid ] && kill "$(cat holder.pid)" 2>/dev/null
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case kld_race cleanup
kld_race_head()
{
	atf_set descr "a kldload that fails because another process loaded the module meanwhile is a success"
	atf_set require.user root
}
kld_race_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_guest web "poweroff 0.05"
	rm -f root/sim/kld
	# Another supervisor wins the race between our kldstat and kldload.
	mkdir race
	cat > race/kldload <<'EOF'
#!/bin/sh
echo "kldload $*" >> "$KVM_ROOTDIR/sim/log"
echo "$1" >> "$KVM_ROOTDIR/sim/kld"
echo "kldload: can't load $1: module already loaded or in kernel" >&2
exit 1
EOF
	chmod +x race/kldload
	PATH=$(pwd)/race:$PATH
	log=$HOME_DIR/vm/web/kvm.log
	atf_check -o ignore -e empty kvm start -d web
	kvm_wait_unlocked web
	atf_check -o match:" web: the vmm module was loaded meanwhile by \
another process\$" cat "$log"
	atf_check -o inline:"1\n" grep -c '^bhyve-exit web 1$' root/sim/log
	atf_check -o inline:"kldstat -q -m vmm\nkldload vmm\nkldstat -q -m vmm\n" \
	    grep -E '^kld(stat|load) .*vmm' root/sim/log
	# A kldload that fails for another reason still ends the start.
	rm -f root/sim/kld
	printf '#!/bin/sh\necho "kldload: no" >&2\nexit 1\n' > race/kldload
	atf_check -s exit:1 -o ignore -e match:"^kvm: web: cannot load the vmm \
module \\(kldload exit status 1\\)\$" kvm start web
}
kld_race_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case prerun_hangs
	atf_add_test_case prerun_ignores_term
	atf_add_test_case shutdown_prerun_hangs
	atf_add_test_case postrun_bounded
	atf_add_test_case stdout_closed
	atf_add_test_case shutdown_masked
	atf_add_test_case idle_no_wakeups
	atf_add_test_case vnc_ten_at_once
	atf_add_test_case vnc_reserved
	atf_add_test_case kld_race
}
