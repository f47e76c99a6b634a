#!/bin/sh
# tests/kvm8_synopsis.sh KVM MANPAGE: compare the command table, as the
# program KVM prints it (its usage, run without arguments), with the
# SYNOPSIS of MANPAGE (kvm.8).  Every command and every flag of its
# usage line must be in the SYNOPSIS, and the SYNOPSIS must list no
# command or flag the table lacks.  One line per difference on stderr,
# exit 1; exit 0 when they agree, 2 when KVM prints no table.
#
# In the SYNOPSIS each command is a ".Nm" line, then ".Cm verb", then
# its options and operands, the flags as "Fl x" anywhere on a line.

if [ $# -ne 2 ]; then
	echo "usage: kvm8_synopsis.sh kvm manpage" >&2
	exit 2
fi
kvm=$1
man=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kvm8.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' 0
trap 'exit 2' 1 2 15

# The table: "usage: kvm [-v] command [arguments]", then a line
# "       kvm VERB USAGE" per command, on stderr with exit status 2.
"$kvm" > /dev/null 2> "$tmp/usage"
status=$?
if [ "$status" -ne 2 ] ||
    [ "$(sed -n 1p "$tmp/usage")" != "usage: kvm [-v] command [arguments]" ]
then
	echo "kvm8_synopsis.sh: $kvm printed no command table" \
	    "(exit $status)" >&2
	exit 2
fi

# Both sides as "C verb" and "F verb -x" lines, in their own order.
awk 'NR > 1 && $1 == "kvm" {
	print "C", $2
	for (i = 3; i <= NF; i++) {
		t = $i
		sub(/^\[/, "", t)
		# A cluster of flags, "[-jl]", is each of them.
		if (t ~ /^-[A-Za-z0-9]/)
			for (j = 2; substr(t, j, 1) ~ /[A-Za-z0-9]/; j++)
				print "F", $2, "-" substr(t, j, 1)
	}
}' "$tmp/usage" > "$tmp/table"
if ! grep -q '^C ' "$tmp/table"; then
	echo "kvm8_synopsis.sh: $kvm printed no command table" >&2
	exit 2
fi

awk '/^\.Sh / { syn = ($2 == "SYNOPSIS"); next }
!syn { next }
$1 == ".Nm" { verb = ""; next }
$1 == ".Cm" && verb == "" { verb = $2; print "C", verb; next }
verb != "" {
	for (i = 1; i < NF; i++)
		if ($i == "Fl" || $i == ".Fl")
			for (j = 1; j <= length($(i + 1)); j++)
				print "F", verb, "-" substr($(i + 1), j, 1)
}' "$man" > "$tmp/synopsis"

# What the table has and the SYNOPSIS lacks (in table order), then what
# the SYNOPSIS has and the table lacks (in manual order).
awk -v man="$man" '
FILENAME == ARGV[1] { t[$0] = 1; tab[++nt] = $0; next }
{ s[$0] = 1; syn[++ns] = $0 }
END {
	for (i = 1; i <= nt; i++) {
		split(tab[i], f, " ")
		if (tab[i] in s)
			continue
		if (f[1] == "C")
			printf "%s: SYNOPSIS lacks command %s\n", man, f[2]
		else if (("C " f[2]) in s)
			printf "%s: SYNOPSIS of %s lacks %s\n", man, f[2], f[3]
	}
	for (i = 1; i <= ns; i++) {
		split(syn[i], f, " ")
		if (syn[i] in t)
			continue
		if (f[1] == "C")
			printf "%s: SYNOPSIS lists command %s," \
			    " which kvm does not have\n", man, f[2]
		else if (("C " f[2]) in t)
			printf "%s: SYNOPSIS of %s lists %s," \
			    " which its usage line does not have\n",
			    man, f[2], f[3]
	}
}' "$tmp/table" "$tmp/synopsis" > "$tmp/diff"

if [ -s "$tmp/diff" ]; then
	cat "$tmp/diff" >&2
	exit 1
fi

# Then whole lines: the SYNOPSIS as mandoc renders it (no wrapping),
# each "kvm VERB ..." line of a command the table has, against the
# table's line for that VERB, blanks squeezed.  This catches what the
# flag lists cannot: a renamed operand or argument, a moved flag.
mandoc -Tascii -O width=1000 "$man" | col -b | awk '
/^[A-Z]/ { syn = ($1 == "SYNOPSIS"); next }
syn && $1 == "kvm" { $1 = $1; print }' > "$tmp/lines" || exit 2
awk -v man="$man" '
FILENAME == ARGV[1] { if (NR > 1 && $1 == "kvm") { $1 = $1; u[$2] = $0 }
	next }
($2 in u) && u[$2] != $0 {
	printf "%s: SYNOPSIS of %s reads \"%s\" but kvm" \
	    " prints \"%s\"\n", man, $2, $0, u[$2]
}' "$tmp/usage" "$tmp/lines" >> "$tmp/diff"

if [ -s "$tmp/diff" ]; then
	cat "$tmp/diff" >&2
	exit 1
fi
exit 0
