#! /usr/bin/env atf-sh
# Integration tests of the locks (host/lock.c): the admin lock every
# command that changes a VM takes, with its holder's name when busy; the
# run lock of the supervisor; concurrent commands on one VM; and the
# postRun that stop runs for a VM whose supervisor died.

# shellcheck source=/dev/null
. "$(atf_get_srcdir)/lib.sh"
# shellcheck source=/dev/null
. "$(atf_get_srcdir)/vm.sh"

# hold_admin NAME TEXT: hold NAME.admin as a kvm command does, with TEXT
# in it, until the test ends (or kill "$(cat NAME.holder)").
hold_admin()
{
	mkdir -p root/var/run/kvm
	rm -f "held.$1"
	perl -e 'use Fcntl ":flock"; open(my $f, ">>", $ARGV[0]) or die;
	    flock($f, LOCK_EX) or die; truncate($f, 0);
	    syswrite($f, "$ARGV[1]\n"); open(my $r, ">", $ARGV[2]) or die;
	    close($r); sleep 600' \
	    "root/var/run/kvm/$1.admin" "$2" "held.$1" &
	echo $! > "$1.holder"
	echo $! >> fakepids
	i=0
	until [ -f "held.$1" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || atf_fail "cannot hold $1.admin"
		sleep 0.1
	done
}

# wait_for FILE PATTERN: until a line of FILE matches (grep -E).
wait_for()
{
	i=0
	until grep -Eq "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt "$KVM_WAIT" ] || atf_fail "no \"$2\" in $1"
		sleep 0.1
	done
}

# A run file whose preRun and postRun log as vm.sh's do, then wait
# while $KVM_ROOTDIR/sim/hold-pre (-post) exists.
hold_run_file()
{
	cat > "$HOME_DIR/vm/$1/run" <<'EOF'
preRun()
{
	echo "preRun $VM_NAME" >> "$KVM_ROOTDIR/sim/log"
	while [ -f "$KVM_ROOTDIR/sim/hold-pre" ]; do sleep 0.1; done
}

postRun()
{
	echo "postRun $VM_NAME ${VM_EXIT-unset}" >> "$KVM_ROOTDIR/sim/log"
	while [ -f "$KVM_ROOTDIR/sim/hold-post" ]; do sleep 0.1; done
}
EOF
}

# The datasets and the VM directories.
names()
{
	zfs list -H -r -t all -o name "$POOL"
	ls "$HOME_DIR/vm"
}

# Nothing of web runs and nothing is left over.
check_down()
{
	atf_check flock -n "$KVM_ROOTDIR/var/run/kvm/web.lock" true
	atf_check -s exit:1 test -e "$KVM_ROOTDIR/dev/vmm/web"
	atf_check -s exit:1 test -e "$KVM_ROOTDIR/var/run/kvm/web.pid"
	atf_check -s exit:1 -o inline:"0\n" kvm status web
}

common_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case busy cleanup
busy_head()
{
	atf_set descr "a held admin lock makes every changing command exit 1 naming the holder, changing nothing"
	atf_set require.user root
}
busy_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_mkvm other
	printf 'ISO\n' > "$(pwd)/a.iso"
	atf_check -o ignore kvm insert web "$(pwd)/a.iso"
	atf_check -o ignore kvm snap create web s0
	hold_admin web "kvm rename (pid 123)"
	hold_admin fresh "kvm create (pid 456)"
	kvm_state > before
	b="kvm: web: busy: kvm rename (pid 123)\n"
	f="kvm: fresh: busy: kvm create (pid 456)\n"
	atf_check -s exit:1 -o empty -e inline:"$b" kvm insert web "$(pwd)/a.iso"
	atf_check -s exit:1 -o empty -e inline:"$b" kvm eject web
	atf_check -s exit:1 -o empty -e inline:"$b" \
	    kvm rc -r LOGIN -b "" -k shutdown web
	atf_check -s exit:1 -o empty -e inline:"$b" kvm clone web web2
	atf_check -s exit:1 -o empty -e inline:"$b" kvm clone web@s0 web2
	atf_check -s exit:1 -o empty -e inline:"$f" kvm clone other fresh
	atf_check -s exit:1 -o empty -e inline:"$b" kvm snap create web s1
	atf_check -s exit:1 -o empty -e inline:"$b" kvm snap destroy web s0
	atf_check -s exit:1 -o empty -e inline:"$b" kvm snap rollback web s0
	atf_check -s exit:1 -o empty -e inline:"$b" kvm rename web web2
	atf_check -s exit:1 -o empty -e inline:"$b" kvm rename other web
	atf_check -s exit:1 -o empty -e inline:"$f" kvm rename other fresh
	atf_check -s exit:1 -o empty -e inline:"$b" kvm destroy -f web
	atf_check -s exit:1 -o empty -e inline:"$f" \
	    kvm create -y -m 256M -s 64M fresh
	atf_check -s exit:1 -o empty -e inline:"$b" kvm start -d web
	atf_check -s exit:1 -o empty -e inline:"$b" kvm stop web
	atf_check -s exit:1 -o empty -e inline:"$b" kvm shutdown web
	atf_check -s exit:1 -o empty -e inline:"$b" kvm uninstall -f "$POOL"
	kvm_state > after
	atf_check cmp before after
	atf_check -s exit:1 test -e root/usr/local/etc/rc.d/web
	atf_check -s exit:1 test -e root/var/run/kvm/web.pid
	# Reading takes no lock.
	atf_check -s exit:1 -o inline:"0\n" kvm status web
	atf_check -o match:"^web +" kvm list
	atf_check -o match:"stopped" kvm info web
	atf_check -o ignore kvm snap list web
	atf_check -o ignore kvm check web
	# The other VM is not held; and once the holder goes, web is free.
	atf_check -s exit:1 -o empty -e inline:"kvm: other: no ISO inserted\n" \
	    kvm eject other
	kill "$(cat web.holder)"
	wait "$(cat web.holder)" 2>/dev/null
	atf_check -o inline:"web: ejected $(pwd)/a.iso\n" kvm eject web
	atf_check -o inline:"web: renamed to web2\n" kvm rename web web2
}
busy_cleanup()
{
	common_cleanup
}

