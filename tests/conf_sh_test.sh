#! /usr/bin/env atf-sh
#
# conf_sh_test.sh: set.conf must mean the same to kvm's C parser and to
# sh.  Every valid golden file is sourced by /bin/sh (dash on Debian) in
# an empty environment and each variable confdump reports is compared
# byte for byte; every invalid one must fail with its exact message; and
# values written back by conf_set must read back the same in both.
# Files that would take sh unbounded memory are refused by confdump in
# bounded memory, and running out of memory is an error, not an exit.
# Single-quoted $, ` and ~ are set.conf text and test values, on purpose.
# shellcheck disable=SC1003,SC2016,SC2088

confdump()
{
	"$(atf_get_srcdir)/confdump" "$@"
}

# Bytes on stdin in confdump's escaping (\\, \n, \ooo), then a newline.
escape()
{
	od -An -v -tu1 | awk '
	{
		for (i = 1; i <= NF; i++) {
			c = $i + 0
			if (c == 92)
				printf "\\\\"
			else if (c == 10)
				printf "\\n"
			else if (c < 32 || c >= 127)
				printf "\\%03o", c
			else
				printf "%c", c
		}
	}
	END { printf "\n" }'
}

# sh_view FILE NAME...: NAME=VALUE as sh sees it after sourcing FILE with
# nothing in the environment; only builtins run in that shell.
sh_view()
{
	_file=$1
	shift
	rm -rf shout && mkdir shout || return 1
	env -i /bin/sh -c '
		. "$1" || exit 1
		kvm_t_out=$2
		shift 2
		for kvm_t_n do
			eval "kvm_t_set=\${$kvm_t_n+set}"
			if [ "$kvm_t_set" != set ]; then
				printf "%s is unset\n" "$kvm_t_n" >&2
				exit 1
			fi
			eval "printf %s \"\${$kvm_t_n}\"" >"$kvm_t_out/$kvm_t_n"
		done' sh "$_file" "$PWD/shout" "$@" || return 1
	for _n do
		printf '%s=' "$_n"
		escape <"shout/$_n"
	done
}

# agree FILE: confdump and sh see the same variables; confdump's view is
# left in c.out.
agree()
{
	confdump "$1" >c.out 2>c.err || { cat c.err >&2; return 1; }
	# shellcheck disable=SC2046 # names never contain blanks
	sh_view "$PWD/$1" $(sed 's/=.*//' c.out) >s.out 2>s.err ||
	    { cat s.err >&2; return 1; }
	if [ -s s.err ] || ! cmp -s c.out s.out; then
		echo "$1: sh and confdump disagree:" >&2
		cat s.err >&2
		diff c.out s.out >&2
		return 1
	fi
}

atf_test_case valid
valid_head()
{
	atf_set descr "each valid golden file parses to its .expect and sh agrees"
}
valid_body()
{
	dir=$(atf_get_srcdir)/conf/valid
	failed='' n=0
	for f in "$dir"/*.conf; do
		base=${f##*/}
		n=$((n + 1))
		cp "$f" "$base"
		if ! agree "$base"; then
			failed="$failed ${base%.conf}"
		elif ! cmp -s c.out "${f%.conf}.expect"; then
			echo "$base: differs from its .expect:" >&2
			diff "${f%.conf}.expect" c.out >&2
			failed="$failed ${base%.conf}"
		fi
	done
	[ "$n" -ge 30 ] || atf_fail "only $n valid cases found in $dir"
	[ -z "$failed" ] || atf_fail "failed:$failed"
}

atf_test_case invalid
invalid_head()
{
	atf_set descr "each invalid golden file fails with exactly its .err line"
}
invalid_body()
{
	dir=$(atf_get_srcdir)/conf/invalid
	failed='' n=0
	for f in "$dir"/*.conf; do
		base=${f##*/}
		n=$((n + 1))
		(cd "$dir" && confdump "$base") >out 2>err
		st=$?
		if [ "$st" -ne 1 ] || [ -s out ] || ! cmp -s err "${f%.conf}.err"
		then
			echo "$base: exit $st, stderr:" >&2
			cat err >&2
			failed="$failed ${base%.conf}"
		fi
	done
	[ "$n" -ge 30 ] || atf_fail "only $n invalid cases found in $dir"
	[ -z "$failed" ] || atf_fail "failed:$failed"
}

# The file every write-back test starts from: comments, indentation,
# trailing comments, references and a free variable.
base_conf()
{
	cat >base.conf <<'EOF'
# set.conf for web
	# an indented comment
Cores="2"	# vCPUs
Mem=4G
LAN="tapweb"
Devices="4,virtio-net,$LAN"
  Iso="/iso/old.iso"   # the installer
Free='keep me'   # a user variable
Last=$Iso
EOF
}

# The text conf_quote must produce for $1.
quote()
{
	printf '"'
	printf '%s' "$1" | LC_ALL=C sed 's/[\\"$`]/\\&/g'
	printf '"'
}

