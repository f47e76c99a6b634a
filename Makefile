# kvm: one program, kvm(8), plus its hook library and manual pages.
# Portable subset: works with GNU make and bmake (no $^, no pattern
# rules, no conditionals).  ./configure writes config.mk.

include config.mk

CC ?=		cc
CFLAGS ?=	-O2 -g
SAN ?=
WARNS =		-Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes \
		-Wshadow -Wpointer-arith -Wcast-qual -Werror
ALL_CFLAGS =	-std=c11 $(OS_CFLAGS) $(BSD_CFLAGS) $(WARNS) $(CFLAGS) $(SAN) -Isrc
LIBS =		$(BSD_LIBS)

# Everything but main.o goes into libkvm.a so the unit tests link it.
# The layers (src/README): core (pure), host (mechanisms), cmd (commands).
CORE_OBJS =	src/core/argv.o src/core/bhyve_argv.o src/core/conf.o \
		src/core/conf_edit.o \
		src/core/siphash.o \
		src/core/cpu.o src/core/create_text.o src/core/disks.o src/core/ident.o src/core/json.o \
		src/core/net.o \
		src/core/loaderopts.o src/core/pciconf.o \
		src/core/settings.o src/core/sv.o src/core/util.o \
		src/core/valid.o src/core/vm.o src/core/cloudinit.o
HOST_OBJS =	src/host/conffile.o src/host/disk.o src/host/fault.o src/host/file.o \
		src/host/functions.o src/host/hook.o src/host/journal.o \
		src/host/kld.o src/host/lock.o src/host/paths.o src/host/pci.o \
		src/host/port.o src/host/rc.o src/host/rcconf.o src/host/recover.o \
		src/host/replicate.o src/host/runtime.o \
		src/host/spawn.o src/host/supervise.o src/host/swtpm.o src/host/sysrc.o \
		src/host/tty.o src/host/undo.o src/host/vmdestroy.o src/host/vmload.o \
		src/host/vncport.o src/host/zfs.o src/host/cloudinit.o
CMD_OBJS =	src/cmd/cmd.o src/cmd/cmd_check.o src/cmd/cmd_clone.o src/cmd/cmd_console.o \
		src/cmd/cmd_create.o src/cmd/cmd_destroy.o src/cmd/cmd_disk.o src/cmd/cmd_info.o \
		src/cmd/cmd_insert.o src/cmd/cmd_install.o src/cmd/cmd_rc.o \
		src/cmd/cmd_rename.o src/cmd/cmd_send.o src/cmd/cmd_snap.o src/cmd/cmd_start.o \
		src/cmd/cmd_status.o src/cmd/cmd_stop.o
LIB_OBJS =	$(CORE_OBJS) $(HOST_OBJS) $(CMD_OBJS)
MAIN_OBJS =	src/main.o
HEADERS =	src/core/argv.h src/core/bhyve_argv.h src/core/common.h \
		src/core/conf.h src/core/conf_impl.h src/core/cpu.h src/core/create_text.h src/core/disks.h \
		src/core/ident.h \
		src/core/json.h src/core/loaderopts.h src/core/net.h src/core/pciconf.h src/core/settings.h src/core/siphash.h \
		src/core/sv.h src/core/util.h src/core/valid.h \
		src/core/vm.h src/host/conffile.h src/host/disk.h src/host/fault.h \
		src/host/file.h src/host/functions.h src/host/hook.h \
		src/host/journal.h src/host/kld.h \
		src/host/lock.h src/host/paths.h src/host/pci.h src/host/port.h src/host/rc.h src/host/rcconf.h \
		src/host/recover.h src/host/replicate.h \
		src/host/runtime.h src/host/spawn.h src/host/supervise.h src/host/swtpm.h \
		src/host/sysrc.h src/host/tty.h src/host/undo.h src/host/vmdestroy.h \
		src/host/vmload.h src/host/vncport.h src/host/zfs.h \
		src/cmd/cmd.h src/core/cloudinit.h src/host/cloudinit.h

