#! /usr/bin/env atf-sh
# Integration tests of "kvm clone" on a real (zfs-fuse) pool and the
# bhyve simulator: the clone, its new identity, its bhyve command line,
# cleanup after failures, bad input.

. "$(atf_get_srcdir)/lib.sh"
. "$(atf_get_srcdir)/vm.sh"

usage="usage: kvm clone src[@snapshot] new\n"
uuidre='[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'
macre='58:9c:fc:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}'

# shared NEW SRC: what clone says of the taps mkvm gives SRC.
shared()
{
	printf 'kvm: %s: shares tap%s with %s (a tap serves one guest): give it another in set.conf before running both\\n' "$1" "$2" "$2"
	printf 'kvm: %s: shares tap9 with %s (a tap serves one guest): give it another in set.conf before running both\\n' "$1" "$2"
}

# VM NAME with known identities, two NICs (one without a MAC, one
# through $LAN), a second disk with a serial inside the VM's directory,
# a device that is no identity, data on the disk, a file of the user's
# and UEFI variables of its own.
mkvm()
{
	kvm_mkvm "$1" 'UUID="11111111-2222-4333-8444-555555555555"' \
	    'DiskSerial="SRCSERIAL01"' "LAN=\"tap$1\"" \
	    "Devices=\"4,virtio-net,\$LAN,mac=02:6b:76:00:00:01 5,e1000,tap9
	6,nvme,$HOME_DIR/vm/$1/disk2,ser=SRCSER2 7,virtio-rnd\""
	d=$HOME_DIR/vm/$1
	truncate -s 64M "$d/disk2"
	dd if=/dev/urandom of="$d/disk" bs=64k count=4 conv=notrunc \
	    2>/dev/null
	echo "notes of $1" > "$d/notes.txt"
	echo "boot entries of $1" > "$d/uefi-vars.fd"
}

# The VM's snapshots, oldest first, one short name a line.
check_snaps()
{
	zfs list -H -t snapshot -d 1 -o name -s createtxg "$POOL/kvm/vm/$1" |
	    sed 's/.*@//' > snaps.out
	atf_check -o inline:"$2" cat snaps.out
}

# Everything of VM NAME but its identities, with NAME itself replaced:
# what a clone must have in common with its source.  MACs go entirely
# (the clone has one where the source let bhyve choose).
anonymous()
{
	sed -E -e "s/$uuidre/UUID/g" -e 's/,mac=[0-9a-f:]{17}//g' \
	    -e 's/ser=[A-Z0-9-]+/ser=SER/g' \
	    -e 's/^DiskSerial="[A-Z0-9-]+"/DiskSerial="SER"/' \
	    -e 's/11111111-2222-4333-8444-555555555555/UUID/' \
	    -e "s|$HOME_DIR/vm/$1([/,]\|\$)|$HOME_DIR/vm/NAME\\1|g" \
	    -e "s/^$1\$/NAME/"
}

# bhyve's argv for VM NAME, one argument a line, as start builds it.
argv_of()
{
	"$(atf_get_srcdir)/argvdump" -r "$KVM_ROOTDIR" \
	    "$HOME_DIR/vm/$1/set.conf" "$1" "$HOME_DIR/vm/$1" "$HOME_DIR"
}

clone_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case implicit cleanup
implicit_head()
{
	atf_set descr "clone without @snapshot snapshots src@clone-NEW first"
	atf_set require.user root
}
implicit_body()
{
	kvm_setup
	mkvm web
	(cd "$HOME_DIR/vm/web" && cksum disk disk2 notes.txt run) > files.web
	cp "$HOME_DIR/vm/web/set.conf" web.conf
	atf_check -s exit:0 -o inline:"db: cloned from web@clone-db\n" \
	    -e inline:"$(shared db web)" kvm clone web db
	check_snaps web "clone-db\n"
	atf_check -o inline:"$POOL/kvm/vm/web@clone-db\nyes\n$HOME_DIR/vm/db\n" \
	    zfs get -H -o value origin,mounted,mountpoint "$POOL/kvm/vm/db"
	# The source is untouched; the clone holds the same data.
	atf_check cmp web.conf "$HOME_DIR/vm/web/set.conf"
	atf_check -o inline:"boot entries of web\n" \
	    cat "$HOME_DIR/vm/web/uefi-vars.fd"
	(cd "$HOME_DIR/vm/web" && cksum disk disk2 notes.txt run) > after.web
	(cd "$HOME_DIR/vm/db" && cksum disk disk2 notes.txt run) > files.db
	atf_check cmp files.web after.web
	atf_check cmp files.web files.db
	# Fresh UEFI variables: the pinned template.
	atf_check cmp "$HOME_DIR/firmware/BHYVE_UEFI_VARS.fd" \
	    "$HOME_DIR/vm/db/uefi-vars.fd"
	# kvm sees it as a VM.
	atf_check -s exit:0 -o match:"^origin: +$POOL/kvm/vm/web@clone-db\$" \
	    kvm info db
}
implicit_cleanup()
{
	clone_cleanup
}

