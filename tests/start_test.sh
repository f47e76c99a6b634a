#! /usr/bin/env atf-sh
# Integration tests of "kvm start": the supervisor against zfs-fuse and
# the bhyve simulator.

. "$(atf_get_srcdir)/lib.sh"
. "$(atf_get_srcdir)/vm.sh"

# The bhyve command line kvm printed, and what the simulator ran.
bhyve_lines()
{
	grep '^bhyve ' "$KVM_ROOTDIR/sim/log"
}

# preRun, bhyve, postRun in this order for each exit status given.
expect_runs()
{
	_cmd=$1
	shift
	for _st in "$@"; do
		echo "preRun web $HOME_DIR/vm/web"
		echo "$_cmd"
		echo "postRun web $_st"
	done
}

# Nothing of web runs and nothing is left over.
check_down()
{
	atf_check flock -n "$KVM_ROOTDIR/var/run/kvm/web.lock" true
	atf_check -s exit:1 test -e "$KVM_ROOTDIR/dev/vmm/web"
	atf_check -s exit:1 test -e "$KVM_ROOTDIR/var/run/kvm/web.pid"
	atf_check -s exit:1 test -e "$KVM_ROOTDIR/sim/web.pid"
}

atf_test_case library_sync cleanup
library_sync_head()
{
	atf_set descr "start puts this kvm's hook library in the home when the one there is another (an upgrade without install), and leaves a current one alone"
	atf_set require.user root
}
library_sync_body()
{
	kvm_setup
	kvm_mkvm web
	printf 'CreateIF() { :; }\n' > "$HOME_DIR/functions"
	echo 'preRun() { command -v AddToBridge >/dev/null || exit 1; }' \
	    >> "$HOME_DIR/vm/web/run"
	kvm_guest web "poweroff 0.05"
	atf_check -s exit:0 -o ignore -e empty kvm start web
	atf_check cmp "$(kvm_functions_file)" "$HOME_DIR/functions"
	ls -i "$HOME_DIR/functions" > inode1
	kvm_guest web "poweroff 0.05"
	rm root/sim/web.runs
	atf_check -s exit:0 -o ignore -e empty kvm start web
	ls -i "$HOME_DIR/functions" > inode2
	atf_check cmp inode1 inode2
}
library_sync_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case reboots cleanup
reboots_head()
{
	atf_set descr "reboot, reboot, power-off: three identical runs, hooks around each"
	atf_set require.user root
}
reboots_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_guest web "reboot 0.05" "reboot 0.05" "poweroff 0.05"
	atf_check -s exit:0 -o save:out -e empty kvm start web
	cmd=$(head -n 1 out)
	atf_check -o match:"^bhyve -A -H -P -w -u -c 1 -m 256M .* web\$" \
	    echo "$cmd"
	atf_check -o match:"-l com1,stdio " echo "$cmd"
	printf '%s\n%s\n%s\n' "$cmd" "$cmd" "$cmd" > want
	atf_check -o file:want cat out
	atf_check -o file:want grep '^bhyve ' root/sim/log
	expect_runs "$cmd" 0 0 1 > want
	atf_check -o file:want grep -E "$KVM_RUNS" root/sim/log
	# The instance is destroyed once bhyve is done for good.
	atf_check -o inline:"bhyve-exit web 1\nbhyvectl --vm=web --destroy\n" \
	    sh -c "grep -E '^(bhyve-exit|bhyvectl)' root/sim/log | tail -n 2"
	check_down
	# The lock is free: a second start works.
	kvm_guest web "poweroff 0.05"
	rm root/sim/web.runs
	atf_check -s exit:0 -o inline:"$cmd\n" -e empty kvm start web
}
reboots_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case detached cleanup
detached_head()
{
	atf_set descr "start -d: same runs in the background, the story in kvm.log"
	atf_set require.user root
}
detached_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_guest web "reboot 0.2" "reboot 0.05" "poweroff 0.05"
	log=$HOME_DIR/vm/web/kvm.log
	atf_check -s exit:0 -o inline:"web: started (log $log)\n" -e empty \
	    kvm start -d web
	kvm_wait_unlocked web
	sup=$(sed -n 's/.* web: start (supervisor pid \([0-9]*\))$/\1/p' "$log")
	[ -n "$sup" ] || atf_fail "no supervisor pid in $log"
	kvm_wait_gone "$sup"
	cmd=$(bhyve_lines | head -n 1)
	# Detached, com1 defaults to the VM's nmdm pair.
	atf_check -o match:" -l com1,$KVM_ROOTDIR/dev/nmdm-web.1A " \
	    echo "$cmd"
	expect_runs "$cmd" 0 0 1 > want
	atf_check -o file:want grep -E "$KVM_RUNS" root/sim/log
	atf_check -o match:"^kldstat -q -m nmdm\$" cat root/sim/log
	check_down
	# The log: the command lines and timestamped lines of what happened.
	ts='^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} web: '
	atf_check -o inline:"3\n" grep -c -x -F "$cmd" "$log"
	atf_check -o match:"${ts}start \\(supervisor pid $sup\\)\$" cat "$log"
	grep -E "$ts" "$log" | sed -E "s/$ts//" |
	    grep -E '^(bhyve exited|guest rebooted|stopped)' > story
	atf_check -o inline:"bhyve exited with status 0 (reboot)
