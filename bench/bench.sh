#!/bin/sh
# bench/bench.sh: how fast kvm answers with many VMs, and how much memory
# one idle supervisor holds.  Everything happens on a throw-away pool on
# a sparse file and under a scratch KVM_ROOTDIR, which are destroyed at
# the end.  See bench/README.
#
# usage: bench/bench.sh [-FkM] [-n vms] [-r runs]
#   -n  number of VMs (1000)
#   -r  runs of each timed command; the median is printed (21)
#   -k  keep the scratch directory and the pool (for a look afterwards)
#   -F  no ZFS: the VMs are plain directories under a kvm home that
#       kvm.conf points at (measures kvm itself, without FUSE or ZFS)
#   -M  mount every VM dataset even on zfs-fuse (see below)
#
# zfs-fuse serves every mounted dataset of the host from one user-space
# daemon, shared with whatever else uses ZFS there; a thousand more FUSE
# mounts is a load it was never meant for.  So on zfs-fuse the VM
# datasets are created with canmount=off and their files live in
# same-named directories of the (mounted) vm dataset, except the first
# VM, the one that is started, which is a normal mounted dataset.  kvm
# list reads the same paths either way.  With a kernel ZFS every
# dataset is mounted, as kvm create leaves them.

set -u

n=1000
runs=21
batch=10
keep=0
files=0
mountall=

die()
{
	echo "bench: $*" >&2
	exit 1
}

usage()
{
	echo "usage: bench/bench.sh [-FkM] [-n vms] [-r runs]" >&2
	exit 2
}

while getopts FkMn:r: opt; do
	case $opt in
	F) files=1 ;;
	M) mountall=1 ;;
	k) keep=1 ;;
	n) n=$OPTARG ;;
	r) runs=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
case $n$runs in
*[!0-9]*) usage ;;
esac
if [ "$n" -lt 1 ] || [ "$runs" -lt 1 ]; then
	usage
fi

top=$(cd "$(dirname "$0")/.." && pwd)
kvm=$top/kvm
[ -x "$kvm" ] || die "$kvm: not built (run make)"
[ "$(id -u)" -eq 0 ] || die "must be run as root (it creates a pool)"

# The simulator stands in for bhyve on a host without it.
if [ -d "$top/tests/sim/bin" ] && ! [ -c /dev/vmmctl ] &&
    ! [ -d /dev/vmm ]; then
	PATH="$top/tests/sim/bin:$PATH"
fi
PATH="$top:/usr/sbin:/sbin:$PATH"
export PATH

work=$(mktemp -d "${TMPDIR:-/tmp}/kvm-bench.XXXXXX") || die "mktemp failed"
KVM_ROOTDIR=$work/root
export KVM_ROOTDIR
pool=kvmbench$$
started=

cleanup()
{
	if [ -n "$started" ]; then
		kvm stop "$started" >/dev/null 2>&1
	fi
	if [ "$keep" -eq 1 ]; then
		echo "kept: $work, pool $pool"
		return
	fi
	if [ "$files" -eq 0 ]; then
		# zfs-fuse answers "pool is busy" once, unmounting as it does.
		zpool destroy -f "$pool" 2>/dev/null ||
		    { sleep 1; zpool destroy -f "$pool" 2>/dev/null; } ||
		    { sleep 1; zpool destroy -f "$pool"; } ||
		    echo "bench: pool $pool is left over" >&2
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# zfs-fuse (Debian) needs its daemon; a kernel ZFS answers at once.
if [ "$files" -eq 0 ] && ! zpool list -H -o name >/dev/null 2>&1 && command -v zfs-fuse \
    >/dev/null 2>&1; then
	mkdir -p /var/run/zfs
	setsid zfs-fuse -p /var/run/zfs-fuse.pid --no-kstat-mount \
	    </dev/null >/dev/null 2>&1
	i=0
	until zpool list -H -o name >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 100 ] || die "zfs-fuse did not start"
		sleep 0.1
	done
fi

if [ -z "$mountall" ]; then
	if command -v zfs-fuse >/dev/null 2>&1; then
		mountall=0
	else
		mountall=1
	fi