atf_test_case holder_text cleanup
holder_text_head()
{
	atf_set descr "a kvm command holding the admin lock writes who it is; the file is emptied when it lets go"
	atf_set require.user root
}
holder_text_body()
{
	kvm_setup
	kvm_mkvm web
	hold_run_file web
	kvm_guest web "run ignore"
	atf_check -o ignore -e empty kvm start -d web
	kvm_wait_guest web >/dev/null
	touch root/sim/hold-post
	kvm stop web >stop.out 2>stop.err &
	stop=$!
	wait_for root/sim/log "^postRun web"
	atf_check -o inline:"kvm stop (pid $stop)\n" \
	    cat root/var/run/kvm/web.admin
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: busy: kvm stop (pid $stop)\n" kvm eject web
	rm root/sim/hold-post
	wait "$stop"
	atf_check -o inline:"0\n" echo $?
	atf_check -o inline:"web: stopped\n" cat stop.out
	atf_check -o empty cat stop.err
	atf_check -o empty cat root/var/run/kvm/web.admin
}
holder_text_cleanup()
{
	common_cleanup
}

atf_test_case two_starts cleanup
two_starts_head()
{
	atf_set descr "two starts of one VM at once: exactly one wins"
	atf_set require.user root
}
two_starts_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_guest web "run ignore"
	for round in 1 2 3; do
		kvm start -d web >a.out 2>a.err &
		a=$!
		kvm start -d web >b.out 2>b.err &
		b=$!
		wait "$a"
		ra=$?
		wait "$b"
		rb=$?
		if [ "$ra" -eq 0 ]; then
			win=a winpid=$a lose=b
			[ "$rb" -eq 1 ] || atf_fail "round $round: exits $ra $rb"
		else
			win=b winpid=$b lose=a
			if [ "$ra" -ne 1 ] || [ "$rb" -ne 0 ]; then
				atf_fail "round $round: exits $ra $rb"
			fi
		fi
		atf_check -o inline:"web: started (log $HOME_DIR/vm/web/kvm.log)\n" \
		    cat $win.out
		atf_check -o empty cat $win.err $lose.out
		# Refused under the admin lock of the winner, or after it
		# held the run lock: these three texts and no other.
		atf_check -o inline:"1\n" grep -Ecx "kvm: web: (busy: kvm start \
\\(pid $winpid\\)|already running|already running \\(pid [0-9]+\\))" $lose.err
		atf_check -o inline:"1\n" wc -l < $lose.err
		kvm_wait_guest web >/dev/null
		atf_check -o inline:"$round\n" grep -c "^bhyve " root/sim/log
		atf_check -o inline:"web: stopped\n" kvm stop web
		check_down
	done
}
two_starts_cleanup()
{
	common_cleanup
}

