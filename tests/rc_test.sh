#! /usr/bin/env atf-sh
# Integration tests of "kvm rc" (the seed's dorc): the rc.d script it
# writes, its defaults and flags, the questions on a terminal, what it
# refuses, and how the script behaves under rc.subr (a stub with the
# gating logic of FreeBSD 14's run_rc_command).

. "$(atf_get_srcdir)/lib.sh"
. "$(atf_get_srcdir)/vm.sh"

# The absolute path kvm writes into its scripts, as sh reads it back.
kvm_self()
{
	echo "$(cd "$(kvm_bindir)" && pwd -P)/kvm"
}

rcd()
{
	echo "$KVM_ROOTDIR/usr/local/etc/rc.d"
}

# The script expected for VM web, with @KVM@ for the quoted kvm path
# and the three header fields given as arguments.
expected_web()
{
	cat <<EOF
#!/bin/sh
#
# PROVIDE: web
# REQUIRE:${1:+ $1}
# BEFORE:${2:+ $2}
# KEYWORD:${3:+ $3}
#
EOF
	cat <<'EOF'
# kvm rc.d script for VM web
# Written by "kvm rc"; "kvm rename" and "kvm destroy" keep it in
# step.  Run "kvm rc web" again to change the lines above.
#
# rc.conf(5) variables:
#   web_enable: YES starts the VM at boot (default NO).
#   web_timeout: seconds "stop" waits for the guest to shut
#     down after the ACPI power button before it powers the VM
#     off (default 60; anything but a number of seconds up
#     to 86400: the default, with a warning).
# At host shutdown (faststop) the script only presses the power
# button: kvm's host script, stopped after it, waits for all the
# VMs at once and powers off those still running in time for
# rcshutdown_timeout.  Without the host script it waits as stop.

# rc.subr reads the variables set below.
# shellcheck disable=SC1091,SC2034
. /etc/rc.subr

name="web"
desc="bhyve VM web"
rcvar="web_enable"
start_cmd="web_start"
stop_cmd="web_stop"
status_cmd="web_status"
# An rc.subr that does not list "status" for status_cmd itself.
grep -qF '{status_cmd}' /etc/rc.subr || extra_commands="status"

web_start()
{
	@KVM@ start -d web
}

# kvm status exits 0 when the VM is up (bhyve's pid, 0 while it
# starts), 1 when it is not (0, or -1: no such VM), 3 after an error.
web_state()
{
	web_pid=$(@KVM@ status web)
	case "$?:${web_pid}" in
	0:0)	web_st=starting ;;
	0:*)	web_st=running ;;
	1:0)	web_st=stopped ;;
	1:-1)	web_st=none ;;
	*)	web_st=error ;;
	esac
}

web_stop()
{
	web_state
	case ${web_st} in
	stopped)
		[ -n "${rc_fast}" ] && return 0
		echo "web is not running." >&2
		return 1
		;;
	none)
		echo "web: no such VM" >&2
		return 1
		;;
	error)
		echo "web: kvm status failed; stopping the VM anyway" >&2
		;;
	esac
	# Without the host script nothing would wait: wait here then.
	if [ -n "${rc_fast}" ] && [ -x @HOST@ ]; then
		@KVM@ shutdown -n web
		return
	fi
	case ${web_timeout} in
	''|*[!0-9]*|??????*)
		;;
	*)
		[ "${web_timeout}" -le 86400 ] &&
		    { @KVM@ shutdown -t "${web_timeout}" web; return; }
		;;
	esac
	echo "web: web_timeout=\"${web_timeout}\" is not a number" \
	    "of seconds (0 to 86400); using 60" >&2
	@KVM@ shutdown -t 60 web
}

web_status()
{
	web_state
	case ${web_st} in
	running)
		echo "web is running as pid ${web_pid}." ;;
	starting)
		echo "web is starting." ;;
	stopped)
		echo "web is not running."
		return 1 ;;
	none)
		echo "web: no such VM" >&2
		return 1 ;;
	*)
		echo "web: state unknown: kvm status failed" >&2
		return 1 ;;
	esac
}

load_rc_config "$name"
: "${web_enable:="NO"}"
: "${web_timeout:="60"}"

