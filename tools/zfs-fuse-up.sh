#!/bin/sh
# zfs-fuse-up.sh: make sure the zfs-fuse daemon answers (Debian test
# bench only; FreeBSD has ZFS in the kernel).  The daemon is started in
# its own session so that it outlives the test or demo that needed it.
zpool list -H -o name >/dev/null 2>&1 && exit 0
command -v zfs-fuse >/dev/null 2>&1 || {
	echo "zfs-fuse-up: zfs-fuse is not installed" >&2
	exit 1
}
# A daemon that died leaves its pid file, which stops a new one.
pidfile=/var/run/zfs-fuse.pid
if [ -f "$pidfile" ] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
	rm -f "$pidfile"
fi
mkdir -p /var/run/zfs
setsid zfs-fuse -p "$pidfile" --no-kstat-mount \
    </dev/null >/dev/null 2>&1
i=0
while ! zpool list -H -o name >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -ge 100 ]; then
		echo "zfs-fuse-up: zfs-fuse did not start" >&2
		exit 1
	fi
	sleep 0.1
done
