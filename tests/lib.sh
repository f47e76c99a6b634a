# tests/lib.sh: the fixture every integration test sources.
#
# kvm_setup makes a scratch host under ./root (KVM_ROOTDIR), puts the
# bhyve simulator and the kvm binary first on PATH, starts zfs-fuse when
# it is not running and creates a throw-away pool on a sparse file.
# kvm_cleanup (call it from every test's cleanup part) destroys the pool
# and stops whatever the test left running, even after a failure.

kvm_srcdir()
{
	atf_get_srcdir
}

# The suite runs from the source tree (tests/ beside the built kvm) or
# installed (PREFIX/tests/kvm, kvm in PREFIX/sbin, the hook library in
# PREFIX/share/kvm).  These say where each piece is in either case.
kvm_installed()
{
	[ ! -f "$(kvm_srcdir)/../src/main.c" ]
}

kvm_bindir()
{
	if kvm_installed; then
		(cd "$(kvm_srcdir)/../../sbin" && pwd)
	else
		(cd "$(kvm_srcdir)/.." && pwd)
	fi
}

kvm_bin()
{
	echo "$(kvm_bindir)/kvm"
}

kvm_functions_file()
{
	if kvm_installed; then
		echo "$(kvm_srcdir)/../../share/kvm/functions"
	else
		echo "$(kvm_srcdir)/../share/functions"
	fi
}

# kvm_need_source: skip a test that reads the source tree.
kvm_need_source()
{
	! kvm_installed || atf_skip "needs the source tree, not an installed copy"
}

# Real bhyve instead of the simulator: opt-in, for a FreeBSD host, with
#   kyua -v test_suites.kvm.real_bhyve=yes test -k .../Kyuafile
# Only the test cases that call kvm_real_ok before kvm_setup run then
# (the others need the simulator's guest scripts and fail files, and
# would change the host's network); the rest are skipped.  The scratch
# root stays: its dev is a link to /dev and its firmware directory one
# to edk2-bhyve's, so kvm.conf, rc.conf and rc.d are still scratch
# copies; the VM names must not be the host's (use $POOL).
kvm_real()
{
	[ "$(atf_config_get real_bhyve no)" = yes ]
}

kvm_real_ok()
{
	KVM_REAL_OK=1
}

kvm_env()
{
	srcdir=$(kvm_srcdir)
	KVM_ROOTDIR=$(pwd)/root
	if kvm_real; then
		PATH="$(kvm_bindir):/sbin:/bin:/usr/sbin:/usr/bin"
		PATH="$PATH:/usr/local/sbin:/usr/local/bin"
	else
		PATH="$srcdir/sim/bin:$(kvm_bindir):/usr/sbin:/sbin:$PATH"
	fi
	export KVM_ROOTDIR PATH
}

# kvm_real_root: with real_bhyve=yes, skip unless this case can run on
# real bhyve here; else link the scratch root's dev and firmware.
kvm_real_root()
{
	[ "${KVM_REAL_OK:-0}" = 1 ] ||
	    atf_skip "needs the simulator (real_bhyve=yes)"
	[ "$(uname -s)" = FreeBSD ] ||
	    atf_skip "real_bhyve=yes needs a FreeBSD host with bhyve"
	fw=/usr/local/share/uefi-firmware
	[ -f "$fw/BHYVE_UEFI_CODE.fd" ] ||
	    atf_skip "real_bhyve=yes needs edk2-bhyve ($fw)"
	mkdir -p root/usr/local/share root/usr/local/etc root/etc \
	    root/var/run
	ln -s /dev root/dev
	ln -s "$fw" root/usr/local/share/uefi-firmware
}

# zlock CMD...: run CMD holding the host-wide lock the zfs stand-in takes
# for everything that mounts (zfs-fuse deadlocks on concurrent mounts).
zlock()
{
	if [ "$(uname -s)" = Linux ] && command -v flock >/dev/null 2>&1; then
		flock /var/run/kvm-test-zfs.lock "$@"
	else
		"$@"
	fi
}

# Start zfs-fuse once for the whole suite; it outlives the test.
kvm_zfs_daemon()
{
	if kvm_installed; then
		up=$(kvm_srcdir)/zfs-fuse-up.sh
	else
		up=$(kvm_srcdir)/../tools/zfs-fuse-up.sh
	fi
	sh "$up" || atf_fail "no zfs-fuse"
}

# kvm_setup [noinstall]: scratch root, firmware, pool ($POOL), kvm home.
kvm_setup()
{
	kvm_env
	if kvm_real; then
		kvm_real_root
	else
		mkdir -p root/usr/local/share/uefi-firmware \
		    root/usr/local/etc root/etc root/var/run root/dev
		printf 'CODE\n' > \
		    root/usr/local/share/uefi-firmware/BHYVE_UEFI_CODE.fd
		printf 'VARS\n' > \
		    root/usr/local/share/uefi-firmware/BHYVE_UEFI_VARS.fd
	fi
	kvm_zfs_daemon
	POOL="kt$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
	echo "$POOL" > pool
	truncate -s 256M "$(pwd)/pool.img"
	zlock zpool create -m "$(pwd)/mnt" "$POOL" "$(pwd)/pool.img" ||
	    atf_fail "cannot create pool $POOL"
	HOME_DIR=$(pwd)/mnt/kvm
	export POOL HOME_DIR
	if [ "${1:-}" != noinstall ]; then
		kvm install "$POOL" >/dev/null || atf_fail "kvm install failed"
	fi
}

kvm_cleanup()
{
	kvm_env
	# Supervisors and simulated bhyves first (NAME.pid holds key=value
	# lines; the simulator's pid files bare pids), then the pool.
	for f in root/var/run/kvm/*.pid root/sim/*.pid; do
		[ -f "$f" ] || continue
		for p in $(sed 's/^[a-z]*=//' "$f"); do
			[ "$p" -gt 1 ] 2>/dev/null && kill -9 "$p" 2>/dev/null
		done
	done
	if [ -f fakepids ]; then
		for p in $(cat fakepids); do
			kill -9 "$p" 2>/dev/null
		done
	fi
	pkill -9 -f "$(pwd)/root" 2>/dev/null
	# Real bhyve: the instances of this test's VMs (named after $POOL).
	if kvm_real && [ -f pool ]; then
		for v in /dev/vmm/"$(cat pool)"*; do
			[ -e "$v" ] && bhyvectl --vm="${v##*/}" --destroy
		done
	fi
	if [ -f pool ]; then
		# zfs-fuse often answers "busy" once; a leaked pool slows
		# every later test, so insist for a few seconds.
		i=0
		while zpool list -H -o name "$(cat pool)" >/dev/null 2>&1; do
			zlock zpool destroy -f "$(cat pool)" 2>/dev/null &&
			    break
			i=$((i + 1))
			[ $i -lt 20 ] || break
			sleep 0.5
		done
	fi
	rm -f pool.img
	return 0
}

# Everything kvm's datasets hold, as a sorted list: a state snapshot that
# tests compare before and after a command that must change nothing.
kvm_state()
{
	zfs list -H -r -t all -o name "$POOL" | sort
	find "$(pwd)/mnt" "$(pwd)/root/etc" "$(pwd)/root/usr/local/etc" \
	    -exec ls -ld {} + 2>/dev/null | sed 's/  */ /g' | \
	    awk '{ $6 = $7 = $8 = ""; print }' | sort
	for f in $(find "$(pwd)/mnt" -name set.conf -o -name run -o \
	    -name rc.conf 2>/dev/null | sort); do
		echo "== $f"
		cat "$f"
	done
}
