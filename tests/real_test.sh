#! /usr/bin/env atf-sh
# Cases that hold on real bhyve as well as on the simulator: by default
# they run with the simulator like the rest of the suite; on a FreeBSD
# host with edk2-bhyve installed,
#   kyua -v test_suites.kvm.real_bhyve=yes test -k .../Kyuafile
# runs them against the real bhyve, vmm(4) and ZFS (see lib.sh), and
# skips every case that needs the simulator.  The VM is named after the
# scratch pool so that it cannot be one of the host's.

# shellcheck source=/dev/null
. "$(atf_get_srcdir)/lib.sh"

# wait_state NAME STATE: until kvm status -j says STATE (10 s at most).
wait_state()
{
	i=0
	until kvm status -j "$1" 2>/dev/null | grep -q "\"state\":\"$2\""; do
		i=$((i + 1))
		[ $i -lt 100 ] || atf_fail "$1 did not become $2"
		sleep 0.1
	done
}

atf_test_case lifecycle cleanup
lifecycle_head()
{
	atf_set descr "create, check, start -d, stop, start again, stop: a UEFI guest on an empty disk"
	atf_set require.user root
}
lifecycle_body()
{
	kvm_real_ok
	kvm_setup
	vm=$POOL
	atf_check -s exit:0 -o ignore -e empty kvm create -y -m 256M -s 64M "$vm"
	atf_check -s exit:0 -o empty -e empty kvm check "$vm"
	for round in 1 2; do
		atf_check -s exit:0 -o ignore -e empty kvm start -d "$vm"
		wait_state "$vm" running
		atf_check test -e "root/dev/vmm/$vm"
		atf_check -s exit:0 -o match:"^[1-9][0-9]*\$" -e empty \
		    kvm status "$vm"
		atf_check -s exit:0 -o inline:"$vm: stopped\n" -e empty \
		    kvm stop "$vm"
		atf_check -s exit:1 -o inline:"0\n" -e empty kvm status "$vm"
		atf_check -s exit:1 test -e "root/dev/vmm/$vm"
		echo "round $round done"
	done
}
lifecycle_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case sim_only cleanup
sim_only_head()
{
	atf_set descr "a case that does not call kvm_real_ok is skipped with real_bhyve=yes"
	atf_set require.user root
}
sim_only_body()
{
	kvm_setup
	kvm_real && atf_fail "kvm_setup did not skip a simulator-only case"
	atf_check -s exit:0 -o inline:"bhyve\n" sh -c \
	    'command -v bhyve | sed "s|.*/||"'
	atf_check -s exit:0 -o match:"/sim/bin/bhyve\$" sh -c 'command -v bhyve'
}
sim_only_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case opt_in
opt_in_head()
{
	atf_set descr "real_bhyve=yes off FreeBSD skips every case, with the reason"
	atf_set require.user root
	atf_set require.progs kyua
}
opt_in_body()
{
	[ "$(uname -s)" != FreeBSD ] || atf_skip "on FreeBSD the opt-in runs for real"
	kvm_real && atf_skip "already running with real_bhyve=yes"
	kf=$(atf_get_srcdir)/Kyuafile
	atf_check -s exit:0 -o save:out -e ignore kyua \
	    -v test_suites.kvm.real_bhyve=yes test \
	    --results-file="$(pwd)/r.db" -k "$kf" \
	    real_test.sh:lifecycle real_test.sh:sim_only
	atf_check -o match:"lifecycle  ->  skipped: real_bhyve=yes needs a FreeBSD host with bhyve" \
	    -o match:"sim_only  ->  skipped: needs the simulator \\(real_bhyve=yes\\)" \
	    cat out
}

atf_init_test_cases()
{
	atf_add_test_case lifecycle
	atf_add_test_case sim_only
	atf_add_test_case opt_in
}
