/*
 * cmd_info.c: "kvm info [-j] name", the seed's vminfo.  Gathers what
 * there is to know about one VM into struct info: its settings
 * (set.conf), its runtime state, its disk as stat(2) sees it, the
 * bridges of its taps (one ifconfig, else the BRI of create -n), its
 * passthru devices (one pciconf), its origin and snapshots (zfs.c)
 * and its rc.d script; then prints it as "key: value" lines (a setting's
 * key is its info label in the settings table) or as one JSON object.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/argv.h"
#include "core/bhyve_argv.h"
#include "core/common.h"
#include "core/conf.h"
#include "core/json.h"
#include "core/pciconf.h"
#include "core/settings.h"
#include "core/util.h"
#include "core/vm.h"
#include "host/cloudinit.h"
#include "host/conffile.h"
#include "host/file.h"
#include "host/paths.h"
#include "host/pci.h"
#include "host/rc.h"
#include "host/rcconf.h"
#include "host/runtime.h"
#include "host/spawn.h"
#include "host/vmload.h"
#include "host/zfs.h"
#include "cmd/cmd.h"

/* A Devices entry taken apart: "slot,emulation[,options]". */
struct dev {
	const char	*entry;		/* as written in set.conf */
	char		 slot[16];
	char		 emu[32];
	char		 arg[PATH_MAX];	/* first option: tap, B/S/F, path */
	char		 mac[24];	/* mac= option, "" if none */
	char		 bridge[64];	/* bridge the tap is a member of */
	int		 host;		/* passthru: 1 on this host, 0 not,
					   -1 unknown (no pciconf) */
	char		 driver[32];	/* passthru: ppt0, re0, none0 */
	char		 descr[260];	/* passthru: what pciconf -lv says */
};

struct info {
	struct vm	 vm;
	struct vm_runtime rt;
	enum vm_state	 state;
	char		 dataset[KVM_DATASET_MAX];
	/* disk: stat(2) of the main disk */
	int		 disk_errno;	/* 0 when stat worked */
	int		 disk_isdev;	/* a device: no size from stat */
	uint64_t	 disk_size, disk_alloc;
	/* Devices, sorted by kind */
	struct dev	 net[VM_MAX_DEVICES], pass[VM_MAX_DEVICES],
			 other[VM_MAX_DEVICES];
	size_t		 nnet, npass, nother;
	/* console */
	const char	*com;		/* nmdm, stdio or auto */
	char		 console[PATH_MAX];	/* nmdm B side, "" if none */
	char		 vnc[96];		/* ADDR:PORT, "" if none */
	/* zfs */
	int		 zfs_ok;
	char		 origin[KVM_DATASET_MAX];	/* "" when not a clone */
	struct zfs_snap	*snaps;
	size_t		 nsnaps;
	/* rc.d */
	char		 rcd[PATH_MAX];	/* script path, "" if none */
	char		 rcvar[KVM_NAME_MAX + 8];	/* NAME_enable */
	char		 enable[64];
	int		 enable_set;
};

static int
state_up(enum vm_state s)
{
	return s == VM_RUNNING || s == VM_ORPHAN || s == VM_STARTING;
}

/* Split a Devices entry into d (which points at entry). */
static void
dev_split(struct dev *d, const char *entry)
{
	const char *p, *o;
	size_t n;

	memset(d, 0, sizeof(*d));
	d->entry = entry;
	n = strcspn(entry, ",");
	snprintf(d->slot, sizeof(d->slot), "%.*s", (int)n, entry);
	p = entry + n + (entry[n] == ',');
	n = strcspn(p, ",");
	snprintf(d->emu, sizeof(d->emu), "%.*s", (int)n, p);
	p += n + (p[n] == ',');
	n = strcspn(p, ",");
	if (strchr(p, '=') == NULL || strchr(p, '=') > p + n)
		snprintf(d->arg, sizeof(d->arg), "%.*s", (int)n, p);
	for (o = p; *o != '\0'; o += *o == ',') {
		if (strncmp(o, "mac=", 4) == 0)
			snprintf(d->mac, sizeof(d->mac), "%.*s",
			    (int)strcspn(o + 4, ","), o + 4);
		o += strcspn(o, ",");
	}
}

