#!/bin/sh
# bench/supervisor.sh: what an idle supervisor costs while its guest
# runs: its voluntary context switches (wake-ups) over a while, and its
# resident memory.  No ZFS: the VM lives in a plain directory under a
# scratch KVM_ROOTDIR, removed at the end.  See bench/README.
#
# usage: bench/supervisor.sh [-s seconds]   (default 10)

set -u

secs=10

die()
{
	echo "bench: $*" >&2
	exit 1
}

while getopts s: opt; do
	case $opt in
	s) secs=$OPTARG ;;
	*) echo "usage: bench/supervisor.sh [-s seconds]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
case $secs in
'' | *[!0-9]*) die "-s takes a number of seconds" ;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$top/kvm" ] || die "$top/kvm: not built (run make)"
[ "$(id -u)" -eq 0 ] || die "must be run as root (kvm start needs it)"
if [ -d "$top/tests/sim/bin" ] && ! [ -c /dev/vmmctl ] &&
    ! [ -d /dev/vmm ]; then
	PATH="$top/tests/sim/bin:$PATH"
fi
PATH="$top:/usr/sbin:/sbin:$PATH"
export PATH

work=$(mktemp -d "${TMPDIR:-/tmp}/kvm-bench.XXXXXX") || die "mktemp failed"
KVM_ROOTDIR=$work/root
export KVM_ROOTDIR
name=idle
started=

cleanup()
{
	[ -z "$started" ] || kvm stop "$name" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The kvm home in a plain directory, one UEFI VM whose guest just runs.
home=$work/home
fw=$KVM_ROOTDIR/usr/local/share/uefi-firmware
mkdir -p "$fw" "$KVM_ROOTDIR/usr/local/etc" "$KVM_ROOTDIR/var/run" \
    "$KVM_ROOTDIR/sim" "$home/firmware" "$home/vm/$name" ||
    die "cannot make $work"
printf 'CODE\n' > "$fw/BHYVE_UEFI_CODE.fd"
printf 'VARS\n' > "$fw/BHYVE_UEFI_VARS.fd"
cp "$fw/BHYVE_UEFI_CODE.fd" "$fw/BHYVE_UEFI_VARS.fd" "$home/firmware"
cp "$top/share/functions" "$home/functions"
printf 'kvm_pool="bench"\nkvm_dataset="bench/kvm"\nkvm_home="%s"\n' \
    "$home" > "$KVM_ROOTDIR/usr/local/etc/kvm.conf"
d=$home/vm/$name
printf 'Mem="256M"\nVMrom="uefi"\nDisk="disk"\nConsole="com"\n' \
    > "$d/set.conf"
printf 'preRun()\n{\n\t:\n}\n\npostRun()\n{\n\t:\n}\n' > "$d/run"
truncate -s 64M "$d/disk"
cp "$fw/BHYVE_UEFI_VARS.fd" "$d/uefi-vars.fd"
printf 'run\n' > "$KVM_ROOTDIR/sim/$name.guest"

kvm start -d "$name" >/dev/null || die "kvm start -d $name failed"
started=1
i=0
until [ "$(kvm status "$name" 2>/dev/null)" -gt 0 ] 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || die "$name did not come up"
	sleep 0.1
done
sup=$(kvm status -j "$name" | sed -n 's/.*"supervisor":\([0-9]*\).*/\1/p')
if [ -z "$sup" ] || [ "$sup" -eq 0 ]; then
	die "no supervisor pid"
fi

# Voluntary context switches (the process slept and was woken) and
# resident memory in KiB: /proc on Linux, ps(1) keywords on FreeBSD.
vcsw()
{
	if [ -r "/proc/$1/status" ]; then
		awk '/^voluntary_ctxt_switches:/ { print $2 }' "/proc/$1/status"
	else
		ps -o nvcsw= -p "$1" | tr -d ' '
	fi
}
rss_kib()
{
	if [ -r "/proc/$1/status" ]; then
		awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
	else
		ps -o rss= -p "$1" | tr -d ' '
	fi
}

sleep 1		# let the start settle
c0=$(vcsw "$sup")
sleep "$secs"
c1=$(vcsw "$sup")
rss=$(rss_kib "$sup")
[ "$(kvm status "$name")" -gt 0 ] || die "$name stopped during the measure"
echo "kvm supervisor bench, $(uname -sr)"
echo "voluntary context switches in ${secs} s (idle guest): $((c1 - c0))   (target 0)"
echo "resident memory: $rss KiB   (target <= 1536 KiB)"
# Linux: how much of it is the supervisor's own, and what the same
# shared libraries cost any process here (sleep(1), pause-only).
if [ -r "/proc/$sup/status" ]; then
	awk '/^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 }
	    END { printf "  of which private (anonymous) %d KiB, shared library and program pages %d KiB\n", a, f }' \
	    "/proc/$sup/status"
	sleep 30 &
	s=$!
	sleep 0.5
	echo "  for scale: sleep(1) here: $(rss_kib "$s") KiB"
	kill "$s"
fi
