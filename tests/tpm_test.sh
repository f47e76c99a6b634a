#! /usr/bin/env atf-sh
# Integration tests of TPM (set.conf): the passthru of a host TPM and
# the swtpm that kvm start runs with each run of the guest, against
# zfs-fuse and the simulator (bhyve checks -l tpm as 14.x does; swtpm
# is tests/sim/swtpm.c); bad values refused with nothing changed.

# shellcheck source=/dev/null
. "$(atf_get_srcdir)/lib.sh"
# shellcheck source=/dev/null
. "$(atf_get_srcdir)/vm.sh"

# The swtpm and bhyve lines of the simulator's log, first two words.
tpm_runs()
{
	grep -E '^(swtpm|swtpm-exit|bhyve|bhyve-exit|postRun) ' root/sim/log |
	    cut -d' ' -f1,2
}

# wait_file PATH: until PATH exists (or fail).
wait_file()
{
	i=0
	until [ -e "$1" ]; do
		i=$((i + 1))
		[ $i -lt "$KVM_WAIT" ] || atf_fail "no $1"
		sleep 0.1
	done
}

atf_test_case passthru cleanup
passthru_head()
{
	atf_set descr "passthru: check wants the device; bhyve gets -l tpm,passthru,/dev/tpm0"
	atf_set require.user root
}
passthru_body()
{
	kvm_setup
	kvm_mkvm web 'TPM="passthru"'
	kvm_state > before
	atf_check -s exit:1 -o empty -e inline:"kvm: web: TPM passthru: /dev/tpm0 does not exist (is the tpm(4) driver loaded? kldload tpm)\n" \
	    kvm check web
	kvm_state > after
	atf_check cmp before after
	# Without the device bhyve refuses it, as tpm_emul_passthru.c does.
	kvm_guest web "poweroff 0.1"
	atf_check -s exit:1 -o ignore -e match:"tpm_passthru_init: unable to open tpm device \"$(pwd)/root/dev/tpm0\"" \
	    kvm start web
	touch root/dev/tpm0
	atf_check -s exit:0 -o empty -e empty kvm check web
	: > root/sim/log
	atf_check -s exit:0 -o match:" -l tpm,passthru,$(pwd)/root/dev/tpm0 web\$" \
	    -e empty kvm start web
	atf_check -o inline:"bhyve-exit web 1\n" grep "^bhyve-exit" root/sim/log
	# no swtpm for a passthru
	atf_check -s exit:1 grep -q "^swtpm" root/sim/log
	atf_check -o match:"^tpm: +passthru /dev/tpm0\$" kvm info web
}
passthru_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case swtpm cleanup
swtpm_head()
{
	atf_set descr "swtpm: started before each bhyve, stopped after it; state in the dataset, in snapshots, not in clones"
	atf_set require.user root
}
swtpm_body()
{
	kvm_setup
	kvm_mkvm web 'TPM="swtpm"'
	dir=$HOME_DIR/vm/web
	sock=$(pwd)/root/var/run/kvm/web.tpm
	kvm_guest web "reboot 0.1" "poweroff 0.1"
	: > root/sim/log
	atf_check -s exit:0 -o save:out -e empty kvm start web
	atf_check -o match:" -l tpm,swtpm,$sock web\$" cat out
	# Per run: swtpm, then bhyve; swtpm ends after bhyve, before postRun.
	tpm_runs > runs
	atf_check -o inline:"swtpm socket
bhyve -A
bhyve-exit web
swtpm-exit 0
postRun web
swtpm socket
bhyve -A
bhyve-exit web
swtpm-exit 0
postRun web
" cat runs
	atf_check -o match:" --tpmstate dir=$dir/tpm --server type=unixio,path=$sock --flags not-need-init\$" \
	    grep -m1 '^swtpm socket --tpm2 ' root/sim/log
	# The state: in the dataset, kept across runs and starts.
	atf_check -o inline:"starts=2\n" cat "$dir/tpm/tpm2-00.permall"
	atf_check test ! -e "$sock"
	atf_check test ! -e root/var/run/kvm/web.swtpm
	atf_check -s exit:1 pgrep -f "swtp[m] socket.*$sock"
	# A snapshot holds it: roll back to it after another start.
	atf_check -s exit:0 -o ignore -e empty kvm snap create web s1
	kvm_guest web "poweroff 0.1"
	atf_check -s exit:0 -o ignore -e empty kvm start web
	atf_check -o inline:"starts=3\n" cat "$dir/tpm/tpm2-00.permall"
	atf_check -s exit:0 -o ignore -e empty kvm snap rollback web s1
	atf_check -o inline:"starts=2\n" cat "$dir/tpm/tpm2-00.permall"
	atf_check -o match:"^tpm: +swtpm" kvm info web
	# A clone gets a TPM of its own, as it gets a UUID of its own.
	atf_check -s exit:0 -o ignore -e empty kvm clone web web2
	atf_check test ! -e "$HOME_DIR/vm/web2/tpm"
	atf_check -o inline:"starts=2\n" cat "$dir/tpm/tpm2-00.permall"
	kvm_guest web2 "poweroff 0.1"
	atf_check -s exit:0 -o ignore -e empty kvm start web2
	atf_check -o inline:"starts=1\n" \
	    cat "$HOME_DIR/vm/web2/tpm/tpm2-00.permall"
}
swtpm_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case swtpm_missing cleanup
swtpm_missing_head()
{
	atf_set descr "check says when no swtpm program is on PATH"
	atf_set require.user root
}
swtpm_missing_body()
{
	kvm_setup
	kvm_mkvm web 'TPM="swtpm"'
	atf_check -s exit:0 -o empty -e empty kvm check web
	for d in /usr/sbin /sbin /usr/bin /bin; do
		[ -x "$d/swtpm" ] && atf_skip "a swtpm is installed in $d"
	done
	# The simulator's programs but swtpm.
	mkdir bin
	for f in "$(kvm_srcdir)"/sim/bin/*; do
		[ "${f##*/}" = swtpm ] || ln -s "$f" bin/
	done
	kvm_state > before
	atf_check -s exit:1 -o empty -e inline:"kvm: web: TPM swtpm: no swtpm program on PATH (pkg install swtpm)\n" \
	    env PATH="$(pwd)/bin:$(kvm_bindir):/usr/sbin:/sbin:/usr/bin:/bin" \
	    kvm check web
	kvm_state > after
	atf_check cmp before after
}
swtpm_missing_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case swtpm_fails cleanup
swtpm_fails_head()
{
	atf_set descr "a swtpm that does not start: no bhyve, postRun runs, start exits 1"
	atf_set require.user root
}
swtpm_fails_body()
{
	kvm_setup
	kvm_mkvm web 'TPM="swtpm"'
	echo swtpm > root/sim/fail
	: > root/sim/log
	atf_check -s exit:1 -o ignore -e inline:"swtpm: simulated failure
kvm: web: swtpm ended (exit status 1) before listening on $(pwd)/root/var/run/kvm/web.tpm
" kvm start web
	tpm_runs > runs
	atf_check -o inline:"swtpm socket\npostRun web\n" cat runs
	atf_check test ! -e root/var/run/kvm/web.swtpm
}
swtpm_fails_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case killed_supervisor cleanup
killed_supervisor_head()
{
	atf_set descr "a killed supervisor's swtpm serves its orphan bhyve until stop, or is ended by the next start or destroy"
	atf_set require.user root
}
killed_supervisor_body()
{
	kvm_setup
	kvm_mkvm web 'TPM="swtpm"'
	kvm_guest web "run"
	sock=$(pwd)/root/var/run/kvm/web.tpm
	atf_check -s exit:0 -o ignore -e empty kvm start -d web
	kvm_wait_guest web > /dev/null
	sup=$(kvm_rt web supervisor)
	wait_file root/var/run/kvm/web.swtpm
	tpm=$(cat root/var/run/kvm/web.swtpm)
	kill -9 "$sup"
	kvm_wait_gone "$sup"
	# The orphan bhyve still has its TPM.
	atf_check kill -0 "$tpm"
	atf_check -s exit:0 -o ignore -e ignore kvm stop web
	kvm_wait_gone "$tpm"
	atf_check test ! -e "$sock"
	atf_check test ! -e root/var/run/kvm/web.swtpm

	# Supervisor and bhyve killed: the next start ends the old swtpm.
	atf_check -s exit:0 -o ignore -e empty kvm start -d web
	kvm_wait_guest web > /dev/null
	sup=$(kvm_rt web supervisor)
	bhyve=$(kvm_rt web bhyve)
	wait_file root/var/run/kvm/web.swtpm
	tpm=$(cat root/var/run/kvm/web.swtpm)
	kill -9 "$sup" "$bhyve"
	kvm_wait_gone "$sup"
	kvm_wait_gone "$bhyve"
	atf_check kill -0 "$tpm"
	kvm_guest web "poweroff 0.1"
	atf_check -s exit:0 -o ignore -e empty kvm start -d web
	kvm_wait_gone "$tpm"
	kvm_wait_unlocked web
	atf_check -o match:"ended the swtpm a killed supervisor left running" \
	    cat "$HOME_DIR/vm/web/kvm.log"
	atf_check test ! -e "$sock"
	atf_check test ! -e root/var/run/kvm/web.swtpm

	# ... or by a command that changes the stopped VM: destroy.
	kvm_guest web "run"
	atf_check -s exit:0 -o ignore -e empty kvm start -d web
	kvm_wait_guest web > /dev/null
	sup=$(kvm_rt web supervisor)
	bhyve=$(kvm_rt web bhyve)
	wait_file root/var/run/kvm/web.swtpm
	tpm=$(cat root/var/run/kvm/web.swtpm)
	kill -9 "$sup" "$bhyve"
	kvm_wait_gone "$sup"
	kvm_wait_gone "$bhyve"
	atf_check -s exit:0 -o ignore -e ignore bhyvectl --vm=web --destroy
	atf_check -s exit:0 -o ignore -e empty kvm destroy -f web
	kvm_wait_gone "$tpm"
	atf_check -s exit:1 -e ignore zfs list -H "$POOL/kvm/vm/web"
	atf_check test ! -e root/var/run/kvm/web.swtpm
}
killed_supervisor_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case swtpm_dies cleanup
swtpm_dies_head()
{
	atf_set descr "swtpm ending while the guest runs is reported; bhyve's exit 1 then is an error"
	atf_set require.user root
}
swtpm_dies_body()
{
	kvm_setup
	kvm_mkvm web 'TPM="swtpm"'
	kvm_guest web "run"
	atf_check -s exit:0 -o ignore -e empty kvm start -d web
	kvm_wait_guest web > /dev/null
	wait_file root/var/run/kvm/web.swtpm
	tpm=$(cat root/var/run/kvm/web.swtpm)
	kill -9 "$tpm"
	log=$HOME_DIR/vm/web/kvm.log
	i=0
	until grep -q "swtpm (pid $tpm) ended (exit status 137) while the guest runs: the guest has lost its TPM" "$log"; do
		i=$((i + 1))
		[ $i -lt "$KVM_WAIT" ] || atf_fail "no message in $log"
		sleep 0.1
	done
	atf_check test ! -e root/var/run/kvm/web.swtpm
	# bhyve's exit 1 now is no power-off (its swtpm backend err(1)s
	# when the socket breaks): an error, for OnFault.
	atf_check -o ignore -e ignore bhyvectl --vm=web --force-poweroff
	kvm_wait_unlocked web
	atf_check -o match:"bhyve's exit status 1 came after swtpm ended: taken as an error \(4\), not a power-off" \
	    cat "$log"
	atf_check -o match:"not restarting \(OnFault=stop\)" cat "$log"
	atf_check -o match:"stopped \(exit status 1\)" cat "$log"
}
swtpm_dies_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case bad cleanup
bad_head()
{
	atf_set descr "bad TPM values: check and start say why, exit 1, nothing runs or changes"
	atf_set require.user root
}
bad_body()
{
	kvm_setup
	kvm_mkvm web
	conf=$HOME_DIR/vm/web/set.conf
	cp "$conf" good
	line=$(($(wc -l < good) + 1))
	for c in 'TPM="yes"|TPM must be swtpm, passthru or passthru:/dev/DEVICE (empty: none), not "yes"' \
	    'TPM="passthru:/tmp/tpm0"|TPM passthru device must be a path under /dev, e.g. passthru:/dev/tpm0, not "/tmp/tpm0"' \
	    'TPM="passthru:"|TPM passthru device must be a path under /dev, e.g. passthru:/dev/tpm0, not ""' \
	    'TPM="passthru:/dev/../tmp/tpm0"|TPM passthru device must be a path under /dev, e.g. passthru:/dev/tpm0, not "/dev/../tmp/tpm0"' \
	    'TPM="passthru:/dev/tpm0,version=1.2"|TPM passthru device path "/dev/tpm0,version=1.2" contains '"','"', which bhyve reads as an option separator' \
	    'TPM="Swtpm"|TPM must be swtpm, passthru or passthru:/dev/DEVICE (empty: none), not "Swtpm"'; do
		cp good "$conf"
		echo "${c%%|*}" >> "$conf"
		kvm_state > before
		msg="kvm: $conf:$line: ${c#*|}"
		atf_check -s exit:1 -o empty -e inline:"$msg\n" kvm check web
		atf_check -s exit:1 -o empty -e inline:"$msg\n" kvm start web
		kvm_state > after
		atf_check cmp before after
		atf_check -s exit:1 grep -qE "^(bhyve|swtpm)" root/sim/log
	done
	# A TPM needs UEFI: refused with a loader, both ways round.
	for rom in grub bhyveload; do
		cp good "$conf"
		printf 'VMrom="%s"\nTPM="swtpm"\n' "$rom" >> "$conf"
		kvm_state > before
		msg="kvm: $conf:$((line + 1)): TPM needs a UEFI loader (the firmware sets the TPM up for the guest), not VMrom $rom"
		atf_check -s exit:1 -o empty -e inline:"$msg\n" kvm check web
		atf_check -s exit:1 -o empty -e inline:"$msg\n" kvm start web
		kvm_state > after
		atf_check cmp before after
		atf_check -s exit:1 grep -qE "^(bhyve|swtpm|grub|bhyveload)" \
		    root/sim/log
	done
}
bad_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_test_case sim_lpc_tpm cleanup
sim_lpc_tpm_head()
{
	atf_set descr "the simulated bhyve refuses -l tpm as bhyve 14.x does"
}
sim_lpc_tpm_body()
{
	kvm_env
	mkdir -p root/sim root/dev
	atf_check kldload vmm
	truncate -s 2M rom.fd
	base="-c 1 -m 256M -s 0,hostbridge -s 31,lpc -l bootrom,$(pwd)/rom.fd"
	# shellcheck disable=SC2086
	atf_check -s exit:4 -e inline:"bhyve: invalid tpm type \"tpm\"\n" \
	    bhyve $base -l tpm vm1
	# shellcheck disable=SC2086
	atf_check -s exit:4 -e inline:"bhyve: invalid tpm path \"tpm,swtpm\"\n" \
	    bhyve $base -l tpm,swtpm vm1
	fail="bhyve: init_tpm: unable to create a TPM device"
	# shellcheck disable=SC2086
	atf_check -s exit:4 -e inline:"bhyve: TPM emulation \"foo\" not found\n$fail (22)\nFailed to init TPM device\n" \
	    bhyve $base -l tpm,foo,/dev/x vm1
	# shellcheck disable=SC2086
	atf_check -s exit:4 -e inline:"bhyve: tpm_device_create: unsupported tpm version 1.2\n$fail (22)\nFailed to init TPM device\n" \
	    bhyve $base -l tpm,passthru,/dev/x,version=1.2 vm1
	# shellcheck disable=SC2086
	atf_check -s exit:4 -e inline:"bhyve: tpm_swtpm_init: unable to connect to tpm socket \"$(pwd)/no.sock\"\n$fail (2)\nFailed to init TPM device\n" \
	    bhyve $base -l "tpm,swtpm,$(pwd)/no.sock" vm1
}
sim_lpc_tpm_cleanup()
{
	. "$(atf_get_srcdir)/lib.sh"
	kvm_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case passthru
	atf_add_test_case swtpm
	atf_add_test_case swtpm_missing
	atf_add_test_case swtpm_fails
	atf_add_test_case killed_supervisor
	atf_add_test_case swtpm_dies
	atf_add_test_case bad
	atf_add_test_case sim_lpc_tpm
}
