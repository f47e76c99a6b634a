#! /usr/bin/env atf-sh
# Host shutdown driven the way FreeBSD's rc.shutdown drives it
# (libexec/rc/rc.shutdown: "rcorder -k shutdown", then
# "run_rc_script $_rc_elem faststop" for each script in reverse order,
# under a watchdog of rcshutdown_timeout seconds): kvm's host script
# written by install, the VMs' scripts written by kvm rc, the real kvm
# and the bhyve simulator.  rcorder is emulated with tsort over the
# PROVIDE/REQUIRE lines; rc.subr by a stand-in (as in rc_test.sh) with
# run_rc_script and the "fast" prefix of run_rc_command.

# shellcheck source=/dev/null
. "$(atf_get_srcdir)/lib.sh"
# shellcheck source=/dev/null
. "$(atf_get_srcdir)/vm.sh"

rcd()
{
	echo "$KVM_ROOTDIR/usr/local/etc/rc.d"
}

# Seconds since the epoch, with a fraction; whole seconds between two.
now()
{
	date +%s.%N
}
elapsed()
{
	echo "$1 $2" | awk '{ printf "%d\n", $2 - $1 }'
}

# rc.subr: what rc.shutdown and the scripts use of it.
write_rc_subr()
{
	cat > rc.subr <<'EOF'
checkyesno()
{
	eval _value=\$${1}
	case $_value in
	[Yy][Ee][Ss]|[Tt][Rr][Uu][Ee]|[Oo][Nn]|1) return 0 ;;
	*) return 1 ;;
	esac
}
load_rc_config()
{
	[ -f ./rc.conf ] && . ./rc.conf
	return 0
}
run_rc_command()
{
	rc_arg=$1 rc_fast= rc_quiet= rc_pid=
	case $rc_arg in
	fast*) rc_arg=${rc_arg#fast} rc_fast=yes rc_quiet=yes ;;
	one*) rc_arg=${rc_arg#one}; eval "${rcvar}=YES" ;;
	esac
	for _elem in start stop restart status $extra_commands; do
		[ "$_elem" = "$rc_arg" ] || continue
		if [ -n "${rcvar}" ] && ! checkyesno "${rcvar}" &&
		    [ "$rc_arg" != status ]; then
			[ -n "${rc_quiet}" ] && return 0
			echo "Cannot '${rc_arg}' $name."
			return 0
		fi
		eval "_cmd=\$${rc_arg}_cmd"
		eval "$_cmd"
		return $?
	done
	echo "$0: unknown directive '$rc_arg'." >&2
	return 1
}
run_rc_script()
{
	_file=$1 _arg=$2
	case "$_file" in
	*[~#]|*.OLD|*.bak|*.orig|*,v)
		echo "$0: WARNING: Ignoring scratch file $_file" >&2 ;;
	*)	[ -x "$_file" ] && (set "$_arg"; . "$_file") ;;
	esac
}
EOF
}

# Copies of kvm's rc.d scripts in ./rc.d that source ./rc.subr.
copy_scripts()
{
	mkdir -p rc.d
	for f in "$(rcd)"/*; do
		sed "s|/etc/rc.subr|$(pwd)/rc.subr|g" "$f" > "rc.d/${f##*/}"
		chmod +x "rc.d/${f##*/}"
	done
}

