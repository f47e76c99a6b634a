#! /usr/bin/env atf-sh
# Integration tests of "kvm rename" (the seed's vmrename): the dataset,
# the paths in set.conf and run, the rc.d script and the rc.conf
# variables follow, the guest's identities stay; a failure at any step
# (injected through the simulator's fail file, or an immutable file)
# leaves the old VM whole and no trace of the new name.

. "$(atf_get_srcdir)/lib.sh"
. "$(atf_get_srcdir)/vm.sh"

rcd()
{
	echo "$KVM_ROOTDIR/usr/local/etc/rc.d"
}

# kvm_state plus what it does not show: which datasets are mounted,
# rc.conf (sorted: sysrc may put a restored variable at another line),
# the rc.d scripts, the disk and UEFI variables.
full_state()
{
	kvm_state
	zfs get -H -r -o name,value mounted "$POOL"
	echo "== rc.conf"
	sort "$KVM_ROOTDIR/etc/rc.conf" 2>/dev/null
	for f in "$(rcd)"/*; do
		[ -f "$f" ] || continue
		echo "== $f"
		cat "$f"
	done
	find "$HOME_DIR/vm" -type f \( -name disk -o -name uefi-vars.fd \) \
	    -exec md5sum {} + | sort
}

# VM web with paths into its directory in set.conf and run, a near
# miss that must not change, an rc.d script with its own fields and
# both rc.conf variables.
make_web()
{
	kvm_mkvm web "Iso=\"$HOME_DIR/vm/web/install.iso\"" \
	    "Backup=\"$HOME_DIR/vm/web\"" \
	    "Other=\"$HOME_DIR/vm/webserver/disk $HOME_DIR/vm/web2\""
	touch "$HOME_DIR/vm/web/install.iso"
	printf '\n# copy: cp %s/vm/web/disk /backup\n' "$HOME_DIR" \
	    >> "$HOME_DIR/vm/web/run"
	printf 'guest data\n' | dd of="$HOME_DIR/vm/web/disk" conv=notrunc \
	    2>/dev/null
	[ -f "$HOME_DIR/vm/web/uefi-vars.fd" ] ||
	    printf 'VARS\n' > "$HOME_DIR/vm/web/uefi-vars.fd"
	kvm rc -r LOGIN -b pf -k "shutdown nojail" web >/dev/null ||
	    atf_fail "kvm rc failed"
	printf 'hostname="h"\n' > "$KVM_ROOTDIR/etc/rc.conf"
	sysrc web_enable=YES web_timeout=30 >/dev/null ||
	    atf_fail "sysrc failed"
}

# Nothing of the name db anywhere.
no_db()
{
	atf_check -s exit:1 -o empty -e ignore \
	    zfs list -H -o name "$POOL/kvm/vm/db"
	atf_check -s exit:1 test -e "$HOME_DIR/vm/db"
	atf_check -s exit:1 test -e "$(rcd)/db"
	atf_check -s exit:1 -o empty -e ignore sysrc -n db_enable
	atf_check -s exit:1 -o empty -e ignore sysrc -n db_timeout
}

rename_cleanup_all()
{
	. "$(atf_get_srcdir)/lib.sh"
	. "$(atf_get_srcdir)/vm.sh"
	kvm_env
	chattr -R -i root mnt 2>/dev/null
	kvm_cleanup
}

# Make a file or directory immutable, even for root (skip when the
# file system cannot).
immutable()
{
	chattr +i "$1" 2>/dev/null || chflags schg "$1" 2>/dev/null ||
	    atf_skip "cannot make $1 immutable here"
}

mutable()
{
	chattr -i "$1" 2>/dev/null || chflags noschg "$1" 2>/dev/null
}

atf_test_case both_ways cleanup
both_ways_head()
{
	atf_set timeout 900
	atf_set descr "web -> db moves dataset, paths, rc.d script and" \
	    "rc.conf variables and keeps identities; db -> web restores" \
	    "every byte"
	atf_set require.user root
}
both_ways_body()
{
	kvm_setup
	make_web
	full_state > before
	grep -E '^(UUID|DiskSerial)=' "$HOME_DIR/vm/web/set.conf" > ids
	md5sum < "$HOME_DIR/vm/web/disk" > disk.md5
	md5sum < "$HOME_DIR/vm/web/uefi-vars.fd" > vars.md5
	sed 's/web/db/g' "$(rcd)/web" > db.script

	atf_check -s exit:0 -o inline:"web: renamed to db\n" -e empty \
	    kvm rename web db
	# Old name: gone everywhere.
	atf_check -s exit:1 -o empty -e ignore \
	    zfs list -H -o name "$POOL/kvm/vm/web"
	atf_check -s exit:1 test -e "$HOME_DIR/vm/web"
	atf_check -s exit:1 test -e "$(rcd)/web"
	atf_check -s exit:1 -o empty -e ignore sysrc -n web_enable
	atf_check -s exit:1 -o empty -e ignore sysrc -n web_timeout
	# New name: dataset mounted at its directory.
	atf_check -o inline:"$POOL/kvm/vm/db\t$HOME_DIR/vm/db\tyes\n" \
	    zfs list -H -o name,mountpoint,mounted "$POOL/kvm/vm/db"
	# Paths into the directory follow; the near misses do not.
	atf_check -o inline:"Iso=\"$HOME_DIR/vm/db/install.iso\"\n" \
	    grep '^Iso="/' "$HOME_DIR/vm/db/set.conf"
	atf_check -o inline:"Backup=\"$HOME_DIR/vm/db\"\n" \
	    grep '^Backup=' "$HOME_DIR/vm/db/set.conf"
	atf_check -o inline:"Other=\"$HOME_DIR/vm/webserver/disk $HOME_DIR/vm/web2\"\n" \
	    grep '^Other=' "$HOME_DIR/vm/db/set.conf"
	atf_check -o inline:"# copy: cp $HOME_DIR/vm/db/disk /backup\n" \
	    grep '^# copy' "$HOME_DIR/vm/db/run"
	atf_check -s exit:1 grep -q "$HOME_DIR/vm/web/" \
	    "$HOME_DIR/vm/db/set.conf" "$HOME_DIR/vm/db/run"
	# Identities and contents untouched.
	grep -E '^(UUID|DiskSerial)=' "$HOME_DIR/vm/db/set.conf" > ids.after
	atf_check cmp ids ids.after
	atf_check -o file:disk.md5 md5sum < "$HOME_DIR/vm/db/disk"
	atf_check -o file:vars.md5 md5sum < "$HOME_DIR/vm/db/uefi-vars.fd"
	# The rc.d script is the old one with the name changed: same
	# REQUIRE, BEFORE and KEYWORD.
	atf_check cmp db.script "$(rcd)/db"
	atf_check -o match:'^-r-xr-xr-x ' ls -l "$(rcd)/db"
	atf_check -o inline:"YES\n" sysrc -n db_enable
	atf_check -o inline:"30\n" sysrc -n db_timeout
	atf_check -o inline:"h\n" sysrc -n hostname

	atf_check -s exit:0 -o inline:"db: renamed to web\n" -e empty \
	    kvm rename db web
	full_state > after
	atf_check cmp before after
	no_db
}
both_ways_cleanup()
{
	rename_cleanup_all
}

atf_test_case no_script cleanup
no_script_head()
{
	atf_set descr "a VM without rc.d script or rc.conf variables is" \
	    "renamed; a foreign script under the new name is left alone"
	atf_set require.user root
}
no_script_body()
{
	kvm_setup
	kvm_mkvm web
	mkdir -p "$(rcd)"
	printf '#!/bin/sh\necho theirs\n' > "$(rcd)/db"
	atf_check -s exit:0 -o inline:"web: renamed to db\n" -e empty \
	    kvm rename web db
	atf_check -o inline:"$POOL/kvm/vm/db\n" \
	    zfs list -H -o name "$POOL/kvm/vm/db"
	atf_check -o inline:"#!/bin/sh\necho theirs\n" cat "$(rcd)/db"
	atf_check -s exit:1 test -e "$(rcd)/web"
	atf_check -s exit:1 test -e "$KVM_ROOTDIR/etc/rc.conf"
}
no_script_cleanup()
{
	rename_cleanup_all
}

# inject LINE MESSAGE...: with LINE in the fail file, "kvm rename web
# db" fails with exactly the given stderr lines and changes nothing.
inject()
{
	_line=$1
	shift
	mkdir -p "$KVM_ROOTDIR/sim"
	rm -f "$KVM_ROOTDIR/sim/fail"
	[ -z "$_line" ] || echo "$_line" > "$KVM_ROOTDIR/sim/fail"
	full_state > before
	printf '%s\n' "$@" > want.err
	atf_check -s exit:1 -o empty -e file:want.err kvm rename web db
	rm -f "$KVM_ROOTDIR/sim/fail"
	full_state > after
	atf_check cmp before after
	no_db
}

atf_test_case fail_zfs cleanup
fail_zfs_head()
{
	atf_set descr "zfs rename fails: the dataset is mounted again under" \
	    "its old name"
	atf_set require.user root
}
fail_zfs_body()
{
	kvm_setup
	make_web
	inject "zfs rename" "kvm: zfs: simulated failure" \
	    "kvm: web: rename failed: could not rename dataset $POOL/kvm/vm/web; nothing changed"
	atf_check -o inline:"yes\n" zfs get -H -o value mounted \
	    "$POOL/kvm/vm/web"
}
fail_zfs_cleanup()
{
	rename_cleanup_all
}

atf_test_case fail_sysrc cleanup
fail_sysrc_head()
{
	atf_set timeout 900
	atf_set descr "each sysrc step fails in turn: the dataset, set.conf," \
	    "run, the scripts and the variables done before come back"
	atf_set require.user root
}
fail_sysrc_body()
{
	kvm_setup
	make_web
	inject "sysrc -n web_enable" "kvm: sysrc: simulated failure" \
	    "kvm: web: rename failed: could not read web_enable; nothing changed"
	inject "sysrc db_enable=YES" "kvm: sysrc: simulated failure" \
	    "kvm: web: rename failed: could not set db_enable; nothing changed"
	inject "sysrc db_timeout=30" "kvm: sysrc: simulated failure" \
	    "kvm: web: rename failed: could not set db_timeout; nothing changed"
	inject "sysrc -x web_enable" "kvm: sysrc: simulated failure" \
	    "kvm: web: rename failed: could not remove web_enable; nothing changed"
	inject "sysrc -x web_timeout" "kvm: sysrc: simulated failure" \
	    "kvm: web: rename failed: could not remove web_timeout; nothing changed"
	# The precondition read of the new name's variables.
	inject "sysrc -n db_enable" "kvm: sysrc: simulated failure"
	# After all that, a plain rename still works.
	atf_check -s exit:0 -o inline:"web: renamed to db\n" -e empty \
	    kvm rename web db
}
fail_sysrc_cleanup()
{
	rename_cleanup_all
}

atf_test_case fail_files cleanup
fail_files_head()
{
	atf_set timeout 900
	atf_set descr "the new rc.d script cannot be written, the old one" \
	    "cannot be removed, run cannot be updated: nothing changes"
	atf_set require.user root
}
fail_files_body()
{
	kvm_setup
	make_web

	immutable "$(rcd)"
	inject "" "kvm: $(rcd)/db: Operation not permitted" \
	    "kvm: web: rename failed: could not write the rc.d script; nothing changed"
	mutable "$(rcd)"

	immutable "$(rcd)/web"
	inject "" "kvm: $(rcd)/web: Operation not permitted" \
	    "kvm: web: rename failed: could not remove the old rc.d script; nothing changed"
	mutable "$(rcd)/web"

	# run cannot be read (a directory stands there) after set.conf was
	# rewritten under the new name: set.conf and the dataset go back.
	mv "$HOME_DIR/vm/web/run" run.saved
	mkdir "$HOME_DIR/vm/web/run"
	inject "" "kvm: $HOME_DIR/vm/db/run: Is a directory" \
	    "kvm: web: rename failed: could not update run; nothing changed"
	atf_check -o inline:"Iso=\"$HOME_DIR/vm/web/install.iso\"\n" \
	    grep '^Iso="/' "$HOME_DIR/vm/web/set.conf"
}
fail_files_cleanup()
{
	rename_cleanup_all
}

atf_test_case running cleanup
running_head()
{
	atf_set descr "a running VM is not renamed"
	atf_set require.user root
}
running_body()
{
	kvm_setup
	make_web
	kvm_guest web "run"
	atf_check -s exit:0 -o ignore -e ignore kvm start -d web
	kvm_wait_guest web >/dev/null
	full_state > before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: is running; stop it first\n" \
	    kvm rename web db
	full_state > after
	atf_check cmp before after
	no_db
}
running_cleanup()
{
	rename_cleanup_all
}

atf_test_case bad_input cleanup
bad_input_head()
{
	atf_set timeout 900
	atf_set descr "bad operands, names, a taken name, a taken script or" \
	    "variable: refused with a message, nothing changed"
	atf_set require.user root
}
bad_input_body()
{
	kvm_setup
	make_web
	kvm_mkvm taken
	full_state > before
	usage="usage: kvm rename old new\n"
	atf_check -s exit:2 -o empty -e inline:"$usage" kvm rename
	atf_check -s exit:2 -o empty -e inline:"$usage" kvm rename web
	atf_check -s exit:2 -o empty -e inline:"$usage" kvm rename web db x
	atf_check -s exit:2 -o empty -e inline:"$usage" kvm rename -f web db
	atf_check -s exit:1 -o empty -e inline:"kvm: nosuch: no such VM\n" \
	    kvm rename nosuch db
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: the new name is the old one\n" \
	    kvm rename web web
	atf_check -s exit:1 -o empty -e inline:"kvm: taken: already exists\n" \
	    kvm rename web taken
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: -db: name must start with a letter or a digit\n" \
	    kvm rename web -db
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: d/b: name may only contain letters, digits, '.', '_' and '-'\n" \
	    kvm rename web d/b
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: a23456789012345678901234567890123: name is longer than 31 characters\n" \
	    kvm rename web a23456789012345678901234567890123
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: we b: name may only contain letters, digits, '.', '_' and '-'\n" \
	    kvm rename "we b" db
	full_state > after
	atf_check cmp before after

	# The new name's rc.d script or rc.conf variables are taken.
	printf '#!/bin/sh\n' > "$(rcd)/db"
	full_state > before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: db: $(rcd)/db already exists\n" \
	    kvm rename web db
	full_state > after
	atf_check cmp before after
	rm "$(rcd)/db"
	sysrc db_timeout=5 >/dev/null
	full_state > before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: db: db_timeout is already set in rc.conf\n" \
	    kvm rename web db
	full_state > after
	atf_check cmp before after
	sysrc -x db_timeout
	mkdir -p "$KVM_ROOTDIR/etc/rc.d"
	printf '#!/bin/sh\n' > "$KVM_ROOTDIR/etc/rc.d/db"
	full_state > before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: db: $KVM_ROOTDIR/etc/rc.d/db is a base system script of that name\n" \
	    kvm rename web db
	full_state > after
	atf_check cmp before after
	# The new name's variables are read by another VM's script
	# ('-' and '.' become '_').
	kvm_mkvm web-1
	kvm rc web-1 </dev/null >/dev/null
	full_state > before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web_1: the rc.d script of VM web-1 already uses web_1_enable\n" \
	    kvm rename web web_1
	full_state > after
	atf_check cmp before after
}
bad_input_cleanup()
{
	rename_cleanup_all
}

atf_test_case seed_name cleanup
seed_name_head()
{
	atf_set descr "the seed's vmrename name runs rename"
	atf_set require.user root
}
seed_name_body()
{
	kvm_setup
	kvm_mkvm web
	atf_check -s exit:0 -o inline:"web: renamed to db\n" -e empty \
	    "$HOME_DIR/vmrename" web db
	atf_check test -f "$HOME_DIR/vm/db/set.conf"
}
seed_name_cleanup()
{
	rename_cleanup_all
}

atf_init_test_cases()
{
	atf_add_test_case both_ways
	atf_add_test_case no_script
	atf_add_test_case fail_zfs
	atf_add_test_case fail_sysrc
	atf_add_test_case fail_files
	atf_add_test_case running
	atf_add_test_case bad_input
	atf_add_test_case seed_name
}
