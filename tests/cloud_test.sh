#! /usr/bin/env atf-sh
# Integration tests of cloud images (kvm create -I, -u, -k) and their
# cloud-init NoCloud seed: the disk made from a raw or qcow2 image, the
# seed ISO read back file by file (isoinfo, from genisoimage), the seed
# at slot 28 of the simulated bhyve, its rebuild by start, and bad
# input refused with nothing created.

# shellcheck source=/dev/null
. "$(atf_get_srcdir)/lib.sh"
# shellcheck source=/dev/null
. "$(atf_get_srcdir)/vm.sh"

KEY="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHkvbmZha2VrZXlmb3J0ZXN0cw admin@host"

# An image of 3 MiB: data, a zero MiB (a hole in the copy), data.
mkimage()
{
	{
		printf 'BOOT'
		dd if=/dev/zero bs=1024 count=1020 2>/dev/null
		printf 'DATA'
		dd if=/dev/zero bs=1024 count=1024 2>/dev/null
		dd if=/dev/urandom bs=1024 count=1024 2>/dev/null
	} > "$1"
}

need_iso_tools()
{
	command -v isoinfo >/dev/null 2>&1 ||
	    atf_skip "needs isoinfo (genisoimage) to read the seed back"
	command -v makefs >/dev/null 2>&1 || atf_skip "needs makefs"
}

# iso_file ISO NAME: the file NAME of the ISO, read from the ISO itself.
iso_file()
{
	isoinfo -R -i "$1" -x "/$2"
}

# iso_check ISO NAME TEXT: the ISO's file NAME is TEXT (atf's inline:).
iso_check()
{
	iso_file "$1" "$2" > "iso.$2" || atf_fail "cannot read $2 of $1"
	atf_check -o inline:"$3" cat "iso.$2"
}

uuid_of()
{
	sed -n 's/^UUID="\(.*\)"$/\1/p' "$HOME_DIR/vm/$1/set.conf"
}

# size_is FILE BYTES
size_is()
{
	_s=$(wc -c < "$1" | tr -d ' ')
	[ "$_s" = "$2" ] || atf_fail "$1 has $_s bytes, not $2"
}

