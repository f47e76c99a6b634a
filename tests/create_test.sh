#! /usr/bin/env atf-sh
# Integration tests of "kvm create", "kvm insert" and "kvm eject" on a
# real (zfs-fuse) pool; the interactive path runs on a pseudo-terminal
# through tests/ptyrun.

. "$(atf_get_srcdir)/lib.sh"

# The variables every new set.conf assigns, in order.
known_vars="Cores Mem VMrom VMoptions UUID Disk DiskDriver DiskSerial Iso
Console Com VNCbind VNCport VNCsize VNCwait VNCpassword Devices GrubRoot
GrubConfig OnFault"

# atf_check runs programs, not shell functions.
CONFDUMP="$(atf_get_srcdir)/confdump"
PTYRUN="$(atf_get_srcdir)/ptyrun"

# Size in bytes and allocated KiB of a file (portable: ls and du).
file_size()
{
	ls -ln "$1" | awk '{ print $5 }'
}
file_kib()
{
	du -k "$1" | awk '{ print $1 }'
}

# The generated identities of VM $1, checked for their form.
vm_uuid()
{
	u=$("$CONFDUMP" "$HOME_DIR/vm/$1/set.conf" | sed -n 's/^UUID=//p')
	echo "$u" | grep -Eq \
	    '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' ||
	    atf_fail "UUID \"$u\" is not a random (v4) UUID"
	echo "$u"
}
vm_serial()
{
	s=$("$CONFDUMP" "$HOME_DIR/vm/$1/set.conf" | sed -n 's/^DiskSerial=//p')
	echo "$s" | grep -Eq '^[A-Z0-9]{20}$' ||
	    atf_fail "DiskSerial \"$s\" is not 20 capitals and digits"
	echo "$s"
}

# bad STATUS STDERR command...: fails as told, prints nothing on stdout
# and changes nothing.
bad()
{
	status=$1
	msg=$2
	shift 2
	kvm_state > before
	atf_check -s "exit:$status" -o empty -e inline:"$msg" "$@" </dev/null
	kvm_state > after
	atf_check cmp before after
}