guest rebooted: run 2
bhyve exited with status 0 (reboot)
guest rebooted: run 3
bhyve exited with status 1 (power-off)
stopped
" cat story
	atf_check -o match:"${ts}bhyve started \\(pid [0-9]+\\)\$" cat "$log"
}
detached_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case already_running cleanup
already_running_head()
{
	atf_set descr "start of a running VM is refused and changes nothing"
	atf_set require.user root
}
already_running_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_guest web "run acpi"
	atf_check -o ignore kvm start -d web
	bhyve=$(kvm_wait_guest web)
	cp root/var/run/kvm/web.pid pid.before
	cp root/sim/log simlog.before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: already running (pid $bhyve)\n" \
	    kvm start web
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: already running (pid $bhyve)\n" \
	    kvm start -d web
	atf_check cmp pid.before root/var/run/kvm/web.pid
	atf_check cmp simlog.before root/sim/log
	atf_check kill -0 "$bhyve"
	atf_check -o inline:"web: stopped\n" kvm stop web
}
already_running_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case orphan cleanup
orphan_head()
{
	atf_set descr "after kill -9 of the supervisor the VM is seen, refused, stoppable, startable"
	atf_set require.user root
}
orphan_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_guest web "run acpi" "poweroff 0.05"
	atf_check -o ignore kvm start -d web
	bhyve=$(kvm_wait_guest web)
	sup=$(kvm_rt web supervisor)
	kill -9 "$sup"
	kvm_wait_gone "$sup"
	atf_check flock -n "$KVM_ROOTDIR/var/run/kvm/web.lock" true
	atf_check kill -0 "$bhyve"
	# Still seen as running (by its bhyve pid).
	atf_check -s exit:0 -o inline:"$bhyve\n" -e empty kvm status web
	cp root/sim/log simlog.before
	atf_check -s exit:1 -o empty -e inline:"kvm: web: already running \
(pid $bhyve) without a supervisor; stop it first\n" kvm start web
	atf_check cmp simlog.before root/sim/log
	atf_check -s exit:0 \
	    -o inline:"web: supervisor gone; ran postRun\nweb: stopped\n" \
	    -e empty kvm stop web
	atf_check -o inline:"postRun web \n" grep "^postRun " root/sim/log
	kvm_wait_gone "$bhyve"
	atf_check -o match:"^bhyvectl --vm=web --force-poweroff\$" \
	    cat root/sim/log
	atf_check -o match:"^bhyve-exit web 1\$" cat root/sim/log
	check_down
	atf_check -s exit:0 -o match:"^bhyve " -e empty kvm start web
	atf_check -o inline:"2\n" cat root/sim/web.runs
	check_down
}
orphan_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case prerun_fails cleanup
prerun_fails_head()
{
	atf_set descr "a failing preRun ends the start before bhyve"
	atf_set require.user root
}
prerun_fails_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_guest web "poweroff 0.05"
	touch root/sim/prerun-fails
	atf_check -s exit:1 -o empty -e inline:"preRun: no network for web