fi

# Wall-clock time in microseconds (date +%N: GNU, FreeBSD >= 14.1).
case $(date +%N) in
*[!0-9]* | '') die "date +%N is not supported here: install hyperfine" ;;
esac
now_us()
{
	t=$(date +%s%N)
	echo $((t / 1000))
}

# median_us CMD...: the median wall time of one run of CMD, in µs, over
# $runs samples, after a warm-up run.  hyperfine does it when installed;
# otherwise each sample times $batch runs in a row between two date(1)
# calls, less the cost of date itself (measured the same way), divided
# by $batch: date takes about as long as "kvm status", so timing single
# runs would mostly measure date.
median_us()
{
	if command -v hyperfine >/dev/null 2>&1; then
		hyperfine -N --style none --warmup 3 --runs "$runs" \
		    --export-json "$work/hf.json" "$*" >/dev/null 2>&1 ||
		    die "hyperfine $* failed"
		sed -n 's/.*"median": *\([0-9.e+-]*\).*/\1/p' "$work/hf.json" |
		    head -n 1 | awk '{ printf "%d\n", $1 * 1000000 }'
		return
	fi
	"$@" >/dev/null 2>&1
	: > "$work/times"
	i=0
	while [ $i -lt "$runs" ]; do
		t0=$(now_us)
		j=0
		while [ $j -lt $batch ]; do
			"$@" >/dev/null 2>&1
			j=$((j + 1))
		done
		t1=$(now_us)
		echo $(((t1 - t0 - overhead) / batch)) >> "$work/times"
		i=$((i + 1))
	done
	sort -n "$work/times" | sed -n "$(((runs + 1) / 2))p"
}

ms()
{
	awk -v us="$1" 'BEGIN { printf "%.1f ms", us / 1000 }'
}

# Resident memory of a process in KiB.
rss_kib()
{
	if [ -r "/proc/$1/status" ]; then
		awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
	else
		ps -o rss= -p "$1" | tr -d ' '
	fi
}

echo "kvm bench: $n VMs, median of $runs runs, $(uname -sr)"

# A scratch host, a pool, kvm installed on it.
mkdir -p "$KVM_ROOTDIR/usr/local/share/uefi-firmware" \
    "$KVM_ROOTDIR/usr/local/etc" "$KVM_ROOTDIR/etc" \
    "$KVM_ROOTDIR/var/run" "$KVM_ROOTDIR/dev" "$KVM_ROOTDIR/sim" ||
    die "cannot make $KVM_ROOTDIR"
fw=$KVM_ROOTDIR/usr/local/share/uefi-firmware
printf 'CODE\n' > "$fw/BHYVE_UEFI_CODE.fd"
printf 'VARS\n' > "$fw/BHYVE_UEFI_VARS.fd"
home=$work/mnt/kvm
if [ "$files" -eq 1 ]; then
	mkdir -p "$home/vm" || die "cannot make $home/vm"
	printf 'kvm_pool="%s"\nkvm_dataset="%s/kvm"\nkvm_home="%s"\n' \
	    "$pool" "$pool" "$home" > "$KVM_ROOTDIR/usr/local/etc/kvm.conf"
	mkdir -p "$home/firmware"
	cp "$fw/BHYVE_UEFI_CODE.fd" "$fw/BHYVE_UEFI_VARS.fd" "$home/firmware"
	cp "$top/share/functions" "$home/functions"
else
	truncate -s 2G "$work/pool.img" || die "truncate failed"
	zpool create -m "$work/mnt" "$pool" "$work/pool.img" \
	    >/dev/null 2>&1 || die "cannot create pool $pool"
	kvm install "$pool" >/dev/null || die "kvm install $pool failed"
fi