# The bhyve simulator (tests/sim, see tests/sim/README).
SIM_OBJS =	tests/sim/sim.o tests/sim/getopt.o tests/sim/vmm.o \
		tests/sim/bhyve.o tests/sim/bhyve_dev.o tests/sim/bhyve_io.o \
		tests/sim/bhyve_run.o tests/sim/ctl.o tests/sim/loader.o \
		tests/sim/swtpm.o

UNIT_TESTS =	tests/conf_test tests/valid_test tests/argv_test \
		tests/supervise_test tests/cmd_test tests/settings_test \
		tests/pciconf_test tests/cloudinit_test
# Small programs the sh tests use to see what the C code sees.
TEST_TOOLS =	tests/confdump tests/argvdump tests/ptyrun \
		tests/settingsdump

all: kvm tests/sim/sim $(UNIT_TESTS) $(TEST_TOOLS)

.SUFFIXES: .c .o
.c.o:
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB_OBJS) $(MAIN_OBJS): $(HEADERS) config.mk

# The hook library is compiled in: install writes it into the kvm home.
src/host/functions.c: share/functions tools/embed.sh
	sh tools/embed.sh kvm_functions share/functions > $@

src/libkvm.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $(LIB_OBJS)

kvm: $(MAIN_OBJS) src/libkvm.a
	$(CC) $(ALL_CFLAGS) $(KVM_LDFLAGS) -o $@ $(MAIN_OBJS) src/libkvm.a \
	    $(KVM_LIBS)

$(SIM_OBJS): tests/sim/sim.h tests/sim/bhyve.h config.mk

