#! /usr/bin/env atf-sh
# plist_test.sh: port/sysutils/kvm/pkg-plist is what "make install"
# installs, file for file, "make uninstall" removes all of it, and the
# plist keeps up with the tree (every test program, support file and
# manual page is in it).  Manual pages are listed compressed (.gz), as
# the ports framework installs them; make install copies them plain.

. "$(atf_get_srcdir)/lib.sh"

top()
{
	(cd "$(kvm_srcdir)/.." && pwd)
}

plist()
{
	echo "$(top)/port/sysutils/kvm/pkg-plist"
}

# plist_files PLIST: its file lines as installed (.gz dropped), sorted.
plist_files()
{
	grep -v -e '^@' -e '^[[:space:]]*$' "$1" | sed 's/\.gz$//' |
	    LC_ALL=C sort
}

# tree_files DIR: files and links under DIR, relative, sorted.
tree_files()
{
	(cd "$1" && find . \( -type f -o -type l \) | sed 's|^\./||' |
	    LC_ALL=C sort)
}

# compare PLIST DIR: "missing from pkg-plist: X" / "not installed: X"
# for every difference; exit 1 when there is one.
compare()
{
	plist_files "$1" > want
	tree_files "$2" > got
	LC_ALL=C comm -13 want got | sed 's/^/missing from pkg-plist: /'
	LC_ALL=C comm -23 want got | sed 's/^/not installed: /'
	cmp -s want got
}

atf_test_case sources
sources_head()
{
	atf_set descr "every plist line maps to a file of the tree"
}
sources_body()
{
	kvm_need_source
	top=$(top)
	sh "$top/tools/install.sh" list /tmp /usr/local > plist.txt ||
	    atf_fail "tools/install.sh list failed"
	atf_check -o match:"^sbin/kvm	kvm	555\$" cat plist.txt
	atf_check -o match:"^share/man/man8/kvm.8.gz	man/kvm.8	444\$" \
	    cat plist.txt
	atf_check -o match:"^tests/kvm/zfs-fuse-up.sh	tools/zfs-fuse-up.sh	555\$" \
	    cat plist.txt
	while IFS="	" read -r p s _; do
		[ -e "$top/$s" ] || [ -L "$top/$s" ] ||
		    atf_fail "$p: no $s in the tree"
	done < plist.txt
}

atf_test_case install_uninstall
install_uninstall_head()
{
	atf_set descr "make install DESTDIR= installs exactly the plist;" \
	    "make uninstall removes every file"
}
install_uninstall_body()
{
	kvm_need_source
	dest=$(pwd)/dest
	atf_check -o ignore -e ignore make -C "$(top)" install \
	    DESTDIR="$dest" PREFIX=/usr/local
	compare "$(plist)" "$dest/usr/local" > diffs ||
	    atf_fail "install differs from pkg-plist: $(cat diffs)"
	atf_check -o inline:"$dest/usr/local/sbin/kvm\n" \
	    find "$dest/usr/local/sbin/kvm" -perm 555
	atf_check -o inline:"$dest/usr/local/share/man/man8/kvm.8\n" \
	    find "$dest/usr/local/share/man/man8/kvm.8" -perm 444
	atf_check -o inline:"../sim\n" readlink \
	    "$dest/usr/local/tests/kvm/sim/bin/bhyve"
	atf_check -o ignore -e ignore make -C "$(top)" uninstall \
	    DESTDIR="$dest" PREFIX=/usr/local
	tree_files "$dest" > left
	atf_check -o empty cat left
	atf_check test ! -d "$dest/usr/local/tests/kvm"
	atf_check test ! -d "$dest/usr/local/share/kvm"
}

atf_test_case drift
drift_head()
{
	atf_set descr "the comparison fails, naming the file, when the" \
	    "plist and the installed tree differ"
}
drift_body()
{
	kvm_need_source
	dest=$(pwd)/dest
	sh "$(top)/tools/install.sh" install "$dest" /usr/local ||
	    atf_fail "install failed"
	grep -v '^tests/kvm/lib.sh$' "$(plist)" > short
	if compare short "$dest/usr/local" > out; then
		atf_fail "a plist without lib.sh compared equal"
	fi
	atf_check -o inline:"missing from pkg-plist: tests/kvm/lib.sh\n" \
	    cat out
	{ cat "$(plist)"; echo share/kvm/extra; } > long
	if compare long "$dest/usr/local" > out; then
		atf_fail "a plist with an extra line compared equal"
	fi
	atf_check -o inline:"not installed: share/kvm/extra\n" cat out
}

atf_test_case covers_tree
covers_tree_head()
{
	atf_set descr "every test program of the Kyuafile, every golden" \
	    "file, stand-in and manual page is in the plist"
}
covers_tree_body()
{
	kvm_need_source
	top=$(top)
	plist_files "$(plist)" > want
	{
		sed -n 's/.*atf_test_program{name="\([^"]*\)".*/tests\/kvm\/\1/p' \
		    "$top/tests/Kyuafile"
		for f in "$top"/tests/argv/* "$top"/tests/conf/*/* \
		    "$top"/tests/sim/bin/*; do
			echo "tests/kvm/${f#"$top"/tests/}"
		done
		for f in "$top"/man/*.[0-9]; do
			b=${f##*/}
			echo "share/man/man${b##*.}/$b"
		done
	} | LC_ALL=C sort > need
	atf_check -o empty env LC_ALL=C comm -13 want need
}

atf_init_test_cases()
{
	atf_add_test_case sources
	atf_add_test_case install_uninstall
	atf_add_test_case drift
	atf_add_test_case covers_tree
}