atf_test_case defaults cleanup
defaults_head()
{
	atf_set descr "create -y: dataset, set.conf with every variable, run, sparse disk, UEFI vars"
	atf_set require.user root
}
defaults_body()
{
	kvm_setup
	atf_check -s exit:0 -o inline:"web: created ($HOME_DIR/vm/web)\n" \
	    -e empty kvm create -y web </dev/null
	atf_check -o inline:"$POOL/kvm/vm\t$HOME_DIR/vm\tyes
$POOL/kvm/vm/web\t$HOME_DIR/vm/web\tyes
" zfs list -H -r -o name,mountpoint,mounted "$POOL/kvm/vm"
	dir=$HOME_DIR/vm/web
	atf_check -o inline:"disk\nrun\nset.conf\nuefi-vars.fd\n" ls "$dir"

	# set.conf: what the C parser reads, and what sh reads.
	uuid=$(vm_uuid web) || exit 1
	serial=$(vm_serial web) || exit 1
	atf_check -o inline:"Cores=1
Topology=
Pin=
Mem=1G
VMrom=uefi
VMoptions=AHPwu
UUID=$uuid
Disk=disk
DiskDriver=nvme
DiskSerial=$serial
Iso=
CloudInit=no
Console=com
Com=
VNCbind=127.0.0.1
VNCport=auto
VNCsize=1024x768
VNCwait=no
VNCpassword=
TPM=
Devices=
Disks=
GrubRoot=
GrubConfig=
LoaderOptions=
OnFault=stop
" "$CONFDUMP" "$dir/set.conf"
	atf_check -o inline:"1|1G|uefi|$uuid|$serial|com|auto\n" sh -c \
	    '. "$1"; echo "$Cores|$Mem|$VMrom|$UUID|$DiskSerial|$Console|$VNCport"' \
	    sh "$dir/set.conf"
	# Each variable is explained in a comment right above it.
	for v in $known_vars; do
		atf_check -o match:"^# $v: " awk -v v="$v" '
		    /^#/ { b = b $0 "\n"; next }
		    $0 ~ "^" v "=" { printf "%s", b }
		    { b = "" }' "$dir/set.conf"
	done
	atf_check -o match:'^# Mem: .*K, M, G or T' cat "$dir/set.conf"
	atf_check -o match:'^# DiskDriver: .*nvme, virtio-blk or$' \
	    cat "$dir/set.conf"
	atf_check -o match:'Default: nvme\.$' cat "$dir/set.conf"
	# The free section and the seed's network example, commented out.
	atf_check -o match:'^# Your own variables\.' cat "$dir/set.conf"
	atf_check -o match:'^#LAN="tapweb"$' cat "$dir/set.conf"
	atf_check -o match:'^#Devices="4,virtio-net,\$LAN,mac=58:9c:fc(:[0-9a-f]{2}){3}"$' \
	    cat "$dir/set.conf"
	atf_check -o match:'^-rw-r--r-- ' ls -l "$dir/set.conf"

	# run: sh syntax, both hooks, both succeed with the hook library.
	atf_check sh -n "$dir/run"
	atf_check -o match:'^preRun\(\)$' cat "$dir/run"
	atf_check -o match:'^postRun\(\)$' cat "$dir/run"
	atf_check -o match:'VM_NAME, VM_DIR, KVM_HOME and KVM_ROOTDIR' \
	    cat "$dir/run"
	atf_check -o match:'VM_EXIT' cat "$dir/run"
	atf_check -s exit:0 -o empty -e empty sh -c 'cd "$1" &&
	    . "$2/functions" && . ./set.conf && . ./run && preRun && postRun' \
	    sh "$dir" "$HOME_DIR"

	# disk: 20G, sparse, private.
	atf_check_equal 21474836480 "$(file_size "$dir/disk")"
	kib=$(file_kib "$dir/disk")
	[ "$kib" -le 64 ] || atf_fail "disk is not sparse: $kib KiB allocated"
	atf_check -o match:'^-rw------- ' ls -l "$dir/disk"

	atf_check cmp "$HOME_DIR/firmware/BHYVE_UEFI_VARS.fd" \
	    "$dir/uefi-vars.fd"
	atf_check -s exit:0 -o empty -e empty kvm check web

	# Identities are random: a second VM gets its own.
	atf_check -o ignore kvm create -y web2 </dev/null
	[ "$(vm_uuid web2)" != "$uuid" ] || atf_fail "same UUID twice"
	[ "$(vm_serial web2)" != "$serial" ] || atf_fail "same serial twice"
}
defaults_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case flags_grub cleanup
flags_grub_head()
{
	atf_set descr "every setting by flag, grub loader: no UEFI vars, ISO stored absolute"
	atf_set require.user root
}
flags_grub_body()
{
	kvm_setup
	mkdir isos
	echo "iso" > isos/boot.iso
	ln -s isos/boot.iso link.iso
	atf_check -s exit:0 -o inline:"web: created ($HOME_DIR/vm/web)\n" \
	    -e empty kvm create -c 4 -m 2g -s 8G -l grub -d virtio-blk \
	    -C com -i link.iso web </dev/null
	dir=$HOME_DIR/vm/web
	atf_check -o inline:"disk\nrun\nset.conf\n" ls "$dir"
	atf_check -o inline:"Cores=4
Topology=
Pin=
Mem=2G
VMrom=grub
VMoptions=AHPwu
UUID=$(vm_uuid web)
Disk=disk
DiskDriver=virtio-blk
DiskSerial=$(vm_serial web)
Iso=$(pwd)/isos/boot.iso
CloudInit=no
Console=com
Com=
VNCbind=127.0.0.1
VNCport=auto
VNCsize=1024x768
VNCwait=no
VNCpassword=
TPM=
Devices=
Disks=
GrubRoot=
GrubConfig=
LoaderOptions=
OnFault=stop
" "$CONFDUMP" "$dir/set.conf"
	atf_check_equal 8589934592 "$(file_size "$dir/disk")"
	atf_check -s exit:0 -o empty -e empty kvm check web
}
flags_grub_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case flags_bhyveload cleanup
flags_bhyveload_head()
{
	atf_set descr "bhyveload with ahci-hd needs no UEFI firmware; vnc with uefi"
	atf_set require.user root
}
flags_bhyveload_body()
{
	kvm_setup
	# Without pinned firmware, only uefi is refused.
	rm -f "$HOME_DIR/firmware/BHYVE_UEFI_CODE.fd"
	atf_check -s exit:0 -o inline:"bsd: created ($HOME_DIR/vm/bsd)\n" \
	    -e empty kvm create -c 1 -m 256M -s 1T -l bhyveload -d ahci-hd \
	    -C com bsd </dev/null
	atf_check -o inline:"disk\nrun\nset.conf\n" ls "$HOME_DIR/vm/bsd"
	"$CONFDUMP" "$HOME_DIR/vm/bsd/set.conf" > dump
	atf_check -o inline:"Cores=1\nTopology=\nPin=\nMem=256M\nVMrom=bhyveload\n" \
	    head -5 dump
	atf_check -o inline:"DiskDriver=ahci-hd\n" grep '^DiskDriver=' dump
	atf_check -o inline:"Iso=\n" grep '^Iso=' dump
	atf_check_equal 1099511627776 "$(file_size "$HOME_DIR/vm/bsd/disk")"
	atf_check -s exit:0 -o empty -e empty kvm check bsd

	cp root/usr/local/share/uefi-firmware/BHYVE_UEFI_CODE.fd \
	    "$HOME_DIR/firmware/"
	atf_check -s exit:0 -o inline:"win: created ($HOME_DIR/vm/win)\n" \
	    -e empty kvm create -y -C vnc -c 2 win </dev/null
	"$CONFDUMP" "$HOME_DIR/vm/win/set.conf" > dump
	atf_check -o inline:"Console=vnc\n" grep '^Console=' dump
	atf_check -o inline:"VMrom=uefi\n" grep '^VMrom=' dump
	atf_check -o inline:"disk\nrun\nset.conf\nuefi-vars.fd\n" \
	    ls "$HOME_DIR/vm/win"
	atf_check -s exit:0 -o empty -e empty kvm check win
}
flags_bhyveload_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case interactive cleanup
interactive_head()
{
	atf_set descr "on a terminal the missing settings are asked, with defaults, and bad answers asked again"
	atf_set require.user root
}
interactive_body()
{
	kvm_setup
	echo "iso" > my.iso
	cat > script <<'EOF'
expect Cores (1-255) [1]:
send 300
expect Cores (1-255) [1]:
send 2
expect Memory [1G]:
send 512
expect Memory [1G]:
send 512m
expect Disk size [20G]:
send
expect Loader (uefi, grub, bhyveload) [uefi]:
send
expect Disk driver (nvme, virtio-blk, ahci-hd) [nvme]:
send ahci-hd
expect Console (vnc, com) [com]:
send vnc
expect ISO image [none]:
send nothere.iso
expect ISO image [none]:
send my.iso
expect Network: tap for the guest, e.g. tap0 [none]:
send
expect created
EOF
	atf_check -s exit:0 -e empty -o inline:"Cores (1-255) [1]: 300
kvm: web: cores must be a whole number from 1 to 255
Cores (1-255) [1]: 2
Memory [1G]: 512
kvm: web: memory needs a unit (K, M, G or T)
Memory [1G]: 512m
Disk size [20G]: 
Loader (uefi, grub, bhyveload) [uefi]: 
Disk driver (nvme, virtio-blk, ahci-hd) [nvme]: ahci-hd
Console (vnc, com) [com]: vnc
ISO image [none]: nothere.iso
kvm: web: ISO nothere.iso: No such file or directory
ISO image [none]: my.iso
Network: tap for the guest, e.g. tap0 [none]: 
web: created ($HOME_DIR/vm/web)
" "$PTYRUN" script -- kvm create web
	"$CONFDUMP" "$HOME_DIR/vm/web/set.conf" > dump
	atf_check -o inline:"Cores=2\nTopology=\nPin=\nMem=512M\nVMrom=uefi\n" \
	    head -5 dump
	atf_check -o inline:"DiskDriver=ahci-hd\n" grep '^DiskDriver=' dump
	atf_check -o inline:"Iso=$(pwd)/my.iso\n" grep '^Iso=' dump
	atf_check -o inline:"Console=vnc\n" grep '^Console=' dump
	atf_check_equal 21474836480 "$(file_size "$HOME_DIR/vm/web/disk")"
	atf_check -s exit:0 -o empty -e empty kvm check web
}
interactive_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case interactive_some cleanup
interactive_some_head()
{
	atf_set descr "only what no flag gave is asked; a loader clashing with -C vnc is asked again; -y never asks"
	atf_set require.user root
}
interactive_some_body()
{
	kvm_setup
	cat > script <<'EOF'
expect Disk size [20G]:
send 1G
expect Loader (uefi, grub, bhyveload) [uefi]:
send grub
expect Loader (uefi, grub, bhyveload) [uefi]:
send
expect ISO image [none]:
send
expect Network: tap for the guest, e.g. tap0 [none]:
send
expect created
EOF
	atf_check -s exit:0 -e empty -o inline:"Disk size [20G]: 1G
Loader (uefi, grub, bhyveload) [uefi]: grub
kvm: web: console vnc needs the uefi loader
Loader (uefi, grub, bhyveload) [uefi]: 
ISO image [none]: 
Network: tap for the guest, e.g. tap0 [none]: 
web: created ($HOME_DIR/vm/web)
" "$PTYRUN" script -- kvm create -c 1 -m 1G -d nvme -C vnc web
	atf_check_equal 1073741824 "$(file_size "$HOME_DIR/vm/web/disk")"

	# Everything needed given, or -y: nothing is asked on a terminal.
	: > empty
	atf_check -s exit:0 -e empty -o inline:"a: created ($HOME_DIR/vm/a)\n" \
	    "$PTYRUN" empty -- kvm create -c 1 -m 1G -s 1G -l grub -d nvme \
	    -C com a
	atf_check -s exit:0 -e empty -o inline:"b: created ($HOME_DIR/vm/b)\n" \
	    "$PTYRUN" empty -- kvm create -y b
}
interactive_some_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case interactive_eof cleanup
interactive_eof_head()
{
	atf_set descr "end of input at a question aborts with nothing created"
	atf_set require.user root
}
interactive_eof_body()
{
	kvm_setup
	cat > script <<'EOF'
expect Cores (1-255) [1]:
send 2
expect Memory [1G]:
sendeof
expect aborted
EOF
	kvm_state > before
	atf_check -s exit:1 -e empty -o inline:"Cores (1-255) [1]: 2
Memory [1G]: 
kvm: web: aborted, nothing created
" "$PTYRUN" script -- kvm create web
	kvm_state > after
	atf_check cmp before after
}
interactive_eof_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case no_terminal cleanup
no_terminal_head()
{
	atf_set descr "without a terminal and without -y, each missing setting is an error naming its flag"
	atf_set require.user root
}
no_terminal_body()
{
	kvm_setup
	bad 1 "kvm: web: no memory size given (use -m, or -y for the default)
" kvm create -c 1 -s 1G -l uefi -d nvme -C com web
	bad 1 "kvm: web: no number of cores given (use -c, or -y for the default)
kvm: web: no memory size given (use -m, or -y for the default)
kvm: web: no disk size given (use -s, or -y for the default)
kvm: web: no loader given (use -l, or -y for the default)
kvm: web: no disk driver given (use -d, or -y for the default)
kvm: web: no console given (use -C, or -y for the default)
" kvm create web
	# The ISO is optional: everything else given is enough.
	atf_check -s exit:0 -e empty -o inline:"web: created ($HOME_DIR/vm/web)\n" \
	    kvm create -c 1 -m 1G -s 1G -l uefi -d nvme -C com web </dev/null
}
no_terminal_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case failure_zfs cleanup
failure_zfs_head()
{
	atf_set descr "zfs failing before or after the dataset is made leaves nothing behind"
	atf_set require.user root
}
failure_zfs_body()
{
	kvm_setup
	mkdir -p root/sim
	echo "zfs create $POOL/kvm/vm/web" > root/sim/fail
	bad 1 "kvm: zfs: simulated failure\n" kvm create -y web
	# After the dataset: reading its mountpoint fails, it is destroyed.
	echo "zfs get mounted $POOL/kvm/vm/web" > root/sim/fail
	bad 1 "kvm: zfs: simulated failure\n" kvm create -y web
	rm root/sim/fail
	atf_check -o ignore kvm create -y web </dev/null
}
failure_zfs_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case failure_disk cleanup
failure_disk_head()
{
	atf_set descr "a disk that cannot be made removes the new dataset"
	atf_set require.user root
}
failure_disk_body()
{
	kvm_setup
	# A file size limit makes ftruncate fail with EFBIG.
	bad 1 "kvm: $HOME_DIR/vm/web/disk: File too large\n" \
	    sh -c 'trap "" XFSZ; ulimit -f 1024; exec kvm create -y web'
	atf_check -o inline:"$POOL/kvm/vm\n" zfs list -H -r -o name \
	    "$POOL/kvm/vm"
}
failure_disk_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case failure_undo cleanup
failure_undo_head()
{
	atf_set descr "when the new dataset cannot be removed either, create says" \
	    "how to remove it, and the next command removes it (its journal)"
	atf_set require.user root
}
failure_undo_body()
{
	kvm_setup
	mkdir -p root/sim
	printf 'zfs get mounted\nzfs destroy\n' > root/sim/fail
	atf_check -s exit:1 -o empty -e inline:"kvm: zfs: simulated failure
kvm: zfs: simulated failure
kvm: web: could not remove $POOL/kvm/vm/web: run zfs destroy -r $POOL/kvm/vm/web
" kvm create -y web </dev/null
	rm root/sim/fail
	# No set.conf was written: it is no VM; the intent journal left
	# behind has the next command remove the dataset.
	atf_check -s exit:1 -e inline:"kvm: web: undid an interrupted create
kvm: web: no such VM
" kvm check web
	atf_check -s exit:1 -o empty -e ignore \
	    zfs list -H -o name "$POOL/kvm/vm/web"
	atf_check -s exit:1 test -e "$HOME_DIR/vm/web"
	atf_check -o ignore -e empty kvm create -y web
}
failure_undo_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case insert_eject cleanup
insert_eject_head()
{
	atf_set descr "insert and eject change only the Iso line of set.conf"
	atf_set require.user root
}
insert_eject_body()
{
	kvm_setup
	atf_check -o ignore kvm create -y web </dev/null
	conf=$HOME_DIR/vm/web/set.conf
	# The user's own lines must survive.
	printf '# my network\nLAN="tap7"  # my tap\n' >> "$conf"
	chmod 640 "$conf"
	cp "$conf" orig
	line=$(grep -n '^Iso=' orig | cut -d: -f1)
	mkdir isos
	echo "iso" > isos/a.iso
	atf_check -s exit:0 -e empty \
	    -o inline:"web: inserted $(pwd)/isos/a.iso\n" \
	    kvm insert web isos/a.iso
	atf_check -s exit:1 -o inline:"${line}c${line}
< Iso=\"\"
---
> Iso=\"$(pwd)/isos/a.iso\"
" diff orig "$conf"
	atf_check -o match:'^-rw-r----- ' ls -l "$conf"
	atf_check -s exit:0 -o empty -e empty kvm check web

	# Another ISO replaces it; a path with sh's special characters is
	# quoted so that sh and kvm read it alike.
	echo "iso" > 'isos/b $x`".iso'
	atf_check -s exit:0 -e empty \
	    -o inline:"web: inserted $(pwd)/isos/b \$x\`\".iso\n" \
	    kvm insert web 'isos/b $x`".iso'
	atf_check -o inline:"Iso=$(pwd)/isos/b \$x\`\".iso\n" \
	    sh -c '"$1" "$2" | grep "^Iso="' sh "$CONFDUMP" "$conf"
	atf_check -o inline:"$(pwd)/isos/b \$x\`\".iso\n" \
	    sh -c '. "$1"; printf "%s\n" "$Iso"' sh "$conf"

	atf_check -s exit:0 -e empty \
	    -o inline:"web: ejected $(pwd)/isos/b \$x\`\".iso\n" \
	    kvm eject web
	atf_check cmp orig "$conf"

	# The seed's names work too.
	atf_check -o inline:"web: inserted $(pwd)/isos/a.iso\n" \
	    "$HOME_DIR/insert" web isos/a.iso
	atf_check -o inline:"web: ejected $(pwd)/isos/a.iso\n" \
	    "$HOME_DIR/eject" web
	atf_check cmp orig "$conf"
}
insert_eject_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case seed_name cleanup
seed_name_head()
{
	atf_set descr "the seed's vmcreate name runs create"
	atf_set require.user root
}
seed_name_body()
{
	kvm_setup
	atf_check -s exit:0 -o inline:"web: created ($HOME_DIR/vm/web)\n" \
	    -e empty "$HOME_DIR/vmcreate" -y web </dev/null
	atf_check -o inline:"$POOL/kvm/vm/web\n" zfs list -H -o name \
	    "$POOL/kvm/vm/web"
}
seed_name_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case bad_create cleanup
bad_create_head()
{
	atf_set descr "bad names and values: exact message, status, nothing changed"
	atf_set require.user root
}
bad_create_body()
{
	kvm_setup
	atf_check -o ignore kvm create -y web </dev/null
	usage="usage: kvm create [-y] [-c cores] [-m mem] [-s disksize] [-l loader] [-d driver] [-C vnc|com] [-i iso] [-n tap[,bridge[,uplink]]] [-I image [-u user-data | -k keyfile]] name\n"
	long=abcdefghijabcdefghijabcdefghij12

	bad 1 "kvm: $long: name is longer than 31 characters\n" \
	    kvm create -y "$long"
	bad 1 "kvm: we/b: name may only contain letters, digits, '.', '_' and '-'\n" \
	    kvm create -y we/b
	bad 1 "kvm: w b: name may only contain letters, digits, '.', '_' and '-'\n" \
	    kvm create -y "w b"
	bad 1 "kvm: -web: name must start with a letter or a digit\n" \
	    kvm create -y -- -web
	bad 1 "kvm: : name is empty\n" kvm create -y ""
	bad 2 "$usage" kvm create -y -web
	bad 2 "$usage" kvm create -y new extra
	bad 2 "$usage" kvm create -y
	bad 2 "$usage" kvm create -x new
	bad 2 "$usage" kvm create -y new -m
	bad 1 "kvm: web: already exists\n" kvm create -y web
	bad 1 "kvm: web: already exists\n" kvm create -y -m 8 web

	bad 1 "kvm: new: memory needs a unit (K, M, G or T)\n" \
	    kvm create -y -m 8 new
	bad 1 "kvm: new: memory must be a whole number; use a smaller unit, e.g. 1536M for 1.5G\n" \
	    kvm create -y -m 1.5G new
	bad 1 "kvm: new: memory must be greater than zero\n" \
	    kvm create -y -m 0G new
	bad 1 "kvm: new: memory must be a multiple of 4K\n" \
	    kvm create -y -m 6K new
	bad 1 "kvm: new: memory has an unknown unit \"GB\" (K, M, G or T)\n" \
	    kvm create -y -m 1GB new
	bad 1 "kvm: new: disk size needs a unit (K, M, G or T)\n" \
	    kvm create -y -s 20 new
	bad 1 "kvm: new: disk size must be greater than zero\n" \
	    kvm create -y -s 0G new
	bad 1 "kvm: new: disk size is too large\n" \
	    kvm create -y -s 8388608T new
	bad 1 "kvm: new: cores must be a whole number from 1 to 255\n" \
	    kvm create -y -c 0 new
	bad 1 "kvm: new: cores must be a whole number from 1 to 255\n" \
	    kvm create -y -c 256 new
	bad 1 "kvm: new: cores must be a whole number from 1 to 255\n" \
	    kvm create -y -c two new
	bad 1 "kvm: new: loader must be uefi, grub or bhyveload, not \"lilo\"\n" \
	    kvm create -y -l lilo new
	bad 1 "kvm: new: disk driver must be nvme, virtio-blk or ahci-hd, not \"scsi\"\n" \
	    kvm create -y -d scsi new
	bad 1 "kvm: new: console must be vnc or com, not \"serial\"\n" \
	    kvm create -y -C serial new
	bad 1 "kvm: new: console vnc needs the uefi loader\n" \
	    kvm create -y -l grub -C vnc new
	bad 1 "kvm: new: console vnc needs the uefi loader\n" \
	    kvm create -y -C vnc -l bhyveload new

	rm -f "$HOME_DIR/firmware/BHYVE_UEFI_VARS.fd"
	bad 1 "kvm: new: the uefi loader needs $HOME_DIR/firmware/BHYVE_UEFI_VARS.fd (install edk2-bhyve, then run kvm install again)\n" \
	    kvm create -y new
	rm root/usr/local/etc/kvm.conf
	bad 1 "kvm: not installed (no $(pwd)/root/usr/local/etc/kvm.conf): run kvm install\n" \
	    kvm create -y new
}
bad_create_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case bad_iso cleanup
bad_iso_head()
{
	atf_set descr "ISO images that do not exist, are directories or hold a comma are refused"
	atf_set require.user root
}
bad_iso_body()
{
	kvm_setup
	atf_check -o ignore kvm create -y web </dev/null
	mkdir dir.iso
	echo "iso" > a,b.iso
	bad 1 "kvm: new: ISO nothere.iso: No such file or directory\n" \
	    kvm create -y -i nothere.iso new
	bad 1 "kvm: new: ISO dir.iso: not a regular file or a device\n" \
	    kvm create -y -i dir.iso new
	bad 1 "kvm: new: ISO path \"$(pwd)/a,b.iso\" contains ',', which bhyve reads as an option separator\n" \
	    kvm create -y -i a,b.iso new
	bad 1 "kvm: web: ISO nothere.iso: No such file or directory\n" \
	    kvm insert web nothere.iso
	bad 1 "kvm: web: ISO dir.iso: not a regular file or a device\n" \
	    kvm insert web dir.iso
	bad 1 "kvm: web: ISO path \"$(pwd)/a,b.iso\" contains ',', which bhyve reads as an option separator\n" \
	    kvm insert web a,b.iso
	bad 1 "kvm: web: no ISO given (use kvm eject to remove one)\n" \
	    kvm insert web ""
}
bad_iso_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case bad_insert_eject cleanup
bad_insert_eject_head()
{
	atf_set descr "insert and eject: unknown VM, bad names, operands, nothing inserted"
	atf_set require.user root
}
bad_insert_eject_body()
{
	kvm_setup
	atf_check -o ignore kvm create -y web </dev/null
	echo "iso" > a.iso
	bad 1 "kvm: nope: no such VM\n" kvm insert nope a.iso
	bad 1 "kvm: nope: no such VM\n" kvm eject nope
	bad 1 "kvm: we/b: name may only contain letters, digits, '.', '_' and '-'\n" \
	    kvm insert we/b a.iso
	bad 1 "kvm: -web: name must start with a letter or a digit\n" \
	    kvm eject -- -web
	bad 2 "usage: kvm insert name iso\n" kvm insert web
	bad 2 "usage: kvm insert name iso\n" kvm insert web a.iso extra
	bad 2 "usage: kvm insert name iso\n" kvm insert -f web a.iso
	bad 2 "usage: kvm eject name\n" kvm eject
	bad 2 "usage: kvm eject name\n" kvm eject web extra
	bad 1 "kvm: web: no ISO inserted\n" kvm eject web
	# A broken set.conf is reported, not rewritten.
	echo 'Cores=$(echo 2)' >> "$HOME_DIR/vm/web/set.conf"
	n=$(wc -l < "$HOME_DIR/vm/web/set.conf" | tr -d ' ')
	bad 1 "kvm: $HOME_DIR/vm/web/set.conf:$n: command substitution is not allowed\n" \
	    kvm insert web a.iso
}
bad_insert_eject_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case defaults
	atf_add_test_case flags_grub
	atf_add_test_case flags_bhyveload
	atf_add_test_case interactive
	atf_add_test_case interactive_some
	atf_add_test_case interactive_eof
	atf_add_test_case no_terminal
	atf_add_test_case failure_zfs
	atf_add_test_case failure_disk
	atf_add_test_case failure_undo
	atf_add_test_case insert_eject
	atf_add_test_case seed_name
	atf_add_test_case bad_create
	atf_add_test_case bad_iso
	atf_add_test_case bad_insert_eject
}