atf_test_case identity cleanup
identity_head()
{
	atf_set descr "the clone's set.conf differs only in its identities"
	atf_set require.user root
}
identity_body()
{
	kvm_setup
	mkvm web
	atf_check -o ignore -e inline:"$(shared db web)" kvm clone web db
	w=$HOME_DIR/vm/web/set.conf
	d=$HOME_DIR/vm/db/set.conf
	anonymous web < "$w" > web.anon
	anonymous db < "$d" > db.anon
	atf_check cmp web.anon db.anon
	# New values, well formed; $LAN stays a reference.
	atf_check -o match:"^UUID=\"$uuidre\"\$" \
	    -o not-match:11111111-2222-4333-8444-555555555555 cat "$d"
	atf_check -o match:'^DiskSerial="[A-Z0-9]{20}"$' cat "$d"
	atf_check -o match:"^Devices=\"4,virtio-net,\\\$LAN,mac=$macre 5,e1000,tap9,mac=$macre\$" \
	    -o not-match:"mac=02:6b:76:00:00:01" cat "$d"
	atf_check -o match:"^	6,nvme,$HOME_DIR/vm/db/disk2,ser=[A-Z0-9]{20} 7,virtio-rnd\"\$" \
	    cat "$d"
	# The two NICs got different addresses.
	grep -v "^#" "$d" | grep -Eo "mac=$macre" | sort -u | wc -l | tr -d ' ' > nmacs
	atf_check -o inline:"2\n" cat nmacs
	# Two clones of one VM differ from each other and from it.
	atf_check -o ignore -e inline:"$(shared db2 web)" kvm clone web db2
	for vm in web db db2; do
		"$(atf_get_srcdir)/confdump" "$HOME_DIR/vm/$vm/set.conf" |
		    grep -E '^(UUID|DiskSerial|Devices)=' |
		    sed -e 's/^DiskSerial=/ser=/' -e 's/^UUID=//' |
		    grep -Eo "($uuidre|mac=[0-9a-f:]{17}|ser=[A-Z0-9]+)"
	done > ids
	# web: UUID, 2 serials, 1 MAC; each clone: UUID, 2 serials, 2 MACs.
	atf_check -o inline:"14\n" sh -c 'wc -l < ids | tr -d " "'
	atf_check -o inline:"14\n" sh -c 'sort -u ids | wc -l | tr -d " "'
}
identity_cleanup()
{
	clone_cleanup
}

atf_test_case explicit cleanup
explicit_head()
{
	atf_set descr "clone src@snapshot holds the snapshot's contents"
	atf_set require.user root
}
explicit_body()
{
	kvm_setup
	mkvm web
	atf_check kvm snap c web s1
	echo "later" > "$HOME_DIR/vm/web/notes.txt"
	echo 'Cores="2"' >> "$HOME_DIR/vm/web/set.conf"
	atf_check kvm snap c web s2
	atf_check -s exit:0 -o inline:"db: cloned from web@s1\n" -e inline:"$(shared db web)" \
	    kvm clone web@s1 db
	check_snaps web "s1\ns2\n"
	atf_check -o inline:"$POOL/kvm/vm/web@s1\n" \
	    zfs get -H -o value origin "$POOL/kvm/vm/db"
	atf_check -o inline:"notes of web\n" cat "$HOME_DIR/vm/db/notes.txt"
	atf_check -s exit:1 -o empty grep '^Cores="2"' "$HOME_DIR/vm/db/set.conf"
	# The snapshot now has a dependent clone.
	atf_check -s exit:1 -e inline:"kvm: web: cannot destroy s1: clone db \
depends on it (destroy it first)\n" kvm snap d web s1
}
explicit_cleanup()
{
	clone_cleanup
}

