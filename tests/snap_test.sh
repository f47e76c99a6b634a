#! /usr/bin/env atf-sh
# Integration tests of "kvm snap" on a real (zfs-fuse) pool: every action
# and its abbreviations, rollback rules, list formats, bad input.

. "$(atf_get_srcdir)/lib.sh"
. "$(atf_get_srcdir)/vm.sh"

usage="usage: kvm snap create|destroy|rollback|list [-j] name [snapshot]\n"
datere='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}'

# The VM's snapshots, oldest first, one short name a line.
snaps()
{
	zfs list -H -t snapshot -d 1 -o name -s createtxg "$POOL/kvm/vm/$1" |
	    sed 's/.*@//'
}

# check_snaps NAME EXPECTED: the VM's snapshots are EXPECTED.
check_snaps()
{
	snaps "$1" > snaps.out
	atf_check -o inline:"$2" cat snaps.out
}

# VM NAME with a disk holding data and a file of the user's.
mkvm()
{
	kvm_mkvm "$1"
	dd if=/dev/urandom of="$HOME_DIR/vm/$1/disk" bs=64k count=4 \
	    conv=notrunc 2>/dev/null
	echo "notes of $1" > "$HOME_DIR/vm/$1/notes.txt"
}

# Change every file of VM NAME, add one and remove one.
scribble()
{
	d=$HOME_DIR/vm/$1
	echo 'Cores="2"' >> "$d/set.conf"
	echo "# changed" >> "$d/run"
	dd if=/dev/urandom of="$d/disk" bs=64k count=4 conv=notrunc \
	    2>/dev/null
	echo "changed" > "$d/notes.txt"
	echo "new" > "$d/extra"
	rm -f "$d/uefi-vars.fd"
}

# What a VM's files hold, to compare before and after.
contents()
{
	(cd "$HOME_DIR/vm/$1" && ls -A | sort && cat set.conf run notes.txt &&
	    cksum disk uefi-vars.fd 2>&1)
}