kvm: web: preRun failed (exit status 3)
" kvm start web
	atf_check -o inline:"preRun web $HOME_DIR/vm/web\n" \
	    grep -E "$KVM_RUNS" root/sim/log
	atf_check -s exit:1 grep -q '^bhyve ' root/sim/log
	check_down
}
prerun_fails_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case hook_environment cleanup
hook_environment_head()
{
	atf_set descr "hooks see set.conf, functions and the environment, not pasted values"
	atf_set require.user root
}
hook_environment_body()
{
	kvm_setup
	kvm_mkvm web "Free='a b; \$(touch pwned)'"
	cat > "$HOME_DIR/vm/web/run" <<'EOF'
preRun()
{
	{
		echo "pre name=$VM_NAME dir=$VM_DIR home=$KVM_HOME"
		echo "pre exit=${VM_EXIT-unset} mem=$Mem free=$Free"
		echo "pre cwd=$(pwd) root=$KVM_ROOTDIR"
		command -v CreateIF
	} >> "$KVM_ROOTDIR/sim/hooks"
}
postRun()
{
	echo "post exit=$VM_EXIT" >> "$KVM_ROOTDIR/sim/hooks"
}
EOF
	kvm_guest web "halt 0.05"
	atf_check -s exit:0 -o ignore -e empty kvm start web
	atf_check -o inline:"pre name=web dir=$HOME_DIR/vm/web home=$HOME_DIR
pre exit=unset mem=256M free=a b; \$(touch pwned)
pre cwd=$HOME_DIR/vm/web root=$KVM_ROOTDIR
CreateIF
post exit=2
" cat root/sim/hooks
	atf_check -s exit:1 test -e "$HOME_DIR/vm/web/pwned"
}
hook_environment_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case triple_restart cleanup
triple_restart_head()
{
	atf_set descr "OnFault=restart: 3 restarts within 60 s, then it stops saying so"
	atf_set require.user root
}
triple_restart_body()
{
	kvm_setup
	kvm_mkvm web OnFault=restart
	kvm_guest web "triple 0.02"
	m="kvm: web: bhyve exited with status 3 (triple fault)"
	atf_check -s exit:1 -o save:out -e inline:"$m; restarting (1 of 3 within 60 seconds)
$m; restarting (2 of 3 within 60 seconds)
$m; restarting (3 of 3 within 60 seconds)
$m; not restarting: 3 restarts within 60 seconds
" kvm start web
	atf_check -o inline:"4\n" sh -c "grep -c '^bhyve ' out"
	cmd=$(head -n 1 out)
	expect_runs "$cmd" 3 3 3 3 > want
	atf_check -o file:want grep -E "$KVM_RUNS" root/sim/log
	check_down
}
triple_restart_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case error_restart cleanup
error_restart_head()
{
	atf_set descr "OnFault=restart after bhyve errors: a fresh instance each time"
	atf_set require.user root
}
error_restart_body()
{
	kvm_setup
	kvm_mkvm web OnFault=restart
	kvm_guest web "error 0.02" "abort 0.02" "poweroff 0.02"
	m="kvm: web: bhyve exited with status"
	atf_check -s exit:0 -o ignore -e inline:"$m 4 (error); restarting \
(1 of 3 within 60 seconds)
$m 134 (killed by signal 6 (SIGABRT)); restarting (2 of 3 within 60 seconds)
" kvm start web
	atf_check -o inline:"3\n" cat root/sim/web.runs
	grep -E '^(bhyve-exit|bhyvectl)' root/sim/log > seq
	atf_check -o inline:"bhyve-exit web 4
bhyvectl --vm=web --destroy
bhyve-exit web 134
bhyvectl --vm=web --destroy
bhyve-exit web 1
bhyvectl --vm=web --destroy
" cat seq
	check_down
}
error_restart_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case triple_stop cleanup
triple_stop_head()
{
	atf_set descr "OnFault=stop (the default): one run, the status named"
	atf_set require.user root
}
triple_stop_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_guest web "triple 0.02" "poweroff"
	atf_check -s exit:1 -o match:"^bhyve " -e inline:"kvm: web: bhyve \
exited with status 3 (triple fault); not restarting (OnFault=stop)\n" \
	    kvm start web
	atf_check -o inline:"1\n" cat root/sim/web.runs
	atf_check -o match:"^postRun web 3\$" grep -E "$KVM_RUNS" root/sim/log
	check_down
}
triple_stop_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case loader_grub cleanup
loader_grub_head()
{
	atf_set descr "grub: device.map and grub-bhyve before every run, instance destroyed first"
	atf_set require.user root
}
loader_grub_body()
{
	kvm_setup
	kvm_mkvm web VMrom=grub
	kvm_guest web "reboot 0.05" "poweroff 0.05"
	kvm_loader web boot
	atf_check -s exit:0 -o ignore -e empty kvm start web
	atf_check -o inline:"(hd0) $HOME_DIR/vm/web/disk\n" \
	    cat "$HOME_DIR/vm/web/device.map"
	grep -E '^(preRun|postRun|grub-bhyve|bhyve |bhyvectl)' root/sim/log |
	    sed -E 's/^(grub-bhyve|bhyve) .*/\1/' > seq
	atf_check -o inline:"preRun web $HOME_DIR/vm/web
grub-bhyve
bhyve
postRun web 0
bhyvectl --vm=web --destroy
preRun web $HOME_DIR/vm/web
grub-bhyve
bhyve
postRun web 1
bhyvectl --vm=web --destroy
" cat seq
	check_down
}
loader_grub_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case loader_fails cleanup
loader_fails_head()
{
	atf_set descr "a failing loader ends the start, postRun still runs"
	atf_set require.user root
}
loader_fails_body()
{
	kvm_setup
	kvm_mkvm web VMrom=grub
	kvm_loader web fail
	atf_check -s exit:1 -o empty -e save:err kvm start web
	atf_check -o match:"^kvm: web: grub-bhyve failed \\(exit status [1-9][0-9]*\\)\$" \
	    tail -n 1 err
	atf_check -o inline:"preRun web $HOME_DIR/vm/web\npostRun web \n" \
	    grep -E "$KVM_RUNS" root/sim/log
	check_down
}
loader_fails_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

