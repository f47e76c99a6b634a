/*
 * argv_test.c: golden tests of set.conf -> bhyve and loader argv.
 * tests/argv/NAME.conf is read as the set.conf of VM NAME and must give
 * exactly NAME.argv (loader arguments prefixed "loader:", then bhyve's,
 * one per line) or NAME.err (the "FILE:LINE: message" of the error).
 * In all three files @DIR@, @HOME@ and @ROOT@ stand for the VM's
 * directory, the kvm home and KVM_ROOTDIR; a "# test: detached" line
 * in the .conf builds the argv for start -d.  argv_sim_test.sh feeds
 * the same .argv cases to the simulator.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "core/argv.h"
#include "core/bhyve_argv.h"
#include "core/common.h"
#include "core/conf.h"
#include "core/vm.h"
#include "host/file.h"
#include "host/vmload.h"
#include "cmd/cmd.h"

#define HOME	"/zroot/kvm"
#define ROOT	"/kvmroot"

/* Every golden case; argv/NAME.conf with NAME.argv or NAME.err. */
#define CASES								\
	X(uefi_defaults) X(uefi_full) X(grub_disk) X(grub_iso)		\
	X(grub_config) X(grub_passthru) X(bhyveload_iso)		\
	X(bhyveload_disk) X(driver_virtio_blk) X(driver_ahci_hd)	\
	X(disk_absolute) X(iso) X(vnc_defaults) X(vnc_full)		\
	X(com_stdio_detached) X(com_nmdm) X(detached_default)		\
	X(devices_net) X(devices_functions) X(passthru_forced)		\
	X(seed_pfsense) X(options_empty) X(options_all) X(romfile)	\
	X(romfile_vnc)							\
	X(bad_mem_unit) X(bad_mem_unset) X(bad_mem_page) X(bad_mem_frac) \
	X(bad_cores) X(bad_vmrom) X(bad_vmrom_relative)			\
	X(bad_diskdriver) X(bad_onfault) X(bad_vncsize) X(bad_vncport)	\
	X(bad_vncbind) X(bad_vncwait) X(bad_vncpassword) X(bad_options)	\
	X(bad_options_twice) X(bad_iso_relative) X(bad_vnc_grub)	\
	X(bad_vnc_bhyveload) X(bad_console) X(bad_com) X(bad_uuid)	\
	X(bad_serial) X(bad_grubconfig) X(bad_disk_comma)		\
	X(slot_disk) X(slot_iso_unused) X(slot_fbuf_unused) X(slot_lpc)	\
	X(slot_hostbridge) X(slot_syntax) X(slot_function)		\
	X(slot_no_emulation) X(slot_empty_emulation) X(slot_duplicate)	\
	X(slot_duplicate_function) X(devices_lpc) X(devices_fbuf_vnc)	\
	X(devices_bad_mac)						\
	X(bhyveload_uuid) X(bhyveload_loaderopts)	\
	X(bhyveload_autoboot) X(bhyveload_wired) X(grub_loaderopts)	\
	X(grub_root) X(iso_virtio_blk) X(iso_romfile_ahci_hd)	\
	X(bad_loaderopts_uefi) X(bad_loaderopts_mem)	\
	X(bad_loaderopts_grub_root) X(bad_loaderopts_env)	\
	X(bad_loaderopts_env_missing) X(bad_loaderopts_unknown)	\
	X(bad_loaderopts_relative) X(bad_loaderopts_l_twice)	\
	X(bad_loaderopts_wire) X(bad_loaderopts_grub_hold)	\
	X(bad_loaderopts_grub_long) X(bad_loaderopts_grub_c)	\
	X(bad_passthru_two) X(bad_passthru_range) X(bad_passthru_name)	\
	X(bad_passthru_none) X(bad_passthru_twice) X(bad_passthru_hex)	\
	X(bad_passthru_colons) X(bad_loaderopts_env_dash)		\
	X(cpu_topology_pin) X(cpu_sockets) X(bad_topology_product)	\
	X(bad_topology_key) X(bad_topology_twice) X(bad_topology_zero)	\
	X(bad_topology_newline)						\
	X(bad_pin_vcpu) X(bad_pin_syntax) X(bad_pin_host) X(bad_pin_twice)	\
	X(bad_topology_divide) X(cloudinit) X(bad_cloudinit)	\
	X(bad_cloudinit_uuid) X(slot_cloudinit)				\
	X(disks_files) X(disks_devices) X(bad_disks_slot_devices)	\
	X(bad_disks_slot_twice) X(bad_disks_slot_iso)			\
	X(bad_disks_slot_range) X(bad_disks_driver) X(bad_disks_path)	\
	X(bad_disks_path_abs) X(bad_disks_fields) X(bad_disks_serial)	\
	X(bad_disks_main) X(bad_disks_twice) X(bad_disks_own)		\
	X(bad_disks_zvol_dots)						\
	X(tpm_passthru) X(tpm_passthru_dev) X(tpm_swtpm) X(bad_tpm_value) \
	X(bad_tpm_grub) X(bad_tpm_bhyveload) X(bad_tpm_path)		\
	X(bad_tpm_comma) X(bad_tpm_dotdot) X(bad_tpm_empty_dev)

