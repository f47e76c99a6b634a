#! /usr/bin/env atf-sh
# Integration tests of the CPU placement settings, Topology and Pin:
# what the simulated bhyve gets (it checks -c and -p as bhyve 14.0
# does), and bad values refused by check and start with nothing
# changed.

# shellcheck source=/dev/null
. "$(atf_get_srcdir)/lib.sh"
# shellcheck source=/dev/null
. "$(atf_get_srcdir)/vm.sh"

atf_test_case start cleanup
start_head()
{
	atf_set descr "Topology and Pin reach bhyve as -c with all three numbers and one -p per pair"
	atf_set require.user root
}
start_body()
{
	kvm_setup
	kvm_mkvm web 'Cores="4"' 'Topology="cores=2,threads=2"' \
	    'Pin="0:0 1:0 2:0 3:0"'
	atf_check -s exit:0 -o empty -e empty kvm check web
	# hw.vmm.maxcpu (the host's CPUs by default) must allow 4 vCPUs.
	echo 8 > root/sim/maxcpu
	kvm_guest web "poweroff 0.1"
	atf_check -s exit:0 -o save:out -e empty kvm start web
	atf_check -o match:" -c 4,sockets=1,cores=2,threads=2 -p 0:0 -p 1:0 -p 2:0 -p 3:0 -m 256M " \
	    cat out
	# The simulator ran it: its guest powered off (exit 1).
	atf_check -o inline:"bhyve-exit web 1\n" grep "^bhyve-exit" root/sim/log
}
start_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case no_such_host_cpu cleanup
no_such_host_cpu_head()
{
	atf_set descr "check refuses a Pin to a host CPU this host lacks"
	atf_set require.user root
}
no_such_host_cpu_body()
{
	kvm_setup
	kvm_mkvm web 'Cores="2"' 'Pin="0:0 1:1000"'
	n=$(getconf _NPROCESSORS_CONF)
	kvm_state > before
	atf_check -s exit:1 -o empty -e inline:"kvm: web: Pin: host CPU 1000 does not exist here ($n CPUs: 0 to $((n - 1)))\n" \
	    kvm check web
	kvm_state > after
	atf_check cmp before after
}
no_such_host_cpu_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case bad cleanup
bad_head()
{
	atf_set descr "bad Topology and Pin: check and start say why, exit 1, nothing runs or changes"
	atf_set require.user root
}
bad_body()
{
	kvm_setup
	kvm_mkvm web 'Cores="4"'
	conf=$HOME_DIR/vm/web/set.conf
	cp "$conf" good
	line=$(($(wc -l < good) + 1))
	for c in 'Topology="sockets=3"|Topology: 3 sockets x 1 core x 1 thread is not Cores (4 vCPUs)' \
	    'Topology="cores=3"|Topology: 3 cores x 1 thread per socket does not divide Cores (4 vCPUs)' \
	    'Topology="cores=2,,threads=2"|Topology: "" is not sockets=N, cores=N or threads=N' \
	    'Pin="4:0"|Pin: vCPU 4 does not exist (Cores is 4: vCPUs 0 to 3)' \
	    'Pin="0:x"|Pin: "0:x" is not VCPU:HOSTCPU, e.g. 0:2'; do
		cp good "$conf"
		echo "${c%%|*}" >> "$conf"
		kvm_state > before
		msg="kvm: $conf:$line: ${c#*|}"
		atf_check -s exit:1 -o empty -e inline:"$msg\n" kvm check web
		atf_check -s exit:1 -o empty -e inline:"$msg\n" kvm start web
		kvm_state > after
		atf_check cmp before after
		atf_check -s exit:1 grep -q "^bhyve" root/sim/log
	done
}
bad_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case start
	atf_add_test_case no_such_host_cpu
	atf_add_test_case bad
}
