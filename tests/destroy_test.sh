#! /usr/bin/env atf-sh
# Integration tests of "kvm destroy" (the seed's vmdestroy) and "kvm
# uninstall" (the seed's deinstallation): stopped VMs only, no clones,
# confirmation on a terminal or -f, nothing left behind on success and
# nothing changed on failure.

. "$(atf_get_srcdir)/lib.sh"
. "$(atf_get_srcdir)/vm.sh"

rcd()
{
	echo "$KVM_ROOTDIR/usr/local/etc/rc.d"
}

# kvm_state plus mounts, rc.conf (sorted: a restored variable may come
# back at another line), the rc.d scripts and every snapshot.
full_state()
{
	kvm_state
	zfs get -H -r -o name,value mounted "$POOL"
	zfs list -H -r -t snapshot -o name "$POOL" | sort
	echo "== rc.conf"
	sort "$KVM_ROOTDIR/etc/rc.conf" 2>/dev/null
	for f in "$(rcd)"/*; do
		[ -f "$f" ] || continue
		echo "== $f"
		cat "$f"
	done
}

# VM NAME with an rc.d script, NAME_enable and NAME_timeout, and two
# snapshots.
make_vm()
{
	kvm_mkvm "$1"
	kvm rc "$1" </dev/null >/dev/null || atf_fail "kvm rc $1 failed"
	sysrc "$1_enable=YES" "$1_timeout=20" >/dev/null ||
	    atf_fail "sysrc failed"
	zfs snapshot "$POOL/kvm/vm/$1@a" && zfs snapshot "$POOL/kvm/vm/$1@b" ||
	    atf_fail "zfs snapshot failed"
}

# Nothing of VM NAME left: dataset, snapshots, directory, script,
# variables.
gone()
{
	atf_check -o empty -e ignore -s exit:0 sh -c \
	    "zfs list -H -r -t all -o name '$POOL' | grep '/vm/$1\\(@\\|\$\\)'; true"
	atf_check -s exit:1 test -e "$HOME_DIR/vm/$1"
	atf_check -s exit:1 test -e "$(rcd)/$1"
	atf_check -s exit:1 -o empty -e ignore sysrc -n "$1_enable"
	atf_check -s exit:1 -o empty -e ignore sysrc -n "$1_timeout"
}

destroy_cleanup_all()
{
	. "$(atf_get_srcdir)/lib.sh"
	. "$(atf_get_srcdir)/vm.sh"
	kvm_env
	chattr -R -i root 2>/dev/null
	kvm_cleanup
}

immutable()
{
	chattr +i "$1" 2>/dev/null || chflags schg "$1" 2>/dev/null ||
	    atf_skip "cannot make $1 immutable here"
}

mutable()
{
	chattr -i "$1" 2>/dev/null || chflags noschg "$1" 2>/dev/null
}

# Destroy dataset DS: zfs-fuse answers "busy" to the destroy of a
# mounted filesystem, sometimes even right after an unmount.
zfs_gone()
{
	_i=0
	while :; do
		zfs umount "$1" 2>/dev/null
		zfs destroy "$1" 2>/dev/null && return 0
		_i=$((_i + 1))
		[ $_i -lt 20 ] || atf_fail "cannot destroy $1"
		sleep 0.5
	done
}

# Start VM NAME under the simulator and wait until its guest runs.
run_vm()
{
	kvm_guest "$1" "run"
	kvm start -d "$1" >/dev/null 2>&1 || atf_fail "kvm start -d $1 failed"
	kvm_wait_guest "$1" >/dev/null
}

atf_test_case force cleanup
force_head()
{
	atf_set descr "destroy -f removes dataset, snapshots, rc.d script" \
	    "and rc.conf variables, and nothing of another VM"
	atf_set require.user root
}
force_body()
{
	kvm_setup
	make_vm web
	make_vm db
	printf 'keep="1"\n' >> "$KVM_ROOTDIR/etc/rc.conf"
	atf_check -s exit:0 -o inline:"web: destroyed\n" -e empty \
	    kvm destroy -f web
	gone web
	atf_check -o inline:"$POOL/kvm/vm\n$POOL/kvm/vm/db\n$POOL/kvm/vm/db@a\n$POOL/kvm/vm/db@b\n" \
	    zfs list -H -r -t all -o name "$POOL/kvm/vm"
	atf_check test -f "$(rcd)/db"
	atf_check -o inline:"YES\n" sysrc -n db_enable
	atf_check -o inline:"1\n" sysrc -n keep
}
force_cleanup()
{
	destroy_cleanup_all
}

atf_test_case foreign_script cleanup
foreign_script_head()
{
	atf_set descr "a script of the VM's name that is not kvm's, and the" \
	    "variables it reads, are left alone"
	atf_set require.user root
}
foreign_script_body()
{
	kvm_setup
	kvm_mkvm web
	mkdir -p "$(rcd)"
	printf '#!/bin/sh\n# PROVIDE: web\n' > "$(rcd)/web"
	sysrc web_enable=YES >/dev/null
	atf_check -s exit:0 -o inline:"web: destroyed\n" -e empty \
	    kvm destroy -f web
	atf_check -s exit:1 test -e "$HOME_DIR/vm/web"
	atf_check -o inline:"#!/bin/sh\n# PROVIDE: web\n" cat "$(rcd)/web"
	atf_check -o inline:"YES\n" sysrc -n web_enable
}
foreign_script_cleanup()
{
	destroy_cleanup_all
}

atf_test_case terminal cleanup
terminal_head()
{
	atf_set descr "on a terminal it asks, naming the snapshots; no keeps" \
	    "everything, y destroys"
	atf_set require.user root
}
terminal_body()
{
	kvm_setup
	make_vm web
	full_state > before
	cat > no <<'EOF'
expect Destroy VM web and its 2 snapshots? [y/N]
send n
expect kvm: web: not destroyed
EOF
	atf_check -s exit:1 -o ignore -e empty \
	    "$(atf_get_srcdir)/ptyrun" no -- kvm destroy web
	full_state > after
	atf_check cmp before after
	cat > yes <<'EOF'
expect Destroy VM web and its 2 snapshots? [y/N]
send y
expect web: destroyed
EOF
	atf_check -s exit:0 -o ignore -e empty \
	    "$(atf_get_srcdir)/ptyrun" yes -- kvm destroy web
	gone web
	# Without snapshots, the question does not mention them.
	kvm_mkvm solo
	cat > solo <<'EOF'
expect Destroy VM solo? [y/N]
send yes
expect solo: destroyed
EOF
	atf_check -s exit:0 -o ignore -e empty \
	    "$(atf_get_srcdir)/ptyrun" solo -- kvm destroy solo
	gone solo
}
terminal_cleanup()
{
	destroy_cleanup_all
}

atf_test_case no_terminal cleanup
no_terminal_head()
{
	atf_set descr "without -f and without a terminal it refuses"
	atf_set require.user root
}
no_terminal_body()
{
	kvm_setup
	make_vm web
	full_state > before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: not destroyed: confirm on a terminal or use -f\n" \
	    kvm destroy web </dev/null
	full_state > after
	atf_check cmp before after
}
no_terminal_cleanup()
{
	destroy_cleanup_all
}

atf_test_case clones cleanup
clones_head()
{
	atf_set descr "a VM whose snapshots have clones is not destroyed;" \
	    "the clones are named"
	atf_set require.user root
}
clones_body()
{
	kvm_setup
	make_vm web
	atf_check zfs clone "$POOL/kvm/vm/web@a" "$POOL/kvm/vm/copy"
	atf_check zfs clone "$POOL/kvm/vm/web@b" "$POOL/elsewhere"
	full_state > before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: has clones: copy $POOL/elsewhere; destroy them first\n" \
	    kvm destroy -f web
	full_state > after
	atf_check cmp before after
	zfs_gone "$POOL/elsewhere"
	zfs_gone "$POOL/kvm/vm/copy"
	atf_check -s exit:0 -o inline:"web: destroyed\n" -e empty \
	    kvm destroy -f web
	gone web
}
clones_cleanup()
{
	destroy_cleanup_all
}

atf_test_case running cleanup
running_head()
{
	atf_set descr "a running VM is neither destroyed nor uninstalled"
	atf_set require.user root
}
running_body()
{
	kvm_setup
	make_vm web
	make_vm db
	run_vm web
	full_state > before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: is running; stop it first\n" \
	    kvm destroy -f web
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: $POOL: not uninstalled: VMs not stopped: web\n" \
	    kvm uninstall -f "$POOL"
	full_state > after
	atf_check cmp before after
	atf_check test -f "$KVM_ROOTDIR/usr/local/etc/kvm.conf"
}
running_cleanup()
{
	destroy_cleanup_all
}

# inject LINE MESSAGE...: with LINE in the fail file (or none when
# empty), "kvm destroy -f web" fails with exactly these stderr lines and
# changes nothing.
inject()
{
	_line=$1
	shift
	mkdir -p "$KVM_ROOTDIR/sim"
	rm -f "$KVM_ROOTDIR/sim/fail"
	[ -z "$_line" ] || echo "$_line" > "$KVM_ROOTDIR/sim/fail"
	full_state > before
	printf '%s\n' "$@" > want.err
	atf_check -s exit:1 -o empty -e file:want.err kvm destroy -f web
	rm -f "$KVM_ROOTDIR/sim/fail"
	full_state > after
	atf_check cmp before after
}

atf_test_case failures cleanup
failures_head()
{
	atf_set descr "when the variables, the script or the dataset cannot" \
	    "be removed, what went before comes back"
	atf_set require.user root
}
failures_body()
{
	kvm_setup
	make_vm web
	inject "sysrc -x web_enable" "kvm: sysrc: simulated failure" \
	    "kvm: web: destroy failed: could not remove web_enable; nothing changed"
	inject "sysrc -x web_timeout" "kvm: sysrc: simulated failure" \
	    "kvm: web: destroy failed: could not remove web_timeout; nothing changed"
	inject "zfs destroy" "kvm: zfs: simulated failure" \
	    "kvm: web: destroy failed: could not destroy its dataset; nothing changed"
	immutable "$(rcd)/web"
	inject "" "kvm: $(rcd)/web: Operation not permitted" \
	    "kvm: web: destroy failed: could not remove the rc.d script; nothing changed"
	mutable "$(rcd)/web"
	atf_check -s exit:0 -o inline:"web: destroyed\n" -e empty \
	    kvm destroy -f web
	gone web
}
failures_cleanup()
{
	destroy_cleanup_all
}

atf_test_case bad_input cleanup
bad_input_head()
{
	atf_set descr "bad operands and names: refused, nothing changed"
	atf_set require.user root
}
bad_input_body()
{
	kvm_setup
	make_vm web
	full_state > before
	usage="usage: kvm destroy [-f] name\n"
	atf_check -s exit:2 -o empty -e inline:"$usage" kvm destroy
	atf_check -s exit:2 -o empty -e inline:"$usage" kvm destroy -f
	atf_check -s exit:2 -o empty -e inline:"$usage" kvm destroy -x web
	atf_check -s exit:2 -o empty -e inline:"$usage" kvm destroy web db
	atf_check -s exit:2 -o empty -e inline:"$usage" kvm destroy web -f
	atf_check -s exit:1 -o empty -e inline:"kvm: nosuch: no such VM\n" \
	    kvm destroy -f nosuch
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: ../web: name must start with a letter or a digit\n" \
	    kvm destroy -f ../web
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: w*: name may only contain letters, digits, '.', '_' and '-'\n" \
	    kvm destroy -f 'w*'
	usage="usage: kvm uninstall [-f] pool\n"
	atf_check -s exit:2 -o empty -e inline:"$usage" kvm uninstall
	atf_check -s exit:2 -o empty -e inline:"$usage" kvm uninstall -f
	atf_check -s exit:2 -o empty -e inline:"$usage" kvm uninstall "$POOL" x
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: nopool: kvm is not installed on this pool (it is on $POOL)\n" \
	    kvm uninstall -f nopool
	full_state > after
	atf_check cmp before after
}
bad_input_cleanup()
{
	destroy_cleanup_all
}

atf_test_case uninstall cleanup
uninstall_head()
{
	atf_set descr "uninstall -f removes kvm's scripts, every VM's" \
	    "variables, the kvm dataset and kvm.conf, and nothing else"
	atf_set require.user root
}
uninstall_body()
{
	kvm_setup
	make_vm web
	kvm_mkvm db
	sysrc db_enable=NO >/dev/null
	printf '#!/bin/sh\n# PROVIDE: other\n' > "$(rcd)/other"
	sysrc other_enable=YES >/dev/null
	atf_check -s exit:0 -e empty -o inline:"removed web_enable from rc.conf
removed web_timeout from rc.conf
removed $(rcd)/web
removed db_enable from rc.conf
destroyed $POOL/kvm
removed $(rcd)/kvm
removed $KVM_ROOTDIR/usr/local/etc/kvm.conf
" kvm uninstall -f "$POOL"
	atf_check -o inline:"$POOL\n" zfs list -H -r -t all -o name "$POOL"
	atf_check -s exit:1 test -e "$KVM_ROOTDIR/usr/local/etc/kvm.conf"
	atf_check -o inline:"other\n" ls "$(rcd)"
	atf_check -o inline:"other_enable=\"YES\"\n" \
	    cat "$KVM_ROOTDIR/etc/rc.conf"
	# Installing again works.
	atf_check -s exit:0 -o ignore -e empty kvm install "$POOL"
}
uninstall_cleanup()
{
	destroy_cleanup_all
}

atf_test_case uninstall_confirm cleanup
uninstall_confirm_head()
{
	atf_set descr "uninstall asks on a terminal, refuses without one"
	atf_set require.user root
}
uninstall_confirm_body()
{
	kvm_setup
	make_vm web
	kvm_mkvm db
	full_state > before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: $POOL: not uninstalled: confirm on a terminal or use -f\n" \
	    kvm uninstall "$POOL" </dev/null
	cat > no <<EOF
expect Uninstall kvm: destroy $POOL/kvm with VMs db web and all their snapshots? [y/N]
send n
expect kvm: $POOL: not uninstalled
EOF
	atf_check -s exit:1 -o ignore -e empty \
	    "$(atf_get_srcdir)/ptyrun" no -- kvm uninstall "$POOL"
	full_state > after
	atf_check cmp before after
	cat > yes <<EOF
expect Uninstall kvm: destroy $POOL/kvm with VMs db web and all their snapshots? [y/N]
send y
expect destroyed $POOL/kvm
EOF
	atf_check -s exit:0 -o ignore -e empty \
	    "$(atf_get_srcdir)/ptyrun" yes -- kvm uninstall "$POOL"
	atf_check -o inline:"$POOL\n" zfs list -H -r -t all -o name "$POOL"
}
uninstall_confirm_cleanup()
{
	destroy_cleanup_all
}

atf_test_case uninstall_fails cleanup
uninstall_fails_head()
{
	atf_set descr "when the kvm dataset cannot be destroyed, the scripts" \
	    "and variables come back"
	atf_set require.user root
}
uninstall_fails_body()
{
	kvm_setup
	make_vm web
	kvm_mkvm db
	sysrc db_enable=YES >/dev/null
	mkdir -p "$KVM_ROOTDIR/sim"
	echo "zfs destroy" > "$KVM_ROOTDIR/sim/fail"
	full_state > before
	atf_check -s exit:1 -o empty -e inline:"kvm: zfs: simulated failure
kvm: $POOL: uninstall failed: could not destroy its dataset; nothing changed
" kvm uninstall -f "$POOL"
	rm "$KVM_ROOTDIR/sim/fail"
	full_state > after
	atf_check cmp before after
	atf_check test -f "$KVM_ROOTDIR/usr/local/etc/kvm.conf"
}
uninstall_fails_cleanup()
{
	destroy_cleanup_all
}

atf_test_case seed_name cleanup
seed_name_head()
{
	atf_set descr "the seed's vmdestroy name runs destroy"
	atf_set require.user root
}
seed_name_body()
{
	kvm_setup
	kvm_mkvm web
	atf_check -s exit:0 -o inline:"web: destroyed\n" -e empty \
	    "$HOME_DIR/vmdestroy" -f web
	gone web
}
seed_name_cleanup()
{
	destroy_cleanup_all
}

atf_init_test_cases()
{
	atf_add_test_case force
	atf_add_test_case foreign_script
	atf_add_test_case terminal
	atf_add_test_case no_terminal
	atf_add_test_case clones
	atf_add_test_case running
	atf_add_test_case failures
	atf_add_test_case bad_input
	atf_add_test_case uninstall
	atf_add_test_case uninstall_confirm
	atf_add_test_case uninstall_fails
	atf_add_test_case seed_name
}