# The VMs: one dataset each, as kvm create makes them (set.conf, run,
# a sparse disk, UEFI variables).
t0=$(now_us)
i=1
while [ $i -le "$n" ]; do
	name=$(printf 'vm%04d' $i)
	d=$home/vm/$name
	if [ "$files" -eq 1 ]; then
		mkdir "$d" || die "mkdir $d failed"
	elif [ "$mountall" -eq 1 ] || [ $i -eq 1 ]; then
		zfs create "$pool/kvm/vm/$name" || die "zfs create $name failed"
	else
		zfs create -o canmount=off "$pool/kvm/vm/$name" ||
		    die "zfs create $name failed"
		mkdir "$d" || die "mkdir $d failed"
	fi
	# The first VM is started: no tap, which its preRun would create.
	devices="4,virtio-net,\$LAN"
	[ $i -ne 1 ] || devices=
	cat > "$d/set.conf" <<EOF
# bench VM $i
Cores="$((i % 4 + 1))"
Mem="$((i % 8 + 1))G"
VMrom="uefi"
Disk="disk"
DiskDriver="nvme"
Console="com"
LAN="tap$i"
Devices="$devices"
OnFault="stop"
EOF
	printf 'preRun()\n{\n\t:\n}\n\npostRun()\n{\n\t:\n}\n' > "$d/run"
	truncate -s 10G "$d/disk"
	cp "$fw/BHYVE_UEFI_VARS.fd" "$d/uefi-vars.fd"
	i=$((i + 1))
done
t1=$(now_us)
if [ "$files" -eq 1 ]; then
	how="plain directories, no ZFS"
elif [ "$mountall" -eq 1 ]; then
	how="a mounted dataset each"
else
	how="a dataset each, only the first mounted"
fi
echo "created $n VMs ($how) in $(ms $((t1 - t0)))"

# What date(1) itself costs between two readings.
overhead=0
: > "$work/times"
i=0
while [ $i -lt "$runs" ]; do
	t0=$(now_us)
	t1=$(now_us)
	echo $((t1 - t0)) >> "$work/times"
	i=$((i + 1))
done
overhead=$(sort -n "$work/times" | sed -n "$(((runs + 1) / 2))p")

# One VM up under its supervisor: the simulator's guest idles ("run").
first=vm0001
printf 'run\n' > "$KVM_ROOTDIR/sim/$first.guest"
if kvm start -d "$first" >"$work/start.out" 2>&1; then
	started=$first
	i=0
	until kvm status "$first" >/dev/null 2>&1 &&
	    [ "$(kvm status "$first")" -gt 0 ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || break
		sleep 0.1
	done
fi

rows=$(kvm list | wc -l)
[ "$rows" -eq $((n + 1)) ] || die "kvm list printed $rows lines, not $((n + 1))"

echo "kvm list ($n VMs):       $(ms "$(median_us "$kvm" list)")   (target < 100 ms)"
echo "kvm list -j ($n VMs):    $(ms "$(median_us "$kvm" list -j)")"
echo "kvm status $first:      $(ms "$(median_us "$kvm" status "$first")")"
echo "kvm status -j $first:   $(ms "$(median_us "$kvm" status -j "$first")")"
if [ "$files" -eq 0 ]; then
	echo "kvm info $first:        $(ms "$(median_us "$kvm" info "$first")")   (runs ifconfig and zfs)"
fi
for t in /usr/bin/true /bin/true; do
	[ -x "$t" ] || continue
	echo "$t, for scale:     $(ms "$(median_us "$t")")   (starting any process)"
	break
done
echo "(each sample: $batch runs in a row; date(1)'s own $(ms "$overhead") subtracted)"

if [ -z "$started" ]; then
	echo "supervisor RSS: not measured: kvm start -d $first failed:"
	sed 's/^/    /' "$work/start.out"
	exit 0
fi
sup=$(kvm status -j "$first" |
    sed -n 's/.*"supervisor":\([0-9]*\).*/\1/p')
state=$(kvm status -j "$first" | sed -n 's/.*"state":"\([a-z]*\)".*/\1/p')
if [ -z "$sup" ] || [ "$sup" -eq 0 ]; then
	echo "supervisor RSS: not measured: $first is $state"
	exit 0
fi
sleep 2
echo "supervisor RSS (idle, $first $state): $(rss_kib "$sup") KiB   (target <= 1536 KiB; see bench/supervisor.sh)"
