#! /usr/bin/env atf-sh
# Integration tests of "kvm stop" and "kvm shutdown" against zfs-fuse
# and the bhyve simulator.

. "$(atf_get_srcdir)/lib.sh"
. "$(atf_get_srcdir)/vm.sh"

# Nothing of web runs and nothing is left over.
check_down()
{
	atf_check flock -n "$KVM_ROOTDIR/var/run/kvm/web.lock" true
	atf_check -s exit:1 test -e "$KVM_ROOTDIR/dev/vmm/web"
	atf_check -s exit:1 test -e "$KVM_ROOTDIR/var/run/kvm/web.pid"
	atf_check -s exit:1 test -e "$KVM_ROOTDIR/sim/web.pid"
}

# Start web detached and wait for its bhyve; sets $sup and $bhyve.
start_bg()
{
	atf_check -o ignore -e empty kvm start -d web
	bhyve=$(kvm_wait_guest web)
	sup=$(kvm_rt web supervisor)
}

# Seconds since the epoch, with a fraction.
now()
{
	date +%s.%N
}

# The whole seconds between two now() values.
elapsed()
{
	echo "$1 $2" | awk '{ printf "%d\n", $2 - $1 }'
}

atf_test_case stop_running cleanup
stop_running_head()
{
	atf_set descr "stop forces the power off and returns when the VM is down"
	atf_set require.user root
}
stop_running_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_guest web "run ignore"
	start_bg
	atf_check -s exit:0 -o inline:"web: stopped\n" -e empty kvm stop web
	# Down when stop returns: no waiting here.
	kvm_gone "$sup" || atf_fail "the supervisor still runs"
	kvm_gone "$bhyve" || atf_fail "bhyve still runs"
	check_down
	atf_check -o match:"^bhyvectl --vm=web --force-poweroff\$" \
	    cat root/sim/log
	atf_check -o inline:"preRun web $HOME_DIR/vm/web
