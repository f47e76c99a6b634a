#! /usr/bin/env atf-sh
# Crash tests of the multi-step commands (create, rename, clone,
# destroy, uninstall): KVM_FAULT=OP:N kills kvm with SIGKILL at the
# N-th step of OP, one test case per step; the next command must say
# that it finished or undid the interrupted operation, and the host
# must then be exactly as before the command or exactly as after it:
# datasets (mounted or not), files, rc.d scripts and rc.conf.  The last
# case of each command (N one past its steps) proves the cases cover
# every step: the command runs to its end.  Also: a kvm rc killed in
# the middle of writing its script leaves nothing rc(8) would run.

# shellcheck source=/dev/null
. "$(atf_get_srcdir)/lib.sh"
# shellcheck source=/dev/null
. "$(atf_get_srcdir)/vm.sh"

# The steps of each command, in the scenarios below.
CREATE_STEPS=6
RENAME_STEPS=12
CLONE_STEPS=6
DESTROY_STEPS=5
UNINSTALL_STEPS=6

rcd()
{
	echo "$KVM_ROOTDIR/usr/local/etc/rc.d"
}

# Everything a command may change: datasets with their mountpoint,
# mounted and origin, the files of the kvm home, set.conf and run, the
# rc.d scripts, rc.conf (sorted: sysrc may put a restored variable at
# another line), the disks and UEFI variables.  The identities a
# create or clone draws at random are masked.
full_state()
{
	zfs list -H -r -t all -o name,mountpoint,mounted,origin "$POOL" |
	    sort
	kvm_state
	echo "== rc.conf"
	sort "$KVM_ROOTDIR/etc/rc.conf" 2>/dev/null
	for f in "$(rcd)"/* "$(rcd)"/.[!.]*; do
		[ -e "$f" ] || continue
		echo "== $f"
		find "$f" -prune -exec ls -ld {} + | awk '{ print $1 }'
		cat "$f"
	done
	find "$HOME_DIR/vm" -type f \( -name disk -o -name uefi-vars.fd \) \
	    -exec md5sum {} + 2>/dev/null | sort
}

state()
{
	full_state | sed -E -e 's/^(UUID|DiskSerial)=.*/\1=X/' \
	    -e 's/mac=[0-9a-f:]*/mac=X/g'
}

# No journal is left once the next command has recovered.
no_journal()
{
	atf_check -o empty ls -A "$KVM_ROOTDIR/var/db/kvm"
}

# crash OP STEP ARG...: "kvm ARG..." with KVM_FAULT=OP:STEP dies by
# SIGKILL; with STEP past the last one it succeeds.
crash()
{
	_op=$1 _k=$2 _last=$3
	shift 3
	if [ "$_k" -gt "$_last" ]; then
		atf_check -s exit:0 -o ignore -e empty \
		    env KVM_FAULT="$_op:$_k" kvm "$@"
	else
		atf_check -s signal:9 -o ignore -e empty \
		    env KVM_FAULT="$_op:$_k" kvm "$@"
	fi
}

# VM web with paths into its directory in set.conf and run, an rc.d
# script and both rc.conf variables (as in rename_test.sh).
make_web()
{
	kvm_mkvm web "Iso=\"$HOME_DIR/vm/web/install.iso\"" \
	    "Backup=\"$HOME_DIR/vm/web\""
	touch "$HOME_DIR/vm/web/install.iso"
	printf '\n# copy: cp %s/vm/web/disk /backup\n' "$HOME_DIR" \
	    >> "$HOME_DIR/vm/web/run"
	kvm rc -r LOGIN -b pf -k "shutdown nojail" web >/dev/null ||
	    atf_fail "kvm rc failed"
	printf 'hostname="h"\n' > "$KVM_ROOTDIR/etc/rc.conf"
	sysrc web_enable=YES web_timeout=30 >/dev/null ||
	    atf_fail "sysrc failed"
}

# create, killed at step k: undone until set.conf is written, then
# finished.
create_step()
{
	k=$1
	kvm_setup
	state > old
	kvm create -y -m 256M -s 64M web >/dev/null || atf_fail "create"
	state > new
	kvm destroy -f web >/dev/null || atf_fail "destroy"
	crash create "$k" $CREATE_STEPS create -y -m 256M -s 64M web
	if [ "$k" -gt $CREATE_STEPS ]; then
		atf_check -e empty kvm check web
		want=new
	elif [ "$k" -eq $CREATE_STEPS ]; then
		atf_check -e inline:"kvm: web: finished an interrupted create\n" \
		    kvm check web
		want=new
	else
		atf_check -s exit:1 -e inline:"kvm: web: undid an interrupted create\nkvm: web: no such VM\n" \
		    kvm check web
		want=old
	fi
	state > after
	atf_check diff -u $want after
	no_journal
}