# rcorder -k shutdown rc.d/*: what PROVIDE is REQUIRE:d comes first.
rcorder_shutdown()
{
	for f in rc.d/*; do
		grep -q '^# KEYWORD:.* shutdown' "$f" || continue
		echo "$f $f"
		sed -n 's/^# REQUIRE://p' "$f" | tr -s ' ' '\n' |
		while read -r w; do
			for g in rc.d/*; do
				grep -qx "# PROVIDE: $w" "$g" && echo "$g $f"
			done
		done
	done | tsort
}

# rc.shutdown: every script, in reverse order, with faststop.
rc_shutdown()
{
	. ./rc.subr
	for f in $(rcorder_shutdown | tac); do
		echo "== $f" >> order
		run_rc_script "$f" faststop
	done
}

atf_test_case host_script cleanup
host_script_head()
{
	atf_set descr "install writes the host script; it passes dash -n and" \
	    "shellcheck, loads vmm and nmdm at boot; uninstall removes it"
	atf_set require.user root
	atf_set require.progs "dash shellcheck"
}
host_script_body()
{
	kvm_setup
	f=$(rcd)/kvm
	atf_check -o inline:"# PROVIDE: kvm\n" grep '^# PROVIDE:' "$f"
	atf_check -o inline:"# KEYWORD: shutdown nojail\n" grep '^# KEYWORD:' "$f"
	atf_check -o match:'^-r-xr-xr-x ' ls -l "$f"
	atf_check dash -n "$f"
	atf_check shellcheck -s sh "$f"
	write_rc_subr
	copy_scripts
	atf_check -s exit:0 -o empty -e empty sh rc.d/kvm faststart
	atf_check -o inline:"vmm\nnmdm\n" cat root/sim/kld
	# A second boot loads nothing twice.
	atf_check -s exit:0 -o empty -e empty sh rc.d/kvm faststart
	atf_check -o inline:"vmm\nnmdm\n" cat root/sim/kld
	# A VM's script REQUIREs it.
	kvm_mkvm web
	atf_check -o ignore kvm rc -r "LOGIN" web </dev/null
	atf_check -o inline:"# REQUIRE: LOGIN kvm\n" \
	    grep '^# REQUIRE:' "$(rcd)/web"
	atf_check -o ignore kvm uninstall -f "$POOL"
	atf_check -s exit:1 test -e "$f"
	atf_check -s exit:1 test -e "$(rcd)/web"
}
host_script_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case shutdown cleanup
shutdown_head()
{
	atf_set descr "rc.shutdown with three VMs, one ignoring the power" \
	    "button, one started by hand: the VM scripts press, the host" \
	    "script waits for all, forces off the stubborn one at" \
	    "rcshutdown_timeout - 15; all down in time, postRun run for each"
	atf_set require.user root
}
shutdown_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_mkvm db
	kvm_mkvm hand
	kvm_guest web "run acpi"
	kvm_guest db "run ignore"
	kvm_guest hand "run acpi"
	atf_check -o ignore kvm rc web </dev/null
	atf_check -o ignore kvm rc db </dev/null
	write_rc_subr
	copy_scripts
	printf 'rcshutdown_timeout="20"\nweb_enable="YES"\n' > rc.conf
	# web starts at boot, db by onestart, hand by hand.
	atf_check -s exit:0 -e empty \
	    -o inline:"web: started (log $HOME_DIR/vm/web/kvm.log)\n" \
	    sh rc.d/web faststart
	atf_check -s exit:0 -e empty \
	    -o inline:"db: started (log $HOME_DIR/vm/db/kvm.log)\n" \
	    sh rc.d/db onestart
	atf_check -o ignore -e empty kvm start -d hand
	for v in web db hand; do
		kvm_wait_guest $v >/dev/null
	done

	t0=$(now)
	rc_shutdown > out 2> err
	s=$(elapsed "$t0" "$(now)")
	if [ "$s" -lt 5 ] || [ "$s" -ge 12 ]; then
		atf_fail "took $s seconds"
	fi
	atf_check -o empty cat err
	# Reverse rcorder: the VMs' scripts, then kvm's.
	atf_check -o inline:"== rc.d/kvm\n" tail -n 1 order
	atf_check -o match:"^web: power button pressed\$" cat out
	atf_check -o match:"^db: power button pressed\$" cat out
	atf_check -o match:"^hand: powered off\$" cat out
	atf_check -o match:"^db: did not power off within 5 seconds; forced off\$" \
	    cat out
	for v in web db hand; do
		atf_check -s exit:1 -o inline:"0\n" kvm status $v
		atf_check -s exit:1 test -e "$KVM_ROOTDIR/dev/vmm/$v"
		atf_check -o match:"^postRun $v [0-9]+\$" cat root/sim/log
	done
	atf_check -o match:"^bhyvectl --vm=db --force-poweroff\$" \
	    cat root/sim/log
	atf_check -s exit:1 grep -q -- '--vm=web --force-poweroff' \
	    root/sim/log
	atf_check -s exit:1 grep -q -- '--vm=hand --force-poweroff' \
	    root/sim/log
}
shutdown_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case shutdown_late cleanup
shutdown_late_head()
{
	atf_set descr "the bound counts from rc.shutdown's start, not the" \
	    "host script's: 6 s spent on other scripts first leave" \
	    "30 - 6 - 15 = 9 s for the VMs, not 15"
	atf_set require.user root
}
shutdown_late_body()
{
	kvm_setup
	kvm_mkvm db
	kvm_guest db "run ignore"
	atf_check -o ignore kvm rc db </dev/null
	write_rc_subr
	copy_scripts
	printf 'rcshutdown_timeout="30"\n' > rc.conf
	atf_check -o ignore -e empty kvm start -d db
	kvm_wait_guest db >/dev/null
	rcorder_shutdown | tac > list
	# rc.shutdown as a process of its own (its pid is the scripts' $$),
	# busy with other scripts for 6 s before kvm's.
	t0=$(now)
	# shellcheck disable=SC2016
	atf_check -o save:out -e empty sh -c '. ./rc.subr; sleep 6
	    for f in $(cat list); do run_rc_script "$f" faststop; done'
	s=$(elapsed "$t0" "$(now)")
	if [ "$s" -lt 14 ] || [ "$s" -ge 19 ]; then
		atf_fail "took $s seconds, not 6 + 9"
	fi
	atf_check -o match:"^db: did not power off within 9 seconds; forced off\$" \
	    cat out
	atf_check -s exit:1 -o inline:"0\n" kvm status db
	atf_check -o match:"^postRun db [0-9]+\$" cat root/sim/log
}
shutdown_late_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case bad_timeout cleanup
bad_timeout_head()
{
	atf_set descr "a bad rcshutdown_timeout: a warning and 90 s assumed;" \
	    "the VMs are still shut down"
	atf_set require.user root
}
bad_timeout_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_guest web "run acpi"
	atf_check -o ignore kvm rc web </dev/null
	write_rc_subr
	copy_scripts
	printf 'rcshutdown_timeout="2m"\n' > rc.conf
	atf_check -o ignore -e empty kvm start -d web
	kvm_wait_guest web >/dev/null
	rc_shutdown > out 2> err
	atf_check -o inline:"kvm: rcshutdown_timeout=\"2m\" is not a number of seconds; using 90\n" \
	    cat err
	atf_check -o match:"^web: power button pressed\$" cat out
	atf_check -s exit:1 -o inline:"0\n" kvm status web
	atf_check -o match:"^postRun web 1\$" cat root/sim/log
}
bad_timeout_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case host_script
	atf_add_test_case shutdown
	atf_add_test_case shutdown_late
	atf_add_test_case bad_timeout
}