# set_check VALUE: set Iso to VALUE; the file must be the old one with only
# the Iso assignment replaced, and sh and confdump must both read VALUE.
set_check()
{
	base_conf
	cp base.conf set.conf
	confdump -s set.conf Iso "$1" || atf_fail "confdump -s failed"
	{
		sed -n '1,6p' base.conf
		printf '  Iso=%s   # the installer\n' "$(quote "$1")"
		sed -n '8,$p' base.conf
	} >want.conf
	if ! cmp -s want.conf set.conf; then
		diff want.conf set.conf >&2
		atf_fail "other text changed when setting Iso"
	fi
	agree set.conf || atf_fail "sh and confdump disagree"
	# Not inline: atf_check would expand the backslashes in the value.
	want=$(printf '%s' "$1" | escape)
	printf 'Iso=%s\nLast=%s\n' "$want" "$want" >want.out
	atf_check -o file:want.out grep -E '^(Iso|Last)=' c.out
	atf_check -o inline:"Cores=2\nMem=4G\nLAN=tapweb\n" \
	    grep -E '^(Cores|Mem|LAN)=' c.out
	atf_check -o inline:"Free=keep me\n" grep '^Free=' c.out
}

atf_test_case set_tricky
set_tricky_head()
{
	atf_set descr "conf_set of values sh would mangle reads back exactly"
}
set_tricky_body()
{
	nl='
'
	tab=$(printf '\t')
	cr=$(printf '\r')
	for v in "it's \"quoted\"" '$HOME ${X} $(id) $((1+1)) $' \
	    '`id` and \`' 'back\slash\' '\' '\\' "\\$nl" '"' "'" '$' \
	    "line one${nl}line two" "${nl}leading and trailing${nl}" \
	    "$nl" '  spaces  around  ' '' 'café 日本語' \
	    "tab${tab}and${cr}cr" '#not a comment; & | < > ( ) ~ * ? [a]' \
	    '\"\$\`\\' "$(printf 'ctl\001\033[0m\177')" \
	    "$(printf 'high\201\210\377')" '~/x' 'a=b c=d' '${Iso}'; do
		set_check "$v"
	done
}

atf_test_case set_multiline
set_multiline_head()
{
	atf_set descr "a multi-line assignment is replaced as a whole"
}
set_multiline_body()
{
	printf '%s\n' 'A=1' '  Notes="first' 'second' 'third"  # notes' \
	    'B=$Notes' 'C=3' >set.conf
	confdump -s set.conf Notes 'one line'
	atf_check -o inline:'A=1\n  Notes="one line"  # notes\nB=$Notes\nC=3\n' \
	    cat set.conf
	agree set.conf || atf_fail "sh and confdump disagree"
	atf_check -o inline:'A=1\nNotes=one line\nB=one line\nC=3\n' cat c.out
}

atf_test_case set_duplicate
set_duplicate_head()
{
	atf_set descr "only the last assignment changes; references follow"
}
set_duplicate_body()
{
	printf '%s\n' 'A=1' 'B=$A' 'A=2 # last' 'C=$A' >set.conf
	confdump -s set.conf A 'new value'
	atf_check -o inline:'A=1\nB=$A\nA="new value" # last\nC=$A\n' \
	    cat set.conf
	agree set.conf || atf_fail "sh and confdump disagree"
	atf_check -o inline:'A=new value\nB=1\nC=new value\n' cat c.out
}

atf_test_case set_append
set_append_head()
{
	atf_set descr "a new variable is appended, after a newline if missing"
}
set_append_body()
{
	printf 'A=1\n# end' >set.conf
	confdump -s set.conf New 'x y'
	atf_check -o inline:'A=1\n# end\nNew="x y"\n' cat set.conf
	confdump -s set.conf Other ''
	atf_check -o inline:'A=1\n# end\nNew="x y"\nOther=""\n' cat set.conf
	agree set.conf || atf_fail "sh and confdump disagree"
	: >empty.conf
	confdump -s empty.conf A 1
	atf_check -o inline:'A="1"\n' cat empty.conf
}

atf_test_case set_keeps_file
set_keeps_file_head()
{
	atf_set descr "conf_write keeps the mode and leaves no temporary file"
}
set_keeps_file_body()
{
	mkdir d
	printf 'A=1\n' >d/set.conf
	chmod 640 d/set.conf
	confdump -s d/set.conf A 2
	atf_check -o inline:'A="2"\n' cat d/set.conf
	atf_check -o match:'^-rw-r----- ' ls -l d/set.conf
	atf_check -o inline:'set.conf\n' ls -A d
}

atf_test_case set_refused
set_refused_head()
{
	atf_set descr "names sh would not assign are refused, file untouched"
}
set_refused_body()
{
	printf 'A=1\n' >set.conf
	for name in 1A A-B '' PATH IFS; do
		atf_check -s exit:1 -e match:"cannot set" \
		    "$(atf_get_srcdir)/confdump" -s set.conf "$name" x
	done
	atf_check -o inline:'A=1\n' cat set.conf
}

