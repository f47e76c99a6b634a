#! /usr/bin/env atf-sh
# Integration tests of "kvm disk add|grow|list" on zfs-fuse and the
# bhyve simulator: the sparse files in the VM's dataset, their Disks
# entries (serial and slot kept), what bhyve gets at start, and bad
# input refused with nothing changed.

# shellcheck source=/dev/null
. "$(atf_get_srcdir)/lib.sh"
# shellcheck source=/dev/null
. "$(atf_get_srcdir)/vm.sh"

# disks NAME: the value of Disks in NAME's set.conf, as sh reads it.
disks()
{
	# shellcheck disable=SC1090,SC2154
	(. "$HOME_DIR/vm/$1/set.conf" && echo "$Disks")
}

# field N ENTRY: the Nth field of a PATH:DRIVER:SERIAL:SLOT entry.
field()
{
	echo "$2" | cut -d: -f"$1"
}

# size_of FILE: its length in bytes.
size_of()
{
	wc -c < "$1" | tr -d ' '
}

# check_size FILE BYTES: fail unless FILE is BYTES long.
check_size()
{
	[ "$(size_of "$1")" = "$2" ] ||
	    atf_fail "$1 is $(size_of "$1") bytes long, not $2"
}

# used_of FILE: the bytes it takes on the pool (st_blocks).
used_of()
{
	case $(uname -s) in
	Linux)	echo $(($(stat -c '%b * %B' "$1"))) ;;
	*)	echo $(($(stat -f %b "$1") * 512)) ;;
	esac
}

# human N: N bytes as list prints a small allocation (512B, 4K).
human()
{
	if [ "$1" -lt 1024 ]; then
		echo "${1}B"
	elif [ $(($1 % 1024)) -eq 0 ] && [ "$1" -lt 1048576 ]; then
		echo "$(($1 / 1024))K"
	else
		atf_fail "$1 bytes allocated, more than this test expects"
	fi
}