postRun web 1
" grep -E '^(preRun|postRun) ' root/sim/log
	atf_check -o match:" web: stop requested \\(SIGTERM\\)\$" \
	    cat "$HOME_DIR/vm/web/kvm.log"
	atf_check -o match:" web: bhyve exited with status 1 \\(power-off\\)\$" \
	    cat "$HOME_DIR/vm/web/kvm.log"
}
stop_running_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case stop_foreground cleanup
stop_foreground_head()
{
	atf_set descr "stop ends a foreground supervisor, which exits 0"
	atf_set require.user root
}
stop_foreground_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_guest web "run acpi"
	kvm start web >start.out 2>start.err </dev/null &
	start=$!
	kvm_wait_guest web >/dev/null
	atf_check -s exit:0 -o inline:"web: stopped\n" -e empty kvm stop web
	wait "$start"
	atf_check -o inline:"0\n" echo $?
	atf_check -o match:"^bhyve " cat start.out
	atf_check -o empty cat start.err
	check_down
}
stop_foreground_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case stop_loader cleanup
stop_loader_head()
{
	atf_set descr "stop works while the guest hangs in grub-bhyve"
	atf_set require.user root
}
stop_loader_body()
{
	kvm_setup
	kvm_mkvm web VMrom=grub
	kvm_loader web hang
	atf_check -o ignore -e empty kvm start -d web
	loader=$(kvm_wait_rt web loader)
	sup=$(kvm_rt web supervisor)
	atf_check -o match:"grub-bhyve" ps -o args= -p "$loader"
	atf_check -s exit:0 -o inline:"web: stopped\n" -e empty kvm stop web
	kvm_gone "$sup" || atf_fail "the supervisor still runs"
	kvm_gone "$loader" || atf_fail "the loader still runs"
	check_down
	atf_check -s exit:1 grep -q '^bhyve ' root/sim/log
	atf_check -o inline:"preRun web $HOME_DIR/vm/web\npostRun web \n" \
	    grep -E "$KVM_RUNS" root/sim/log
}
stop_loader_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case stop_orphan_loader cleanup
stop_orphan_loader_head()
{
	atf_set descr "a loader whose supervisor died is refused by start and ended by stop"
	atf_set require.user root
}
stop_orphan_loader_body()
{
	kvm_setup
	kvm_mkvm web VMrom=grub
	kvm_loader web hang
	atf_check -o ignore -e empty kvm start -d web
	loader=$(kvm_wait_rt web loader)
	sup=$(kvm_rt web supervisor)
	kill -9 "$sup"
	kvm_wait_unlocked web
	atf_check -s exit:1 -e inline:"kvm: web: loader still running \
(pid $loader) without a supervisor; stop it first\n" kvm start web
	# The dead supervisor's postRun, run by stop (VM_EXIT unknown).
	atf_check -s exit:0 \
	    -o inline:"web: supervisor gone; ran postRun\nweb: stopped\n" \
	    -e empty kvm stop web
	atf_check -o inline:"postRun web \n" grep "^postRun " root/sim/log
	kvm_gone "$loader" || atf_fail "the loader still runs"
	check_down
}
stop_orphan_loader_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case stop_stale_instance cleanup
stop_stale_instance_head()
{
	atf_set descr "a /dev/vmm instance left alone is destroyed by stop"
	atf_set require.user root
}
stop_stale_instance_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_guest web "run noacpi"
	start_bg
	kill -9 "$sup"
	kill -9 "$bhyve"
	kvm_wait_gone "$bhyve"
	rm root/sim/web.pid	# what the simulated bhyve would remove
	atf_check test -e root/dev/vmm/web
	# The dead supervisor's postRun, run by stop (VM_EXIT unknown).
	atf_check -s exit:0 \
	    -o inline:"web: supervisor gone; ran postRun\nweb: stopped\n" \
	    -e empty kvm stop web
	atf_check -o inline:"postRun web \n" grep "^postRun " root/sim/log
	check_down
	atf_check -o match:"^bhyvectl --vm=web --destroy\$" cat root/sim/log
}
stop_stale_instance_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case stop_not_running cleanup
stop_not_running_head()
{
	atf_set descr "stop and shutdown of a stopped VM fail and change nothing"
	atf_set require.user root
}
stop_not_running_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_state > before
	cp root/sim/log simlog.before
	atf_check -s exit:1 -o empty -e inline:"kvm: web: not running\n" \
	    kvm stop web
	atf_check -s exit:1 -o empty -e inline:"kvm: web: not running\n" \
	    kvm shutdown web
	atf_check -s exit:1 -o empty -e inline:"kvm: web: not running\n" \
	    kvm shutdown -t 0 web
	# Compared first: kvm_state's own zfs calls are logged.
	atf_check cmp simlog.before root/sim/log
	kvm_state > after
	atf_check cmp before after
}
stop_not_running_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case bad_input cleanup
bad_input_head()
{
	atf_set descr "usage errors, unknown and badly named VMs, bad -t"
	atf_set require.user root
}
bad_input_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_guest web "run acpi"
	start_bg
	cp root/sim/log simlog.before
	cp root/var/run/kvm/web.pid pid.before
	u="usage: kvm stop name\n"
	atf_check -s exit:2 -o empty -e inline:"$u" kvm stop
	atf_check -s exit:2 -o empty -e inline:"$u" kvm stop web web
	atf_check -s exit:2 -o empty -e inline:"$u" kvm stop -f web
	atf_check -s exit:1 -o empty -e inline:"kvm: nosuch: no such VM\n" \
	    kvm stop nosuch
	atf_check -s exit:1 -o empty -e inline:"kvm: a/b: name may only contain \
letters, digits, '.', '_' and '-'\n" kvm stop a/b
	u="usage: kvm shutdown [-n | -t seconds] name | -a [-t seconds]\n"
	atf_check -s exit:2 -o empty -e inline:"$u" kvm shutdown
	atf_check -s exit:2 -o empty -e inline:"$u" kvm shutdown web web
	atf_check -s exit:2 -o empty -e inline:"$u" kvm shutdown -a web
	atf_check -s exit:2 -o empty -e inline:"$u" kvm shutdown -n -t 5 web
	atf_check -s exit:2 -o empty -e inline:"$u" kvm shutdown -n -a
	atf_check -s exit:2 -o empty -e inline:"$u" kvm shutdown -n
	atf_check -s exit:2 -o empty -e inline:"$u" kvm shutdown -t
	atf_check -s exit:2 -o empty -e inline:"$u" kvm shutdown -x web
	t="kvm: -t must be a whole number from 0 to 86400\n$u"
	for bad in abc -1 86401 1.5 "" " 5" 5s 99999999999999999999; do
		atf_check -s exit:2 -o empty -e inline:"$t" \
		    kvm shutdown -t "$bad" web
	done
	atf_check -s exit:1 -o empty -e inline:"kvm: nosuch: no such VM\n" \
	    kvm shutdown -t 5 nosuch
	atf_check cmp simlog.before root/sim/log
	atf_check cmp pid.before root/var/run/kvm/web.pid
	atf_check kill -0 "$bhyve"
	atf_check -o inline:"web: stopped\n" kvm stop web
}
bad_input_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case shutdown_acpi cleanup
shutdown_acpi_head()
{
	atf_set descr "shutdown: a guest that honours the power button powers off"
	atf_set require.user root
}
shutdown_acpi_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_guest web "run acpi"
	start_bg
	t0=$(now)
	atf_check -s exit:0 -o inline:"web: powered off\n" -e empty \
	    kvm shutdown -t 20 web
	[ "$(elapsed "$t0" "$(now)")" -lt 5 ] || atf_fail "shutdown too slow"
	kvm_gone "$sup" || atf_fail "the supervisor still runs"
	check_down
	atf_check -s exit:1 grep -q -- '--force-poweroff' root/sim/log
	atf_check -o match:"^bhyve-exit web 1\$" cat root/sim/log
}
shutdown_acpi_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case shutdown_ignored cleanup
shutdown_ignored_head()
{
	atf_set descr "shutdown: a guest that ignores the button is forced off after -t"
	atf_set require.user root
}
shutdown_ignored_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_guest web "run ignore"
	start_bg
	t0=$(now)
	atf_check -s exit:0 -o inline:"web: did not power off within 2 \
seconds; forced off\n" -e empty kvm shutdown -t 2 web
	s=$(elapsed "$t0" "$(now)")
	[ "$s" -ge 2 ] && [ "$s" -lt 8 ] || atf_fail "took $s seconds"
	kvm_gone "$sup" || atf_fail "the supervisor still runs"
	check_down
	atf_check -o match:"^bhyvectl --vm=web --force-poweroff\$" \
	    cat root/sim/log
}
shutdown_ignored_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case shutdown_noacpi cleanup
shutdown_noacpi_head()
{
	atf_set descr "shutdown: a guest without ACPI dies of SIGTERM, which is no fault"
	atf_set require.user root
}
shutdown_noacpi_body()
{
	kvm_setup
	kvm_mkvm web OnFault=restart
	kvm_guest web "run noacpi"
	start_bg
	atf_check -s exit:0 -o inline:"web: powered off\n" -e empty \
	    kvm shutdown web
	check_down
	atf_check -o inline:"1\n" cat root/sim/web.runs
	atf_check -o match:"web: bhyve exited with status 143 \\(killed by \
signal 15 \\(SIGTERM\\)\\)\$" cat "$HOME_DIR/vm/web/kvm.log"
	atf_check -o match:" web: stopped\$" cat "$HOME_DIR/vm/web/kvm.log"
}
shutdown_noacpi_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case shutdown_reboot cleanup
shutdown_reboot_head()
{
	atf_set descr "shutdown: a guest that reboots instead is not started again"
	atf_set require.user root
}
shutdown_reboot_body()
{
	kvm_setup
	kvm_mkvm web
	# The guest ignores the button and reboots a moment later.
	kvm_guest web "reboot 1 ignore" "run acpi"
	start_bg
	atf_check -s exit:0 -o inline:"web: powered off\n" -e empty \
	    kvm shutdown -t 20 web
	check_down
	atf_check -o inline:"1\n" cat root/sim/web.runs
	atf_check -o inline:"1\n" sh -c "grep -c '^bhyve ' root/sim/log"
	atf_check -o match:"^postRun web 0\$" grep -E "$KVM_RUNS" root/sim/log
}
shutdown_reboot_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case shutdown_orphan cleanup
shutdown_orphan_head()
{
	atf_set descr "shutdown of a bhyve whose supervisor died"
	atf_set require.user root
}
shutdown_orphan_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_guest web "run acpi"
	start_bg
	kill -9 "$sup"
	kvm_wait_unlocked web
	atf_check -s exit:0 \
	    -o inline:"web: supervisor gone; ran postRun\nweb: powered off\n" \
	    -e empty kvm shutdown -t 20 web
	atf_check -o inline:"postRun web \n" grep "^postRun " root/sim/log
	kvm_gone "$bhyve" || atf_fail "bhyve still runs"
	check_down
	atf_check -o match:"^bhyvectl --vm=web --destroy\$" cat root/sim/log
}
shutdown_orphan_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case shutdown_zero cleanup
shutdown_zero_head()
{
	atf_set descr "shutdown -t 0 forces at once"
	atf_set require.user root
}
shutdown_zero_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_guest web "run ignore"
	start_bg
	atf_check -s exit:0 -o inline:"web: did not power off within 0 \
seconds; forced off\n" -e empty kvm shutdown -t 0 web
	check_down
}
shutdown_zero_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case shutdown_loader cleanup
shutdown_loader_head()
{
	atf_set descr "shutdown of a guest still in its loader ends it at once"
	atf_set require.user root
}
shutdown_loader_body()
{
	kvm_setup
	kvm_mkvm web VMrom=grub
	kvm_loader web hang
	atf_check -o ignore -e empty kvm start -d web
	loader=$(kvm_wait_rt web loader)
	atf_check -s exit:0 -o inline:"web: powered off\n" -e empty \
	    kvm shutdown -t 20 web
	kvm_gone "$loader" || atf_fail "the loader still runs"
	check_down
	atf_check -s exit:1 grep -q '^bhyve ' root/sim/log
}
shutdown_loader_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case signals cleanup
signals_head()
{
	atf_set descr "SIGHUP and SIGINT to the supervisor are stop requests"
	atf_set require.user root
}
signals_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_guest web "run ignore"
	log=$HOME_DIR/vm/web/kvm.log
	for sig in HUP INT TERM; do
		start_bg
		kill -$sig "$sup"
		kvm_wait_unlocked web
		kvm_gone "$bhyve" || atf_fail "bhyve still runs after SIG$sig"
		check_down
		atf_check -o match:" web: stop requested \\(SIG$sig\\)\$" \
		    cat "$log"
	done
	atf_check -o inline:"3\n" sh -c "grep -c ' web: stopped\$' '$log'"
	atf_check -o inline:"3\n" sh -c "grep -c '^bhyve-exit web 1\$' root/sim/log"
}
signals_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case shutdown_nowait cleanup
shutdown_nowait_head()
{
	atf_set descr "shutdown -n presses the power button and returns at once"
	atf_set require.user root
}
shutdown_nowait_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_guest web "run ignore"
	start_bg
	t0=$(now)
	atf_check -s exit:0 -o inline:"web: power button pressed\n" -e empty \
	    kvm shutdown -n web
	[ "$(elapsed "$t0" "$(now)")" -lt 2 ] || atf_fail "-n waited"
	# The guest ignores it: still running, and no new run will follow.
	atf_check kill -0 "$bhyve"
	atf_check -o match:" web: shutdown requested: no new run \\(SIGUSR1\\)\$" \
	    cat "$HOME_DIR/vm/web/kvm.log"
	atf_check -o inline:"web: stopped\n" kvm stop web
	atf_check -s exit:1 -o empty -e inline:"kvm: web: not running\n" \
	    kvm shutdown -n web
}
shutdown_nowait_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case shutdown_all cleanup
shutdown_all_head()
{
	atf_set descr "shutdown -a: all running VMs at once; three guests" \
	    "that ignore the button and -t 2 take about 2 s, not 6"
	atf_set require.user root
}
shutdown_all_body()
{
	kvm_setup
	for v in a b c; do
		kvm_mkvm $v
		kvm_guest $v "run ignore"
	done
	kvm_mkvm d
	kvm_mkvm off
	kvm_guest d "run acpi"
	for v in a b c d; do
		atf_check -o ignore -e empty kvm start -d $v
		kvm_wait_guest $v >/dev/null
	done
	t0=$(now)
	atf_check -s exit:0 -o save:out -e empty kvm shutdown -a -t 2
	s=$(elapsed "$t0" "$(now)")
	[ "$s" -ge 2 ] && [ "$s" -lt 5 ] || atf_fail "took $s seconds"
	atf_check -o inline:"a: did not power off within 2 seconds; forced off
b: did not power off within 2 seconds; forced off
c: did not power off within 2 seconds; forced off
d: powered off
" sort out
	for v in a b c d; do
		atf_check flock -n "$KVM_ROOTDIR/var/run/kvm/$v.lock" true
		atf_check -s exit:1 test -e "$KVM_ROOTDIR/dev/vmm/$v"
		atf_check -s exit:1 test -e "$KVM_ROOTDIR/var/run/kvm/$v.pid"
		# The supervisor ran postRun.
		atf_check -o match:"^postRun $v 1\$" cat root/sim/log
	done
	atf_check -o match:"^bhyve-exit d 1\$" cat root/sim/log
	atf_check -s exit:1 grep -q -- '--vm=d --force-poweroff' root/sim/log
	# Nothing runs: nothing to do.
	atf_check -s exit:0 -o empty -e empty kvm shutdown -a
}
shutdown_all_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case stop_running
	atf_add_test_case stop_foreground
	atf_add_test_case stop_loader
	atf_add_test_case stop_orphan_loader
	atf_add_test_case stop_stale_instance
	atf_add_test_case stop_not_running
	atf_add_test_case bad_input
	atf_add_test_case shutdown_acpi
	atf_add_test_case shutdown_ignored
	atf_add_test_case shutdown_noacpi
	atf_add_test_case shutdown_reboot
	atf_add_test_case shutdown_orphan
	atf_add_test_case shutdown_zero
	atf_add_test_case shutdown_loader
	atf_add_test_case signals
	atf_add_test_case shutdown_nowait
	atf_add_test_case shutdown_all
}