tests/sim/sim: $(SIM_OBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $(SIM_OBJS) $(LIBS)

tests/conf_test: tests/conf_test.o src/libkvm.a
	$(CC) $(ALL_CFLAGS) -o $@ tests/conf_test.o src/libkvm.a $(ATF_LIBS) $(LIBS)
tests/valid_test: tests/valid_test.o src/libkvm.a
	$(CC) $(ALL_CFLAGS) -o $@ tests/valid_test.o src/libkvm.a $(ATF_LIBS) $(LIBS)
tests/argv_test: tests/argv_test.o src/libkvm.a
	$(CC) $(ALL_CFLAGS) -o $@ tests/argv_test.o src/libkvm.a $(ATF_LIBS) $(LIBS)
# Without src/main.o: proves the library links on its own.
tests/cmd_test: tests/cmd_test.o src/libkvm.a
	$(CC) $(ALL_CFLAGS) -o $@ tests/cmd_test.o src/libkvm.a $(ATF_LIBS) $(LIBS)
tests/settings_test: tests/settings_test.o src/libkvm.a
	$(CC) $(ALL_CFLAGS) -o $@ tests/settings_test.o src/libkvm.a $(ATF_LIBS) $(LIBS)
tests/pciconf_test: tests/pciconf_test.o src/libkvm.a
	$(CC) $(ALL_CFLAGS) -o $@ tests/pciconf_test.o src/libkvm.a $(ATF_LIBS) $(LIBS)
tests/cloudinit_test: tests/cloudinit_test.o src/libkvm.a
	$(CC) $(ALL_CFLAGS) -o $@ tests/cloudinit_test.o src/libkvm.a $(ATF_LIBS) $(LIBS)
tests/cloudinit_test.o: tests/cloudinit_test.c $(HEADERS) config.mk
	$(CC) $(ALL_CFLAGS) $(ATF_CFLAGS) -c tests/cloudinit_test.c -o $@

tests/confdump: tests/confdump.o src/libkvm.a
	$(CC) $(ALL_CFLAGS) -o $@ tests/confdump.o src/libkvm.a $(LIBS)
tests/argvdump: tests/argvdump.o src/libkvm.a
	$(CC) $(ALL_CFLAGS) -o $@ tests/argvdump.o src/libkvm.a $(LIBS)
tests/settingsdump: tests/settingsdump.o src/libkvm.a
	$(CC) $(ALL_CFLAGS) -o $@ tests/settingsdump.o src/libkvm.a $(LIBS)

tests/ptyrun: tests/ptyrun.o
	$(CC) $(ALL_CFLAGS) -o $@ tests/ptyrun.o $(LIBS) $(PTY_LIBS)

tests/ptyrun.o tests/confdump.o tests/argvdump.o tests/supervise_test.o tests/conf_test.o tests/valid_test.o tests/argv_test.o tests/cmd_test.o: $(HEADERS) config.mk
tests/ptyrun.o tests/confdump.o tests/argvdump.o tests/supervise_test.o tests/conf_test.o tests/valid_test.o tests/argv_test.o: $(HEADERS) config.mk
tests/settingsdump.o tests/settings_test.o tests/pciconf_test.o: $(HEADERS) config.mk
tests/supervise_test: tests/supervise_test.o src/libkvm.a
	$(CC) $(ALL_CFLAGS) -o $@ tests/supervise_test.o src/libkvm.a $(ATF_LIBS) $(LIBS)
tests/supervise_test.o: tests/supervise_test.c
	$(CC) $(ALL_CFLAGS) $(ATF_CFLAGS) -c tests/supervise_test.c -o $@
tests/conf_test.o: tests/conf_test.c
	$(CC) $(ALL_CFLAGS) $(ATF_CFLAGS) -c tests/conf_test.c -o $@
tests/valid_test.o: tests/valid_test.c
	$(CC) $(ALL_CFLAGS) $(ATF_CFLAGS) -c tests/valid_test.c -o $@
tests/argv_test.o: tests/argv_test.c
	$(CC) $(ALL_CFLAGS) $(ATF_CFLAGS) -c tests/argv_test.c -o $@
tests/cmd_test.o: tests/cmd_test.c
	$(CC) $(ALL_CFLAGS) $(ATF_CFLAGS) -c tests/cmd_test.c -o $@
tests/settings_test.o: tests/settings_test.c
	$(CC) $(ALL_CFLAGS) $(ATF_CFLAGS) -c tests/settings_test.c -o $@
tests/pciconf_test.o: tests/pciconf_test.c
	$(CC) $(ALL_CFLAGS) $(ATF_CFLAGS) -c tests/pciconf_test.c -o $@

# The suite: kyua runs every program listed in tests/Kyuafile.
check: all
	sh tests/run.sh

# The main job on a throw-away pool (Debian: zfs-fuse and the simulator).
demo: all
	sh tools/demo.sh

# What is installed is port/sysutils/kvm/pkg-plist, file for file
# (tools/install.sh): the program, the hook library, the manual pages
# under share/man (where ports install them since 2024), and the test
# suite with the simulator under tests/kvm, as FreeBSD installs its own.
install: all
	sh tools/install.sh install "$(DESTDIR)" "$(PREFIX)"

uninstall:
	sh tools/install.sh uninstall "$(DESTDIR)" "$(PREFIX)"

SH_FILES =	share/functions tools/bootstrap.sh tools/demo.sh tools/embed.sh \
		tools/zfs-fuse-up.sh tools/install.sh tests/run.sh bench/bench.sh .ci/run \
		bench/supervisor.sh \
		tests/sim/bin/ifconfig tests/sim/bin/sysrc tests/sim/bin/kldload \
		tests/sim/bin/kldstat tests/sim/bin/devctl tests/sim/bin/pciconf \
		tests/sim/bin/cu tests/sim/bin/zfs tests/sim/bin/route \
		tools/layers.sh tests/layers_test.sh tests/kvm8_test.sh \
		tests/kvm8_synopsis.sh tests/templates_test.sh tests/real_test.sh \
		tests/list_test.sh tests/cpu_test.sh tests/sim/bin/ssh tests/send_test.sh \
		tests/network_test.sh \
		tests/cloud_test.sh \
		tests/disk_test.sh tests/tpm_test.sh tests/hostshutdown_test.sh

# The layer check reads the objects (nm -P), so they are built first.
lint: kvm
	mandoc -Tlint -Wwarning man/kvm.8 man/kvm.conf.5 man/set.conf.5
	for f in $(SH_FILES); do dash -n $$f || exit 1; done
	shellcheck -s sh $(SH_FILES)
	sh tools/layers.sh src

clean:
	rm -f kvm src/*.o src/*/*.o src/libkvm.a src/host/functions.c tests/*.o tests/sim/*.o tests/sim/sim \
	    $(UNIT_TESTS) $(TEST_TOOLS)

.PHONY: all check demo install uninstall lint clean