# rc.subr lets "stop" through without web_enable only for a daemon
# whose pid it finds, and "status" not at all; it cannot find a VM's
# pid.  So a VM that is not known to be stopped is stopped whether it
# is enabled or not (one started with onestart is still stopped at
# shutdown), and status always answers.
case "$1" in
*stop)	web_state
	[ "${web_st}" = stopped ] || web_enable="YES" ;;
*status)	web_enable="YES" ;;
esac

run_rc_command "$1"
EOF
}

# expected_web with the real path filled in, into the file $1.
expected_file()
{
	_out=$1
	shift
	expected_web "$@" | sed -e "s|@KVM@|'$(kvm_self)'|g" \
	    -e "s|@HOST@|'$(rcd)/kvm'|g" > "$_out"
}

rc_cleanup_all()
{
	. "$(atf_get_srcdir)/lib.sh"
	. "$(atf_get_srcdir)/vm.sh"
	kvm_env
	kvm_cleanup
}

atf_test_case defaults cleanup
defaults_head()
{
	atf_set descr "without a terminal and flags: the default header," \
	    "mode 0555, and the script passes dash -n and shellcheck"
	atf_set require.user root
	atf_set require.progs "dash shellcheck"
}
defaults_body()
{
	kvm_setup
	kvm_mkvm web
	atf_check -s exit:0 -e empty -o inline:"web: wrote $(rcd)/web; start it at boot with: sysrc web_enable=YES\n" \
	    kvm rc web </dev/null
	expected_file want "NETWORKING SERVERS dmesg kvm" "" "shutdown nojail"
	atf_check cmp want "$(rcd)/web"
	atf_check -o match:'^-r-xr-xr-x ' ls -l "$(rcd)/web"
	atf_check dash -n "$(rcd)/web"
	atf_check shellcheck -s sh "$(rcd)/web"
	# Nothing else changed: no rc.conf variable, no file in the VM.
	atf_check -s exit:1 test -e "$KVM_ROOTDIR/etc/rc.conf"
}
defaults_cleanup()
{
	rc_cleanup_all
}

atf_test_case flags cleanup
flags_head()
{
	atf_set descr "-r, -b and -k fill the header, blanks normalised"
	atf_set require.user root
	atf_set require.progs "dash shellcheck"
}
flags_body()
{
	kvm_setup
	kvm_mkvm web
	atf_check -s exit:0 -e empty -o ignore \
	    kvm rc -r "LOGIN	 netif" -b " pf ipfw " -k "shutdown" web
	expected_file want "LOGIN netif kvm" "pf ipfw" "shutdown"
	atf_check cmp want "$(rcd)/web"
	atf_check dash -n "$(rcd)/web"
	atf_check shellcheck -s sh "$(rcd)/web"
	# Empty fields are allowed; without "shutdown" a warning says what
	# that means.
	atf_check -s exit:0 -o inline:"web: updated $(rcd)/web\n" \
	    -e inline:"kvm: web: KEYWORD has no \"shutdown\": rc.shutdown will not stop the VM\n" \
	    kvm rc -r "" -b "" -k "" web
	expected_file want "kvm" "" ""
	atf_check cmp want "$(rcd)/web"
	atf_check dash -n "$(rcd)/web"
	atf_check shellcheck -s sh "$(rcd)/web"
}
flags_cleanup()
{
	rc_cleanup_all
}

atf_test_case update cleanup
update_head()
{
	atf_set descr "rewriting kvm's own script keeps its fields unless" \
	    "a flag changes one"
	atf_set require.user root
}
update_body()
{
	kvm_setup
	kvm_mkvm web
	atf_check -o ignore kvm rc -r LOGIN -b pf -k "shutdown nojailvnet" web
	atf_check -s exit:0 -e empty -o inline:"web: updated $(rcd)/web\n" \
	    kvm rc web </dev/null
	expected_file want "LOGIN kvm" pf "shutdown nojailvnet"
	atf_check cmp want "$(rcd)/web"
	atf_check -s exit:0 -e empty -o inline:"web: updated $(rcd)/web\n" \
	    kvm rc -b "" web </dev/null
	expected_file want "LOGIN kvm" "" "shutdown nojailvnet"
	atf_check cmp want "$(rcd)/web"
}
update_cleanup()
{
	rc_cleanup_all
}