atf_test_case raw cleanup
raw_head()
{
	atf_set descr "create -I raw -k: the image is the disk, grown to -s; the seed holds meta-data and the key's user-data"
	atf_set require.user root
}
raw_body()
{
	need_iso_tools
	kvm_setup
	mkimage img.raw
	echo "$KEY" > key.pub
	dir=$HOME_DIR/vm/web
	atf_check -s exit:0 -o inline:"web: created ($dir)\n" -e empty \
	    kvm create -y -m 256M -s 64M -I "$(pwd)/img.raw" -k key.pub web
	size_is "$dir/disk" 67108864
	atf_check cmp -n "$(wc -c < img.raw)" img.raw "$dir/disk"
	atf_check -o inline:'CloudInit="yes"\n' grep '^CloudInit=' \
	    "$dir/set.conf"
	uuid=$(uuid_of web)
	atf_check -o match:"^Volume id: CIDATA$" isoinfo -d -i "$dir/cidata.iso"
	iso_check "$dir/cidata.iso" meta-data "instance-id: iid-$uuid\nlocal-hostname: web\n"
	iso_check "$dir/cidata.iso" user-data "#cloud-config\nssh_authorized_keys:\n  - \"$KEY\"\n"
	# No NIC with a known MAC: no network-config, cloud-init's fallback.
	atf_check -o not-match:network-config isoinfo -R -f -i "$dir/cidata.iso"
	atf_check -o match:"^cloud-init: +$dir/cidata.iso \(hostname web, instance-id iid-$uuid\)$" \
	    kvm info web
	atf_check -o match:"\"cloud_init\":\{\"iso\":\"$dir/cidata.iso\",\"hostname\":\"web\",\"instance_id\":\"iid-$uuid\",\"stale\":false\}" \
	    kvm info -j web
	kvm_guest web "poweroff 0.1"
	atf_check -s exit:0 -o save:out -e empty kvm start web
	atf_check -o match:" -s 28,ahci-cd,$dir/cidata.iso,ro " cat out
	atf_check -o not-match:"seed built" cat out
}
raw_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case userdata cleanup
userdata_head()
{
	atf_set descr "create -I -u: user-data reaches the seed byte for byte; without -s the disk keeps the default size"
	atf_set require.user root
}
userdata_body()
{
	need_iso_tools
	kvm_setup
	mkimage img.raw
	printf '#cloud-config\npassword: "a \\"b\\" c"\n\tchpasswd: { expire: False }\n# no newline at the end' > ud
	dir=$HOME_DIR/vm/web
	atf_check -s exit:0 -o ignore -e empty \
	    kvm create -y -m 256M -I "$(pwd)/img.raw" -u ud web
	size_is "$dir/disk" 21474836480
	iso_file "$dir/cidata.iso" user-data > got
	atf_check cmp ud got
	iso_check "$dir/cidata.iso" meta-data "instance-id: iid-$(uuid_of web)\nlocal-hostname: web\n"
}
userdata_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case qcow2 cleanup
qcow2_head()
{
	atf_set descr "create -I with a qcow2 image: converted by qemu-img, its virtual size kept when larger than the default"
	atf_set require.user root
}
qcow2_body()
{
	need_iso_tools
	command -v qemu-img >/dev/null 2>&1 || atf_skip "needs qemu-img"
	kvm_setup
	mkimage img.raw
	atf_check qemu-img convert -q -f raw -O qcow2 img.raw img.qcow2
	atf_check qemu-img resize -q img.qcow2 21G
	dir=$HOME_DIR/vm/web
	atf_check -s exit:0 -o ignore -e empty \
	    kvm create -y -m 256M -I "$(pwd)/img.qcow2" web
	size_is "$dir/disk" 22548578304
	atf_check cmp -n "$(wc -c < img.raw)" img.raw "$dir/disk"
	iso_check "$dir/cidata.iso" user-data "#cloud-config\n"
}
qcow2_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case with_network cleanup
with_network_head()
{
	atf_set descr "create -I with -n: the seed's network-config matches the tap's card by the MAC create drew"
	atf_set require.user root
}
with_network_body()
{
	need_iso_tools
	kvm_setup
	mkimage img.raw
	dir=$HOME_DIR/vm/web
	atf_check -s exit:0 -o ignore -e empty \
	    kvm create -y -m 256M -s 64M -I "$(pwd)/img.raw" -n tap0,bridge0 web
	mac=$(sed -n 's/^Devices=".*,mac=\([0-9a-f:]*\)"$/\1/p' "$dir/set.conf")
	[ -n "$mac" ] || atf_fail "create -n wrote no MAC"
	iso_check "$dir/cidata.iso" network-config "version: 2\nethernets:\n  nic0:\n    match:\n      macaddress: \"$mac\"\n    dhcp4: true\n"
}
with_network_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case rebuild cleanup
rebuild_head()
{
	atf_set descr "start rebuilds the seed after a rename (hostname), a new NIC (network-config) and an edited user-data, and only then"
	atf_set require.user root
}
rebuild_body()
{
	need_iso_tools
	kvm_setup
	mkimage img.raw
	atf_check -s exit:0 -o ignore -e empty \
	    kvm create -y -m 256M -s 64M -I "$(pwd)/img.raw" web
	uuid=$(uuid_of web)
	atf_check -s exit:0 -o ignore -e empty kvm rename web db
	dir=$HOME_DIR/vm/db
	atf_check -o match:"rebuilt at next start\)$" kvm info db
	printf 'Devices="4,virtio-net,tap0,mac=58:9c:fc:00:00:01"\n' \
	    >> "$dir/set.conf"
	atf_check ifconfig tap0 create
	kvm_guest db "poweroff 0.1"
	atf_check -s exit:0 -o save:out -e empty kvm start db
	atf_check -o match:"^db: cloud-init seed built \($dir/cidata.iso\)$" \
	    cat out
	iso_check "$dir/cidata.iso" meta-data "instance-id: iid-$uuid\nlocal-hostname: db\n"
	iso_check "$dir/cidata.iso" network-config "version: 2\nethernets:\n  nic0:\n    match:\n      macaddress: \"58:9c:fc:00:00:01\"\n    dhcp4: true\n"
	# Nothing changed: the same ISO is used.
	atf_check -s exit:0 -o save:out -e empty kvm start db
	atf_check -o not-match:"seed built" cat out
	# An edited user-data is taken, within the same second too.
	printf '#cloud-config\npackages: [nginx]\n' > "$dir/cloud-init/user-data"
	atf_check -s exit:0 -o save:out -e empty kvm start db
	atf_check -o match:"seed built" cat out
	iso_check "$dir/cidata.iso" user-data "#cloud-config\npackages: [nginx]\n"
	# A clone is a new instance: its own UUID, so its own instance-id.
	atf_check -s exit:0 -o ignore -e inline:"kvm: db2: shares tap0 with db (a tap serves one guest): give it another in set.conf before running both\n" kvm clone db db2
	uuid2=$(uuid_of db2)
	if [ -z "$uuid2" ] || [ "$uuid2" = "$uuid" ]; then
		atf_fail "clone kept the UUID"
	fi
	sed -i.bak '/^Devices=/d' "$HOME_DIR/vm/db2/set.conf"
	kvm_guest db2 "poweroff 0.1"
	atf_check -s exit:0 -o match:"^db2: cloud-init seed built" -e empty \
	    kvm start db2
	iso_check "$HOME_DIR/vm/db2/cidata.iso" meta-data "instance-id: iid-$uuid2\nlocal-hostname: db2\n"
}
rebuild_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