# doubling LEVELS: A0="x", then Ak="$Ak-1$Ak-1" up to A<LEVELS>, into
# set.conf: a few hundred bytes whose last value is 2^LEVELS bytes.
doubling()
{
	printf 'A0="x"\n' >set.conf
	_i=1
	while [ "$_i" -le "$1" ]; do
		printf 'A%d="$A%d$A%d"\n' "$_i" $((_i - 1)) $((_i - 1))
		_i=$((_i + 1))
	done >>set.conf
}

# The address space (KiB) the bounded cases give confdump: ten times what
# a refused file needs, a tenth of what the unbounded parser took for 30
# levels (2.1 GB).
LIMIT=200000

# under KIB ARG...: confdump ARG... with its address space capped.
# shellcheck disable=SC3045 # dash, bash and FreeBSD's sh have ulimit -v
under()
{
	_kib=$1
	shift
	(ulimit -v "$_kib" && exec "$(atf_get_srcdir)/confdump" "$@")
}

# Sanitizer builds reserve terabytes of address space up front.
require_ulimit()
{
	printf 'A=1\n' >ok.conf
	under "$LIMIT" ok.conf >/dev/null 2>&1 ||
	    atf_skip "confdump does not run under ulimit -v (sanitizer build?)"
}

# refused MESSAGE: confdump set.conf under LIMIT fails with exactly it.
refused()
{
	under "$LIMIT" set.conf >out 2>err
	st=$?
	printf '%s\n' "$1" >want
	if [ "$st" -ne 1 ] || [ -s out ] || ! cmp -s want err; then
		echo "exit $st, stderr:" >&2
		cat err >&2
		atf_fail "not refused with: $1"
	fi
}

atf_test_case bounded_value
bounded_value_head()
{
	atf_set descr "30 and 40 doublings are refused within ulimit -v"
}
bounded_value_body()
{
	require_ulimit
	for levels in 30 40; do
		doubling "$levels"
		refused "set.conf:22: A21 is longer than 1048576 bytes after expansion"
	done
	# The largest value allowed (2^20 bytes) is read as sh reads it.
	doubling 20
	agree set.conf || atf_fail "sh and confdump disagree"
	atf_check -o inline:"$((4 + 1048576 + 1))\n" \
	    sh -c 'grep ^A20= c.out | wc -c'
}

atf_test_case bounded_total
bounded_total_head()
{
	atf_set descr "values under the cap that add up past 16 MiB are refused"
}
bounded_total_body()
{
	require_ulimit
	doubling 19
	i=1
	while [ "$i" -le 1000 ]; do
		printf 'B%d=$A19\n' "$i"
		i=$((i + 1))
	done >>set.conf
	refused "set.conf:51: B31: expansions in the file add up to more than 16777216 bytes"
}

atf_test_case out_of_memory
out_of_memory_head()
{
	atf_set descr "under any memory limit confdump parses or says so"
}
out_of_memory_body()
{
	require_ulimit
	# The least address space confdump runs in, to the nearest MB.
	base=1000
	until under "$base" ok.conf >/dev/null 2>&1; do
		base=$((base + 1000))
	done
	# 15 MiB of values, under both caps; about 30 MiB of buffers.
	doubling 19
	i=1
	while [ "$i" -le 28 ]; do
		printf 'B%d=$A19\n' "$i"
		i=$((i + 1))
	done >>set.conf
	printf 'set.conf: out of memory\n' >oom
	kib=$base oom=0 ok=0
	while [ "$kib" -le $((base + 80000)) ]; do
		under "$kib" set.conf >out 2>err
		st=$?
		if [ "$st" -eq 0 ] && [ ! -s err ] &&
		    [ "$(wc -l <out)" -eq 48 ]; then
			ok=$((ok + 1))
		elif [ "$st" -eq 1 ] && [ ! -s out ] && cmp -s oom err; then
			oom=$((oom + 1))
		else
			echo "ulimit -v $kib: exit $st, stderr:" >&2
			cat err >&2
			atf_fail "neither parsed nor out of memory"
		fi
		kib=$((kib + 2000))
	done
	echo "from $base KiB: $oom out of memory, $ok parsed"
	[ "$oom" -gt 0 ] || atf_fail "never ran out of memory"
	[ "$ok" -gt 0 ] || atf_fail "never parsed"
}

atf_init_test_cases()
{
	atf_add_test_case valid
	atf_add_test_case invalid
	atf_add_test_case set_tricky
	atf_add_test_case set_multiline
	atf_add_test_case set_duplicate
	atf_add_test_case set_append
	atf_add_test_case set_keeps_file
	atf_add_test_case set_refused
	atf_add_test_case bounded_value
	atf_add_test_case bounded_total
	atf_add_test_case out_of_memory
}
