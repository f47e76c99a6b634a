#!/bin/sh
# tools/bootstrap.sh demo|check: everything from a fresh machine to a
# demonstration run or the test suite.  Installs the build and test
# dependencies (Debian: apt; FreeBSD: pkg), configures, builds, then
# runs "make demo" or "make check".
set -e
case ${1:-} in
demo|check) ;;
*) echo "usage: tools/bootstrap.sh demo|check" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."

debian_pkgs="build-essential pkg-config libbsd-dev bmake clang zfs-fuse
kyua atf-sh libatf-dev mandoc shellcheck dash"
# Cloud images: makefs builds the seed ISO (in FreeBSD's base), isoinfo
# (genisoimage) reads it back in the tests, qemu-img converts qcow2;
# qemu-utils without its recommends (Ceph, Gluster) is three packages.
debian_pkgs="$debian_pkgs makefs genisoimage"
debian_norec="qemu-utils"

case $(uname -s) in
Linux)
	missing=
	for p in $debian_pkgs; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || missing="$missing $p"
	done
	norec=
	for p in $debian_norec; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || norec="$norec $p"
	done
	if [ -n "$missing$norec" ]; then
		echo "bootstrap: installing$missing$norec"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
	fi
	if [ -n "$missing" ]; then
		# shellcheck disable=SC2086
		apt-get install -y -qq $missing >/dev/null
	fi
	if [ -n "$norec" ]; then
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $norec >/dev/null
	fi
	;;
FreeBSD)
	# ATF and kyua are in base; edk2 and grub2-bhyve are the loaders.
	pkg info -e edk2-bhyve || pkg install -y edk2-bhyve
	pkg info -e grub2-bhyve || pkg install -y grub2-bhyve
	;;
esac
./configure
make
make "$1"