# A PATH like the current one with qemu-img hidden: each directory that
# has it replaced by one of links to everything else it holds.
path_without_qemu_img()
{
	_new=
	_n=0
	_ifs=$IFS
	IFS=:
	for _d in $PATH; do
		if [ -x "$_d/qemu-img" ]; then
			_n=$((_n + 1))
			mkdir -p "nobin$_n"
			ln -s "$_d"/* "nobin$_n/" 2>/dev/null
			rm -f "nobin$_n/qemu-img"
			_d=$(pwd)/nobin$_n
		fi
		_new=${_new:+$_new:}$_d
	done
	IFS=$_ifs
	echo "$_new"
}

atf_test_case bad cleanup
bad_head()
{
	atf_set descr "bad cloud input: a clear message, exit 1, no dataset or file left"
	atf_set require.user root
}
bad_body()
{
	need_iso_tools
	kvm_setup
	mkimage img.raw
	echo "$KEY" > key.pub
	printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n' \
	    > id_ed25519
	# A qcow2 header: the magic is what counts.
	{ printf 'QFI\373'; dd if=/dev/zero bs=1 count=60 2>/dev/null; } \
	    > img.qcow2
	mkdir imgdir
	p=$(pwd)
	kvm_state > before
	for c in \
	    "-I $p/none.raw|image $p/none.raw: No such file or directory" \
	    "-I $p/imgdir|image $p/imgdir is not a regular file" \
	    "-s 1M -I $p/img.raw|image $p/img.raw (3141640 bytes) is larger than the disk size 1M (kvm does not shrink an image)" \
	    "-I $p/img.raw -u $p/none|user-data $p/none: No such file or directory" \
	    "-I $p/img.raw -k $p/none|key file $p/none: No such file or directory" \
	    "-I $p/img.raw -k $p/id_ed25519|$p/id_ed25519: line 1 is not an SSH public key (ssh-rsa, ssh-ed25519, ecdsa-sha2-*, sk-*... KEY [comment])" \
	    "-u $p/key.pub|-u needs a cloud image (-I)" \
	    "-k $p/key.pub|-k needs a cloud image (-I)" \
	    "-I $p/img.raw -u $p/key.pub -k $p/key.pub|-u and -k exclude each other (put the keys in the user-data)"; do
		# shellcheck disable=SC2086
		atf_check -s exit:1 -o empty -e inline:"kvm: web: ${c#*|}\n" \
		    kvm create -y -m 256M ${c%%|*} web
		kvm_state > after
		atf_check cmp before after
	done
	iso=$(pwd)/x.iso
	printf 'ISO' > "$iso"
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: -I and -i exclude each other (a cloud image boots from its disk)\n" \
	    kvm create -y -m 256M -I "$p/img.raw" -i "$iso" web
	kvm_state > after
	atf_check cmp before after
	PATH=$(path_without_qemu_img)
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: $p/img.qcow2 is a qcow2 image and qemu-img is not installed (pkg install qemu-tools)\n" \
	    kvm create -y -m 256M -I "$p/img.qcow2" web
	kvm_state > after
	atf_check cmp before after
}
bad_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case failed_seed cleanup
failed_seed_head()
{
	atf_set descr "a seed that cannot be built leaves no dataset: create is undone"
	atf_set require.user root
}
failed_seed_body()
{
	need_iso_tools
	kvm_setup
	mkimage img.raw
	mkdir fakebin
	printf '#!/bin/sh\necho "makefs: no space" >&2\nexit 1\n' \
	    > fakebin/makefs
	chmod +x fakebin/makefs
	kvm_state > before
	PATH=$(pwd)/fakebin:$PATH
	atf_check -s exit:1 -o empty \
	    -e inline:"makefs: no space\nkvm: web: makefs could not build $HOME_DIR/vm/web/cidata.iso (exit status 1)\n" \
	    kvm create -y -m 256M -s 64M -I "$(pwd)/img.raw" web
	kvm_state > after
	atf_check cmp before after
}
failed_seed_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case killed cleanup
killed_head()
{
	atf_set descr "a cloud create killed (kill -9) after the disk is written is undone by the next command"
	atf_set require.user root
}
killed_body()
{
	need_iso_tools
	kvm_setup
	mkimage img.raw
	kvm_state > before
	# Step 6 of a cloud create: the disk and run written, the seed not.
	atf_check -s signal:9 -o ignore -e empty env KVM_FAULT=create:6 \
	    kvm create -y -m 256M -s 64M -I "$(pwd)/img.raw" web
	atf_check -o match:"^$POOL/kvm/vm/web\$" zfs list -H -o name -r "$POOL"
	atf_check -s exit:1 \
	    -e inline:"kvm: web: undid an interrupted create\nkvm: web: no such VM\n" \
	    kvm check web
	kvm_state > after
	atf_check cmp before after
}
killed_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case raw
	atf_add_test_case userdata
	atf_add_test_case qcow2
	atf_add_test_case rebuild
	atf_add_test_case with_network
	atf_add_test_case bad
	atf_add_test_case failed_seed
	atf_add_test_case killed
}