atf_test_case start_during_stop cleanup
start_during_stop_head()
{
	atf_set descr "a start while stop runs is refused as busy; stop says stopped and the VM is"
	atf_set require.user root
}
start_during_stop_body()
{
	kvm_setup
	kvm_mkvm web
	hold_run_file web
	kvm_guest web "run ignore"
	atf_check -o ignore -e empty kvm start -d web
	kvm_wait_guest web >/dev/null
	touch root/sim/hold-post
	kvm stop web >stop.out 2>stop.err &
	stop=$!
	wait_for root/sim/log "^postRun web"
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: busy: kvm stop (pid $stop)\n" kvm start -d web
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: busy: kvm stop (pid $stop)\n" kvm start web
	rm root/sim/hold-post
	wait "$stop"
	atf_check -o inline:"0\n" echo $?
	atf_check -o inline:"web: stopped\n" cat stop.out
	atf_check -o empty cat stop.err
	check_down
	atf_check -o inline:"1\n" grep -c "^bhyve " root/sim/log
	# Free again once stop is done.
	atf_check -o ignore -e empty kvm start -d web
	kvm_wait_guest web >/dev/null
	atf_check -o inline:"web: stopped\n" kvm stop web
}
start_during_stop_cleanup()
{
	common_cleanup
}

atf_test_case rename_during_start cleanup
rename_during_start_head()
{
	atf_set descr "rename is refused while a start runs preRun and while the guest runs"
	atf_set require.user root
}
rename_during_start_body()
{
	kvm_setup
	kvm_mkvm web
	hold_run_file web
	kvm_guest web "run ignore"
	touch root/sim/hold-pre
	atf_check -o ignore -e empty kvm start -d web
	wait_for root/sim/log "^preRun web"
	# Not kvm_state: the running supervisor appends to kvm.log.
	names > before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: is starting; stop it first\n" \
	    kvm rename web web2
	rm root/sim/hold-pre
	kvm_wait_guest web >/dev/null
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: is running; stop it first\n" \
	    kvm rename web web2
	names > after
	atf_check cmp before after
	atf_check -o inline:"web: stopped\n" kvm stop web
	atf_check -o inline:"web: renamed to web2\n" kvm rename web web2
}
rename_during_start_cleanup()
{
	common_cleanup
}

atf_test_case rc_during_destroy cleanup
rc_during_destroy_head()
{
	atf_set descr "rc beside destroy: refused as busy, or no such VM, or done before; never a script left for a destroyed VM"
	atf_set require.user root
}
rc_during_destroy_body()
{
	kvm_setup
	kvm_mkvm web
	script=root/usr/local/etc/rc.d/web
	# kvm rc in a loop beside destroy, each outcome on a line of rc.log.
	(
		while [ ! -f rc.stop ]; do
			kvm rc -r LOGIN -b "" -k shutdown web >rc.out 2>rc.err
			echo "$?:$(cat rc.out rc.err)" >> rc.log
		done
	) &
	loop=$!
	wait_for rc.log .
	# destroy may find rc holding the lock itself: then it says so.
	n=0
	until kvm destroy -f web >destroy.out 2>destroy.err; do
		atf_check -o match:"^kvm: web: busy: kvm rc \(pid [0-9]+\)\$" \
		    cat destroy.err
		n=$((n + 1))
		[ $n -lt 50 ] || atf_fail "destroy is always busy"
	done
	atf_check -o inline:"web: destroyed\n" cat destroy.out
	atf_check -o empty cat destroy.err
	# A few more rc runs against the VM that is gone, then stop.
	lines=$(wc -l < rc.log)
	wait_for rc.log "^1:kvm: web: no such VM\$"
	until [ "$(wc -l < rc.log)" -gt $((lines + 3)) ]; do sleep 0.1; done
	touch rc.stop
	wait "$loop"
	# Every outcome is one of these; some were before, some after.
	atf_check -s exit:1 -o empty grep -Evx "0:web: (wrote $(pwd)/$script; start it at \
boot with: sysrc web_enable=YES|updated $(pwd)/$script)|1:kvm: web: busy: \
kvm destroy \(pid [0-9]+\)|1:kvm: web: no such VM" rc.log
	atf_check -o match:"^0:web: wrote " head -1 rc.log
	atf_check -o inline:"1:kvm: web: no such VM\n" tail -1 rc.log
	atf_check -s exit:1 test -e "$script"
	atf_check -o empty find root/usr/local/etc -path "*/rc.d/*" ! -name kvm
	atf_check -s exit:1 -o empty -e ignore zfs list "$POOL/kvm/vm/web"
}
rc_during_destroy_cleanup()
{
	common_cleanup
}