static char *
slurp(const char *path)
{
	char *buf;
	size_t len;

	if (file_read(path, &buf, &len) == -1)
		atf_tc_fail("%s: %s", path, strerror(errno));
	return buf;
}

/* text with every @DIR@, @HOME@ and @ROOT@ replaced; caller frees. */
static char *
subst(const char *text, const char *dir, const char *home,
    const char *root)
{
	static const char *const keys[] = { "@DIR@", "@HOME@", "@ROOT@" };
	const char *vals[] = { dir, home, root };
	char *out, *q;
	size_t i, most = 0;

	/* each placeholder is at least 5 bytes */
	for (i = 0; i < 3; i++)
		if (strlen(vals[i]) > most)
			most = strlen(vals[i]);
	out = malloc(strlen(text) * (most / 5 + 1) + 1);
	ATF_REQUIRE(out != NULL);
	for (q = out; *text != '\0';) {
		for (i = 0; i < 3; i++)
			if (strncmp(text, keys[i], strlen(keys[i])) == 0)
				break;
		if (i == 3) {
			*q++ = *text++;
			continue;
		}
		q = stpcpy(q, vals[i]);
		text += strlen(keys[i]);
	}
	*q = '\0';
	return out;
}

static void
append(char **s, const char *prefix, const struct argv *av)
{
	size_t i;
	char *t;

	for (i = 0; i < av->av_n; i++) {
		ATF_REQUIRE(asprintf(&t, "%s%s%s\n", *s, prefix,
		    av->av_v[i]) != -1);
		free(*s);
		*s = t;
	}
}

/* What argvdump would print for this set.conf text (or its error). */
static char *
render(const char *name, const char *dir, const char *text, int detached)
{
	char err[KVM_ERR_MAX], path[PATH_MAX + 16], *out;
	struct argv loader, bhyve;
	struct conf *c;
	struct vm vm;

	snprintf(path, sizeof(path), "%s/set.conf", dir);
	if ((c = conf_parse(text, strlen(text), path, err,
	    sizeof(err))) == NULL) {
		ATF_REQUIRE(asprintf(&out, "%s\n", err) != -1);
		return out;
	}
	if (vm_from_conf(&vm, c, name, dir, HOME, err, sizeof(err)) == -1) {
		conf_free(c);
		ATF_REQUIRE(asprintf(&out, "%s\n", err) != -1);
		return out;
	}
	if (vm.console == CONSOLE_VNC && vm.vnc_port == 0)
		vm.vnc_port = 5900;
	argv_init(&loader);
	argv_init(&bhyve);
	ATF_REQUIRE(loader_argv(&vm, ROOT, detached, NULL, &loader) != -1);
	ATF_REQUIRE_EQ(0, bhyve_argv(&vm, ROOT, detached, &bhyve));
	out = strdup("");
	append(&out, "loader:", &loader);
	append(&out, "", &bhyve);
	argv_free(&loader);
	argv_free(&bhyve);
	vm_free(&vm);
	conf_free(c);
	return out;
}

