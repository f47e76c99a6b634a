#!/bin/sh
# tools/demo.sh: kvm's main job, shown for real.
# On Debian: a throw-away zfs-fuse pool on a sparse file, the bhyve
# simulator from tests/sim standing in for bhyve, and a scratch host
# root (KVM_ROOTDIR); everything is removed at the end.
# On FreeBSD: prints the real quick start (nothing to simulate there).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
if [ "$(uname -s)" = FreeBSD ]; then
	sed -n '/^## Quick start on FreeBSD/,/^## /p' "$top/README.md"
	exit 0
fi

work=$(mktemp -d /var/tmp/kvm-demo.XXXXXX)
pool="kvmdemo$$"
cleanup()
{
	kvm stop web >/dev/null 2>&1 || true
	# zfs-fuse often answers "busy" once; never remove the files of a
	# pool that is still there.
	i=0
	while zpool list -H -o name "$pool" >/dev/null 2>&1; do
		zpool destroy -f "$pool" 2>/dev/null && break
		i=$((i + 1))
		if [ $i -ge 20 ]; then
			echo "kvm demo: pool $pool is still there" >&2
			return
		fi
		sleep 0.5
	done
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

KVM_ROOTDIR=$work/root
PATH="$top/tests/sim/bin:$top:/usr/sbin:/sbin:$PATH"
export KVM_ROOTDIR PATH
mkdir -p "$KVM_ROOTDIR/usr/local/share/uefi-firmware" "$KVM_ROOTDIR/etc"
# Stand-ins for the edk2-bhyve package's firmware files.
echo CODE > "$KVM_ROOTDIR/usr/local/share/uefi-firmware/BHYVE_UEFI_CODE.fd"
echo VARS > "$KVM_ROOTDIR/usr/local/share/uefi-firmware/BHYVE_UEFI_VARS.fd"
sh "$top/tools/zfs-fuse-up.sh"
truncate -s 512M "$work/pool.img"
zpool create -m "$work/$pool" "$pool" "$work/pool.img" 2>/dev/null

run()
{
	printf '\n# %s\n' "$*"
	"$@"
}

echo "kvm demo: pool $pool on $work/pool.img, host root $KVM_ROOTDIR"
run kvm install "$pool"
run kvm create -y -c 2 -m 512M -s 4G web
run cat "$work/$pool/kvm/vm/web/set.conf"
# The simulated guest reboots once, then runs until it is stopped.
mkdir -p "$KVM_ROOTDIR/sim"
printf 'reboot 0.5\nrun acpi\n' > "$KVM_ROOTDIR/sim/web.guest"
run kvm start -d web
sleep 1
run kvm list
run kvm info web
run kvm status web
run kvm snap create web installed
run kvm snap list web
run kvm shutdown -t 5 web
run cat "$work/$pool/kvm/vm/web/kvm.log"
run kvm list
echo
echo "kvm demo: done; removing pool $pool"