atf_test_case argv cleanup
argv_head()
{
	atf_set descr "the clone's bhyve argv differs only in name, MACs, serials, UUID, paths"
	atf_set require.user root
}
argv_body()
{
	kvm_setup
	mkvm web
	atf_check -o ignore -e inline:"$(shared db web)" kvm clone web db
	argv_of web > web.argv || atf_fail "no argv for web"
	argv_of db > db.argv || atf_fail "no argv for db"
	anonymous web < web.argv > web.anon
	anonymous db < db.argv > db.anon
	atf_check diff web.anon db.anon
	# Exactly the lines with an identity or a path differ: -U's value,
	# the disk (path, serial), both NICs, disk2 (path, serial), the
	# bootrom (vars path) and the name.
	diff web.argv db.argv | grep '^>' > changed
	atf_check -o inline:"7\n" sh -c 'wc -l < changed | tr -d " "'
	atf_check -o match:"^> $uuidre\$" -o match:"^> db\$" \
	    -o match:"^> 2,nvme,$HOME_DIR/vm/db/disk,ser=" \
	    -o match:"^> 4,virtio-net,tapweb,mac=$macre\$" \
	    -o match:"^> 5,e1000,tap9,mac=$macre\$" \
	    -o match:"^> 6,nvme,$HOME_DIR/vm/db/disk2,ser=" \
	    -o match:"^> bootrom,.*,$HOME_DIR/vm/db/uefi-vars.fd\$" cat changed
	# And the simulated bhyve boots it: the guest powers off (exit 1).
	kvm_guest db "poweroff"
	touch root/dev/tapweb root/dev/tap9
	# shellcheck disable=SC2046
	atf_check -s exit:1 -o ignore -e ignore $(cat db.argv)
	atf_check -o match:"^bhyve-exit db 1\$" cat root/sim/log
}
argv_cleanup()
{
	clone_cleanup
}

atf_test_case start cleanup
start_head()
{
	atf_set descr "kvm start boots the clone under the simulator"
	atf_set require.user root
}
start_body()
{
	kvm_setup
	mkvm web
	atf_check -o ignore -e inline:"$(shared db web)" kvm clone web db
	kvm_guest web poweroff
	kvm_guest db poweroff
	# The taps the run hooks would make.
	touch root/dev/tapweb root/dev/tap9
	for vm in web db; do
		atf_check -s exit:0 -o ignore -e ignore kvm start "$vm"
	done
	grep "^bhyve .* web\$" root/sim/log | tr ' ' '\n' > web.argv
	grep "^bhyve .* db\$" root/sim/log | tr ' ' '\n' > db.argv
	atf_check -o match:'^bhyve$' cat db.argv
	anonymous web < web.argv > web.anon
	anonymous db < db.argv > db.anon
	atf_check diff web.anon db.anon
	atf_check -o match:"^bhyve-exit db 1\$" cat root/sim/log
}
start_cleanup()
{
	clone_cleanup
}

atf_test_case running_source cleanup
running_source_head()
{
	atf_set descr "a running VM can be cloned (from a snapshot or a new one)"
	atf_set require.user root
}
running_source_body()
{
	kvm_setup
	mkvm web
	atf_check kvm snap c web s1
	kvm_fake_running web
	atf_check -s exit:0 -o inline:"db: cloned from web@s1\n" -e inline:"$(shared db web)" \
	    kvm clone web@s1 db
	atf_check -s exit:0 -o inline:"db2: cloned from web@clone-db2\n" \
	    -e inline:"$(shared db2 web)" kvm clone web db2
	check_snaps web "s1\nclone-db2\n"
	atf_check -o inline:"notes of web\n" cat "$HOME_DIR/vm/db2/notes.txt"
}
running_source_cleanup()
{
	clone_cleanup
}