static void
info_devices(struct info *in)
{
	struct dev d;
	size_t i;

	for (i = 0; i < in->vm.ndevices; i++) {
		dev_split(&d, in->vm.devices[i]);
		if (strcmp(d.emu, "virtio-net") == 0 ||
		    strcmp(d.emu, "e1000") == 0)
			in->net[in->nnet++] = d;
		else if (strcmp(d.emu, "passthru") == 0)
			in->pass[in->npass++] = d;
		else
			in->other[in->nother++] = d;
	}
}

/* Each passthru device as pciconf -lv shows it (one run of pciconf). */
static void
info_passthru(const struct kvm_ctx *ctx, struct info *in)
{
	struct pci_dev pd;
	unsigned bsf[3];
	char *list;
	size_t i;

	if (in->npass == 0)
		return;
	list = pci_list(ctx);
	for (i = 0; i < in->npass; i++) {
		in->pass[i].host = -1;
		if (list == NULL ||
		    pciconf_bsf(in->pass[i].arg, bsf, NULL) == -1)
			continue;
		in->pass[i].host = pciconf_find(list, bsf, &pd);
		strlcpy(in->pass[i].driver, pd.pd_name,
		    sizeof(in->pass[i].driver));
		pciconf_describe(&pd, in->pass[i].descr,
		    sizeof(in->pass[i].descr));
	}
	free(list);
}

/*
 * The bridges of the taps: one ifconfig, whose FreeBSD output lists a
 * bridge's members as "member: NAME flags=..." under "bridgeN: flags".
 * Anything else (no ifconfig, another format) just leaves them unknown.
 */
static void
info_bridges(const struct kvm_ctx *ctx, struct info *in)
{
	char *argv[] = { "ifconfig", NULL }, *out, *p, *line, *mem;
	char iface[64] = "";
	size_t i, n;

	if (in->nnet == 0)
		return;
	if (spawn_capture(ctx, argv, &out, NULL) != 0) {
		free(out);
		return;
	}
	for (p = out; (line = strsep(&p, "\n")) != NULL; ) {
		if (*line != '\0' && !isspace((unsigned char)*line)) {
			n = strcspn(line, ": \t");
			snprintf(iface, sizeof(iface), "%.*s", (int)n, line);
			continue;
		}
		line += strspn(line, " \t");
		if (strncmp(line, "member: ", 8) != 0 || *iface == '\0')
			continue;
		mem = line + 8;
		mem[strcspn(mem, " \t")] = '\0';
		for (i = 0; i < in->nnet; i++)
			if (strcmp(in->net[i].arg, mem) == 0)
				strlcpy(in->net[i].bridge, iface,
				    sizeof(in->net[i].bridge));
	}
	free(out);
}

/*
 * A tap not on a bridge now (a stopped VM has no tap) is on the bridge
 * the hooks of create -n will add it to: set.conf's BRI, when the tap
 * is its LAN.  A file without them (hand-made hooks) leaves it unknown.
 */
static void
info_net_conf(const struct kvm_ctx *ctx, struct info *in)
{
	char path[PATH_MAX], e[KVM_ERR_MAX];
	const char *lan, *bri;
	struct conf *c;
	size_t i;

	if (in->nnet == 0 ||
	    vm_dir(ctx, in->vm.name, "set.conf", path, sizeof(path)) == -1 ||
	    (c = conffile_load(path, e, sizeof(e))) == NULL)
		return;
	lan = conf_get(c, "LAN");
	bri = conf_get(c, "BRI");
	for (i = 0; i < in->nnet && lan != NULL && bri != NULL; i++)
		if (in->net[i].bridge[0] == '\0' && *bri != '\0' &&
		    strcmp(in->net[i].arg, lan) == 0)
			strlcpy(in->net[i].bridge, bri,
			    sizeof(in->net[i].bridge));
	conf_free(c);
}

/*
 * Origin and snapshots (oldest first, with their creation times) from
 * zfs.c, which also reports a failure.  0 or -1.
 */
static int
info_zfs(const struct kvm_ctx *ctx, struct info *in)
{
	if (zfs_get(ctx, in->dataset, "origin", in->origin,
	    sizeof(in->origin)) == -1 ||
	    zfs_snap_list(ctx, in->dataset, 1, &in->snaps, &in->nsnaps) == -1)
		return -1;
	if (strcmp(in->origin, "-") == 0)
		in->origin[0] = '\0';
	in->zfs_ok = 1;
	return 0;
}