# rename web db, killed at step k: undone while the dataset has its
# old name (steps 1 and 2: before the zfs rename, and unmounted for
# it), finished after.
rename_step()
{
	k=$1
	kvm_setup
	make_web
	state > old
	kvm rename web db >/dev/null || atf_fail "rename"
	state > new
	kvm rename db web >/dev/null || atf_fail "rename back"
	state > back
	atf_check cmp old back
	crash rename "$k" $RENAME_STEPS rename web db
	if [ "$k" -gt $RENAME_STEPS ]; then
		atf_check -s exit:1 -o inline:"-1\n" -e empty kvm status web
		want=new
	elif [ "$k" -le 2 ]; then
		atf_check -s exit:1 -o inline:"0\n" \
		    -e inline:"kvm: web: undid an interrupted rename to db\n" \
		    kvm status web
		want=old
	else
		atf_check -s exit:1 -o inline:"-1\n" \
		    -e inline:"kvm: web: finished an interrupted rename to db\n" \
		    kvm status web
		want=new
	fi
	state > after
	atf_check diff -u $want after
	no_journal
}

# clone web db, killed at step k: always undone (the snapshot made for
# it too).
clone_step()
{
	k=$1
	kvm_setup
	kvm_mkvm web
	state > old
	crash clone "$k" $CLONE_STEPS clone web db
	if [ "$k" -gt $CLONE_STEPS ]; then
		atf_check -s exit:1 -o inline:"0\n" -e empty kvm status db
		atf_check -o inline:"$POOL/kvm/vm/web@clone-db\n" \
		    zfs get -H -o value origin "$POOL/kvm/vm/db"
	else
		atf_check -s exit:1 -o inline:"-1\n" \
		    -e inline:"kvm: db: undid an interrupted clone from web\n" \
		    kvm status db
		state > after
		atf_check diff -u old after
	fi
	no_journal
}

# destroy web, killed at step k: always finished.
destroy_step()
{
	k=$1
	kvm_setup
	make_web
	kvm destroy -f web >/dev/null || atf_fail "destroy"
	state > new
	make_web
	crash destroy "$k" $DESTROY_STEPS destroy -f web
	if [ "$k" -gt $DESTROY_STEPS ]; then
		atf_check -s exit:1 -o inline:"-1\n" -e empty kvm status web
	else
		atf_check -s exit:1 -o inline:"-1\n" \
		    -e inline:"kvm: web: finished an interrupted destroy\n" \
		    kvm status web
	fi
	state > after
	atf_check diff -u new after
	no_journal
}

# uninstall, killed at step k: always finished by the next uninstall.
uninstall_step()
{
	k=$1
	kvm_setup
	make_web
	kvm uninstall -f "$POOL" >/dev/null || atf_fail "uninstall"
	state > new
	kvm install "$POOL" >/dev/null || atf_fail "install"
	make_web
	crash uninstall "$k" $UNINSTALL_STEPS uninstall -f "$POOL"
	if [ "$k" -le $UNINSTALL_STEPS ]; then
		atf_check -o empty \
		    -e inline:"kvm: $POOL: finished an interrupted uninstall\n" \
		    kvm uninstall -f "$POOL"
	fi
	state > after
	atf_check diff -u new after
	no_journal
}

atf_test_case rc_write cleanup
rc_write_head()
{
	atf_set descr "kvm rc killed while writing the script leaves no" \
	    "executable file and no file rc(8) would read in rc.d"
	atf_set require.user root
}
rc_write_body()
{
	kvm_setup
	kvm_mkvm web
	atf_check -s signal:9 -o ignore -e empty env KVM_FAULT=write:1 \
	    kvm rc web
	# The temporary file is there, with the script in it, ...
	atf_check -o match:'^\.web\.' ls -A "$(rcd)"
	atf_check -o ignore grep -l PROVIDE "$(rcd)"/.web.*
	# ... but dot-named and not executable (kvm is the host script).
	atf_check -o empty find "$(rcd)" -type f -perm -0100 ! -name kvm
	atf_check -o empty find "$(rcd)" -type f ! -name '.*' ! -name kvm
	atf_check -o ignore -e empty kvm rc web
	atf_check -o match:'^-r-xr-xr-x ' ls -l "$(rcd)/web"
}
rc_write_cleanup()
{
	kvm_cleanup
}