atf_test_case fail_zfs_clone cleanup
fail_zfs_clone_head()
{
	atf_set descr "a failing zfs clone leaves neither clone nor snapshot"
	atf_set require.user root
}
fail_zfs_clone_body()
{
	kvm_setup
	mkvm web
	atf_check kvm snap c web s1
	kvm_state > before
	mkdir -p root/sim
	echo "zfs clone" > root/sim/fail
	atf_check -s exit:1 -o empty -e inline:"kvm: zfs: simulated failure\n" \
	    kvm clone web db
	kvm_state > after
	atf_check cmp before after
	atf_check -s exit:1 -o empty -e inline:"kvm: zfs: simulated failure\n" \
	    kvm clone web@s1 db
	kvm_state > after
	atf_check cmp before after
	# The snapshot clone made was there, and went.
	atf_check -o match:"^zfs snapshot $POOL/kvm/vm/web@clone-db\$" \
	    -o match:"^zfs destroy $POOL/kvm/vm/web@clone-db\$" cat root/sim/log
	# A failing snapshot: nothing is made.
	echo "zfs snapshot" > root/sim/fail
	atf_check -s exit:1 -o empty -e inline:"kvm: zfs: simulated failure\n" \
	    kvm clone web db
	kvm_state > after
	atf_check cmp before after
}
fail_zfs_clone_cleanup()
{
	clone_cleanup
}

atf_test_case fail_after_clone cleanup
fail_after_clone_head()
{
	atf_set descr "a failure after zfs clone destroys the clone and its snapshot"
	atf_set require.user root
}
fail_after_clone_body()
{
	kvm_setup
	mkvm web
	w=$HOME_DIR/vm/web
	# A snapshot whose set.conf kvm cannot read.
	cp "$w/set.conf" good.conf
	echo 'Mem="8"' >> "$w/set.conf"
	n=$(wc -l < "$w/set.conf" | tr -d ' ')
	atf_check kvm snap c web bad
	cp good.conf "$w/set.conf"
	kvm_state > before
	atf_check -s exit:1 -o empty -e inline:"kvm: $HOME_DIR/vm/db/set.conf:$n: \
Mem needs a unit (K, M, G or T)\n" kvm clone web@bad db
	kvm_state > after
	atf_check cmp before after
	# The same from the VM as it is now, with the snapshot made for it.
	echo 'Mem="8"' >> "$w/set.conf"
	kvm_state > before
	atf_check -s exit:1 -o empty -e inline:"kvm: $HOME_DIR/vm/db/set.conf:$n: \
Mem needs a unit (K, M, G or T)\n" kvm clone web db
	kvm_state > after
	atf_check cmp before after
	check_snaps web "bad\n"
	# No UEFI template to give fresh variables: no clone either.
	cp good.conf "$w/set.conf"
	mv "$HOME_DIR/firmware/BHYVE_UEFI_VARS.fd" vars.saved
	kvm_state > before
	atf_check -s exit:1 -o empty -e inline:"kvm: \
$HOME_DIR/firmware/BHYVE_UEFI_VARS.fd: No such file or directory\n" \
	    kvm clone web db
	kvm_state > after
	atf_check cmp before after
	# With the template back, the clone is made.
	mv vars.saved "$HOME_DIR/firmware/BHYVE_UEFI_VARS.fd"
	atf_check -o ignore -e inline:"$(shared db web)" kvm clone web db
	atf_check -o inline:"$POOL/kvm/vm/web@clone-db\n" \
	    zfs get -H -o value origin "$POOL/kvm/vm/db"
}
fail_after_clone_cleanup()
{
	clone_cleanup
}

atf_test_case not_uefi cleanup
not_uefi_head()
{
	atf_set descr "a grub VM keeps its files; a VM without NICs keeps Devices"
	atf_set require.user root
}
not_uefi_body()
{
	kvm_setup
	kvm_mkvm web 'VMrom="grub"' 'Devices="5,virtio-rnd"'
	rm -f "$HOME_DIR/vm/web/uefi-vars.fd"
	atf_check -o inline:"db: cloned from web@clone-db\n" kvm clone web db
	atf_check -s exit:1 test -e "$HOME_DIR/vm/db/uefi-vars.fd"
	atf_check -o match:'^Devices="5,virtio-rnd"$' \
	    -o match:'^DiskSerial="[A-Z0-9]{20}"$' -o match:"^UUID=\"$uuidre\"\$" \
	    cat "$HOME_DIR/vm/db/set.conf"
}
not_uefi_cleanup()
{
	clone_cleanup
}