/*
 * The rc.d script and its NAME_enable, named as cmd_rc.c names them.
 * rc.conf.local is read after rc.conf, as rc.subr does.
 */
static int
info_rcd(const struct kvm_ctx *ctx, struct info *in)
{
	char var[KVM_NAME_MAX + 1], *text;
	struct stat st;

	if (rc_path(ctx, in->vm.name, in->rcd, sizeof(in->rcd)) == -1)
		return -1;
	if (stat(in->rcd, &st) == -1)
		in->rcd[0] = '\0';
	rc_varname(in->vm.name, var, sizeof(var));
	snprintf(in->rcvar, sizeof(in->rcvar), "%s_enable", var);
	if (rcconf_read(ctx, &text) == -1)
		return -1;
	in->enable_set = rcconf_value(text, in->rcvar, in->enable,
	    sizeof(in->enable));
	free(text);
	return 0;
}

/* Console and VNC: the runtime's when up, else what set.conf says. */
static int
info_console(const struct kvm_ctx *ctx, struct info *in)
{
	const struct vm *vm = &in->vm;

	if (state_up(in->state) && in->rt.rt_console[0] != '\0') {
		in->com = "nmdm";
		strlcpy(in->console, in->rt.rt_console, sizeof(in->console));
	} else if (state_up(in->state) || vm->com == COM_STDIO)
		in->com = vm->com == COM_NMDM ? "nmdm" : "stdio";
	else
		in->com = vm->com == COM_NMDM ? "nmdm" : "auto";
	if (strcmp(in->com, "stdio") != 0 && in->console[0] == '\0' &&
	    vm_nmdm(vm, ctx->rootdir, 'B', in->console,
	    sizeof(in->console)) == NULL) {
		warnx("%s: nmdm device path too long", vm->name);
		return -1;
	}
	if (vm->console != CONSOLE_VNC)
		return 0;
	if (state_up(in->state) && in->rt.rt_vnc[0] != '\0')
		strlcpy(in->vnc, in->rt.rt_vnc, sizeof(in->vnc));
	else if (vm->vnc_port == 0)
		snprintf(in->vnc, sizeof(in->vnc), "%s:auto", vm->vnc_bind);
	else
		snprintf(in->vnc, sizeof(in->vnc), "%s:%d", vm->vnc_bind,
		    vm->vnc_port);
	return 0;
}

/*
 * Everything about one VM into in.  Returns 0, 1 when only the zfs part
 * failed (reported; the rest is valid), -1 after reporting.
 */
static int
info_gather(const struct kvm_ctx *ctx, const char *name, struct info *in)
{
	struct stat st;

	if (vm_load(ctx, name, &in->vm) == -1)
		return -1;
	if (rt_read(ctx, name, &in->rt) == -1)
		return -1;
	in->state = rt_state(&in->rt);
	if (stat(in->vm.disk, &st) == -1)
		in->disk_errno = errno;
	else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		in->disk_isdev = 1;
	else {
		in->disk_size = (uint64_t)st.st_size;
		in->disk_alloc = (uint64_t)st.st_blocks * 512;
	}
	info_devices(in);
	if (info_console(ctx, in) == -1 || info_rcd(ctx, in) == -1 ||
	    vm_dataset(ctx, name, in->dataset, sizeof(in->dataset)) == -1)
		return -1;
	info_bridges(ctx, in);
	info_net_conf(ctx, in);
	info_passthru(ctx, in);
	return info_zfs(ctx, in) == -1 ? 1 : 0;
}

static void
info_free(struct info *in)
{
	zfs_snap_free(in->snaps, in->nsnaps);
	vm_free(&in->vm);
}

static void
fmt_time(long long t, char *buf, size_t sz)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, sz, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, sz, "%lld", t);
}

static void
line(const char *key, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));

