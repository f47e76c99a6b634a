#! /usr/bin/env atf-sh
# Integration tests of "kvm install" on a real (zfs-fuse) pool.

. "$(atf_get_srcdir)/lib.sh"

seed_links="kvminst vmcreate insert eject start stop status vminfo vmlist
vmrename vmdestroy snap dorc"

atf_test_case fresh cleanup
fresh_head()
{
	atf_set descr "install lays out datasets, files, links and kvm.conf"
	atf_set require.user root
}
fresh_body()
{
	kvm_setup noinstall
	mkdir -p root/usr/local/sbin
	printf '#!/bin/sh\n' > root/usr/local/sbin/grub-bhyve
	atf_check -s exit:0 -o inline:"created $POOL/kvm
created $POOL/kvm/vm
pinned $HOME_DIR/firmware/BHYVE_UEFI_CODE.fd
pinned $HOME_DIR/firmware/BHYVE_UEFI_VARS.fd
pinned $HOME_DIR/firmware/grub-bhyve
kvm home: $HOME_DIR
" -e empty kvm install "$POOL"
	atf_check -o inline:"$POOL/kvm\t$HOME_DIR\tyes
$POOL/kvm/vm\t$HOME_DIR/vm\tyes
" zfs list -H -r -o name,mountpoint,mounted "$POOL/kvm"
	atf_check -o inline:"# written by kvm install; see kvm.conf(5)
kvm_pool=\"$POOL\"
kvm_dataset=\"$POOL/kvm\"
kvm_home=\"$HOME_DIR\"
" cat root/usr/local/etc/kvm.conf
	kvm=$(kvm_bin)
	for l in $seed_links; do
		atf_check -o inline:"$kvm\n" readlink "$HOME_DIR/$l"
	done
	atf_check -o inline:"CODE\n" cat "$HOME_DIR/firmware/BHYVE_UEFI_CODE.fd"
	atf_check -o inline:"VARS\n" cat "$HOME_DIR/firmware/BHYVE_UEFI_VARS.fd"
	atf_check -o inline:"#!/bin/sh\n" cat "$HOME_DIR/firmware/grub-bhyve"
	atf_check cmp "$HOME_DIR/functions" "$(kvm_functions_file)"
	atf_check -o match:'^-r--r--r-- ' ls -l "$HOME_DIR/firmware/BHYVE_UEFI_CODE.fd"
	atf_check -o match:'^-r-xr-xr-x ' ls -l "$HOME_DIR/firmware/grub-bhyve"
}
fresh_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case idempotent cleanup
idempotent_head()
{
	atf_set descr "a second install changes nothing and keeps pinned copies"
	atf_set require.user root
}
idempotent_body()
{
	kvm_setup
	echo "patched" > root/usr/local/share/uefi-firmware/BHYVE_UEFI_CODE.fd
	touch "$HOME_DIR/vm/keep"
	kvm_state > before
	atf_check -s exit:0 -o inline:"kvm home: $HOME_DIR\n" -e empty \
	    kvm install "$POOL"
	kvm_state > after
	atf_check cmp before after
	atf_check -o inline:"CODE\n" cat "$HOME_DIR/firmware/BHYVE_UEFI_CODE.fd"
}
idempotent_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case seed_name cleanup
seed_name_head()
{
	atf_set descr "the seed's kvminst name runs install"
	atf_set require.user root
}
seed_name_body()
{
	kvm_setup noinstall
	ln -s "$(kvm_bin)" kvminst
	atf_check -s exit:0 -o match:"^kvm home: $HOME_DIR\$" ./kvminst "$POOL"
	atf_check -o inline:"$POOL/kvm\n$POOL/kvm/vm\n" \
	    zfs list -H -r -o name "$POOL/kvm"
}
seed_name_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case no_such_pool cleanup
no_such_pool_head()
{
	atf_set descr "install on a missing pool fails and creates nothing"
	atf_set require.user root
}
no_such_pool_body()
{
	kvm_setup noinstall
	kvm_state > before
	atf_check -s exit:1 -o empty -e inline:"kvm: nopool: no such pool\n" \
	    kvm install nopool
	kvm_state > after
	atf_check cmp before after
	atf_check -s exit:1 test -e root/usr/local/etc/kvm.conf
}
no_such_pool_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case usage cleanup
usage_head()
{
	atf_set descr "extra operands and no pool without a terminal are usage errors"
	atf_set require.user root
}
usage_body()
{
	kvm_setup noinstall
	atf_check -s exit:2 -e inline:"usage: kvm install [pool]\n" \
	    kvm install a b
	atf_check -s exit:2 -e inline:"usage: kvm install [pool]\n" \
	    kvm install </dev/null
	atf_check -s exit:2 -e match:"^usage: kvm install" kvm install -x "$POOL"
	atf_check -o inline:"$POOL\n" zfs list -H -r -o name "$POOL"
}
usage_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case failure_rolls_back cleanup
failure_rolls_back_head()
{
	atf_set descr "a failure after the datasets were made removes them"
	atf_set require.user root
}
failure_rolls_back_body()
{
	kvm_setup noinstall
	# kvm.conf's directory cannot be made: a file stands in the way.
	rm -rf root/usr/local/etc
	echo x > root/usr/local/etc
	atf_check -s exit:1 -o ignore \
	    -e inline:"kvm: $(pwd)/root/usr/local/etc: Not a directory\n" \
	    kvm install "$POOL"
	atf_check -o inline:"$POOL\n" zfs list -H -r -o name "$POOL"
	rm root/usr/local/etc
	mkdir root/usr/local/etc
	# zfs refuses the second dataset: the first one goes too.
	mkdir -p root/sim
	echo "zfs create $POOL/kvm/vm" > root/sim/fail
	atf_check -s exit:1 -o inline:"created $POOL/kvm\n" \
	    -e inline:"kvm: zfs: simulated failure\n" kvm install "$POOL"
	atf_check -o inline:"$POOL\n" zfs list -H -r -o name "$POOL"
	atf_check -s exit:1 test -e root/usr/local/etc/kvm.conf
}
failure_rolls_back_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case host_rc cleanup
host_rc_head()
{
	atf_set descr "install writes the host rc.d script; a foreign" \
	    "rc.d/kvm is refused and the install undone"
	atf_set require.user root
}
host_rc_body()
{
	kvm_setup noinstall
	f=root/usr/local/etc/rc.d/kvm
	mkdir -p root/usr/local/etc/rc.d
	printf '#!/bin/sh\n# PROVIDE: kvm\n' > "$f"
	atf_check -s exit:1 -o ignore \
	    -e inline:"kvm: $(pwd)/$f exists and is not kvm's host script\n" \
	    kvm install "$POOL"
	atf_check -o inline:"$POOL\n" zfs list -H -r -o name "$POOL"
	atf_check -s exit:1 test -e root/usr/local/etc/kvm.conf
	atf_check -o inline:"#!/bin/sh\n# PROVIDE: kvm\n" cat "$f"
	rm "$f"
	atf_check -o ignore -e empty kvm install "$POOL"
	atf_check -o inline:"# kvm host rc.d script\n" grep '^# kvm host' "$f"
	atf_check -o match:'^-r-xr-xr-x ' ls -l "$f"
	# A second install rewrites it.
	cp "$f" before
	atf_check -o ignore -e empty kvm install "$POOL"
	atf_check cmp before "$f"
}
host_rc_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case fresh
	atf_add_test_case host_rc
	atf_add_test_case idempotent
	atf_add_test_case seed_name
	atf_add_test_case no_such_pool
	atf_add_test_case usage
	atf_add_test_case failure_rolls_back
}
