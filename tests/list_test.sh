#! /usr/bin/env atf-sh
# Integration tests of "kvm list -l": the settings columns (loader,
# CPUs, memory, VNC, autostart), in text and JSON, a bad set.conf, and
# plain list, which reads no set.conf at all.

# shellcheck source=/dev/null
. "$(atf_get_srcdir)/lib.sh"
# shellcheck source=/dev/null
. "$(atf_get_srcdir)/vm.sh"

# Three VMs: web (UEFI, VNC auto, 2 CPUs, 1G; rc.d script, enabled),
# db (bhyveload; rc.d script, db_enable=NO in rc.conf but YES in
# rc.conf.local, which wins), fw (grub on com; enabled in rc.conf
# but without an rc.d script, so rc would not start it).
three()
{
	atf_check -o ignore -e empty kvm create -y -c 2 -m 1G -s 64M -C vnc web
	atf_check -o ignore -e empty kvm create -y -m 256M -s 64M -l bhyveload db
	atf_check -o ignore -e empty kvm create -y -m 512M -s 64M -l grub fw
	atf_check -o ignore -e empty kvm rc web </dev/null
	atf_check -o ignore -e empty kvm rc db </dev/null
	atf_check -o ignore sysrc web_enable=YES db_enable=NO fw_enable=YES
	atf_check -o ignore sysrc -f root/etc/rc.conf.local db_enable="yes"
}

atf_test_case long cleanup
long_head()
{
	atf_set descr "list -l: loader, CPU, memory, VNC, autostart, running VMs first"
	atf_set require.user root
}
long_body()
{
	kvm_setup
	three
	cat > want <<'W'
NAME  STATE     PID      LOADER     CPU  MEMORY  VNC             AUTO
db    stopped   -        bhyveload    1  256M    -               yes
fw    stopped   -        grub         1  512M    -               no
web   stopped   -        uefi         2  1G      127.0.0.1:auto  yes
W
	atf_check -s exit:0 -o file:want -e empty kvm list -l
	kvm_guest web "run"
	atf_check -s exit:0 -o ignore -e empty kvm start -d web
	pid=$(kvm_wait_guest web)
	cat > want <<W
NAME  STATE     PID      LOADER     CPU  MEMORY  VNC             AUTO
web   running   $(printf '%-7s' "$pid")  uefi         2  1G      127.0.0.1:5900  yes
db    stopped   -        bhyveload    1  256M    -               yes
fw    stopped   -        grub         1  512M    -               no
W
	atf_check -s exit:0 -o file:want -e empty kvm list -l
	# Plain list keeps its three columns.
	cat > want <<W
NAME  STATE     PID
web   running   $pid
db    stopped   -
fw    stopped   -
W
	atf_check -s exit:0 -o file:want -e empty kvm list
	atf_check -s exit:0 -o ignore -e empty kvm stop web
}
long_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case long_json cleanup
long_json_head()
{
	atf_set descr "list -jl: the same fields in JSON, vnc null without VNC"
	atf_set require.user root
}
long_json_body()
{
	kvm_setup
	three
	printf '%s' '[{"name":"db","state":"stopped","pid":0,"supervisor":0,' \
	    '"loader":"bhyveload","cpus":1,"memory":"256M","vnc":null,' \
	    '"autostart":true},' \
	    '{"name":"fw","state":"stopped","pid":0,"supervisor":0,' \
	    '"loader":"grub","cpus":1,"memory":"512M","vnc":null,' \
	    '"autostart":false},' \
	    '{"name":"web","state":"stopped","pid":0,"supervisor":0,' \
	    '"loader":"uefi","cpus":2,"memory":"1G",' \
	    '"vnc":"127.0.0.1:auto","autostart":true}]' > want
	kvm list -lj | tr -d ' \n' > got
	atf_check -o file:want cat got
	atf_check -s exit:0 -o save:plain -e empty kvm list -j
	atf_check -s exit:1 -o ignore grep -e loader -e autostart plain
}
long_json_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case long_bad cleanup
long_bad_head()
{
	atf_set descr "list -l with a bad set.conf: the others listed, ? for it, the error, exit 1"
	atf_set require.user root
}
long_bad_body()
{
	kvm_setup
	three
	echo 'Mem="lots"' >> "$HOME_DIR/vm/fw/set.conf"
	line=$(wc -l < "$HOME_DIR/vm/fw/set.conf")
	cat > want <<'W'
NAME  STATE     PID      LOADER     CPU  MEMORY  VNC             AUTO
db    stopped   -        bhyveload    1  256M    -               yes
fw    stopped   -        ?            ?  ?       ?               ?
web   stopped   -        uefi         2  1G      127.0.0.1:auto  yes
W
	atf_check -s exit:1 -o file:want -e match:"^kvm: $HOME_DIR/vm/fw/set.conf:$line: Mem " \
	    kvm list -l
	# Plain list reads no set.conf: nothing to complain about.
	atf_check -s exit:0 -o ignore -e empty kvm list
}
long_bad_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case usage cleanup
usage_head()
{
	atf_set descr "list takes -j and -l and no operand"
	atf_set require.user root
}
usage_body()
{
	kvm_setup
	u="usage: kvm list [-jl]\n"
	atf_check -s exit:2 -o empty -e inline:"$u" \
	    kvm list -x
	atf_check -s exit:2 -o empty -e inline:"$u" kvm list -l web
	atf_check -s exit:0 -o inline:"NAME  STATE     PID      LOADER     CPU  MEMORY  VNC  AUTO\n" \
	    -e empty kvm list -l
}
usage_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case long
	atf_add_test_case long_json
	atf_add_test_case long_bad
	atf_add_test_case usage
}