atf_test_case orphan_postrun cleanup
orphan_postrun_head()
{
	atf_set descr "stop of a VM whose supervisor was killed runs its postRun"
	atf_set require.user root
}
orphan_postrun_body()
{
	kvm_setup
	kvm_mkvm web
	cat >> "$HOME_DIR/vm/web/run" <<'EOF'

postRun()
{
	echo "postRun $VM_NAME ${VM_EXIT-unset}" >> "$KVM_ROOTDIR/sim/log"
	echo "$VM_NAME" > "$KVM_ROOTDIR/marker"
}
EOF
	kvm_guest web "run ignore"
	atf_check -o ignore -e empty kvm start -d web
	bhyve=$(kvm_wait_guest web)
	kill -9 "$(kvm_rt web supervisor)"
	kvm_wait_unlocked web
	atf_check -s exit:1 test -e root/marker
	atf_check -s exit:0 \
	    -o inline:"web: supervisor gone; ran postRun\nweb: stopped\n" \
	    -e empty kvm stop web
	atf_check -o inline:"web\n" cat root/marker
	atf_check -o inline:"postRun web \n" grep "^postRun " root/sim/log
	kvm_gone "$bhyve" || atf_fail "bhyve still runs"
	check_down
	atf_check -o ignore -e empty kvm start -d web
	kvm_wait_guest web >/dev/null
	atf_check -o inline:"web: stopped\n" kvm stop web
	atf_check -o inline:"2\n" grep -c "^postRun " root/sim/log
}
orphan_postrun_cleanup()
{
	common_cleanup
}

atf_test_case orphan_postrun_hangs cleanup
orphan_postrun_hangs_head()
{
	atf_set descr "the postRun stop runs for an orphan is ended after 10 s, with its children"
	atf_set require.user root
}
orphan_postrun_hangs_body()
{
	kvm_setup
	kvm_mkvm web
	cat >> "$HOME_DIR/vm/web/run" <<'EOF'

postRun()
{
	echo "$VM_NAME" > "$KVM_ROOTDIR/marker"
	sleep 1000
}
EOF
	kvm_guest web "run ignore"
	atf_check -o ignore -e empty kvm start -d web
	kvm_wait_guest web >/dev/null
	kill -9 "$(kvm_rt web supervisor)"
	kvm_wait_unlocked web
	t0=$(date +%s)
	atf_check -s exit:0 -o inline:"web: stopped\n" \
	    -e inline:"kvm: web: postRun did not end within 10 seconds; terminated\nkvm: web: postRun failed (exit status 143)\n" \
	    kvm stop web
	t=$(($(date +%s) - t0))
	[ "$t" -ge 10 ] && [ "$t" -le 16 ] || atf_fail "stop took $t s"
	atf_check -o inline:"web\n" cat root/marker
	atf_check -s exit:1 pgrep -f "slee[p] 1000"
	check_down
}
orphan_postrun_hangs_cleanup()
{
	common_cleanup
}

atf_test_case stop_stuck_supervisor cleanup
stop_stuck_supervisor_head()
{
	atf_set descr "stop waits on the run lock of a supervisor that ignores SIGTERM for 30 s, kills the guest, then the supervisor, then runs postRun"
	atf_set require.user root
	atf_set timeout 120
}
stop_stuck_supervisor_body()
{
	kvm_setup
	kvm_mkvm web
	mkdir -p root/var/run/kvm
	perl -e '$0 = "bhyve: $ARGV[0]"; sleep 600' web &
	b=$!
	echo $b >> fakepids
	perl -e 'use Fcntl ":flock"; $SIG{TERM} = "IGNORE";
	    open(my $f, ">>", $ARGV[0]) or die; flock($f, LOCK_EX) or die;
	    $0 = "supervisor"; sleep 600' root/var/run/kvm/web.lock &
	s=$!
	echo $s >> fakepids
	i=0
	until kvm_locked web; do
		i=$((i + 1))
		[ $i -lt 100 ] || atf_fail "fake supervisor has no lock"
		sleep 0.1
	done
	printf 'supervisor=%s\nbhyve=%s\nloader=0\nstarted=%s\nvnc=\nconsole=\n' \
	    "$s" "$b" "$(date +%s)" > root/var/run/kvm/web.pid
	until ps -o args= -p "$b" | grep -q "^bhyve: web"; do sleep 0.1; done
	start=$(date +%s)
	atf_check -s exit:0 \
	    -o inline:"web: supervisor gone; ran postRun\nweb: stopped\n" \
	    -e inline:"kvm: web: supervisor (pid $s) did not end within 30 \
seconds; killing the guest\nkvm: web: supervisor (pid $s) still there; \
killed\n" kvm stop web
	took=$(($(date +%s) - start))
	if [ "$took" -lt 34 ] || [ "$took" -gt 40 ]; then
		atf_fail "stop took $took s, not 35"
	fi
	kvm_gone "$b" || atf_fail "bhyve still runs"
	kvm_gone "$s" || atf_fail "the supervisor still runs"
	atf_check -o inline:"postRun web \n" grep "^postRun " root/sim/log
	check_down
}
stop_stuck_supervisor_cleanup()
{
	common_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case busy
	atf_add_test_case holder_text
	atf_add_test_case two_starts
	atf_add_test_case start_during_stop
	atf_add_test_case rename_during_start
	atf_add_test_case rc_during_destroy
	atf_add_test_case orphan_postrun
	atf_add_test_case orphan_postrun_hangs
	atf_add_test_case stop_stuck_supervisor
}
