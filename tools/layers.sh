#!/bin/sh
# tools/layers.sh [SRCDIR]: check that the layers of src/README hold
# (run by "make lint", after the objects are built).  Bottom up:
#   core/  pure           includes core/ only;            calls core
#   host/  mechanisms     includes core/, host/;          calls core, host
#   cmd/   commands       includes core/, host/, cmd/cmd.h;
#                                      calls core, host, cmd/cmd.o
#   main.c the table      anything
# and no command (cmd/cmd_X.o) calls another (cmd/cmd_Y.o).
#
# Includes are read from the sources; calls from the objects, with POSIX
# "nm -P" (NAME TYPE ...; U is undefined, an upper-case letter defined
# and global), so it works with GNU nm and FreeBSD's llvm-nm alike.
# Prints one line per violation on stderr and exits 1; 0 when clean.
# NM may name another nm.

src=${1:-src}
nm=${NM:-nm}

if [ ! -d "$src" ]; then
	echo "usage: layers.sh [srcdir]: no directory $src" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/layers.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' 0
trap 'exit 2' 1 2 15
: > "$tmp/bad"

# 1. Includes: every #include "..." of the layers' sources.
for dir in core host cmd; do
	for f in "$src/$dir"/*.c "$src/$dir"/*.h; do
		[ -f "$f" ] || continue
		sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' \
		    "$f" | while IFS= read -r h; do
			case "$dir:$h" in
			core:core/*) ;;
			host:core/* | host:host/*) ;;
			cmd:core/* | cmd:host/* | cmd:cmd/cmd.h) ;;
			core:*)
				echo "layers: $f includes $h" \
				    "(core may include only core/)" ;;
			host:*)
				echo "layers: $f includes $h" \
				    "(host may include only core/ and host/)" ;;
			cmd:*)
				echo "layers: $f includes $h" \
				    "(cmd may include only core/, host/ and cmd/cmd.h)" ;;
			esac
		done >> "$tmp/bad"
	done
done

# 2. Calls: "D|U SYMBOL LAYER OBJECT" for every global symbol of every
# object; main.o only defines (a call up to it is a violation too).
: > "$tmp/syms"
for dir in core host cmd main; do
	if [ "$dir" = main ]; then
		set -- "$src/main.c"
	else
		set -- "$src/$dir"/*.c
	fi
	for c in "$@"; do
		[ -f "$c" ] || continue
		o=${c%.c}.o
		if [ ! -f "$o" ]; then
			echo "layers: $o is missing (build before the check)" \
			    >> "$tmp/bad"
			continue
		fi
		if ! "$nm" -P "$o" > "$tmp/nm"; then
			echo "layers: $nm -P $o failed" >> "$tmp/bad"
			continue
		fi
		awk -v o="$o" -v l="$dir" '
		NF >= 2 && $2 == "U" { print "U", $1, l, o; next }
		NF >= 2 && $2 ~ /^[A-TV-Z]$/ { print "D", $1, l, o }
		' "$tmp/nm" >> "$tmp/syms"
	done
done

awk '
NR == FNR {
	if ($1 == "D" && !($2 in where)) {
		where[$2] = $4
		layer[$2] = $3
	}
	next
}
$1 != "U" || $3 == "main" || !($2 in where) { next }
{
	sym = $2; l = $3; o = $4; to = layer[sym]; def = where[sym]
	self = o; sub(/.*\//, "", self)
	base = def; sub(/.*\//, "", base)
	if (l == "core" && to != "core")
		why = "core may call only core"
	else if (l == "host" && to != "core" && to != "host")
		why = "host may call only core and host"
	else if (l == "cmd" && to == "cmd" && def != o &&
	    self ~ /^cmd_.*\.o$/ && base ~ /^cmd_.*\.o$/)
		why = "a command never calls another command"
	else if (l == "cmd" && to != "core" && to != "host" &&
	    !(to == "cmd" && base == "cmd.o"))
		why = "cmd may call only core, host and cmd/cmd.o"
	else
		next
	printf "layers: %s calls %s from %s (%s)\n", o, sym, def, why
}
' "$tmp/syms" "$tmp/syms" >> "$tmp/bad"

if [ -s "$tmp/bad" ]; then
	cat "$tmp/bad" >&2
	exit 1
fi
exit 0