atf_test_case add cleanup
add_head()
{
	atf_set descr "disk add makes sparse files with kept serials and slots that bhyve gets at start"
	atf_set require.user root
}
add_body()
{
	kvm_setup
	kvm_mkvm web
	dir=$HOME_DIR/vm/web
	atf_check -s exit:0 -o inline:"web: disk1 added (1G, nvme, slot 27)\n" \
	    -e empty kvm disk add web 1G
	check_size "$dir/disk1" 1073741824
	d1=$(disks web)
	atf_check -o match:'^disk1:nvme:[A-Z0-9]{20}:27$' echo "$d1"
	# A Devices entry at 26 is skipped: the next disk gets 25.
	echo 'Devices="26,virtio-rnd"' >> "$dir/set.conf"
	atf_check -s exit:0 \
	    -o inline:"web: disk2 added (512M, virtio-blk, slot 25)\n" \
	    -e empty kvm disk add web 512M virtio-blk
	check_size "$dir/disk2" 536870912
	all=$(disks web)
	d2=${all#* }
	# disk1's entry, serial and slot are as they were.
	atf_check -o inline:"$d1\n" echo "${all%% *}"
	atf_check -o match:'^disk2:virtio-blk:[A-Z0-9]{20}:25$' echo "$d2"
	s1=$(field 3 "$d1")
	s2=$(field 3 "$d2")
	atf_check test "$s1" != "$s2"
	atf_check -o inline:"extra disk:  $dir/disk1 (nvme, slot 27, serial $s1)\nextra disk:  $dir/disk2 (virtio-blk, slot 25, serial $s2)\n" \
	    sh -c 'kvm info web | grep "^extra disk:"'
	atf_check -o match:"\"disks\":\[\{\"path\":\"$dir/disk1\",\"driver\":\"nvme\",\"serial\":\"$s1\",\"slot\":27\},\{\"path\":\"$dir/disk2\",\"driver\":\"virtio-blk\",\"serial\":\"$s2\",\"slot\":25\}\]," \
	    kvm info -j web
	kvm_guest web "poweroff 0.1"
	atf_check -s exit:0 -o save:out -e empty kvm start web
	atf_check -o match:" -s 27,nvme,$dir/disk1,ser=$s1 -s 25,virtio-blk,$dir/disk2,ser=$s2 -s 26,virtio-rnd " \
	    cat out
	atf_check -o inline:"bhyve-exit web 1\n" grep "^bhyve-exit" \
	    root/sim/log
}
add_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case grow cleanup
grow_head()
{
	atf_set descr "disk grow extends a file, the main disk too; never shrinks"
	atf_set require.user root
}
grow_body()
{
	kvm_setup
	kvm_mkvm web
	dir=$HOME_DIR/vm/web
	atf_check -o ignore kvm disk add web 1G
	atf_check -s exit:0 -o inline:"web: disk1 grown from 1G to 2G\n" \
	    -e empty kvm disk grow web disk1 2G
	check_size "$dir/disk1" 2147483648
	atf_check -s exit:0 -o inline:"web: disk grown from 64M to 128M\n" \
	    -e empty kvm disk grow web disk 128M
	check_size "$dir/disk" 134217728
	atf_check -s exit:0 -o inline:"web: disk is already 128M\n" \
	    -e empty kvm disk grow web "$dir/disk" 128M
	kvm_state > before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: disk1: cannot shrink from 2G to 1.50G (a disk only grows)\n" \
	    kvm disk grow web disk1 1536M
	kvm_state > after
	atf_check cmp before after
	check_size "$dir/disk1" 2147483648
}
grow_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case running cleanup
running_head()
{
	atf_set descr "while the VM runs: add takes effect at the next start, grow is refused"
	atf_set require.user root
}
running_body()
{
	kvm_setup
	kvm_mkvm web
	dir=$HOME_DIR/vm/web
	kvm_fake_running web
	atf_check -s exit:0 \
	    -o inline:"web: disk1 added (1G, nvme, slot 27) (takes effect at the next start)\n" \
	    -e empty kvm disk add web 1G
	kvm_state > before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: is running; stop it first\n" \
	    kvm disk grow web disk1 2G
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: is running; stop it first\n" \
	    kvm disk grow web disk 1G
	kvm_state > after
	atf_check cmp before after
	check_size "$dir/disk1" 1073741824
	check_size "$dir/disk" 67108864
}
running_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

# row FIELD...: one line of disk list's table, names 8 wide.
row()
{
	printf '%-8s  %-4s  %-10s  %-6s  %-6s  %-20s  %s\n' "$@"
}

atf_test_case list cleanup
list_head()
{
	atf_set descr "disk list: the main disk first, then the extra ones, as text and JSON"
	atf_set require.user root
}
list_body()
{
	kvm_setup
	kvm_mkvm web
	dir=$HOME_DIR/vm/web
	# Fixed serials and a missing file, so that every column is known.
	sed -i '/^DiskSerial=/d' "$dir/set.conf"
	cat >> "$dir/set.conf" <<'EOF'
DiskSerial="MAINSERIAL01"
Disks="data.img:virtio-blk:SER-1:20 gone:ahci-hd::7"
EOF
	truncate -s 3G "$dir/data.img"
	u1=$(used_of "$dir/disk")
	u2=$(used_of "$dir/data.img")
	{
		row NAME SLOT DRIVER SIZE USED SERIAL PATH
		row disk 2 nvme 64M "$(human "$u1")" MAINSERIAL01 \
		    "$dir/disk"
		row data.img 20 virtio-blk 3G "$(human "$u2")" SER-1 \
		    "$dir/data.img"
		row gone 7 ahci-hd - - - "$dir/gone"
	} > want
	atf_check -s exit:0 -o file:want -e empty kvm disk list web
	printf '%s' "[{\"name\":\"disk\",\"path\":\"$dir/disk\",\"driver\":\"nvme\",\"size\":67108864,\"used\":$u1,\"serial\":\"MAINSERIAL01\",\"slot\":2},{\"name\":\"data.img\",\"path\":\"$dir/data.img\",\"driver\":\"virtio-blk\",\"size\":3221225472,\"used\":$u2,\"serial\":\"SER-1\",\"slot\":20},{\"name\":\"gone\",\"path\":\"$dir/gone\",\"driver\":\"ahci-hd\",\"size\":null,\"used\":null,\"serial\":null,\"slot\":7}]" > want.json
	atf_check -s exit:0 -o save:out.json -e empty kvm disk list -j web
	atf_check -o file:want.json tr -d '\n' < out.json
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: $dir/gone: No such file or directory\n" \
	    kvm disk grow web gone 1G
	# A start needs every disk's file.
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: disk $dir/gone: No such file or directory\n" \
	    kvm start web
	atf_check -s exit:1 grep -q "^bhyve" root/sim/log
}
list_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case zvol cleanup
zvol_head()
{
	atf_set descr "a hand-written /dev/zvol disk: list and grow go through zfs volsize"
	atf_set require.user root
}
zvol_body()
{
	kvm_setup
	kvm_mkvm web
	dir=$HOME_DIR/vm/web
	vol=$POOL/vols/web-data
	echo "Disks=\"/dev/zvol/$vol:nvme:ZV-1:24\"" >> "$dir/set.conf"
	# zfs-fuse has no zvols: a zfs in front of it plays this one.
	mkdir fake
	cat > fake/zfs <<EOF
#!/bin/sh
case "\$*" in
"get -Hp -o value volsize $vol") echo 1073741824 ;;
"get -Hp -o value referenced $vol") echo 8192 ;;
"set volsize=2147483648 $vol") echo "\$*" >> "$(pwd)/zfs.log" ;;
*) exec "$(atf_get_srcdir)/sim/bin/zfs" "\$@" ;;
esac
EOF
	chmod +x fake/zfs
	PATH=$(pwd)/fake:$PATH
	atf_check -s exit:0 -o match:"^/dev/zvol/$vol  24    nvme        1G      8K      ZV-1  " \
	    -e empty kvm disk list web
	atf_check -s exit:0 \
	    -o inline:"web: /dev/zvol/$vol grown from 1G to 2G\n" -e empty \
	    kvm disk grow web "/dev/zvol/$vol" 2G
	atf_check -o inline:"set volsize=2147483648 $vol\n" cat zfs.log
}
zvol_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case clone cleanup
clone_head()
{
	atf_set descr "a clone has the same extra disks, files, drivers and slots, with new serials"
	atf_set require.user root
}
clone_body()
{
	kvm_setup
	kvm_mkvm web
	atf_check -o ignore kvm disk add web 1G
	# A hand-written entry, appended through a $Disks reference.
	# shellcheck disable=SC2016
	echo 'Disks="$Disks data:virtio-blk::20"' >> "$HOME_DIR/vm/web/set.conf"
	truncate -s 1M "$HOME_DIR/vm/web/data"
	atf_check -o ignore -e ignore kvm clone web web2
	old=$(disks web)
	new=$(disks web2)
	atf_check -o match:'^disk1:nvme:[A-Z0-9]{20}:27 data:virtio-blk::20$' \
	    echo "$new"
	atf_check test "$(field 3 "${old%% *}")" != "$(field 3 "${new%% *}")"
	check_size "$HOME_DIR/vm/web2/disk1" 1073741824
	atf_check -o match:"^disk1  +27  +nvme " kvm disk list web2
}
clone_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case bad cleanup
bad_head()
{
	atf_set descr "bad input: a clear message, exit 1 (2 for usage), nothing changed"
	atf_set require.user root
}
bad_body()
{
	kvm_setup
	kvm_mkvm web
	dir=$HOME_DIR/vm/web
	atf_check -o ignore kvm disk add web 1G
	kvm_state > before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: disk size needs a unit (K, M, G or T)\n" \
	    kvm disk add web 10
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: disk driver must be nvme, virtio-blk or ahci-hd, not \"scsi\"\n" \
	    kvm disk add web 1G scsi
	atf_check -s exit:1 -o empty -e inline:"kvm: nosuch: no such VM\n" \
	    kvm disk add nosuch 1G
	atf_check -s exit:1 -o empty -e inline:"kvm: nosuch: no such VM\n" \
	    kvm disk list nosuch
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: no disk disk9 (kvm disk list web shows them)\n" \
	    kvm disk grow web disk9 2G
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: disk size has an unknown unit \"X\" (K, M, G or T)\n" \
	    kvm disk grow web disk1 2X
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: disk: cannot shrink from 64M to 32M (a disk only grows)\n" \
	    kvm disk grow web disk 32M
	atf_check -s exit:2 -o empty \
	    -e inline:"usage: kvm disk add name size [driver] | grow name disk size | list [-j] name\n" \
	    kvm disk grow web disk1
	atf_check -s exit:2 -o empty -e match:"^usage: kvm disk " \
	    kvm disk add -j web 1G
	kvm_state > after
	atf_check cmp before after
}
bad_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case bad_setconf cleanup
bad_setconf_head()
{
	atf_set descr "a hand-edited Disks slot that a Devices entry uses: add, list and start refuse it, nothing changes"
	atf_set require.user root
}
bad_setconf_body()
{
	kvm_setup
	kvm_mkvm web
	conf=$HOME_DIR/vm/web/set.conf
	atf_check -o ignore kvm disk add web 1G
	entry=$(disks web)
	echo 'Devices="27,virtio-rnd"' >> "$conf"
	line=$(grep -n '^Disks=' "$conf" | cut -d: -f1)
	msg="kvm: $conf:$line: Disks entry \"$entry\": slot 27 is already used by Devices entry \"27,virtio-rnd\""
	kvm_state > before
	atf_check -s exit:1 -o empty -e inline:"$msg\n" kvm disk add web 1G
	atf_check -s exit:1 -o empty -e inline:"$msg\n" kvm disk list web
	atf_check -s exit:1 -o empty -e inline:"$msg\n" kvm start web
	kvm_state > after
	atf_check cmp before after
	atf_check -s exit:1 grep -q "^bhyve" root/sim/log
}
bad_setconf_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case killed cleanup
killed_head()
{
	atf_set descr "disk add killed at each step: the next command undoes it before set.conf names the disk, finishes it after"
	atf_set require.user root
}
killed_body()
{
	kvm_setup
	kvm_mkvm web
	dir=$HOME_DIR/vm/web
	cp "$dir/set.conf" orig.conf
	for k in 1 2 3 4; do
		cp orig.conf "$dir/set.conf"
		rm -f "$dir/disk1"
		if [ $k -eq 4 ]; then
			atf_check -s exit:0 -o ignore -e empty \
			    env KVM_FAULT=diskadd:$k kvm disk add web 1G
		else
			atf_check -s signal:9 -o empty -e empty \
			    env KVM_FAULT=diskadd:$k kvm disk add web 1G
		fi
		case $k in
		1)	msg="kvm: web: undid an interrupted disk add\n" ;;
		4)	msg= ;;
		*)	msg="kvm: web: finished an interrupted disk add (disk1)\n" ;;
		esac
		atf_check -s exit:0 -o ignore -e inline:"$msg" kvm disk list web
		atf_check -o empty ls -A "$KVM_ROOTDIR/var/db/kvm"
		atf_check -o empty find "$dir" -name '.disk*'
		if [ $k -eq 1 ]; then
			atf_check cmp orig.conf "$dir/set.conf"
			atf_check -s exit:1 test -e "$dir/disk1"
		else
			atf_check -o match:'^disk1:nvme:[A-Z0-9]{20}:27$' \
			    echo "$(disks web)"
			check_size "$dir/disk1" 1073741824
		fi
	done
}
killed_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case full cleanup
full_head()
{
	atf_set descr "disk add refuses a ninth disk and a VM whose slots 4 to 27 are taken"
	atf_set require.user root
}
full_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_mkvm db
	e=
	for n in 1 2 3 4 5 6 7 8; do
		e="$e d$n:nvme::$((27 - n))"
	done
	echo "Disks=\"$e\"" >> "$HOME_DIR/vm/web/set.conf"
	d=
	for n in $(seq 4 27); do
		d="$d $n,virtio-rnd"
	done
	echo "Devices=\"$d\"" >> "$HOME_DIR/vm/db/set.conf"
	kvm_state > before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: already has 8 extra disks, the most Disks holds\n" \
	    kvm disk add web 1G
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: db: no free PCI slot for a disk (4 to 27 are all used)\n" \
	    kvm disk add db 1G
	kvm_state > after
	atf_check cmp before after
}
full_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case add
	atf_add_test_case grow
	atf_add_test_case running
	atf_add_test_case list
	atf_add_test_case zvol
	atf_add_test_case clone
	atf_add_test_case bad
	atf_add_test_case bad_setconf
	atf_add_test_case full
	atf_add_test_case killed
}