static void
golden(const atf_tc_t *tc, const char *name)
{
	char path[PATH_MAX], dir[PATH_MAX], *raw, *conf, *want, *got;
	const char *src;
	int detached;

	src = atf_tc_get_config_var_wd(tc, "srcdir", ".");
	snprintf(dir, sizeof(dir), "%s/vm/%s", HOME, name);
	snprintf(path, sizeof(path), "%s/argv/%s.conf", src, name);
	raw = slurp(path);
	detached = strncmp(raw, "# test: detached\n", 17) == 0 ||
	    strstr(raw, "\n# test: detached\n") != NULL;
	conf = subst(raw, dir, HOME, ROOT);
	snprintf(path, sizeof(path), "%s/argv/%s.argv", src, name);
	if (access(path, F_OK) == -1)
		snprintf(path, sizeof(path), "%s/argv/%s.err", src, name);
	free(raw);
	raw = slurp(path);
	want = subst(raw, dir, HOME, ROOT);
	got = render(name, dir, conf, detached);
	if (strcmp(want, got) != 0) {
		fprintf(stderr, "--- want (%s)\n%s--- got\n%s", path, want,
		    got);
		atf_tc_fail("%s differs", path);
	}
	free(raw);
	free(conf);
	free(want);
	free(got);
}