# The list kvm must print, built from zfs's own values: date(1) for the
# creation time, zfs list for the size (OpenZFS 2.2 writes "0B" where
# zfs-fuse writes "0").
expected_list()
{
	vm=$1
	shift
	w=4
	for s; do
		[ ${#s} -gt $w ] && w=${#s}
	done
	printf "%-${w}s  %-19s  %s\n" NAME CREATED USED
	for s; do
		c=$(zfs get -Hp -o value creation "$POOL/kvm/vm/$vm@$s")
		u=$(zfs list -H -o used "$POOL/kvm/vm/$vm@$s" |
		    sed 's/^\([0-9]*\)$/\1B/')
		t=$(date -d "@$c" '+%Y-%m-%d %H:%M:%S' 2>/dev/null ||
		    date -r "$c" '+%Y-%m-%d %H:%M:%S')
		printf "%-${w}s  %-19s  %s\n" "$s" "$t" "$u"
	done
}

snap_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case create_abbrev cleanup
create_abbrev_head()
{
	atf_set descr "c, cr, create (and any c word) make a snapshot"
	atf_set require.user root
}
create_abbrev_body()
{
	kvm_setup
	mkvm web
	atf_check -s exit:0 -o empty -e empty kvm snap c web s1
	atf_check -s exit:0 -o empty -e empty kvm snap cr web s2
	atf_check -s exit:0 -o empty -e empty kvm snap create web s3
	atf_check -s exit:0 -o empty -e empty kvm snap cxyz web s4
	check_snaps web "s1\ns2\ns3\ns4\n"
}
create_abbrev_cleanup()
{
	snap_cleanup
}

atf_test_case create_exists cleanup
create_exists_head()
{
	atf_set descr "an existing snapshot is not made again"
	atf_set require.user root
}
create_exists_body()
{
	kvm_setup
	mkvm web
	atf_check kvm snap c web s1
	kvm_state > before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: snapshot s1 already exists\n" \
	    kvm snap c web s1
	kvm_state > after
	atf_check cmp before after
}
create_exists_cleanup()
{
	snap_cleanup
}

atf_test_case list_abbrev cleanup
list_abbrev_head()
{
	atf_set descr "l, li, list print the snapshots, newest last"
	atf_set require.user root
}
list_abbrev_body()
{
	kvm_setup
	mkvm web
	atf_check kvm snap c web first
	atf_check kvm snap c web a-much-longer-snapshot.name
	atf_check kvm snap c web s3
	expected_list web first a-much-longer-snapshot.name s3 > expected
	for a in l li list lx; do
		atf_check -s exit:0 -o file:expected -e empty kvm snap $a web
	done
}
list_abbrev_cleanup()
{
	snap_cleanup
}

atf_test_case list_format cleanup
list_format_head()
{
	atf_set descr "list: header, local date-time, size in human units"
	atf_set require.user root
}
list_format_body()
{
	kvm_setup
	mkvm web
	atf_check -s exit:0 -o inline:"NAME  CREATED              USED\n" \
	    -e empty kvm snap list web
	atf_check kvm snap c web s1
	# Overwrite what s1 holds, so that s1 uses space; s2 syncs it.
	dd if=/dev/urandom of="$HOME_DIR/vm/web/disk" bs=64k count=4 \
	    conv=notrunc 2>/dev/null
	atf_check kvm snap c web s2
	atf_check -o match:"^NAME  CREATED              USED\$" \
	    -o match:"^s1    $datere  [0-9.]+[KM]\$" \
	    -o match:"^s2    $datere  [0-9.]+[BK]\$" kvm snap list web
	expected_list web s1 s2 > expected
	atf_check -o file:expected kvm snap list web
	# The time is local: the user's time zone counts.
	c=$(zfs get -Hp -o value creation "$POOL/kvm/vm/web@s1")
	for tz in UTC0 UTC-5; do
		TZ=$tz kvm snap list web | sed -n 's/^s1    \(.\{19\}\).*/\1/p' \
		    > $tz.got
		TZ=$tz date -d "@$c" '+%Y-%m-%d %H:%M:%S' > $tz.want
		atf_check cmp $tz.want $tz.got
	done
	atf_check -s exit:1 cmp -s UTC0.got UTC-5.got
}
list_format_cleanup()
{
	snap_cleanup
}

atf_test_case list_json cleanup
list_json_head()
{
	atf_set descr "list -j: a JSON array with name, created and used"
	atf_set require.user root
}
list_json_body()
{
	kvm_setup
	mkvm web
	atf_check -s exit:0 -o inline:"[]\n" -e empty kvm snap list -j web
	atf_check kvm snap c web s1
	dd if=/dev/urandom of="$HOME_DIR/vm/web/disk" bs=64k count=4 \
	    conv=notrunc 2>/dev/null
	atf_check kvm snap c web s2
	kvm snap l -j web > out || atf_fail "snap list -j failed"
	for s in s1 s2; do
		c=$(zfs get -Hp -o value creation "$POOL/kvm/vm/web@$s")
		u=$(zfs get -Hp -o value used "$POOL/kvm/vm/web@$s")
		echo "$s $c $u"
	done > expected
	atf_check -o file:expected /usr/bin/python3 -c '
import json, sys
doc = json.load(open("out"))
assert isinstance(doc, list), doc
for o in doc:
    assert sorted(o) == ["created", "name", "used"], o
    assert isinstance(o["created"], int) and isinstance(o["used"], int), o
    print(o["name"], o["created"], o["used"])
'
	atf_check -o match:'^\[\{"name":"s1","created":[0-9]+,"used":[1-9][0-9]*\},' \
	    cat out
}
list_json_cleanup()
{
	snap_cleanup
}

atf_test_case destroy_abbrev cleanup
destroy_abbrev_head()
{
	atf_set descr "d, de, destroy remove a snapshot, any of them"
	atf_set require.user root
}
destroy_abbrev_body()
{
	kvm_setup
	mkvm web
	for s in s1 s2 s3 s4 s5; do
		atf_check kvm snap c web $s
	done
	atf_check -s exit:0 -o empty -e empty kvm snap d web s2
	check_snaps web "s1\ns3\ns4\ns5\n"
	atf_check -s exit:0 -o empty -e empty kvm snap de web s5
	check_snaps web "s1\ns3\ns4\n"
	atf_check -s exit:0 -o empty -e empty kvm snap destroy web s1
	atf_check -s exit:0 -o empty -e empty kvm snap dfoo web s3
	check_snaps web "s4\n"
	atf_check -o inline:"$POOL/kvm/vm/web\n" zfs list -H -o name \
	    "$POOL/kvm/vm/web"
}
destroy_abbrev_cleanup()
{
	snap_cleanup
}

atf_test_case destroy_clones cleanup
destroy_clones_head()
{
	atf_set descr "a snapshot clones depend on stays; the message names them"
	atf_set require.user root
}
destroy_clones_body()
{
	kvm_setup
	mkvm web
	atf_check kvm snap c web s1
	atf_check kvm snap c web s2
	atf_check zfs clone "$POOL/kvm/vm/web@s1" "$POOL/kvm/vm/db"
	kvm_state > before
	atf_check -s exit:1 -o empty -e inline:"kvm: web: cannot destroy s1: \
clone db depends on it (destroy it first)\n" kvm snap d web s1
	# A clone outside kvm's VMs is named in full.
	atf_check zfs clone "$POOL/kvm/vm/web@s1" "$POOL/other"
	kvm_state > before
	atf_check -s exit:1 -o empty -e inline:"kvm: web: cannot destroy s1: \
clones db $POOL/other depend on it (destroy them first)\n" \
	    kvm snap destroy web s1
	kvm_state > after
	atf_check cmp before after
	# A snapshot nothing depends on goes.
	atf_check kvm snap d web s2
	check_snaps web "s1\n"
}
destroy_clones_cleanup()
{
	snap_cleanup
}

atf_test_case rollback_abbrev cleanup
rollback_abbrev_head()
{
	atf_set descr "r, ro, rollback go back to the newest snapshot"
	atf_set require.user root
}
rollback_abbrev_body()
{
	kvm_setup
	mkvm web
	atf_check kvm snap c web s1
	contents web > at_s1
	for a in r ro rollback rx; do
		scribble web
		contents web > changed
		atf_check -s exit:1 cmp -s at_s1 changed
		atf_check -s exit:0 -o empty -e empty kvm snap $a web s1
		contents web > now
		atf_check cmp at_s1 now
	done
	check_snaps web "s1\n"
}
rollback_abbrev_cleanup()
{
	snap_cleanup
}

atf_test_case rollback_contents cleanup
rollback_contents_head()
{
	atf_set descr "after a rollback every file holds its snapshot-time contents"
	atf_set require.user root
}
rollback_contents_body()
{
	kvm_setup
	mkvm web
	d=$HOME_DIR/vm/web
	mkdir saved
	cp "$d/set.conf" "$d/run" "$d/notes.txt" "$d/disk" saved/
	kvm_state > before
	atf_check kvm snap c web s1
	kvm_state > at_s1
	scribble web
	atf_check -s exit:1 cmp -s saved/disk "$d/disk"
	atf_check -s exit:0 -o empty -e empty kvm snap rollback web s1
	for f in set.conf run notes.txt disk; do
		atf_check cmp "saved/$f" "$d/$f"
	done
	atf_check -s exit:1 test -e "$d/extra"
	atf_check test -f "$d/uefi-vars.fd"
	kvm_state > after
	atf_check cmp at_s1 after
	atf_check -o inline:"yes\n" zfs get -H -o value mounted \
	    "$POOL/kvm/vm/web"
	# The dataset's snapshot is kept: rolling back again is possible.
	check_snaps web "s1\n"
	echo "again" > "$d/notes.txt"
	atf_check kvm snap r web s1
	atf_check -o inline:"notes of web\n" cat "$d/notes.txt"
}
rollback_contents_cleanup()
{
	snap_cleanup
}

atf_test_case rollback_newer cleanup
rollback_newer_head()
{
	atf_set descr "rollback past newer snapshots fails, names them, changes nothing"
	atf_set require.user root
}
rollback_newer_body()
{
	kvm_setup
	mkvm web
	atf_check kvm snap c web s1
	atf_check kvm snap c web s2
	atf_check kvm snap c web s3
	scribble web
	contents web > c_before
	kvm_state > before
	atf_check -s exit:1 -o empty -e inline:"kvm: web: cannot roll back to \
s1: newer snapshots s2 s3 exist (destroy them first)\n" kvm snap r web s1
	atf_check -s exit:1 -o empty -e inline:"kvm: web: cannot roll back to \
s2: newer snapshot s3 exists (destroy it first)\n" kvm snap r web s2
	kvm_state > after
	contents web > c_after
	atf_check cmp before after
	atf_check cmp c_before c_after
	check_snaps web "s1\ns2\ns3\n"
	# The seed's way: destroy the newer ones first.
	atf_check kvm snap d web s3
	atf_check kvm snap d web s2
	atf_check kvm snap r web s1
	atf_check -o inline:"notes of web\n" cat "$HOME_DIR/vm/web/notes.txt"
}
rollback_newer_cleanup()
{
	snap_cleanup
}

atf_test_case running cleanup
running_head()
{
	atf_set descr "no rollback while the VM runs; snapshots are allowed"
	atf_set require.user root
}
running_body()
{
	kvm_setup
	mkvm web
	atf_check kvm snap c web s1
	scribble web
	kvm_fake_running web
	contents web > c_before
	kvm_state > before
	atf_check -s exit:1 -o empty -e inline:"kvm: web: cannot roll back: \
VM is running (stop it first)\n" kvm snap r web s1
	kvm_state > after
	contents web > c_after
	atf_check cmp before after
	atf_check cmp c_before c_after
	# A snapshot of a running VM is crash-consistent, and allowed.
	atf_check -s exit:0 -o empty -e empty kvm snap c web s2
	check_snaps web "s1\ns2\n"
	atf_check -o match:"^s2 " kvm snap l web
	atf_check kvm snap d web s2
}
running_cleanup()
{
	snap_cleanup
}

atf_test_case started cleanup
started_head()
{
	atf_set descr "a VM started with kvm start -d is not rolled back until stopped"
	atf_set require.user root
}
started_body()
{
	kvm_setup
	mkvm web
	atf_check kvm snap c web s1
	echo "changed" > "$HOME_DIR/vm/web/notes.txt"
	kvm_guest web run
	kvm start -d web >/dev/null 2>&1 || atf_fail "kvm start -d web failed"
	kvm_wait_guest web > /dev/null
	atf_check -s exit:1 -o empty -e inline:"kvm: web: cannot roll back: \
VM is running (stop it first)\n" kvm snap r web s1
	atf_check -o inline:"changed\n" cat "$HOME_DIR/vm/web/notes.txt"
	atf_check -o ignore kvm stop web
	atf_check -s exit:0 -o empty -e empty kvm snap r web s1
	atf_check -o inline:"notes of web\n" cat "$HOME_DIR/vm/web/notes.txt"
}
started_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	. "$(atf_get_srcdir)/vm.sh"
	kvm_env
	snap_cleanup
}

atf_test_case orphan cleanup
orphan_head()
{
	atf_set descr "no rollback while a bhyve without supervisor runs"
	atf_set require.user root
}
orphan_body()
{
	kvm_setup
	mkvm web
	atf_check kvm snap c web s1
	echo "changed" > "$HOME_DIR/vm/web/notes.txt"
	kvm_fake_running web orphan
	atf_check -s exit:1 -o empty -e inline:"kvm: web: cannot roll back: \
VM is orphan (stop it first)\n" kvm snap r web s1
	atf_check -o inline:"changed\n" cat "$HOME_DIR/vm/web/notes.txt"
}
orphan_cleanup()
{
	snap_cleanup
}

atf_test_case not_root cleanup
not_root_head()
{
	atf_set descr "create, destroy, rollback need root; list does not"
	atf_set require.user root
}
not_root_body()
{
	kvm_setup
	mkvm web
	atf_check kvm snap c web s1
	kvm_state > before
	asnobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
	for a in c d r create destroy rollback; do
		atf_check -s exit:1 -o empty \
		    -e inline:"kvm: snap: must be run as root\n" \
		    $asnobody "$(kvm_bin)" snap $a web s1
	done
	# list gets past the root check (zfs-fuse itself serves root only).
	atf_check -s ignore -o ignore -e not-match:"must be run as root" \
	    $asnobody "$(kvm_bin)" snap l web
	kvm_state > after
	atf_check cmp before after
}
not_root_cleanup()
{
	snap_cleanup
}

atf_test_case seed_name cleanup
seed_name_head()
{
	atf_set descr "the seed's snap program name works with its abbreviations"
	atf_set require.user root
}
seed_name_body()
{
	kvm_setup
	mkvm web
	atf_check -s exit:0 -o empty -e empty "$HOME_DIR/snap" c web s1
	atf_check -s exit:0 -o match:"^s1    $datere  " "$HOME_DIR/snap" l web
	atf_check -s exit:0 "$HOME_DIR/snap" r web s1
	atf_check -s exit:0 "$HOME_DIR/snap" d web s1
	check_snaps web ""
	atf_check -s exit:2 -e inline:"$usage" "$HOME_DIR/snap" web
}
seed_name_cleanup()
{
	snap_cleanup
}

atf_test_case bad_input cleanup
bad_input_head()
{
	atf_set descr "bad actions, operands, names and snapshots change nothing"
	atf_set require.user root
}
bad_input_body()
{
	kvm_setup
	mkvm web
	atf_check kvm snap c web s1
	atf_check kvm snap c web s2
	kvm_state > before
	# Usage errors: action, operands, options.
	for args in "" "x web s1" "snapshot web s1" "- web" "-j l web" \
	    "c web" "c" "d web" "r web" "l" "l web s1" "c web s1 s2" \
	    "d web s1 s2" "r web s1 s2" "c -j web s1" "r -x web s1" \
	    "l -x web"; do
		# shellcheck disable=SC2086
		atf_check -s exit:2 -o empty -e inline:"$usage" kvm snap $args
	done
	atf_check -s exit:2 -o empty -e inline:"$usage" kvm snap "" web s1
	kvm_state > after
	atf_check cmp before after
	# Unknown VM, for every action.
	for a in c d r; do
		atf_check -s exit:1 -o empty -e inline:"kvm: nope: no such VM\n" \
		    kvm snap $a nope s1
	done
	atf_check -s exit:1 -o empty -e inline:"kvm: nope: no such VM\n" \
	    kvm snap l nope
	atf_check -s exit:1 -o empty -e inline:"kvm: nope: no such VM\n" \
	    kvm snap l -j nope
	# A bad VM name.
	atf_check -s exit:1 -o empty -e inline:"kvm: w/eb: name may only \
contain letters, digits, '.', '_' and '-'\n" kvm snap c w/eb s3
	atf_check -s exit:1 -o empty -e inline:"kvm: -web: name must start \
with a letter or a digit\n" kvm snap l -- -web
	# Unknown snapshots.
	atf_check -s exit:1 -o empty -e inline:"kvm: web: no snapshot s9\n" \
	    kvm snap d web s9
	atf_check -s exit:1 -o empty -e inline:"kvm: web: no snapshot s9\n" \
	    kvm snap r web s9
	# Bad snapshot names.
	atf_check -s exit:1 -o empty -e inline:"kvm: web: snapshot name may \
only contain letters, digits, '.', '_' and '-'\n" kvm snap c web a@b
	atf_check -s exit:1 -o empty -e inline:"kvm: web: snapshot name may \
only contain letters, digits, '.', '_' and '-'\n" kvm snap d web s1/x
	atf_check -s exit:1 -o empty -e inline:"kvm: web: snapshot name must \
start with a letter or a digit\n" kvm snap c web .hidden
	atf_check -s exit:1 -o empty -e inline:"kvm: web: snapshot name is \
empty\n" kvm snap r web ""
	long=abcdefghijklmnopqrstuvwxyz012345
	atf_check -s exit:1 -o empty -e inline:"kvm: web: snapshot name is \
longer than 31 characters\n" kvm snap c web $long
	# A VM directory without set.conf is no VM.
	mkdir "$HOME_DIR/vm/empty"
	kvm_state > before
	atf_check -s exit:1 -o empty -e inline:"kvm: empty: no such VM\n" \
	    kvm snap c empty s1
	kvm_state > after
	atf_check cmp before after
	check_snaps web "s1\ns2\n"
}
bad_input_cleanup()
{
	snap_cleanup
}

atf_test_case zfs_failure cleanup
zfs_failure_head()
{
	atf_set descr "zfs's own error is passed on once, exit 1"
	atf_set require.user root
}
zfs_failure_body()
{
	kvm_setup
	[ -x "$(atf_get_srcdir)/sim/bin/zfs" ] ||
	    atf_skip "the simulator's zfs wrapper is not built"
	mkvm web
	atf_check kvm snap c web s1
	kvm_state > before
	mkdir -p root/sim
	echo "zfs snapshot" > root/sim/fail
	atf_check -s exit:1 -o empty -e inline:"kvm: zfs: simulated failure\n" \
	    kvm snap c web s2
	echo "zfs rollback" > root/sim/fail
	atf_check -s exit:1 -o empty -e inline:"kvm: zfs: simulated failure\n" \
	    kvm snap r web s1
	echo "zfs destroy" > root/sim/fail
	atf_check -s exit:1 -o empty -e inline:"kvm: zfs: simulated failure\n" \
	    kvm snap d web s1
	kvm_state > after
	atf_check cmp before after
}
zfs_failure_cleanup()
{
	snap_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case create_abbrev
	atf_add_test_case create_exists
	atf_add_test_case list_abbrev
	atf_add_test_case list_format
	atf_add_test_case list_json
	atf_add_test_case destroy_abbrev
	atf_add_test_case destroy_clones
	atf_add_test_case rollback_abbrev
	atf_add_test_case rollback_contents
	atf_add_test_case rollback_newer
	atf_add_test_case running
	atf_add_test_case started
	atf_add_test_case orphan
	atf_add_test_case not_root
	atf_add_test_case seed_name
	atf_add_test_case bad_input
	atf_add_test_case zfs_failure
}