atf_test_case dotted_name cleanup
dotted_name_head()
{
	atf_set descr "'.' and '-' of the VM name become '_' in the rc.conf" \
	    "variables and function names; PROVIDE keeps the name"
	atf_set require.user root
	atf_set require.progs "dash shellcheck"
}
dotted_name_body()
{
	kvm_setup
	kvm_mkvm web-1.lan
	atf_check -s exit:0 -e empty \
	    -o inline:"web-1.lan: wrote $(rcd)/web-1.lan; start it at boot with: sysrc web_1_lan_enable=YES\n" \
	    kvm rc web-1.lan </dev/null
	f=$(rcd)/web-1.lan
	atf_check -o inline:"# PROVIDE: web-1.lan\n" grep '^# PROVIDE:' "$f"
	atf_check -o inline:"# kvm rc.d script for VM web-1.lan\n" \
	    grep '^# kvm rc.d script' "$f"
	atf_check -o inline:"name=\"web_1_lan\"\n" grep '^name=' "$f"
	atf_check -o inline:"rcvar=\"web_1_lan_enable\"\n" grep '^rcvar=' "$f"
	atf_check -o inline:"\t'$(kvm_self)' start -d web-1.lan\n" \
	    grep 'start -d' "$f"
	atf_check dash -n "$f"
	atf_check shellcheck -s sh "$f"
}
dotted_name_cleanup()
{
	rc_cleanup_all
}

atf_test_case terminal cleanup
terminal_head()
{
	atf_set descr "on a terminal it asks for each missing field, shows" \
	    "the default, and asks again after a bad answer"
	atf_set require.user root
}
terminal_body()
{
	kvm_setup
	kvm_mkvm web
	cat > script <<'EOF'
expect REQUIRE [NETWORKING SERVERS dmesg]:
send
expect BEFORE []:
send pf;reboot
expect words may only contain
expect BEFORE []:
send pf
EOF
	# -k given: KEYWORD is not asked.
	atf_check -s exit:0 -e empty -o save:transcript \
	    "$(atf_get_srcdir)/ptyrun" script -- kvm rc -k shutdown web
	atf_check -s exit:1 grep -q KEYWORD transcript
	atf_check -o match:"web: wrote $(rcd)/web" cat transcript
	expected_file want "NETWORKING SERVERS dmesg kvm" pf shutdown
	atf_check cmp want "$(rcd)/web"
}
terminal_cleanup()
{
	rc_cleanup_all
}

atf_test_case refusals cleanup
refusals_head()
{
	atf_set descr "no such VM, a foreign script, a base system script," \
	    "another VM's script with the same variables: refused, nothing" \
	    "written"
	atf_set require.user root
}
refusals_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_mkvm web-1
	kvm_mkvm web_1
	mkdir -p "$(rcd)" "$KVM_ROOTDIR/etc/rc.d"
	printf '#!/bin/sh\n# PROVIDE: web\necho mine\n' > "$(rcd)/web"
	printf '#!/bin/sh\n# PROVIDE: sshd\n' > "$KVM_ROOTDIR/etc/rc.d/web-1"
	kvm_state > before

	atf_check -s exit:1 -o empty -e inline:"kvm: nosuch: no such VM\n" \
	    kvm rc nosuch </dev/null
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: $(rcd)/web exists and is not kvm's\n" \
	    kvm rc web </dev/null
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web-1: $KVM_ROOTDIR/etc/rc.d/web-1 is a base system script of that name\n" \
	    kvm rc web-1 </dev/null
	kvm_state > after
	atf_check cmp before after
	atf_check -o inline:"#!/bin/sh\n# PROVIDE: web\necho mine\n" \
	    cat "$(rcd)/web"

	# kvm's script of another VM with the same name under '.'/'-' -> '_'.
	rm "$KVM_ROOTDIR/etc/rc.d/web-1"
	atf_check -o ignore kvm rc web-1 </dev/null
	kvm_state > before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web_1: the rc.d script of VM web-1 already uses web_1_enable\n" \
	    kvm rc web_1 </dev/null
	kvm_state > after
	atf_check cmp before after
	# A copy of kvm's script for web-1 under another name is not kvm's.
	cp "$(rcd)/web-1" "$(rcd)/web"
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: web: $(rcd)/web exists and is not kvm's\n" \
	    kvm rc web </dev/null
}
refusals_cleanup()
{
	rc_cleanup_all
}