#define X(n)								\
	ATF_TC_WITHOUT_HEAD(n);						\
	ATF_TC_BODY(n, tc) { golden(tc, #n); }
CASES
#undef X

static const char *const cases[] = {
#define X(n) #n,
	CASES
#undef X
	NULL
};

/* Every argv/NAME.conf is listed in CASES and has exactly one answer. */
ATF_TC_WITHOUT_HEAD(all_listed);
ATF_TC_BODY(all_listed, tc)
{
	char path[PATH_MAX], base[NAME_MAX];
	struct dirent *d;
	size_t i, n, found = 0;
	int a, e;
	DIR *dp;

	snprintf(path, sizeof(path), "%s/argv",
	    atf_tc_get_config_var_wd(tc, "srcdir", "."));
	ATF_REQUIRE((dp = opendir(path)) != NULL);
	while ((d = readdir(dp)) != NULL) {
		n = strlen(d->d_name);
		if (n < 6 || strcmp(d->d_name + n - 5, ".conf") != 0)
			continue;
		snprintf(base, sizeof(base), "%.*s", (int)(n - 5), d->d_name);
		for (i = 0; cases[i] != NULL; i++)
			if (strcmp(cases[i], base) == 0)
				break;
		ATF_CHECK_MSG(cases[i] != NULL, "%s is not in CASES", base);
		snprintf(path, sizeof(path), "%s/argv/%s.argv",
		    atf_tc_get_config_var_wd(tc, "srcdir", "."), base);
		a = access(path, F_OK) == 0;
		snprintf(path, sizeof(path), "%s/argv/%s.err",
		    atf_tc_get_config_var_wd(tc, "srcdir", "."), base);
		e = access(path, F_OK) == 0;
		ATF_CHECK_MSG(a + e == 1, "%s: needs one .argv or .err", base);
		found++;
	}
	closedir(dp);
	ATF_CHECK_EQ(sizeof(cases) / sizeof(cases[0]) - 1, found);
}

/* A VM read from text; fails the test on an error. */
static void
load(struct vm *vm, const char *text)
{
	char err[KVM_ERR_MAX];
	struct conf *c;

	c = conf_parse(text, strlen(text), "/d/set.conf", err, sizeof(err));
	ATF_REQUIRE_MSG(c != NULL, "%s", err);
	ATF_REQUIRE_EQ_MSG(0, vm_from_conf(vm, c, "web", "/d", "/h", err,
	    sizeof(err)), "%s", err);
	conf_free(c);
}

/* Port 0 is "auto, not resolved yet": refused, the argv untouched. */
ATF_TC_WITHOUT_HEAD(vnc_auto_unresolved);
ATF_TC_BODY(vnc_auto_unresolved, tc)
{
	struct argv av;
	struct vm vm;

	load(&vm, "Mem=1G\nConsole=vnc\n");
	ATF_CHECK_EQ(0, vm.vnc_port);
	argv_init(&av);
	ATF_CHECK_EQ(-1, bhyve_argv(&vm, "", 0, &av));
	ATF_CHECK_EQ(0, av.av_n);
	vm.vnc_port = 5901;
	ATF_CHECK_EQ(0, bhyve_argv(&vm, "", 0, &av));
	ATF_CHECK(av.av_n > 0);
	argv_free(&av);
	vm_free(&vm);
}

ATF_TC_WITHOUT_HEAD(vnc_auto_message);
ATF_TC_BODY(vnc_auto_message, tc)
{
	struct argv av;
	struct vm vm;
	int fd;

	load(&vm, "Mem=1G\nConsole=vnc\n");
	argv_init(&av);
	ATF_REQUIRE((fd = open("stderr", O_WRONLY | O_CREAT, 0644)) != -1);
	ATF_REQUIRE(dup2(fd, 2) == 2);
	ATF_CHECK_EQ(-1, bhyve_argv(&vm, "", 0, &av));
	ATF_CHECK(atf_utils_grep_file("web: VNCport auto has not been "
	    "resolved to a port$", "stderr"));
	argv_free(&av);
	vm_free(&vm);
}

ATF_TC_WITHOUT_HEAD(no_loader);
ATF_TC_BODY(no_loader, tc)
{
	struct argv av;
	struct vm vm;

	load(&vm, "Mem=1G\n");
	argv_init(&av);
	ATF_CHECK_EQ(0, loader_argv(&vm, "", 1, NULL, &av));
	ATF_CHECK_EQ(0, av.av_n);
	argv_free(&av);
	vm_free(&vm);
}

ATF_TC_WITHOUT_HEAD(grub_pinned);
ATF_TC_BODY(grub_pinned, tc)
{
	struct argv av;
	struct vm vm;

	load(&vm, "Mem=1G\nVMrom=grub\n");
	argv_init(&av);
	ATF_CHECK_EQ(1, loader_argv(&vm, "", 0, "/h/firmware/grub-bhyve",
	    &av));
	ATF_CHECK_STREQ("/h/firmware/grub-bhyve", av.av_v[0]);
	ATF_CHECK_STREQ("web", av.av_v[av.av_n - 1]);
	argv_free(&av);
	vm_free(&vm);
}

ATF_TC_WITHOUT_HEAD(devicemap);
ATF_TC_BODY(devicemap, tc)
{
	struct vm vm;
	char *s;

	load(&vm, "Mem=1G\nVMrom=grub\n");
	s = grub_devicemap(&vm);
	ATF_CHECK_STREQ("(hd0) /d/disk\n", s);
	free(s);
	vm_free(&vm);
	load(&vm, "Mem=1G\nVMrom=grub\nDisk=/dev/zvol/z/web\n"
	    "Iso=/iso/debian.iso\n");
	s = grub_devicemap(&vm);
	ATF_CHECK_STREQ("(hd0) /dev/zvol/z/web\n(cd0) /iso/debian.iso\n", s);
	free(s);
	vm_free(&vm);
}

ATF_TC_WITHOUT_HEAD(nmdm);
ATF_TC_BODY(nmdm, tc)
{
	char buf[64];
	struct vm vm;

	load(&vm, "Mem=1G\n");
	ATF_CHECK_STREQ("/dev/nmdm-web.1A", vm_nmdm(&vm, "", 'A', buf,
	    sizeof(buf)));
	ATF_CHECK_STREQ("/r/dev/nmdm-web.1B", vm_nmdm(&vm, "/r", 'B', buf,
	    sizeof(buf)));
	ATF_CHECK(vm_nmdm(&vm, "/r", 'B', buf, 18) == NULL);
	vm_free(&vm);
}

/* Fields the golden files only show indirectly. */
ATF_TC_WITHOUT_HEAD(fields);
ATF_TC_BODY(fields, tc)
{
	struct vm vm;

	load(&vm, "Mem=2g\nCores=3\nOnFault=restart\nConsole=vnc\n"
	    "VNCport=5907\n");
	ATF_CHECK_EQ(2ULL << 30, vm.mem);
	ATF_CHECK_STREQ("2G", vm.memstr);
	ATF_CHECK_EQ(3, vm.cores);
	ATF_CHECK_EQ(ONFAULT_RESTART, vm.onfault);
	ATF_CHECK_EQ(5907, vm.vnc_port);
	ATF_CHECK_EQ(ROM_UEFI, vm.rom);
	ATF_CHECK_STREQ("/h/firmware/BHYVE_UEFI_CODE.fd", vm.rom_path);
	ATF_CHECK_STREQ("/d/uefi-vars.fd", vm.vars_path);
	vm_free(&vm);
	load(&vm, "Mem=64M\nVMrom=bhyveload\n");
	ATF_CHECK_STREQ("", vm.vars_path);
	ATF_CHECK_STREQ("", vm.rom_path);
	ATF_CHECK_EQ(ONFAULT_STOP, vm.onfault);
	ATF_CHECK_EQ(COM_DEFAULT, vm.com);
	vm_free(&vm);
}

ATF_TC_WITHOUT_HEAD(bad_name);
ATF_TC_BODY(bad_name, tc)
{
	char err[KVM_ERR_MAX];
	struct conf *c;
	struct vm vm;

	c = conf_parse("Mem=1G\n", 7, "/d/set.conf", err, sizeof(err));
	ATF_REQUIRE(c != NULL);
	ATF_CHECK_EQ(-1, vm_from_conf(&vm, c, "-web", "/d", "/h", err,
	    sizeof(err)));
	ATF_CHECK_STREQ("-web: name must start with a letter or a digit",
	    err);
	conf_free(c);
}

static void
touch(const char *path)
{
	int fd;

	ATF_REQUIRE((fd = open(path, O_WRONLY | O_CREAT, 0644)) != -1);
	close(fd);
}

/* err must be fmt with the working directory (%s) filled in. */
static void
want_err(const char *err, const char *fmt, const char *cwd)
{
	char *want;

	ATF_REQUIRE(asprintf(&want, fmt, cwd) != -1);
	ATF_CHECK_STREQ(want, err);
	free(want);
}

ATF_TC_WITHOUT_HEAD(check_files);
ATF_TC_BODY(check_files, tc)
{
	char err[KVM_ERR_MAX], cwd[PATH_MAX], text[PATH_MAX * 2];
	struct conf *c;
	struct vm vm;

	ATF_REQUIRE(getcwd(cwd, sizeof(cwd)) != NULL);
	snprintf(text, sizeof(text), "Mem=1G\nIso=%s/i.iso\n", cwd);
	c = conf_parse(text, strlen(text), "set.conf", err, sizeof(err));
	ATF_REQUIRE(c != NULL);
	ATF_REQUIRE_EQ(0, vm_from_conf(&vm, c, "web", cwd, cwd, err,
	    sizeof(err)));
	conf_free(c);
	ATF_CHECK_EQ(-1, vm_check_files(&vm, err, sizeof(err)));
	want_err(err, "web: disk %s/disk: No such file or "
	    "directory", cwd);
	ATF_REQUIRE(mkdir("disk", 0755) == 0);
	ATF_CHECK_EQ(-1, vm_check_files(&vm, err, sizeof(err)));
	want_err(err, "web: disk %s/disk: not a regular file "
	    "or a device", cwd);
	ATF_REQUIRE(rmdir("disk") == 0);
	touch("disk");
	ATF_CHECK_EQ(-1, vm_check_files(&vm, err, sizeof(err)));
	want_err(err, "web: ISO %s/i.iso: No such file or "
	    "directory", cwd);
	touch("i.iso");
	ATF_CHECK_EQ(-1, vm_check_files(&vm, err, sizeof(err)));
	want_err(err, "web: firmware %s/firmware/"
	    "BHYVE_UEFI_CODE.fd: No such file or directory", cwd);
	ATF_REQUIRE(mkdir("firmware", 0755) == 0);
	touch("firmware/BHYVE_UEFI_CODE.fd");
	ATF_CHECK_EQ(-1, vm_check_files(&vm, err, sizeof(err)));
	want_err(err, "web: UEFI variables %s/uefi-vars.fd: "
	    "No such file or directory", cwd);
	touch("uefi-vars.fd");
	ATF_CHECK_EQ_MSG(0, vm_check_files(&vm, err, sizeof(err)), "%s", err);
	vm_free(&vm);
}

ATF_TP_ADD_TCS(tp)
{
#define X(n) ATF_TP_ADD_TC(tp, n);
	CASES
#undef X
	ATF_TP_ADD_TC(tp, all_listed);
	ATF_TP_ADD_TC(tp, vnc_auto_unresolved);
	ATF_TP_ADD_TC(tp, vnc_auto_message);
	ATF_TP_ADD_TC(tp, no_loader);
	ATF_TP_ADD_TC(tp, grub_pinned);
	ATF_TP_ADD_TC(tp, devicemap);
	ATF_TP_ADD_TC(tp, nmdm);
	ATF_TP_ADD_TC(tp, fields);
	ATF_TP_ADD_TC(tp, bad_name);
	ATF_TP_ADD_TC(tp, check_files);
	return atf_no_error();
}
