#! /usr/bin/env atf-sh
# kvm.8 against the command table: the SYNOPSIS must list every command
# and every flag kvm's own usage prints, and nothing else
# (kvm8_synopsis.sh).  The table is read from the program, so a command
# added to main.c without its manual entry fails here.

# shellcheck source=/dev/null
. "$(atf_get_srcdir)/lib.sh"

# paths: SYN, the comparison; KVM, the program; MAN, its kvm.8 (in the
# source tree, or installed beside the tests).
paths()
{
	SYN="$(atf_get_srcdir)/kvm8_synopsis.sh"
	KVM=$(kvm_bin)
	if kvm_installed; then
		MAN="$(atf_get_srcdir)/../../share/man/man8/kvm.8"
	else
		MAN="$(atf_get_srcdir)/../man/kvm.8"
	fi
}

# edit SED-SCRIPT: kvm.8 through sed into ./kvm.8, which must differ.
edit()
{
	paths
	sed "$1" "$MAN" > kvm.8
	if cmp -s kvm.8 "$MAN"; then
		atf_fail "sed '$1' did not change kvm.8"
	fi
}

atf_test_case agree
agree_head()
{
	atf_set "descr" "man/kvm.8 lists exactly the commands and flags of kvm"
}
agree_body()
{
	paths
	atf_check -s exit:0 -o empty -e empty sh "$SYN" "$KVM" "$MAN"
}

atf_test_case command_missing
command_missing_head()
{
	atf_set "descr" "a command of the table missing from the SYNOPSIS fails"
}
command_missing_body()
{
	edit '/^\.Cm eject$/d'
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm.8: SYNOPSIS lacks command eject\n" \
	    sh "$SYN" "$KVM" kvm.8
}

atf_test_case flag_missing
flag_missing_head()
{
	atf_set "descr" "a flag of a usage line missing from the SYNOPSIS fails"
}
flag_missing_body()
{
	edit '/^\.Op Fl d$/d'
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm.8: SYNOPSIS of start lacks -d\n" \
	    sh "$SYN" "$KVM" kvm.8
}

atf_test_case command_extra
command_extra_head()
{
	atf_set "descr" "a SYNOPSIS command kvm does not have fails"
}
command_extra_body()
{
	edit 's/^\.Sh DESCRIPTION$/.Nm\
.Cm frob\
.Op Fl q\
&/'
	atf_check -s exit:1 -o empty -e inline:"kvm.8: SYNOPSIS lists command\
 frob, which kvm does not have\n" sh "$SYN" "$KVM" kvm.8
}

atf_test_case flag_extra
flag_extra_head()
{
	atf_set "descr" "a SYNOPSIS flag a usage line does not have fails"
}
flag_extra_body()
{
	edit 's/^\.Cm stop$/&\
.Op Fl z/'
	atf_check -s exit:1 -o empty -e inline:"kvm.8: SYNOPSIS of stop lists\
 -z, which its usage line does not have\n" sh "$SYN" "$KVM" kvm.8
}

atf_test_case no_table
no_table_head()
{
	atf_set "descr" "a program that prints no table is an error, not a pass"
}
no_table_body()
{
	printf '#!/bin/sh\necho "usage: kvm [-v] command [arguments]" >&2\nexit 2\n' \
	    > kvm
	chmod +x kvm
	paths
	atf_check -s exit:2 -o empty \
	    -e inline:"kvm8_synopsis.sh: ./kvm printed no command table\n" \
	    sh "$SYN" ./kvm "$MAN"
}

atf_test_case operand_changed
operand_changed_head()
{
	atf_set "descr" "a SYNOPSIS line with a renamed operand fails"
}
operand_changed_body()
{
	edit '/^\.Cm stop$/,/^\.Nm/ s/^\.Ar name$/.Ar vm/'
	atf_check -s exit:1 -o empty -e inline:"kvm.8: SYNOPSIS of stop reads\
 \"kvm stop vm\" but kvm prints \"kvm stop name\"\n" sh "$SYN" "$KVM" kvm.8
}

atf_test_case usage_changed
usage_changed_head()
{
	atf_set "descr" "a changed usage line in the program fails"
}
usage_changed_body()
{
	paths
	# A kvm whose table says "from to" where kvm.8 says "old new".
	cat > kvm <<EOF
#!/bin/sh
"$KVM" "\$@" 2>&1 >/dev/null | sed 's/kvm rename old new/kvm rename from to/' >&2
exit 2
EOF
	chmod +x kvm
	atf_check -s exit:1 -o empty -e inline:"$MAN: SYNOPSIS of rename reads\
 \"kvm rename old new\" but kvm prints \"kvm rename from to\"\n" \
	    sh "$SYN" ./kvm "$MAN"
}

atf_init_test_cases()
{
	atf_add_test_case agree
	atf_add_test_case command_missing
	atf_add_test_case flag_missing
	atf_add_test_case command_extra
	atf_add_test_case flag_extra
	atf_add_test_case no_table
	atf_add_test_case operand_changed
	atf_add_test_case usage_changed
}
