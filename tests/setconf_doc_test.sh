#! /usr/bin/env atf-sh
# Drift test of set.conf(5) against the settings table (settings.c): every
# variable of the table has an ".It Va NAME" entry in the page, every
# such entry is a variable of the table, and each entry starts with the
# table's type.  The table comes from the C code, through settingsdump.

# The table, as "NAME<tab>TYPE<tab>DEFAULT" lines.
table()
{
	"$(atf_get_srcdir)/settingsdump" > table ||
	    atf_fail "settingsdump failed"
}

# shellcheck source=/dev/null
. "$(atf_get_srcdir)/lib.sh"

# page: set.conf(5) in the source tree, or installed.
page()
{
	if kvm_installed; then
		echo "$(atf_get_srcdir)/../../share/man/man5/set.conf.5"
	else
		echo "$(atf_get_srcdir)/../man/set.conf.5"
	fi
}

# doc_names PAGE: the NAME of every ".It Va NAME" entry, in page order.
doc_names()
{
	awk '/^\.It Va / { print $3 }' "$1"
}

# compare PAGE: report each variable missing from the page or from the
# table on stderr, as "set.conf.5: ..."; status 1 if there is one.
# Needs ./table.
compare()
{
	cut -f1 table > table.names
	doc_names "$1" > doc.names
	rc=0
	while read -r v; do
		if ! grep -qx "$v" doc.names; then
			echo "set.conf.5: $v is in the settings table but" \
			    "not documented" >&2
			rc=1
		fi
	done < table.names
	while read -r v; do
		if ! grep -qx "$v" table.names; then
			echo "set.conf.5: $v is documented but not in the" \
			    "settings table" >&2
			rc=1
		fi
	done < doc.names
	return $rc
}

# without PAGE NAME: PAGE minus the entry of NAME (its .It line up to,
# not including, the next .It or .El).
without()
{
	awk -v v="$2" '
	    /^\.(It|El)/ { skip = ($0 == ".It Va " v) }
	    !skip' "$1"
}

# entry PAGE NAME: the text of NAME's entry on one line, the macro names
# at the start of its lines taken out.
entry()
{
	entry_lines "$1" "$2" | sed 's/^\.[A-Z][a-z] //' | tr '\n' ' '
}

# entry_lines PAGE NAME: the lines of NAME's entry after its .It line.
entry_lines()
{
	awk -v v="$2" '
	    /^\.(It|El)/ { keep = 0 }
	    keep
	    $0 == ".It Va " v { keep = 1 }' "$1"
}

atf_test_case documented
documented_head()
{
	atf_set descr "set.conf(5) lists exactly the settings table"
}
documented_body()
{
	table
	[ "$(wc -l < table)" -ge 20 ] || atf_fail "settingsdump: short table"
	rc=0
	compare "$(page)" 2> err || rc=$?
	atf_check -o empty cat err
	atf_check_equal 0 "$rc"
	# In the table's order, too: the page reads like a new set.conf.
	atf_check -o file:table.names cat doc.names
}

atf_test_case types
types_head()
{
	atf_set descr "each entry gives the table's type and default"
}
types_body()
{
	table
	while IFS='	' read -r name type def; do
		entry "$(page)" "$name" > text
		got=$(sed 's/:.*//' text)
		[ "$got" = "$type" ] ||
		    atf_fail "$name: entry starts \"$got\", not \"$type:\""
		[ "$def" = - ] || grep -Fq "Default: $def" text ||
		    atf_fail "$name: no \"Default: $def\" in \"$(cat text)\""
	done < table
}

atf_test_case missing_entry
missing_entry_head()
{
	atf_set descr "a variable deleted from the page is reported"
}
missing_entry_body()
{
	table
	without "$(page)" VNCwait > copy.5
	atf_check -s exit:1 grep -q '^\.It Va VNCwait$' copy.5
	atf_check grep -q '^\.It Va VNCpassword$' copy.5
	rc=0
	compare copy.5 2> err || rc=$?
	atf_check_equal 1 "$rc"
	msg="VNCwait is in the settings table but not documented"
	atf_check -o inline:"set.conf.5: $msg\n" cat err
}

atf_test_case extra_entry
extra_entry_head()
{
	atf_set descr "a variable the table lacks is reported"
}
extra_entry_body()
{
	table
	sed 's/^\.It Va OnFault$/.It Va OnFailure\
choice: gone.\
&/' "$(page)" > copy.5
	rc=0
	compare copy.5 2> err || rc=$?
	atf_check_equal 1 "$rc"
	msg="OnFailure is documented but not in the settings table"
	atf_check -o inline:"set.conf.5: $msg\n" cat err
}

atf_init_test_cases()
{
	atf_add_test_case documented
	atf_add_test_case types
	atf_add_test_case missing_entry
	atf_add_test_case extra_entry
}