atf_test_case bad_input cleanup
bad_input_head()
{
	atf_set descr "bad names, bad field values and bad usage change nothing"
	atf_set require.user root
}
bad_input_body()
{
	kvm_setup
	kvm_mkvm web
	kvm_state > before
	usage="usage: kvm rc [-r require] [-b before] [-k keyword] name\n"
	atf_check -s exit:2 -o empty -e inline:"$usage" kvm rc
	atf_check -s exit:2 -o empty -e inline:"$usage" kvm rc web db
	atf_check -s exit:2 -o empty -e inline:"$usage" kvm rc -x web
	atf_check -s exit:2 -o empty -e inline:"$usage" kvm rc web -r
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: we/b: name may only contain letters, digits, '.', '_' and '-'\n" \
	    kvm rc we/b
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: -web: name must start with a letter or a digit\n" \
	    kvm rc -- -web
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: REQUIRE: \"LOGIN;reboot\": words may only contain letters, digits, '.', '_' and '-'\n" \
	    kvm rc -r "LOGIN;reboot" web
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: KEYWORD: \"\$(reboot)\": words may only contain letters, digits, '.', '_' and '-'\n" \
	    kvm rc -k '$(reboot)' web
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: BEFORE: \"pf\nweb\": words may only contain letters, digits, '.', '_' and '-'\n" \
	    kvm rc -b "pf
web" web
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: BEFORE: web is this script itself\n" \
	    kvm rc -b "pf web" web
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: REQUIRE: web is this script itself\n" \
	    kvm rc -r web web
	kvm_state > after
	atf_check cmp before after
	atf_check -s exit:1 test -e "$(rcd)/web"
}
bad_input_cleanup()
{
	rc_cleanup_all
}

# A stand-in for /etc/rc.subr, following FreeBSD's libexec/rc/rc.subr
# (main): run_rc_command with the verb prefixes, _keywords (status
# added when status_cmd is set and there is no command), the rcvar
# gate (status exempt; stop gated only without rc_pid, which a kvm
# script never has), the custom *_cmd dispatch and rc_usage;
# run_rc_script skipping scratch files ("*[~#]|*.OLD|*.bak|*.orig|*,v");
# load_rc_config reads ./rc.conf.  write_rc_subr old: run_rc_command
# does not add status for status_cmd, as in FreeBSD 14.0's (@023fc80e).
write_rc_subr()
{
	cat > rc.subr <<'EOF'
checkyesno()
{
	eval _value=\$${1}
	case $_value in
	[Yy][Ee][Ss]|[Tt][Rr][Uu][Ee]|[Oo][Nn]|1) return 0 ;;
	*) return 1 ;;
	esac
}
load_rc_config()
{
	[ -f ./rc.conf ] && . ./rc.conf
	return 0
}
rc_usage()
{
	_sep= _u="Usage: $0 [fast|force|one|quiet]("
	for _elem; do
		_u="$_u$_sep$_elem"
		_sep="|"
	done
	echo "$_u)" >&2
	exit 1
}
run_rc_command()
{
	rc_arg=$1 rc_fast= rc_quiet= rc_pid=
	case $rc_arg in
	fast*) rc_arg=${rc_arg#fast} rc_fast=yes rc_quiet=yes ;;
	one*) rc_arg=${rc_arg#one}; eval "${rcvar}=YES" ;;
	esac
	_keywords="start stop restart rcvar enable disable delete enabled describe extracommands $extra_commands"
	if [ -n "${status_cmd}" ]; then
		_keywords="${_keywords} status"
	fi
	[ -n "$rc_arg" ] || rc_usage $_keywords
	for _elem in $_keywords; do
		[ "$_elem" = "$rc_arg" ] || continue
		if [ -n "${rcvar}" ] && ! checkyesno "${rcvar}" &&
		    { [ "$rc_arg" = stop ] && [ -z "${rc_pid}" ] ||
		    [ "$rc_arg" != stop ] && [ "$rc_arg" != status ]; }; then
			[ -n "${rc_quiet}" ] && return 0
			echo "Cannot '${rc_arg}' $name. Set ${rcvar} to YES in /etc/rc.conf or use 'one${rc_arg}' instead of '${rc_arg}'."
			return 0
		fi
		eval "_cmd=\$${rc_arg}_cmd"
		eval "$_cmd"
		return $?
	done
	echo "$0: unknown directive '$rc_arg'." >&2
	rc_usage $_keywords
}
run_rc_script()
{
	_file=$1 _arg=$2
	case "$_file" in
	*[~#]|*.OLD|*.bak|*.orig|*,v)
		echo "$0: WARNING: Ignoring scratch file $_file" >&2 ;;
	*)	[ -x "$_file" ] && (set "$_arg"; . "$_file") ;;
	esac
}
EOF
	if [ "${1:-}" = old ]; then
		sed '/^	if \[ -n "\${status_cmd}" \]; then$/,/^	fi$/d' \
		    rc.subr > rc.subr.old
		mv rc.subr.old rc.subr
	fi
	# kvm: logs its arguments.  status answers from the file "state":
	# running (pid 4242), starting (0, exit 0), error (exit 3, nothing
	# on stdout), none (-1); no file: stopped (0, exit 1).
	cat > fakekvm <<'EOF'
