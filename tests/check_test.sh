#! /usr/bin/env atf-sh
# Integration tests of "kvm check": reads set.conf and run, reports
# problems as FILE:LINE: message, changes nothing.

. "$(atf_get_srcdir)/lib.sh"

# mkvm NAME [set.conf lines...]: a VM made by hand, the way a user could.
mkvm()
{
	name=$1
	shift
	zfs create "$POOL/kvm/vm/$name" || atf_fail "zfs create $name"
	dir="$HOME_DIR/vm/$name"
	{
		echo 'Cores="1"'
		echo 'Mem="256M"'
		echo 'VMrom="uefi"'
		for l in "$@"; do
			echo "$l"
		done
	} > "$dir/set.conf"
	printf 'preRun()\n{\n\t:\n}\n\npostRun()\n{\n\t:\n}\n' > "$dir/run"
	truncate -s 1G "$dir/disk"
	cp "$HOME_DIR/firmware/BHYVE_UEFI_VARS.fd" "$dir/uefi-vars.fd"
}

atf_test_case good cleanup
good_head()
{
	atf_set descr "a sound VM passes silently, alone or among all"
	atf_set require.user root
}
good_body()
{
	kvm_setup
	mkvm web
	mkvm db 'Cores="2"' 'LAN="tap7"' 'Devices="4,virtio-net,$LAN"'
	atf_check -s exit:0 -o empty -e empty kvm check web
	atf_check -s exit:0 -o empty -e empty kvm check
	atf_check -s exit:0 -o empty -e empty kvm check db web
}
good_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case problems cleanup
problems_head()
{
	atf_set descr "each kind of problem is reported with its file and line"
	atf_set require.user root
}
problems_body()
{
	kvm_setup
	mkvm web
	conf="$HOME_DIR/vm/web/set.conf"
	run="$HOME_DIR/vm/web/run"
	echo 'Mem="8"' >> "$conf"
	kvm_state > before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: $conf:4: Mem needs a unit (K, M, G or T)\n" \
	    kvm check web
	sed -i '4d' "$conf"
	echo 'Mem=$(echo 1G)' >> "$conf"
	atf_check -s exit:1 -o empty -e match:"^kvm: $conf:4: " kvm check web
	sed -i '4d' "$conf"
	echo 'Memm="1G"' >> "$conf"
	atf_check -s exit:0 -o empty -e inline:"kvm: $conf:4: warning: Memm is not a kvm variable (did you mean Mem?)\n" \
	    kvm check web
	sed -i '4d' "$conf"
	rm "$HOME_DIR/vm/web/disk"
	atf_check -s exit:1 -o empty -e match:"^kvm: web: .*disk.*No such file or directory\$" \
	    kvm check web
	truncate -s 1G "$HOME_DIR/vm/web/disk"
	printf 'preRun()\n{\n\t:\n}\n' > "$run"
	atf_check -s exit:1 -o empty -e inline:"kvm: $run: postRun is not defined\n" \
	    kvm check web
	printf 'preRun()\n{\n\tif true; then\n}\npostRun()\n{\n:\n}\n' > "$run"
	atf_check -s exit:1 -o empty -e match:"^kvm: $run:4: Syntax error" \
	    kvm check web
}
problems_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case every_error cleanup
every_error_head()
{
	atf_set descr "every bad setting of one set.conf is reported, not only the first"
	atf_set require.user root
}
every_error_body()
{
	kvm_setup
	mkvm web 'DiskDriver="scsi"' 'OnFault="again"' 'Devices="2,virtio-rnd"'
	conf="$HOME_DIR/vm/web/set.conf"
	sed -i 's/^Cores="1"$/Cores="zero"/; s/^Mem="256M"$/Mem="8"/' "$conf"
	kvm_state > before
	atf_check -s exit:1 -o empty -e inline:"\
kvm: $conf:1: Cores must be a whole number from 1 to 255
kvm: $conf:2: Mem needs a unit (K, M, G or T)
kvm: $conf:4: DiskDriver must be nvme, virtio-blk or ahci-hd, not \"scsi\"
kvm: $conf:6: Devices entry \"2,virtio-rnd\": slot 2 is reserved for the main disk
kvm: $conf:5: OnFault must be stop or restart, not \"again\"
" kvm check web
	kvm_state > after
	atf_check cmp before after
}
every_error_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case all_reported cleanup
all_reported_head()
{
	atf_set descr "check with no name checks every VM and fails if one is bad"
	atf_set require.user root
}
all_reported_body()
{
	kvm_setup
	mkvm a
	mkvm b 'Cores="zero"'
	mkvm c
	atf_check -s exit:1 -o empty -e match:"^kvm: $HOME_DIR/vm/b/set.conf:4: " \
	    kvm check
}
all_reported_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case bad_input cleanup
bad_input_head()
{
	atf_set descr "unknown VMs, bad names, not installed"
	atf_set require.user root
}
bad_input_body()
{
	kvm_setup
	mkvm web
	kvm_state > before
	atf_check -s exit:1 -o empty -e inline:"kvm: nosuch: no such VM\n" \
	    kvm check nosuch
	atf_check -s exit:1 -o empty -e match:"^kvm: -x: " kvm check -- -x
	atf_check -s exit:2 -o empty -e inline:"usage: kvm check [name ...]\n" \
	    kvm check -q
	kvm_state > after
	atf_check cmp before after
	rm root/usr/local/etc/kvm.conf
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: not installed (no $(pwd)/root/usr/local/etc/kvm.conf): run kvm install\n" \
	    kvm check web
}
bad_input_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case good
	atf_add_test_case problems
	atf_add_test_case every_error
	atf_add_test_case all_reported
	atf_add_test_case bad_input
}