atf_test_case disk_paths cleanup
disk_paths_head()
{
	atf_set descr "a disk path into the source follows; one outside is shared, with a warning"
	atf_set require.user root
}
disk_paths_body()
{
	kvm_setup
	kvm_mkvm web "Disk=\"$HOME_DIR/vm/web/disk\""
	atf_check -s exit:0 -o inline:"db: cloned from web@clone-db\n" \
	    -e empty kvm clone web db
	atf_check -o match:"^Disk=\"$HOME_DIR/vm/db/disk\"\$" \
	    cat "$HOME_DIR/vm/db/set.conf"
	truncate -s 1G shared.img
	kvm_mkvm ext "Disk=\"$(pwd)/shared.img\""
	atf_check -s exit:0 -o inline:"db2: cloned from ext@clone-db2\n" \
	    -e inline:"kvm: db2: disk $(pwd)/shared.img is outside the VM's \
dataset: the clone shares it with ext\n" kvm clone ext db2
	atf_check -o match:"^Disk=\"$(pwd)/shared.img\"\$" \
	    cat "$HOME_DIR/vm/db2/set.conf"
}
disk_paths_cleanup()
{
	clone_cleanup
}

# bad EXIT MESSAGE ARGS...: kvm clone ARGS fails so and changes nothing.
bad()
{
	st=$1
	msg=$2
	shift 2
	kvm_state > before
	atf_check -s exit:"$st" -o empty -e inline:"$msg\n" kvm clone "$@"
	kvm_state > after
	atf_check cmp before after
}

atf_test_case bad_input cleanup
bad_input_head()
{
	atf_set descr "bad operands are refused and change nothing"
	atf_set require.user root
}
bad_input_body()
{
	kvm_setup
	mkvm web
	mkvm other
	atf_check kvm snap c web s1
	mkdir "$HOME_DIR/vm/junk"
	u="usage: kvm clone src[@snapshot] new"
	bad 2 "$u"
	bad 2 "$u" web
	bad 2 "$u" web db extra
	bad 2 "$u" -x web db
	bad 1 "kvm: nope: no such VM" nope db
	bad 1 "kvm: nope: no such VM" nope@s1 db
	bad 1 "kvm: web: no snapshot s9" web@s9 db
	bad 1 "kvm: web: snapshot name is empty" web@ db
	bad 1 "kvm: web: snapshot name may only contain letters, digits, \
'.', '_' and '-'" web@s1@s2 db
	bad 1 "kvm: web: snapshot name must start with a letter or a digit" \
	    web@-s1 db
	bad 1 "kvm: @s1: name is empty" @s1 db
	bad 1 "kvm: w/eb: name may only contain letters, digits, '.', '_' \
and '-'" w/eb db
	bad 1 "kvm: d/b: name may only contain letters, digits, '.', '_' \
and '-'" web d/b
	bad 1 "kvm: -db: name must start with a letter or a digit" web -db
	bad 1 "kvm: abcdefghijklmnopqrstuvwxyz012345: name is longer than \
31 characters" web abcdefghijklmnopqrstuvwxyz012345
	bad 1 "kvm: web: already exists" web web
	bad 1 "kvm: other: already exists" web other
	bad 1 "kvm: other: already exists" web@s1 other
	bad 1 "kvm: junk: already exists" web junk
	# A dataset without set.conf is no VM, but the name is taken.
	atf_check zfs create "$POOL/kvm/vm/ds"
	rm -f "$HOME_DIR/vm/ds/set.conf"
	bad 1 "kvm: ds: no such VM" ds db
	bad 1 "kvm: ds: already exists" web ds
	# A snapshot left from an earlier clone of that name.
	atf_check kvm snap c web clone-db
	bad 1 "kvm: web: snapshot clone-db already exists (clone from it \
with web@clone-db, or destroy it)" web db
	# Root only.
	kvm_state > before
	atf_check -s exit:1 -o empty -e inline:"kvm: clone: must be run as root\n" \
	    setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$(kvm_bin)" clone web db
	kvm_state > after
	atf_check cmp before after
}
bad_input_cleanup()
{
	clone_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case implicit
	atf_add_test_case identity
	atf_add_test_case explicit
	atf_add_test_case argv
	atf_add_test_case start
	atf_add_test_case running_source
	atf_add_test_case fail_zfs_clone
	atf_add_test_case fail_after_clone
	atf_add_test_case not_uefi
	atf_add_test_case disk_paths
	atf_add_test_case bad_input
}