#!/bin/sh
echo "$*" >> kvm.log
case $1 in
status)
	case $(cat state 2>/dev/null) in
	running) echo 4242; exit 0 ;;
	starting) echo 0; exit 0 ;;
	error) echo "kvm: cannot read kvm.conf" >&2; exit 3 ;;
	none) echo -1; exit 1 ;;
	esac
	echo 0
	exit 1
	;;
esac
exit 0
EOF
	chmod +x fakekvm
}

# The generated script, run as web.sh with the stand-ins.
make_web_sh()
{
	sed -e "s|/etc/rc.subr|./rc.subr|g" \
	    -e "s|'$(kvm_self)'|./fakekvm|g" "$(rcd)/web" > web.sh
	atf_check -s exit:1 grep -q "$(kvm_self)" web.sh
}

atf_test_case rc_subr cleanup
rc_subr_head()
{
	atf_set descr "under rc.subr: start needs web_enable (or onestart)," \
	    "stop and status act regardless, faststop of a stopped VM is" \
	    "quiet, web_timeout reaches kvm shutdown"
	atf_set require.user root
}
rc_subr_body()
{
	kvm_setup
	kvm_mkvm web
	atf_check -o ignore kvm rc web </dev/null
	write_rc_subr
	make_web_sh

	atf_check -s exit:0 -o inline:"Cannot 'start' web. Set web_enable to YES in /etc/rc.conf or use 'onestart' instead of 'start'.\n" \
	    sh web.sh start
	atf_check -s exit:1 test -e kvm.log
	atf_check -s exit:0 -o empty -e empty sh web.sh onestart
	atf_check -o inline:"start -d web\n" cat kvm.log

	# Not running: status answers (not enabled), stop says so, a
	# faststop at shutdown is quiet and calls no shutdown.
	rm kvm.log
	atf_check -s exit:1 -o inline:"web is not running.\n" sh web.sh status
	atf_check -s exit:0 -o empty -e empty sh web.sh faststop
	atf_check -s exit:0 -o inline:"Cannot 'stop' web. Set web_enable to YES in /etc/rc.conf or use 'onestop' instead of 'stop'.\n" \
	    sh web.sh stop
	atf_check -o not-match:shutdown cat kvm.log

	# Starting: the supervisor has not started bhyve yet.
	echo starting > state
	atf_check -s exit:0 -o inline:"web is starting.\n" sh web.sh status

	# Running, not enabled (started with onestart): status and stop
	# act; at host shutdown (faststop) stop only presses the button.
	echo running > state
	rm kvm.log
	atf_check -s exit:0 -o inline:"web is running as pid 4242.\n" \
	    sh web.sh status
	atf_check -s exit:0 -o empty -e empty sh web.sh faststop
	atf_check -o match:"^shutdown -n web\$" cat kvm.log
	rm kvm.log
	atf_check -s exit:0 -o empty -e empty sh web.sh stop
	atf_check -o match:"^shutdown -t 60 web\$" cat kvm.log

	# Enabled, with a timeout: boot start and stop.
	printf 'web_enable="YES"\nweb_timeout="20"\n' > rc.conf
	rm kvm.log
	atf_check -s exit:0 -o empty -e empty sh web.sh faststart
	atf_check -s exit:0 -o empty -e empty sh web.sh stop
	atf_check -o inline:"start -d web\nstatus web\nstatus web\nshutdown -t 20 web\n" \
	    cat kvm.log
}
rc_subr_cleanup()
{
	rc_cleanup_all
}