/* One "key: value" line, values aligned. */
static void
line(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("%s:%*s", key, (int)(12 - strlen(key)), "");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* The label of a set.conf variable's line: its row's s_info. */
static const char *
label(const char *var)
{
	const struct setting *s = settings_find(var);

	return s != NULL && s->s_info != NULL ? s->s_info : var;
}

static void
text_runtime(const struct info *in)
{
	char t[64];
	long long up;

	line("name", "%s", in->vm.name);
	line("state", "%s", rt_state_name(in->state));
	if (state_up(in->state) && in->rt.rt_started != 0) {
		fmt_time(in->rt.rt_started, t, sizeof(t));
		up = (long long)(time(NULL) - in->rt.rt_started);
		if (up < 0)
			up = 0;
		if (up >= 86400)
			line("since", "%s (up %lldd %02lld:%02lld:%02lld)", t,
			    up / 86400, up / 3600 % 24, up / 60 % 60, up % 60);
		else
			line("since", "%s (up %02lld:%02lld:%02lld)", t,
			    up / 3600, up / 60 % 60, up % 60);
	} else
		line("since", "-");
	if (in->rt.rt_bhyve != 0)
		line("pid", "%ld", (long)in->rt.rt_bhyve);
	else
		line("pid", "-");
	if (in->rt.rt_supervisor != 0)
		line("supervisor", "%ld", (long)in->rt.rt_supervisor);
	else
		line("supervisor", "-");
}

static void
text_disk(const struct info *in)
{
	const struct vm *vm = &in->vm;
	char a[32], b[32];
	size_t i;

	line(label("Disk"), "%s", vm->disk);
	line(label("DiskDriver"), "%s", vm->disk_driver);
	line(label("DiskSerial"), "%s", vm->disk_serial[0] ?
	    vm->disk_serial : "-");
	if (in->disk_errno != 0)
		line("disk size", "- (%s)", strerror(in->disk_errno));
	else if (in->disk_isdev)
		line("disk size", "- (device)");
	else {
		size_human(in->disk_size, a, sizeof(a));
		size_human(in->disk_alloc, b, sizeof(b));
		line("disk size", "%s, %s allocated", a, b);
	}
	/* Disks; "kvm disk list" has their sizes. */
	for (i = 0; i < vm->ndisks; i++)
		line("extra disk", "%s (%s, slot %u, serial %s)",
		    vm->disks[i].vd_path, vm->disks[i].vd_driver,
		    vm->disks[i].vd_slot, vm->disks[i].vd_serial[0] != '\0' ?
		    vm->disks[i].vd_serial : "-");
	line(label("Iso"), "%s", vm->iso[0] != '\0' ? vm->iso : "none");
	if (vm->cloudinit)
		line("cloud-init", "%s/cidata.iso (hostname %s, instance-id "
		    "iid-%s%s)", vm->dir, vm->name, vm->uuid,
		    cloudinit_stale(vm) ? "; rebuilt at next start" : "");
}

static void
text_devices(const struct info *in)
{
	const struct dev *d;
	size_t i;

	for (i = 0; i < in->nnet; i++) {
		d = &in->net[i];
		line("network", "%s (%s, slot %s%s%s%s%s)",
		    d->arg[0] != '\0' ? d->arg : "-", d->emu, d->slot,
		    d->mac[0] != '\0' ? ", mac " : "", d->mac,
		    d->bridge[0] != '\0' ? ", bridge " : "", d->bridge);
	}
	if (in->nnet == 0)
		line("network", "none");
	for (i = 0; i < in->npass; i++) {
		d = &in->pass[i];
		if (d->host == 1)
			line("passthru", "%s (slot %s, %s%s%s)", d->arg,
			    d->slot, d->driver, d->descr[0] != '\0' ?
			    ", " : "", d->descr);
		else
			line("passthru", "%s (slot %s%s)", d->arg, d->slot,
			    d->host == 0 ? ", not on this host" : "");
	}
	if (in->npass == 0)
		line("passthru", "none");
	for (i = 0; i < in->nother; i++)
		line("device", "%s", in->other[i].entry);
	if (in->nother == 0)
		line("device", "none");
}

static void
text_print(const struct info *in)
{
	const struct vm *vm = &in->vm;
	char t[64];
	size_t i;

	text_runtime(in);
	line(label("VMrom"), "%s", vm->rom == ROM_FILE ? vm->rom_path :
	    vm_rom_name(vm->rom));
	if (vm->rom == ROM_UEFI)
		line("firmware", "%s", vm->rom_path);
	if (vm->vars_path[0] != '\0')
		line("uefi vars", "%s", vm->vars_path);
	line(label("Cores"), "%u", vm->cores);
	line(label("Mem"), "%s", vm->memstr);
	line(label("UUID"), "%s", vm->uuid[0] != '\0' ? vm->uuid : "-");
	text_disk(in);
	text_devices(in);
	if (strcmp(in->com, "auto") == 0)
		line(label("Com"), "nmdm %s with start -d, else stdio",
		    in->console);
	else if (strcmp(in->com, "nmdm") == 0)
		line(label("Com"), "nmdm %s", in->console);
	else
		line(label("Com"), "stdio");
	line(label("VNCport"), "%s", in->vnc[0] != '\0' ? in->vnc :
	    "none");
	line(label("OnFault"), "%s", vm->onfault == ONFAULT_RESTART ?
	    "restart" : "stop");
	if (vm->tpm == TPM_PASSTHRU)
		line(label("TPM"), "passthru %s", vm->tpm_dev);
	else
		line(label("TPM"), "%s", vm->tpm == TPM_SWTPM ?
		    "swtpm (state in tpm/)" : "none");
	line("dataset", "%s", in->dataset);
	line("origin", "%s", !in->zfs_ok ? "?" :
	    in->origin[0] != '\0' ? in->origin : "-");
	for (i = 0; i < in->nsnaps; i++) {
		fmt_time(in->snaps[i].zs_created, t, sizeof(t));
		line("snapshot", "%s (%s)", in->snaps[i].zs_name, t);
	}
	if (in->nsnaps == 0)
		line("snapshot", "%s", in->zfs_ok ? "none" : "?");
	line("rc.d", "%s", in->rcd[0] != '\0' ? in->rcd : "none");
	if (in->enable_set)
		line("rc.conf", "%s=%s", in->rcvar, in->enable);
	else
		line("rc.conf", "%s is not set", in->rcvar);
}

/* A string member, null when empty. */
static void
json_opt(struct json *js, const char *key, const char *v)
{
	json_string(js, key, v[0] != '\0' ? v : NULL);
}

/* The seed: where, what the guest is told, whether start rebuilds it. */
static void
json_cloudinit(struct json *js, const struct vm *vm)
{
	char iso[PATH_MAX + 16], iid[64];

	snprintf(iso, sizeof(iso), "%s/cidata.iso", vm->dir);
	snprintf(iid, sizeof(iid), "iid-%s", vm->uuid);
	json_object_open(js, "cloud_init");
	json_string(js, "iso", iso);
	json_string(js, "hostname", vm->name);
	json_string(js, "instance_id", iid);
	json_bool(js, "stale", cloudinit_stale(vm));
	json_object_close(js);
}

static void
json_runtime(struct json *js, const struct info *in)
{
	long long up;

	json_string(js, "name", in->vm.name);
	json_string(js, "state", rt_state_name(in->state));
	if (state_up(in->state) && in->rt.rt_started != 0) {
		up = (long long)(time(NULL) - in->rt.rt_started);
		json_int(js, "started", (long long)in->rt.rt_started);
		json_int(js, "uptime", up < 0 ? 0 : up);
	} else {
		json_null(js, "started");
		json_null(js, "uptime");
	}
	json_int(js, "pid", in->rt.rt_bhyve);
	json_int(js, "supervisor", in->rt.rt_supervisor);
	json_int(js, "loader_pid", in->rt.rt_loader);
}

static void
json_disk(struct json *js, const struct info *in)
{
	const struct vm_disk *d;
	size_t i;
	int sized = in->disk_errno == 0 && !in->disk_isdev;

	json_object_open(js, "disk");
	json_string(js, "path", in->vm.disk);
	json_string(js, "driver", in->vm.disk_driver);
	json_opt(js, "serial", in->vm.disk_serial);
	if (sized) {
		json_uint(js, "size", in->disk_size);
		json_uint(js, "allocated", in->disk_alloc);
	} else {
		json_null(js, "size");
		json_null(js, "allocated");
	}
	json_object_close(js);
	json_array_open(js, "disks");
	for (i = 0; i < in->vm.ndisks; i++) {
		d = &in->vm.disks[i];
		json_object_open(js, NULL);
		json_string(js, "path", d->vd_path);
		json_string(js, "driver", d->vd_driver);
		json_opt(js, "serial", d->vd_serial);
		json_uint(js, "slot", d->vd_slot);
		json_object_close(js);
	}
	json_array_close(js);
}

static void
json_devices(struct json *js, const struct info *in)
{
	const struct dev *d;
	size_t i;

	json_array_open(js, "network");
	for (i = 0; i < in->nnet; i++) {
		d = &in->net[i];
		json_object_open(js, NULL);
		json_string(js, "slot", d->slot);
		json_string(js, "emulation", d->emu);
		json_opt(js, "backend", d->arg);
		json_opt(js, "mac", d->mac);
		json_opt(js, "bridge", d->bridge);
		json_object_close(js);
	}
	json_array_close(js);
	json_array_open(js, "passthru");
	for (i = 0; i < in->npass; i++) {
		json_object_open(js, NULL);
		json_string(js, "slot", in->pass[i].slot);
		json_string(js, "device", in->pass[i].arg);
		json_opt(js, "driver", in->pass[i].driver);
		json_opt(js, "description", in->pass[i].descr);
		json_object_close(js);
	}
	json_array_close(js);
	json_array_open(js, "devices");
	for (i = 0; i < in->nother; i++)
		json_string(js, NULL, in->other[i].entry);
	json_array_close(js);
}

static void
json_print(const struct info *in)
{
	const struct vm *vm = &in->vm;
	struct json js;
	size_t i;

	json_init(&js, stdout);
	json_object_open(&js, NULL);
	json_runtime(&js, in);
	json_string(&js, "loader", vm_rom_name(vm->rom));
	json_opt(&js, "firmware", vm->rom_path);
	json_opt(&js, "uefi_vars", vm->vars_path);
	json_uint(&js, "cpus", vm->cores);
	json_uint(&js, "memory", vm->mem);
	json_opt(&js, "uuid", vm->uuid);
	json_disk(&js, in);
	json_opt(&js, "iso", vm->iso);
	if (vm->cloudinit)
		json_cloudinit(&js, vm);
	json_devices(&js, in);
	json_string(&js, "com", in->com);
	json_opt(&js, "console", in->console);
	json_opt(&js, "vnc", in->vnc);
	json_string(&js, "onfault", vm->onfault == ONFAULT_RESTART ?
	    "restart" : "stop");
	if (vm->tpm == TPM_PASSTHRU)
		json_string(&js, "tpm", vm->tpm_dev);
	else if (vm->tpm == TPM_SWTPM)
		json_string(&js, "tpm", "swtpm");
	else
		json_null(&js, "tpm");
	json_string(&js, "dataset", in->dataset);
	if (in->zfs_ok) {
		json_opt(&js, "origin", in->origin);
		json_array_open(&js, "snapshots");
		for (i = 0; i < in->nsnaps; i++) {
			json_object_open(&js, NULL);
			json_string(&js, "name", in->snaps[i].zs_name);
			json_int(&js, "created",
			    (long long)in->snaps[i].zs_created);
			json_uint(&js, "used", in->snaps[i].zs_used);
			json_object_close(&js);
		}
		json_array_close(&js);
	} else {
		json_null(&js, "origin");
		json_null(&js, "snapshots");
	}
	json_opt(&js, "rcd", in->rcd);
	json_string(&js, "rc_enable", in->enable_set ? in->enable : NULL);
	json_object_close(&js);
}

/*
 * kvm info [-j] name.  Exit 1 when the VM cannot be read (no such VM,
 * set.conf error: reported as FILE:LINE: message), and also when zfs
 * could not be asked, after printing everything else.
 */
int
cmd_info(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	struct info *in;
	int ch, json = 0, r;

	while ((ch = getopt(argc, argv, "+j")) != -1) {
		if (ch != 'j')
			cmd_usage(cmd);
		json = 1;
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		cmd_usage(cmd);
	if (ctx_load_home(ctx) == -1)
		return 1;
	if ((in = calloc(1, sizeof(*in))) == NULL)
		err(1, NULL);
	if ((r = info_gather(ctx, argv[0], in)) == -1) {
		info_free(in);
		free(in);
		return 1;
	}
	if (json)
		json_print(in);
	else
		text_print(in);
	info_free(in);
	free(in);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warn("stdout");
		return 1;
	}
	return r;
}
