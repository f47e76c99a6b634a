#! /usr/bin/env atf-sh
# The sh -c "$HOOK" "$FUNCS" library (share/functions) against the simulator's ifconfig
# and route stand-ins; no ZFS needed.

. "$(atf_get_srcdir)/lib.sh"

fn_env()
{
	KVM_ROOTDIR=$(pwd)/root
	PATH="$(atf_get_srcdir)/sim/bin:$PATH"
	export KVM_ROOTDIR PATH
	mkdir -p root/etc root/sim
	FUNCS=$(kvm_functions_file)
}

# $HOOK: sh -c text loading the library ($0) and running "$@", as kvm
# runs hooks: values only as arguments.
HOOK='. "$0" && "$@"'

atf_test_case create_destroy
create_destroy_head()
{
	atf_set descr "CreateIF makes and raises an interface once; DestroyIF removes it"
}
create_destroy_body()
{
	fn_env
	atf_check -s exit:0 -o empty -e empty sh -c "$HOOK" "$FUNCS" CreateIF tap tapweb
	atf_check -s exit:0 -o ignore -e empty ifconfig tapweb
	test -e root/dev/tapweb || atf_fail "no /dev/tapweb"
	# A second call finds it and only brings it up.
	atf_check -s exit:0 -o empty -e empty sh -c "$HOOK" "$FUNCS" CreateIF tap tapweb
	atf_check -o inline:"1\n" sh -c \
	    "grep -c '^ifconfig tap create name tapweb' root/sim/log"
	atf_check -s exit:0 -o empty -e empty sh -c "$HOOK" "$FUNCS" CreateIF bridge br0
	atf_check -s exit:0 -o empty -e empty sh -c "$HOOK" "$FUNCS" DestroyIF tapweb
	atf_check -s exit:1 -o ignore -e ignore ifconfig tapweb
	test ! -e root/dev/tapweb || atf_fail "/dev/tapweb left behind"
	# Destroying what is not there is not an error.
	atf_check -s exit:0 -o empty -e empty sh -c "$HOOK" "$FUNCS" DestroyIF tapweb
}

atf_test_case usage
usage_head()
{
	atf_set descr "wrong argument counts say how to call each function"
}
usage_body()
{
	fn_env
	atf_check -s exit:2 -e inline:"CreateIF: usage: CreateIF type name\n" \
	    sh -c "$HOOK" "$FUNCS" CreateIF tap
	atf_check -s exit:2 -e inline:"DestroyIF: usage: DestroyIF name\n" \
	    sh -c "$HOOK" "$FUNCS" DestroyIF
	atf_check -s exit:2 \
	    -e inline:"SetDefaultRoute: usage: SetDefaultRoute gateway\n" \
	    sh -c "$HOOK" "$FUNCS" SetDefaultRoute
	atf_check -s exit:2 \
	    -e inline:"SetResolv: usage: SetResolv nameserver ...\n" \
	    sh -c "$HOOK" "$FUNCS" SetResolv
}

atf_test_case default_route
default_route_head()
{
	atf_set descr "SetDefaultRoute replaces the default route, set or not"
}
default_route_body()
{
	fn_env
	atf_check -s exit:0 -o empty -e empty sh -c "$HOOK" "$FUNCS" SetDefaultRoute 192.168.2.1
	atf_check -o match:"gateway: 192.168.2.1" route get default
	atf_check -s exit:0 -o empty -e empty sh -c "$HOOK" "$FUNCS" SetDefaultRoute 192.168.1.1
	atf_check -o match:"gateway: 192.168.1.1" route get default
}

atf_test_case resolv
resolv_head()
{
	atf_set descr "SetResolv keeps search/domain/options and replaces name servers"
}
resolv_body()
{
	fn_env
	printf 'search lan\nnameserver 9.9.9.9\noptions edns0\n' \
	    > root/etc/resolv.conf
	atf_check -s exit:0 -o empty -e empty sh -c "$HOOK" "$FUNCS" SetResolv 192.168.2.1 10.0.0.1
	atf_check -o inline:"search lan
options edns0
nameserver 192.168.2.1
nameserver 10.0.0.1
" cat root/etc/resolv.conf
	rm root/etc/resolv.conf
	atf_check -s exit:0 -o empty -e empty sh -c "$HOOK" "$FUNCS" SetResolv 192.168.1.1
	atf_check -o inline:"nameserver 192.168.1.1\n" cat root/etc/resolv.conf
	atf_check -s exit:1 -o empty sh -c 'ls root/etc | grep kvm'
}

atf_init_test_cases()
{
	atf_add_test_case create_destroy
	atf_add_test_case usage
	atf_add_test_case default_route
	atf_add_test_case resolv
}