atf_test_case rc_errors cleanup
rc_errors_head()
{
	atf_set descr "a bad web_timeout falls back to the default with a" \
	    "warning; an error of kvm status is reported as one, and at" \
	    "shutdown the VM is still stopped; no such VM is said so"
	atf_set require.user root
}
rc_errors_body()
{
	kvm_setup
	kvm_mkvm web
	atf_check -o ignore kvm rc web </dev/null
	write_rc_subr
	make_web_sh
	echo running > state
	for bad in 2m -5 1.5 86401 9999999 " 5"; do
		printf 'web_enable="YES"\nweb_timeout="%s"\n' "$bad" > rc.conf
		rm -f kvm.log
		atf_check -s exit:0 -o empty \
		    -e inline:"web: web_timeout=\"$bad\" is not a number of seconds (0 to 86400); using 60\n" \
		    sh web.sh stop
		atf_check -o inline:"status web\nstatus web\nshutdown -t 60 web\n" \
		    cat kvm.log
	done
	# At shutdown the timeout does not matter: the button, no warning.
	rm kvm.log
	atf_check -s exit:0 -o empty -e empty sh web.sh faststop
	atf_check -o match:"^shutdown -n web\$" cat kvm.log

	# kvm status failed: an error, not "not running".
	echo error > state
	rm kvm.log rc.conf
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: cannot read kvm.conf\nweb: state unknown: kvm status failed\n" \
	    sh web.sh status
	atf_check -s exit:0 -o empty \
	    -e inline:"kvm: cannot read kvm.conf\nkvm: cannot read kvm.conf\nweb: kvm status failed; stopping the VM anyway\n" \
	    sh web.sh faststop
	atf_check -o match:"^shutdown -n web\$" cat kvm.log

	# No host script to wait for the VMs: faststop waits itself.
	echo running > state
	mv "$(rcd)/kvm" host.script
	rm kvm.log
	atf_check -s exit:0 -o empty -e empty sh web.sh faststop
	atf_check -o match:"^shutdown -t 60 web\$" cat kvm.log
	mv host.script "$(rcd)/kvm"

	# The VM is gone, the script left behind.
	echo none > state
	atf_check -s exit:1 -o empty -e inline:"web: no such VM\n" \
	    sh web.sh status
}
rc_errors_cleanup()
{
	rc_cleanup_all
}

atf_test_case rc_usage cleanup
rc_usage_head()
{
	atf_set descr "the usage line lists each command once, with the" \
	    "rc.subr of FreeBSD main (status from status_cmd) and of 14.0" \
	    "(status from extra_commands), and status works with both"
	atf_set require.user root
}
rc_usage_body()
{
	kvm_setup
	kvm_mkvm web
	atf_check -o ignore kvm rc web </dev/null
	u="Usage: web.sh [fast|force|one|quiet](start|stop|restart|rcvar|enable|disable|delete|enabled|describe|extracommands"
	for v in new old; do
		write_rc_subr $v
		make_web_sh
		atf_check -s exit:1 -o empty -e inline:"$u|status)\n" sh web.sh
		atf_check -s exit:1 -o empty \
		    -e inline:"web.sh: unknown directive 'bogus'.\n$u|status)\n" \
		    sh web.sh bogus
		atf_check -s exit:1 -o inline:"web is not running.\n" \
		    sh web.sh status
	done
}
rc_usage_cleanup()
{
	rc_cleanup_all
}