atf_test_case check_all cleanup
check_all_head()
{
	atf_set descr "kvm check without names recovers every journal, even" \
	    "of a create killed before its dataset existed"
	atf_set require.user root
}
check_all_body()
{
	kvm_setup
	state > old
	crash create 1 $CREATE_STEPS create -y -m 256M -s 64M web
	atf_check -o match:'^create\.web$' ls "$KVM_ROOTDIR/var/db/kvm"
	atf_check -e inline:"kvm: web: undid an interrupted create\n" kvm check
	state > after
	atf_check diff -u old after
	no_journal
}
check_all_cleanup()
{
	kvm_cleanup
}

atf_test_case busy cleanup
busy_head()
{
	atf_set descr "a journal whose command still runs (its lock held), or" \
	    "whose VM is locked, is left alone"
	atf_set require.user root
}
busy_body()
{
	kvm_setup
	command -v flock >/dev/null || atf_skip "no flock(1)"
	make_web
	crash rename 4 $RENAME_STEPS rename web db
	j=$KVM_ROOTDIR/var/db/kvm/rename.web
	# The journal's lock: a rename (or its zfs) still at work.
	flock -o "$j" sleep 30 & pid=$!
	echo $pid >> fakepids
	while flock -n "$j" true; do sleep 0.05; done
	atf_check -s exit:1 -o inline:"-1\n" -e empty kvm status web
	atf_check test -f "$j"
	kill $pid
	wait $pid 2>/dev/null
	# The lock of one of its VMs: another command at work on db.
	l=$KVM_ROOTDIR/var/run/kvm/db.lock
	flock -o "$l" sleep 30 & pid=$!
	echo $pid >> fakepids
	while flock -n "$l" true; do sleep 0.05; done
	atf_check -s exit:1 -o inline:"-1\n" -e empty kvm status web
	atf_check test -f "$j"
	kill $pid
	wait $pid 2>/dev/null
	atf_check -s exit:1 -o inline:"-1\n" \
	    -e inline:"kvm: web: finished an interrupted rename to db\n" \
	    kvm status web
	no_journal
}
busy_cleanup()
{
	kvm_cleanup
}

atf_test_case clone_src_locked cleanup
clone_src_locked_head()
{
	atf_set descr "a killed clone is undone while its source VM is locked" \
	    "(running): the source's snapshot goes all the same"
	atf_set require.user root
}
clone_src_locked_body()
{
	kvm_setup
	command -v flock >/dev/null || atf_skip "no flock(1)"
	kvm_mkvm web
	state > old
	crash clone 3 $CLONE_STEPS clone web db
	l=$KVM_ROOTDIR/var/run/kvm/web.lock
	flock -o "$l" sleep 30 & pid=$!
	echo $pid >> fakepids
	while flock -n "$l" true; do sleep 0.05; done
	atf_check -s exit:1 -o inline:"-1\n" \
	    -e inline:"kvm: db: undid an interrupted clone from web\n" \
	    kvm status db
	kill $pid
	wait $pid 2>/dev/null
	state > after
	atf_check diff -u old after
	no_journal
}
clone_src_locked_cleanup()
{
	kvm_cleanup
}

# One test case per step, and one past the last.
crash_cases()
{
	_op=$1 _n=$2 _k=1
	while [ $_k -le $((_n + 1)) ]; do
		atf_test_case "${_op}_${_k}" cleanup
		eval "${_op}_${_k}_head() {
			atf_set descr \"$_op killed at step $_k\"
			atf_set require.user root
			atf_set timeout 300
		}
		${_op}_${_k}_body() { ${_op}_step $_k; }
		${_op}_${_k}_cleanup() { kvm_cleanup; }"
		atf_add_test_case "${_op}_${_k}"
		_k=$((_k + 1))
	done
}

atf_init_test_cases()
{
	crash_cases create $CREATE_STEPS
	crash_cases rename $RENAME_STEPS
	crash_cases clone $CLONE_STEPS
	crash_cases destroy $DESTROY_STEPS
	crash_cases uninstall $UNINSTALL_STEPS
	atf_add_test_case rc_write
	atf_add_test_case check_all
	atf_add_test_case busy
	atf_add_test_case clone_src_locked
}
