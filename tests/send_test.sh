#! /usr/bin/env atf-sh
# Integration tests of "kvm send" and "kvm receive": a VM copied or
# moved to "the other host", which here is a second scratch root
# (root/remote/far, its own kvm.conf) on a second zfs-fuse pool, reached
# through the ssh stand-in (tests/sim/bin/ssh), which runs the remote
# command with sh -c as sshd would and logs its argv.
# shellcheck source=/dev/null

. "$(atf_get_srcdir)/lib.sh"
# shellcheck source=/dev/null
. "$(atf_get_srcdir)/vm.sh"

# The other host "far": its root $R, pool $POOL2, kvm home $HOME2.
remote_env()
{
	R=$KVM_ROOTDIR/remote/far
	HOME2=$(pwd)/mnt2/kvm
	[ -f pool2 ] && POOL2=$(cat pool2)
}

remote_setup()
{
	remote_env
	mkdir -p "$R/usr/local/share/uefi-firmware" "$R/usr/local/etc" \
	    "$R/etc" "$R/var/run" "$R/dev" "$R/sim"
	cp root/usr/local/share/uefi-firmware/* \
	    "$R/usr/local/share/uefi-firmware/"
	POOL2="${POOL:?}r"
	echo "$POOL2" > pool2
	truncate -s 256M "$(pwd)/pool2.img"
	zlock zpool create -m "$(pwd)/mnt2" "$POOL2" "$(pwd)/pool2.img" ||
	    atf_fail "cannot create pool $POOL2"
	KVM_ROOTDIR=$R kvm install "$POOL2" >/dev/null ||
	    atf_fail "kvm install failed on far"
}

remote_cleanup()
{
	kvm_env
	remote_env
	for f in "$R"/var/run/kvm/*.pid "$R"/sim/*.pid; do
		[ -f "$f" ] || continue
		sed 's/^[a-z]*=//' "$f" | while read -r p; do
			[ "$p" -gt 1 ] 2>/dev/null && kill -9 "$p" 2>/dev/null
		done
	done
	if [ -f pool2 ]; then
		i=0
		while zpool list -H -o name "$(cat pool2)" >/dev/null 2>&1; do
			zlock zpool destroy -f "$(cat pool2)" 2>/dev/null &&
			    break
			i=$((i + 1))
			[ $i -lt 20 ] || break
			sleep 0.5
		done
	fi
	rm -f pool2.img
	kvm_cleanup
}

# A file that runs kvm on far (atf_check runs programs, not functions).
rkvm_file()
{
	printf '#!/bin/sh\nKVM_ROOTDIR=%s exec kvm "$@"\n' "$R" > rkvm
	chmod +x rkvm
}

# VM web with a path into its directory, data on its disk, a snapshot.
make_web()
{
	kvm_mkvm web "Backup=\"$HOME_DIR/vm/web\""
	printf 'guest data\n' | dd of="$HOME_DIR/vm/web/disk" conv=notrunc \
	    2>/dev/null
	kvm snap create web s1 >/dev/null || atf_fail "kvm snap create failed"
	UUID=$(sed -n 's/^UUID="*\([^"]*\)"*$/\1/p' "$HOME_DIR/vm/web/set.conf")
	[ -n "$UUID" ] || atf_fail "web has no UUID"
}

# NAME's snapshots with their guids, names only after the '@'.
snaps()
{
	zfs list -H -t snapshot -d 1 -o name -s createtxg "$1" |
	    while read -r s; do
		printf '%s %s\n' "${s#*@}" "$(zfs get -Hp -o value guid "$s")"
	    done
}

# Both hosts, for "nothing changed": datasets, set.conf files, runs.
both_state()
{
	zfs list -H -r -t all -o name "$POOL" "$POOL2" | sort
	for f in $(find "$(pwd)/mnt" "$(pwd)/mnt2" -name set.conf | sort); do
		echo "== $f"
		cat "$f"
	done
	for f in $(find "$R/var/run" "$KVM_ROOTDIR/var/run" -name '*.pid' \
	    2>/dev/null | sort); do
		echo "== $f"
	done
}

atf_test_case full cleanup
full_head()
{
	atf_set "descr" "a first send copies set.conf, UUID, disk and" \
	    "snapshots; the copy is registered, not started, and starts" \
	    "there with the same identities"
	atf_set "require.user" "root"
}
full_body()
{
	kvm_setup
	remote_setup
	rkvm_file
	make_web
	atf_check -o match:'^web: received snapshot kvm-send-[0-9]{8}-[0-9]{6}$' \
	    -o match:'^web: copied to far \(snapshot kvm-send-[0-9]{8}-[0-9]{6}\)$' \
	    kvm send web far
	# The ssh argv: BatchMode, the host, only checked words.
	atf_check -o inline:"ssh -o BatchMode=yes far kvm receive -l -u $UUID web\n" \
	    grep '^ssh .* -l ' root/sim/log
	atf_check -o match:"^ssh -o BatchMode=yes far kvm receive -u $UUID -g [0-9]+ -s kvm-send-[0-9-]+ -p $HOME_DIR/vm/web web\$" \
	    grep '^ssh .* -g ' root/sim/log
	atf_check -o match:"^zfs send -R $POOL/kvm/vm/web@kvm-send-[0-9-]+\$" \
	    grep '^zfs send' root/sim/log
	# The copy: paths rewritten, all else equal.
	sed "s|$HOME_DIR/vm/web|$HOME2/vm/web|" "$HOME_DIR/vm/web/set.conf" > want
	atf_check -o file:want cat "$HOME2/vm/web/set.conf"
	atf_check cmp "$HOME_DIR/vm/web/disk" "$HOME2/vm/web/disk"
	atf_check cmp "$HOME_DIR/vm/web/run" "$HOME2/vm/web/run"
	snaps "$POOL/kvm/vm/web" > want
	snaps "$POOL2/kvm/vm/web" > got
	atf_check -o match:'^s1 [0-9]+$' cat got
	atf_check cmp want got
	atf_check -o match:'^web +stopped' ./rkvm list
	atf_check -s exit:1 -o empty -e ignore \
	    zfs list "$POOL2/kvm/vm/.recv-web"
	atf_check -o inline:"0\n" -s exit:1 ./rkvm status web
	# It starts there with the same UUID, MACs and serials.
	kvm start -d web >/dev/null || atf_fail "start here failed"
	kvm_wait_guest web >/dev/null
	./rkvm start -d web >/dev/null || atf_fail "start on far failed"
	KVM_ROOTDIR=$R kvm_wait_guest web >/dev/null
	kvm_env
	grep '^bhyve ' root/sim/log > here
	grep "^bhyve " "$R/sim/log" |
	    sed -e "s|$R|$KVM_ROOTDIR|g" -e "s|$HOME2|$HOME_DIR|g" > there
	atf_check -o match:"-U $UUID" cat there
	atf_check cmp here there
}
full_cleanup()
{
	remote_cleanup
}

atf_test_case incremental cleanup
incremental_head()
{
	atf_set "descr" "a second send after a new snapshot sends only the" \
	    "increment from the newest common snapshot"
	atf_set "require.user" "root"
}
incremental_body()
{
	kvm_setup
	remote_setup
	rkvm_file
	make_web
	kvm send web root@far >/dev/null || atf_fail "first send failed"
	first=$(zfs list -H -t snapshot -d 1 -o name -s createtxg \
	    "$POOL/kvm/vm/web" | tail -1)
	printf 'more data\n' | dd of="$HOME_DIR/vm/web/disk" bs=1 seek=4096 \
	    conv=notrunc 2>/dev/null
	kvm snap create web s2 >/dev/null || atf_fail "kvm snap create failed"
	: > root/sim/log
	atf_check -o match:'^web: copied to root@far ' kvm send web root@far
	atf_check -o match:"^zfs send -R -I @${first#*@} $POOL/kvm/vm/web@kvm-send-[0-9-]+\$" \
	    grep '^zfs send' root/sim/log
	atf_check -o match:"^ssh -o BatchMode=yes root@far kvm receive -u $UUID " \
	    grep '^ssh .* -g ' root/sim/log
	snaps "$POOL/kvm/vm/web" > want
	snaps "$POOL2/kvm/vm/web" > got
	atf_check -o match:'^s1 [0-9]+$' cat got
	atf_check cmp want got
	atf_check cmp "$HOME_DIR/vm/web/disk" "$HOME2/vm/web/disk"
	sed "s|$HOME_DIR/vm/web|$HOME2/vm/web|" "$HOME_DIR/vm/web/set.conf" > want
	atf_check -o file:want cat "$HOME2/vm/web/set.conf"
}
incremental_cleanup()
{
	remote_cleanup
}

atf_test_case move cleanup
move_head()
{
	atf_set "descr" "send -m moves a running VM: downtime reported," \
	    "source gone, the guest runs on the other host"
	atf_set "require.user" "root"
}
move_body()
{
	kvm_setup
	remote_setup
	rkvm_file
	make_web
	kvm rc -r LOGIN -b pf -k shutdown web >/dev/null ||
	    atf_fail "kvm rc failed"
	kvm start -d web >/dev/null || atf_fail "start failed"
	kvm_wait_guest web >/dev/null
	atf_check -o match:'^web: moved to far; the guest was down for [0-9]+\.[0-9] seconds$' \
	    kvm send -m web far
	atf_check -s exit:1 -o empty -e ignore zfs list "$POOL/kvm/vm/web"
	atf_check -s exit:1 -o inline:"-1\n" -e ignore kvm status web
	atf_check test ! -e "$KVM_ROOTDIR/usr/local/etc/rc.d/web"
	atf_check -o match:'^web +running' ./rkvm list
	# The last increment was sent with the guest off, from the first.
	atf_check -o match:'^zfs send -R -I @kvm-send-[0-9-]+ .*@kvm-send-[0-9-]+-last$' \
	    grep '^zfs send' root/sim/log
	atf_check -o inline:"ssh -o BatchMode=yes far kvm start -d web\n" \
	    grep '^ssh .* start ' root/sim/log
	atf_check -o match:"-U $UUID" grep '^bhyve ' "$R/sim/log"
}
move_cleanup()
{
	remote_cleanup
}

atf_test_case move_stopped cleanup
move_stopped_head()
{
	atf_set "descr" "send -m of a stopped VM moves it and does not start it"
	atf_set "require.user" "root"
}
move_stopped_body()
{
	kvm_setup
	remote_setup
	rkvm_file
	make_web
	atf_check -o match:'^web: moved to far \(it was not running\)$' \
	    kvm send -m web far
	atf_check -s exit:1 -o empty -e ignore zfs list "$POOL/kvm/vm/web"
	atf_check -o match:'^web +stopped' ./rkvm list
	atf_check -s exit:1 grep '^ssh .* start ' root/sim/log
}
move_stopped_cleanup()
{
	remote_cleanup
}

atf_test_case move_killed cleanup
move_killed_head()
{
	atf_set "descr" "send -m killed while it removes the VM here: the" \
	    "next command finishes that, and far keeps the VM"
	atf_set "require.user" "root"
}
move_killed_body()
{
	kvm_setup
	remote_setup
	rkvm_file
	make_web
	kvm rc web >/dev/null || atf_fail "kvm rc failed"
	sysrc web_enable=YES web_timeout=30 >/dev/null ||
	    atf_fail "sysrc failed"
	# Step 3 of the destroy: rc.conf done, the rc.d script next.
	atf_check -s signal:9 -o ignore -e empty \
	    env KVM_FAULT=destroy:3 kvm send -m web far
	atf_check -s exit:1 -o inline:"-1\n" \
	    -e inline:"kvm: web: finished an interrupted destroy\n" \
	    kvm status web
	atf_check -s exit:1 -o empty -e ignore zfs list "$POOL/kvm/vm/web"
	atf_check -s exit:1 test -e "$KVM_ROOTDIR/usr/local/etc/rc.d/web"
	atf_check -s exit:1 grep '^web_' "$KVM_ROOTDIR/etc/rc.conf"
	atf_check -o empty ls -A "$KVM_ROOTDIR/var/db/kvm"
	atf_check -o match:'^web +stopped' ./rkvm list
}
move_killed_cleanup()
{
	remote_cleanup
}

atf_test_case clash cleanup
clash_head()
{
	atf_set "descr" "a different VM of that name on the other host:" \
	    "refused, exit 1, nothing changed on either side"
	atf_set "require.user" "root"
}
clash_body()
{
	kvm_setup
	remote_setup
	rkvm_file
	make_web
	./rkvm create -y -m 256M -s 64M web >/dev/null ||
	    atf_fail "create on far failed"
	other=$(sed -n 's/^UUID="*\([^"]*\)"*$/\1/p' "$HOME2/vm/web/set.conf")
	both_state > before
	atf_check -s exit:1 -o empty -e inline:"kvm: web: the name is taken here by a different VM (UUID $other)\nkvm: web: not sent to far\n" \
	    kvm send web far
	atf_check -s exit:1 -o empty -e inline:"kvm: web: the name is taken here by a different VM (UUID $other)\nkvm: web: not sent to far\n" \
	    kvm send -m web far
	both_state > after
	atf_check cmp before after
	# receive itself refuses the stream too.
	atf_check -s exit:1 -o empty -e inline:"kvm: web: the name is taken here by a different VM (UUID $other)\nkvm: web: not received\n" \
	    ./rkvm receive -u "$UUID" -g 1 -s kvm-send-1 -p "$HOME_DIR/vm/web" web </dev/null
	both_state > after
	atf_check cmp before after
}
clash_cleanup()
{
	remote_cleanup
}

atf_test_case cut cleanup
cut_head()
{
	atf_set "descr" "a stream cut in the middle leaves the source as it" \
	    "was and startable, and no half VM or temporary dataset there"
	atf_set "require.user" "root"
}
cut_body()
{
	kvm_setup
	remote_setup
	rkvm_file
	make_web
	dd if=/dev/urandom of="$HOME_DIR/vm/web/disk" bs=64k count=8 \
	    conv=notrunc 2>/dev/null
	both_state > before
	echo 100000 > root/sim/ssh-cut
	atf_check -s exit:1 -o empty \
	    -e match:'^kvm: web: not received$' \
	    -e match:'^Connection to far closed by remote host\.$' \
	    -e match:'^kvm: web: sending to far failed \(ssh\)$' \
	    kvm send web far
	rm root/sim/ssh-cut
	both_state > after
	atf_check cmp before after
	atf_check -o match:'^zfs receive ' cat "$R/sim/log"
	atf_check -o not-match:web ./rkvm list
	atf_check test ! -e "$HOME2/vm/web"
	atf_check -s exit:1 -o empty -e ignore \
	    zfs list "$POOL2/kvm/vm/.recv-web"
	kvm start -d web >/dev/null || atf_fail "web does not start"
	kvm_wait_guest web >/dev/null
	# And the next send works.
	atf_check -o match:'^web: copied to far ' kvm send web far
}
cut_cleanup()
{
	remote_cleanup
}

atf_test_case bad_input cleanup
bad_input_head()
{
	atf_set "descr" "bad host, user, name, no such VM, unknown host," \
	    "usage errors, bad receive words: message, status, no change"
	atf_set "require.user" "root"
}
bad_input_body()
{
	kvm_setup
	remote_setup
	rkvm_file
	make_web
	both_state > before
	: > root/sim/log
	host="host may hold only letters, digits, '.', '-' and ':', and not start with '-'"
	atf_check -s exit:1 -o empty -e inline:"kvm: far;reboot: $host\n" \
	    kvm send web 'far;reboot'
	atf_check -s exit:1 -o empty -e inline:"kvm: -oProxyCommand=x: $host\n" \
	    kvm send web -oProxyCommand=x
	# shellcheck disable=SC2016
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: r\$(id)@far: user may hold only letters, digits, '.', '_' and '-', and not start with '-'\n" \
	    kvm send web 'r$(id)@far'
	atf_check -s exit:1 -o empty -e inline:"kvm: @far: user must be 1 to 32 characters\n" \
	    kvm send web @far
	atf_check -s exit:1 -o empty -e inline:"kvm: root@: host must be 1 to 253 characters\n" \
	    kvm send web root@
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: we b: name may only contain letters, digits, '.', '_' and '-'\n" \
	    kvm send 'we b' far
	atf_check -s exit:1 -o empty -e inline:"kvm: nope: no such VM\n" \
	    kvm send nope far
	atf_check -s exit:2 -o empty -e inline:"usage: kvm send [-m] name [user@]host\n" \
	    kvm send -m web
	atf_check -s exit:2 -o empty -e inline:"usage: kvm send [-m] name [user@]host\n" \
	    kvm send -x web far
	# Nothing reached ssh so far.
	atf_check -s exit:1 grep '^ssh' root/sim/log
	atf_check -s exit:1 -o empty \
	    -e inline:"ssh: Could not resolve hostname nowhere: Name or service not known\nkvm: web: ssh to nowhere failed\nkvm: web: not sent to nowhere\n" \
	    kvm send web nowhere
	atf_check -s exit:1 -o empty -e inline:"kvm: web: -s must be a snapshot name\n" \
	    ./rkvm receive -u "$UUID" -g 1 -s 'a;b' -p /x web
	atf_check -s exit:1 -o empty -e inline:"kvm: web: -p must be an absolute path\n" \
	    ./rkvm receive -u "$UUID" -g 1 -s s -p 'x y' web
	atf_check -s exit:1 -o empty -e inline:"kvm: web: -g must be a snapshot guid\n" \
	    ./rkvm receive -u "$UUID" -g 1x -s s -p /x web
	atf_check -s exit:2 -o empty -e match:'^usage: kvm receive ' \
	    ./rkvm receive -l -u "$UUID" -g 1 web
	both_state > after
	atf_check cmp before after
}
bad_input_cleanup()
{
	remote_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case full
	atf_add_test_case incremental
	atf_add_test_case move
	atf_add_test_case move_stopped
	atf_add_test_case move_killed
	atf_add_test_case clash
	atf_add_test_case cut
	atf_add_test_case bad_input
}