atf_test_case rc_names cleanup
rc_names_head()
{
	atf_set descr "names rc(8) would skip or cannot map to an rc.conf" \
	    "variable are refused with the reason; nothing is written; create" \
	    "warns about them"
	atf_set require.user root
}
rc_names_body()
{
	kvm_setup
	for n in web.bak db.orig x.OLD y.sample z.pkgsave 1web 2a.b-c; do
		kvm_mkvm $n
	done
	kvm_state > before
	for s in bak orig OLD sample pkgsave; do
		case $s in
		bak) n=web.bak ;; orig) n=db.orig ;; OLD) n=x.OLD ;;
		sample) n=y.sample ;; pkgsave) n=z.pkgsave ;;
		esac
		atf_check -s exit:1 -o empty \
		    -e inline:"kvm: $n: rc(8) skips scripts named *.$s; rename the VM (kvm rename $n NEWNAME)\n" \
		    kvm rc $n </dev/null
		atf_check -s exit:1 test -e "$(rcd)/$n"
	done
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: 1web: its rc.conf variable 1web_enable is no sh variable name (it starts with a digit); rename the VM (kvm rename 1web NEWNAME)\n" \
	    kvm rc 1web </dev/null
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: 2a.b-c: its rc.conf variable 2a_b_c_enable is no sh variable name (it starts with a digit); rename the VM (kvm rename 2a.b-c NEWNAME)\n" \
	    kvm rc 2a.b-c </dev/null
	kvm_state > after
	atf_check cmp before after
	atf_check -s exit:1 test -e "$KVM_ROOTDIR/etc/rc.conf"
	kvm_mkvm kvm
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: kvm: the name of kvm's host rc.d script; rename the VM (kvm rename kvm NEWNAME)\n" \
	    kvm rc kvm </dev/null
	atf_check -o match:"^# kvm host rc.d script\$" cat "$(rcd)/kvm"
	# Lower case .old is no scratch file for rc(8): allowed.
	kvm_mkvm web.old
	atf_check -s exit:0 -o ignore -e empty kvm rc web.old </dev/null
	# create says so at once (the VM is made all the same).
	atf_check -s exit:0 -o ignore \
	    -e inline:"kvm: db.bak: rc(8) skips scripts named *.bak: kvm rc cannot give it an rc.d script; rename it to start it at boot (kvm rename db.bak NEWNAME)\n" \
	    kvm create -y -m 256M -s 64M db.bak
	atf_check test -f "$HOME_DIR/vm/db.bak/set.conf"
	atf_check -s exit:0 -o ignore -e empty kvm create -y -m 256M -s 64M db
	# rename takes the script along: not to a name rc(8) skips.
	atf_check -s exit:0 -o ignore -e empty kvm rc db </dev/null
	kvm_state > before
	atf_check -s exit:1 -o empty \
	    -e inline:"kvm: db.old2.orig: rc(8) skips scripts named *.orig, and db has an rc.d script; choose another name\n" \
	    kvm rename db db.old2.orig
	kvm_state > after
	atf_check cmp before after
	atf_check test -f "$(rcd)/db"
	# Without a script the rename is fine; clone warns as create does.
	atf_check -s exit:0 -o ignore -e empty kvm rename db.bak db2.bak
	atf_check -s exit:0 -o ignore -e empty kvm snap create db s1
	atf_check -s exit:0 -o inline:"3db: cloned from db@s1\n" \
	    -e inline:"kvm: 3db: its rc.conf variable 3db_enable is no sh variable name (it starts with a digit): kvm rc cannot give it an rc.d script; rename it to start it at boot (kvm rename 3db NEWNAME)\n" \
	    kvm clone db@s1 3db
}
rc_names_cleanup()
{
	rc_cleanup_all
}

atf_test_case seed_name cleanup
seed_name_head()
{
	atf_set descr "the seed's dorc name runs rc"
	atf_set require.user root
}
seed_name_body()
{
	kvm_setup
	kvm_mkvm web
	atf_check -s exit:0 -e empty -o match:"^web: wrote " \
	    "$HOME_DIR/dorc" web </dev/null
	atf_check -o inline:"# kvm rc.d script for VM web\n" \
	    grep '^# kvm rc.d' "$(rcd)/web"
}
seed_name_cleanup()
{
	rc_cleanup_all
}

atf_init_test_cases()
{
	atf_add_test_case defaults
	atf_add_test_case flags
	atf_add_test_case update
	atf_add_test_case dotted_name
	atf_add_test_case terminal
	atf_add_test_case refusals
	atf_add_test_case bad_input
	atf_add_test_case rc_subr
	atf_add_test_case rc_errors
	atf_add_test_case rc_usage
	atf_add_test_case rc_names
	atf_add_test_case seed_name
}
