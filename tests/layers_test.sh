#! /usr/bin/env atf-sh
# tools/layers.sh, the layer check of "make lint": clean on a tiny fake
# tree, one exact line per deliberate violation, and clean on src/.

# shellcheck source=/dev/null
. "$(atf_get_srcdir)/lib.sh"

# layers: the check, beside the tests when installed.
layers()
{
	if kvm_installed; then
		echo "$(atf_get_srcdir)/layers.sh"
	else
		echo "$(atf_get_srcdir)/../tools/layers.sh"
	fi
}

# fake: a tree with every layer, each using only what it may:
# core/a (pure), host/b (calls core), cmd/cmd (the commands' base),
# cmd/cmd_x and cmd/cmd_y (commands), main.c (calls everything).
fake()
{
	mkdir -p fake/core fake/host fake/cmd
	printf 'int core_a(void);\n' > fake/core/a.h
	printf '#include "core/a.h"\nint core_a(void) { return 1; }\n' \
	    > fake/core/a.c
	printf 'int host_b(void);\n' > fake/host/b.h
	cat > fake/host/b.c <<'EOF'
#include "core/a.h"
#include "host/b.h"
int host_b(void) { return core_a(); }
EOF
	printf 'int cmd_base(void);\nint cmd_x(void);\nint cmd_y(void);\n' \
	    > fake/cmd/cmd.h
	cat > fake/cmd/cmd.c <<'EOF'
#include "host/b.h"
#include "cmd/cmd.h"
int cmd_base(void) { return host_b(); }
EOF
	for v in x y; do
		cat > "fake/cmd/cmd_$v.c" <<EOF
#include "core/a.h"
#include "host/b.h"
#include "cmd/cmd.h"
int cmd_$v(void) { return cmd_base() + host_b() + core_a(); }
EOF
	done
	cat > fake/main.c <<'EOF'
#include "core/a.h"
#include "host/b.h"
#include "cmd/cmd.h"
int main(void) { return cmd_x() + cmd_y(); }
EOF
}

# build: compile every source of the fake tree.
build()
{
	for c in fake/core/a.c fake/host/b.c fake/cmd/cmd.c fake/cmd/cmd_x.c \
	    fake/cmd/cmd_y.c fake/main.c; do
		atf_check cc -Ifake -c "$c" -o "${c%.c}.o"
	done
}

atf_test_case clean
clean_head()
{
	atf_set "descr" "a fake tree that keeps the layers passes"
	atf_set "require.progs" "cc nm"
}
clean_body()
{
	fake
	build
	atf_check -s exit:0 -o empty -e empty sh "$(layers)" fake
}

atf_test_case core_includes_host
core_includes_host_head()
{
	atf_set "descr" "core including a host header fails"
	atf_set "require.progs" "cc nm"
}
core_includes_host_body()
{
	fake
	printf '#include "host/b.h"\n' >> fake/core/a.c
	build
	atf_check -s exit:1 -o empty -e inline:"layers: fake/core/a.c\
 includes host/b.h (core may include only core/)\n" sh "$(layers)" fake
}

atf_test_case cmd_includes_command
cmd_includes_command_head()
{
	atf_set "descr" "a command including anything of cmd/ but cmd.h fails"
	atf_set "require.progs" "cc nm"
}
cmd_includes_command_body()
{
	fake
	printf 'int cmd_y(void);\n' > fake/cmd/cmd_y.h
	printf '#include "cmd/cmd_y.h"\n' >> fake/cmd/cmd_x.c
	build
	atf_check -s exit:1 -o empty -e inline:"layers: fake/cmd/cmd_x.c\
 includes cmd/cmd_y.h (cmd may include only core/, host/ and cmd/cmd.h)\n" \
	    sh "$(layers)" fake
}

atf_test_case core_calls_host
core_calls_host_head()
{
	atf_set "descr" "core calling a host function fails, headers or not"
	atf_set "require.progs" "cc nm"
}
core_calls_host_body()
{
	fake
	printf 'int host_b(void);\nint core_c(void) { return host_b(); }\n' \
	    >> fake/core/a.c
	build
	atf_check -s exit:1 -o empty -e inline:"layers: fake/core/a.o calls\
 host_b from fake/host/b.o (core may call only core)\n" sh "$(layers)" fake
}

atf_test_case host_calls_cmd
host_calls_cmd_head()
{
	atf_set "descr" "host calling cmd/cmd.o or main.o fails"
	atf_set "require.progs" "cc nm"
}
host_calls_cmd_body()
{
	fake
	cat >> fake/host/b.c <<'EOF'
int cmd_base(void);
int host_c(void) { return cmd_base(); }
int main(void);
int host_d(void) { return main(); }
EOF
	build
	atf_check -s exit:1 -o empty -e inline:"layers: fake/host/b.o calls\
 cmd_base from fake/cmd/cmd.o (host may call only core and host)
layers: fake/host/b.o calls main from fake/main.o (host may call only core\
 and host)\n" sh "$(layers)" fake
}

atf_test_case cmd_calls_cmd
cmd_calls_cmd_head()
{
	atf_set "descr" "cmd_x calling cmd_y fails, cmd_y calling cmd.o passes"
	atf_set "require.progs" "cc nm"
}
cmd_calls_cmd_body()
{
	fake
	printf 'int cmd_z(void) { return cmd_y(); }\n' >> fake/cmd/cmd_x.c
	build
	atf_check -s exit:1 -o empty -e inline:"layers: fake/cmd/cmd_x.o calls\
 cmd_y from fake/cmd/cmd_y.o (a command never calls another command)\n" \
	    sh "$(layers)" fake
}

atf_test_case unbuilt
unbuilt_head()
{
	atf_set "descr" "an object not built is reported, not skipped"
	atf_set "require.progs" "cc nm"
}
unbuilt_body()
{
	fake
	build
	rm fake/host/b.o
	atf_check -s exit:1 -o empty -e inline:"layers: fake/host/b.o is\
 missing (build before the check)\n" sh "$(layers)" fake
}

atf_test_case real_tree
real_tree_head()
{
	atf_set "descr" "the real src/ keeps its layers (built by make)"
	atf_set "require.progs" "nm"
}
real_tree_body()
{
	kvm_need_source
	src="$(atf_get_srcdir)/../src"
	[ -f "$src/main.o" ] || atf_skip "src/ is not built (run make)"
	atf_check -s exit:0 -o empty -e empty sh "$(layers)" "$src"
}

atf_init_test_cases()
{
	atf_add_test_case clean
	atf_add_test_case core_includes_host
	atf_add_test_case cmd_includes_command
	atf_add_test_case core_calls_host
	atf_add_test_case host_calls_cmd
	atf_add_test_case cmd_calls_cmd
	atf_add_test_case unbuilt
	atf_add_test_case real_tree
}
