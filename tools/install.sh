#!/bin/sh
# tools/install.sh install|uninstall|list DESTDIR PREFIX
#
# Installs or removes kvm as the package list says: the port's pkg-plist
# (port/sysutils/kvm/pkg-plist) is the one list of what kvm installs,
# so "make install", "make uninstall", the port and the plist test can
# never disagree.  Each plist line maps to a file of the tree:
#   sbin/kvm                    kvm (the program)
#   share/kvm/functions         share/functions (the hook library)
#   share/kvm/templates/FILE    share/templates/FILE (set.conf and run
#                               examples)
#   share/man/manN/PAGE.N.gz    man/PAGE.N (the ports framework
#                               compresses pages; make install does not)
#   tests/kvm/zfs-fuse-up.sh    tools/zfs-fuse-up.sh (and layers.sh)
#   tests/kvm/REST              tests/REST (symbolic links stay links)
# "list" prints "PLIST-PATH<TAB>SOURCE<TAB>MODE" for every line.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
plist=$top/port/sysutils/kvm/pkg-plist

usage()
{
	echo "usage: tools/install.sh install|uninstall|list DESTDIR PREFIX" >&2
	exit 2
}

[ $# -eq 3 ] || usage
what=$1
dest=$2$3

# source PLIST-PATH: the file of the tree behind a plist line.
source_of()
{
	case $1 in
	sbin/kvm) echo kvm ;;
	share/kvm/functions) echo share/functions ;;
	share/kvm/templates/*) echo "share/templates/${1#share/kvm/templates/}" ;;
	share/man/man*/*.gz) p=${1##*/}; echo "man/${p%.gz}" ;;
	tests/kvm/zfs-fuse-up.sh) echo tools/zfs-fuse-up.sh ;;
	tests/kvm/layers.sh) echo tools/layers.sh ;;
	tests/kvm/*) echo "tests/${1#tests/kvm/}" ;;
	*) echo "tools/install.sh: $1: no rule for this plist line" >&2
	   return 1 ;;
	esac
}

# mode SOURCE: programs and test programs are executable, the rest not.
mode_of()
{
	case $1 in
	kvm|tests/sim/sim|tests/sim/bin/*|tools/zfs-fuse-up.sh|tools/layers.sh|\
	tests/*_test|tests/*_test.sh|tests/confdump|tests/argvdump|\
	tests/ptyrun|tests/*dump|tests/kvm8_synopsis.sh)
		echo 555 ;;
	*)	echo 444 ;;
	esac
}

# The plist's file lines (no @ keywords, no blank lines).
entries()
{
	grep -v -e '^@' -e '^[[:space:]]*$' "$plist"
}

case $what in
list)
	entries | while IFS= read -r p; do
		s=$(source_of "$p")
		printf '%s\t%s\t%s\n' "$p" "$s" "$(mode_of "$s")"
	done
	;;
install)
	entries | while IFS= read -r p; do
		s=$(source_of "$p")
		t=$dest/${p%.gz}
		mkdir -p "${t%/*}"
		rm -f "$t"
		if [ -L "$top/$s" ]; then
			ln -s "$(readlink "$top/$s")" "$t"
		else
			cp "$top/$s" "$t"
			chmod "$(mode_of "$s")" "$t"
		fi
	done
	;;
uninstall)
	entries | while IFS= read -r p; do
		rm -f "$dest/${p%.gz}"
	done
	# The directories that are kvm's alone (under share/kvm and
	# tests/kvm, as the plist has them), deepest first.
	entries | sed -n 's|/[^/]*$||p' | grep -E '^(share|tests)/kvm(/|$)' |
	    awk '{ print; while (sub(/\/[^\/]*$/, "") && $0 ~ /\/kvm\//) print }' |
	    LC_ALL=C sort -ru | while IFS= read -r d; do
		[ ! -d "$dest/$d" ] || rmdir "$dest/$d"
	done
	;;
*)
	usage
	;;
esac