# The first TCP port from $1 that nothing listens on at 127.0.0.1.
free_port()
{
	python3 - "$1" <<'EOF'
import socket, sys
p = int(sys.argv[1])
while True:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", p))
        break
    except OSError:
        p += 1
    finally:
        s.close()
print(p)
EOF
}

atf_test_case vnc_auto cleanup
vnc_auto_head()
{
	atf_set descr "VNCport=auto skips a port in use and prints the one it took"
	atf_set require.user root
}
vnc_auto_body()
{
	kvm_setup
	kvm_mkvm web Console=vnc VNCport=auto
	kvm_guest web "poweroff 0.05"
	busy=$(free_port 5900)
	python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(1)
open(sys.argv[2], "w").write("ok")
time.sleep(60)
' "$busy" "$(pwd)/listening" &
	echo $! > listener.pid
	i=0
	until [ -s listening ]; do
		i=$((i + 1)); [ $i -lt 100 ] || atf_fail "no listener"
		sleep 0.1
	done
	port=$(free_port $((busy + 1)))
	atf_check -s exit:0 -o save:out -e empty kvm start web
	atf_check -o inline:"web: VNC on 127.0.0.1:$port\n" head -n 1 out
	atf_check -o match:" -s 29,fbuf,tcp=127.0.0.1:$port,w=1024,h=768 " \
	    sed -n 2p out
	kill "$(cat listener.pid)"
}
vnc_auto_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	[ -f listener.pid ] && kill "$(cat listener.pid)" 2>/dev/null
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case bad_input cleanup
bad_input_head()
{
	atf_set descr "usage errors, unknown and badly named VMs, Com=stdio with -d"
	atf_set require.user root
}
bad_input_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_mkvm con Com=stdio
	kvm_state > before
	cp root/sim/log simlog.before
	u="usage: kvm start [-d] name\n"
	atf_check -s exit:2 -o empty -e inline:"$u" kvm start
	atf_check -s exit:2 -o empty -e inline:"$u" kvm start web web
	atf_check -s exit:2 -o empty -e inline:"$u" kvm start -x web
	atf_check -s exit:2 -o empty -e inline:"$u" kvm start -d
	atf_check -s exit:1 -o empty -e inline:"kvm: nosuch: no such VM\n" \
	    kvm start nosuch
	atf_check -s exit:1 -o empty -e inline:"kvm: -web: name must start \
with a letter or a digit\n" kvm start -- -web
	atf_check -s exit:1 -o empty -e inline:"kvm: con: Com is stdio, which \
needs start in the foreground (without -d)\n" kvm start -d con
	# Compared first: kvm_state's own zfs calls are logged.
	atf_check cmp simlog.before root/sim/log
	kvm_state > after
	atf_check cmp before after
	atf_check -s exit:1 test -e "$HOME_DIR/vm/con/kvm.log"
}
bad_input_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_test_case missing_disk cleanup
missing_disk_head()
{
	atf_set descr "a missing disk is reported before anything runs"
	atf_set require.user root
}
missing_disk_body()
{
	kvm_setup
	kvm_mkvm web
	rm "$HOME_DIR/vm/web/disk"
	cp root/sim/log simlog.before
	atf_check -s exit:1 -o empty -e inline:"kvm: web: disk \
$HOME_DIR/vm/web/disk: No such file or directory\n" kvm start -d web
	atf_check cmp simlog.before root/sim/log
	atf_check -s exit:1 test -e root/var/run/kvm/web.lock
}
missing_disk_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_env
	. "$(atf_get_srcdir)/vm.sh"
	kvm_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case reboots
	atf_add_test_case library_sync
	atf_add_test_case detached
	atf_add_test_case already_running
	atf_add_test_case orphan
	atf_add_test_case prerun_fails
	atf_add_test_case hook_environment
	atf_add_test_case triple_restart
	atf_add_test_case triple_stop
	atf_add_test_case error_restart
	atf_add_test_case loader_grub
	atf_add_test_case loader_fails
	atf_add_test_case vnc_auto
	atf_add_test_case bad_input
	atf_add_test_case missing_disk
}
