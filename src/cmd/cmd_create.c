/*
 * cmd_create.c: "kvm create", the seed's vmcreate.  Each setting comes
 * from its flag, from a question when stdin is a terminal, or from the
 * documented default (-y), and is checked the way start will read it
 * before anything is made.  Then the VM's dataset and its files: the
 * sparse disk, the UEFI variables, run and, last, set.conf, so that a
 * VM exists only once it is complete.  A failure at any step destroys
 * the new dataset, and so does the next command after a crash (the
 * intent journal, recover.c).  The text of set.conf and run is create_text.c's.
 * The network (-n tap[,bridge[,uplink]], or three questions after the
 * others) is checked by core/net.c.
 * With -I the disk is a cloud image and the dataset gets a cloud-init
 * seed (host/cloudinit.c), within the same journal.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/argv.h"
#include "core/cloudinit.h"
#include "core/common.h"
#include "core/conf.h"
#include "core/create_text.h"
#include "core/net.h"
#include "core/settings.h"
#include "core/util.h"
#include "core/valid.h"
#include "core/vm.h"
#include "host/cloudinit.h"
#include "host/fault.h"
#include "host/file.h"
#include "host/journal.h"
#include "host/lock.h"
#include "host/paths.h"
#include "host/vmload.h"
#include "host/zfs.h"
#include "cmd/cmd.h"

enum question { Q_CORES, Q_MEM, Q_DISK, Q_LOADER, Q_DRIVER, Q_CONSOLE,
	Q_ISO, NQ };

struct create {
	struct kvm_ctx		*ctx;
	const char		*name;
	const char		*flag[NQ];	/* as given, NULL if not */
	const char		*netflag;	/* -n, NULL if not given */
	struct create_settings	 cs;		/* the checked values */
	const char		*image;		/* -I: a cloud image */
	const char		*userdata;	/* -u */
	const char		*keys;		/* -k */
	struct ci_image		 img;		/* what -I is */
	char			*user;		/* the seed's user-data */
	size_t			 userlen;
};

/* A check: 0 and the value stored in c->cs, or -1 and a message. */
typedef int	(*check_fn)(struct create *, const char *, char *, size_t);

static int	check_cores(struct create *, const char *, char *, size_t);
static int	check_mem(struct create *, const char *, char *, size_t);
static int	check_disk(struct create *, const char *, char *, size_t);
static int	check_loader(struct create *, const char *, char *, size_t);
static int	check_driver(struct create *, const char *, char *, size_t);
static int	check_console(struct create *, const char *, char *, size_t);
static int	check_iso(struct create *, const char *, char *, size_t);
static int	create_seed(const struct create *, const char *, const char *);

/* The disk size is no set.conf variable: create's own question. */
static const struct setting_ask disk_size = { 's', "Disk size",
	"disk size", "20G", "disk size" };

/*
 * In the order they are checked and asked; flag, question and default
 * of a set.conf variable come from its row in the settings table.
 */
static const struct {
	const char	*var;		/* the variable, NULL: disk_size */
	check_fn	 check;
} questions[NQ] = {
	{ "Cores", check_cores },
	{ "Mem", check_mem },
	{ NULL, check_disk },
	{ "VMrom", check_loader },
	{ "DiskDriver", check_driver },
	{ "Console", check_console },
	{ "Iso", check_iso },
};

static const char *const loaders[] = { "uefi", "grub", "bhyveload", NULL };
static const char *const consoles[] = { "vnc", "com", NULL };

/* How question q is asked. */
static const struct setting_ask *
ask_of(int q)
{
	const struct setting *s;

	if (questions[q].var == NULL)
		return &disk_size;
	if ((s = settings_find(questions[q].var)) == NULL)
		errx(1, "internal error: no setting %s", questions[q].var);
	return &s->s_ask;
}

/*
 * v must be one of list: 0 and v stored as var, or -1 and "WHAT must be
 * a, b or c, not \"v\"" (WHAT: create's name for var).
 */
static int
choice(struct create *c, const char *var, const char *v,
    const char *const *list, char *err, size_t errsz)
{
	char msg[128];
	size_t i;

	msg[0] = '\0';
	for (i = 0; list[i] != NULL; i++) {
		if (strcmp(v, list[i]) == 0) {
			create_set(&c->cs, var, v);
			return 0;
		}
		if (i > 0)
			strlcat(msg, list[i + 1] == NULL ? " or " : ", ",
			    sizeof(msg));
		strlcat(msg, list[i], sizeof(msg));
	}
	return errf(err, errsz, "%s must be %s, not \"%s\"",
	    settings_find(var)->s_ask.sa_label, msg, v);
}

/*
 * v read by var's parser, as start will read it, into vm; messages name
 * it the way create does.  0, or -1 and a message.
 */
static int
parse(const char *var, const char *v, struct vm *vm, char *err,
    size_t errsz)
{
	const struct setting *s = settings_find(var);

	memset(vm, 0, sizeof(*vm));
	return s->s_parse(vm, s->s_ask.sa_label, v, err, errsz);
}

static int
check_cores(struct create *c, const char *v, char *err, size_t errsz)
{
	struct vm vm;
	char n[16];

	if (parse("Cores", v, &vm, err, errsz) == -1)
		return -1;
	snprintf(n, sizeof(n), "%u", vm.cores);
	create_set(&c->cs, "Cores", n);
	return 0;
}

/* Mem as set.conf keeps it: as typed, with the unit in capitals. */
static int
check_mem(struct create *c, const char *v, char *err, size_t errsz)
{
	struct vm vm;

	if (parse("Mem", v, &vm, err, errsz) == -1)
		return -1;
	create_set(&c->cs, "Mem", vm.memstr);
	return 0;
}

static int
check_disk(struct create *c, const char *v, char *err, size_t errsz)
{
	uint64_t bytes;

	if (valid_size(disk_size.sa_label, v, &bytes, err, errsz) == -1)
		return -1;
	/* A cloud image: the default grows to it; a size never shrinks. */
	if (c->image != NULL && c->img.ci_size > bytes) {
		if (c->flag[Q_DISK] != NULL ||
		    strcmp(v, disk_size.sa_default) != 0)
			return errf(err, errsz, "image %s (%ju bytes) is "
			    "larger than the disk size %s (kvm does not shrink "
			    "an image)", c->image, (uintmax_t)c->img.ci_size,
			    v);
		bytes = (c->img.ci_size + 0xfffff) & ~(uint64_t)0xfffff;
	}
	/* ftruncate takes an off_t. */
	if (bytes > (uint64_t)INT64_MAX)
		return errf(err, errsz, "disk size is too large");
	c->cs.cs_disk = bytes;
	return 0;
}

/* The pinned firmware the uefi loader needs, a regular file each. */
static int
check_firmware(const struct create *c, char *err, size_t errsz)
{
	static const char *const files[] = { "BHYVE_UEFI_CODE.fd",
	    "BHYVE_UEFI_VARS.fd", NULL };
	char path[PATH_MAX];
	struct stat st;
	size_t i;

	for (i = 0; files[i] != NULL; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/firmware/%s",
		    c->ctx->home, files[i]) >= sizeof(path))
			return errf(err, errsz, "%s: path too long",
			    c->ctx->home);
		if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
			return errf(err, errsz, "the uefi loader needs %s "
			    "(install edk2-bhyve, then run kvm install "
			    "again)", path);
	}
	return 0;
}

/* Create offers the named loaders only, not a firmware path. */
static int
check_loader(struct create *c, const char *v, char *err, size_t errsz)
{
	const char *con = c->flag[Q_CONSOLE];

	if (choice(c, "VMrom", v, loaders, err, errsz) == -1)
		return -1;
	if (strcmp(v, "uefi") != 0 && con != NULL && strcmp(con, "vnc") == 0)
		return errf(err, errsz, "console vnc needs the uefi loader");
	if (strcmp(v, "uefi") == 0)
		return check_firmware(c, err, errsz);
	return 0;
}

static int
check_driver(struct create *c, const char *v, char *err, size_t errsz)
{
	struct vm vm;

	if (parse("DiskDriver", v, &vm, err, errsz) == -1)
		return -1;
	create_set(&c->cs, "DiskDriver", vm.disk_driver);
	return 0;
}

static int
check_console(struct create *c, const char *v, char *err, size_t errsz)
{
	const char *loader = create_get(&c->cs, "VMrom");

	if (choice(c, "Console", v, consoles, err, errsz) == -1)
		return -1;
	/* Not yet settled: check_loader looks at the console flag. */
	if (strcmp(v, "vnc") == 0 && loader != NULL &&
	    strcmp(loader, "uefi") != 0)
		return errf(err, errsz, "console vnc needs the uefi loader");
	return 0;
}

static int
check_iso(struct create *c, const char *v, char *err, size_t errsz)
{
	char iso[PATH_MAX];

	if (file_iso_path(v, iso, sizeof(iso), err, errsz) == -1)
		return -1;
	create_set(&c->cs, "Iso", iso);
	return 0;
}

/* Strip leading and trailing blanks and the newline, in place. */
static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/*
 * Print "PROMPT [DEFAULT]: " and read the answer into *line, trimmed;
 * an empty answer is dflt.  NULL at end of input (reported).
 */
static const char *
answer(const struct create *c, const char *prompt, const char *dflt,
    char **line, size_t *cap)
{
	const char *a;

	printf("%s [%s]: ", prompt, *dflt != '\0' ? dflt : "none");
	fflush(stdout);
	if (getline(line, cap, stdin) == -1) {
		putchar('\n');
		fflush(stdout);
		warnx("%s: aborted, nothing created", c->name);
		return NULL;
	}
	a = trim(*line);
	return *a == '\0' ? dflt : a;
}

/*
 * Ask question q until the answer passes its check; an empty answer is
 * the default.  Returns 0, or -1 at end of input (reported).
 */
static int
ask(struct create *c, enum question q)
{
	const struct setting_ask *sa = ask_of(q);
	char err[KVM_ERR_MAX], *line = NULL;
	const char *a;
	size_t cap = 0;
	int r = 0;

	for (;;) {
		if ((a = answer(c, sa->sa_prompt, sa->sa_default, &line,
		    &cap)) == NULL) {
			r = -1;
			break;
		}
		if (questions[q].check(c, a, err, sizeof(err)) == 0)
			break;
		warnx("%s: %s", c->name, err);
	}
	free(line);
	return r;
}

/*
 * The network's three questions, each asked until its answer passes;
 * an empty answer ends them (no tap: no network; no bridge: no
 * uplink).  Returns 0, or -1 at end of input (reported).
 */
static int
ask_net(struct create *c)
{
	static const char *const prompts[] = {
	    "Network: tap for the guest, e.g. tap0",
	    "Bridge for the tap, made when missing, e.g. bridge0",
	    "Uplink, the host's interface on the bridge, e.g. em0" };
	char err[KVM_ERR_MAX], *line = NULL;
	const char *a = "";
	size_t cap = 0;
	int r;

	for (r = NET_TAP; r <= NET_UPLINK; r++) {
		while ((a = answer(c, prompts[r], "", &line, &cap)) != NULL &&
		    *a != '\0' && net_set(&c->cs.cs_net, (enum net_role)r, a,
		    err, sizeof(err)) == -1)
			warnx("%s: %s", c->name, err);
		if (a == NULL || *a == '\0')
			break;
	}
	free(line);
	return a == NULL ? -1 : 0;
}

/*
 * Settle every setting: flags first (all checked before any question),
 * then questions or defaults.  Returns 0, or -1 after reporting.
 */
static int
create_settle(struct create *c, int yes)
{
	char err[KVM_ERR_MAX];
	int q, missing = 0;

	if (c->netflag != NULL && net_parse(&c->cs.cs_net, c->netflag, err,
	    sizeof(err)) == -1) {
		warnx("%s: %s", c->name, err);
		return -1;
	}
	for (q = 0; q < NQ; q++) {
		if (c->flag[q] == NULL)
			missing += ask_of(q)->sa_missing != NULL;
		else if (questions[q].check(c, c->flag[q], err,
		    sizeof(err)) == -1) {
			warnx("%s: %s", c->name, err);
			return -1;
		}
	}
	if (missing > 0 && !yes && !isatty(STDIN_FILENO)) {
		for (q = 0; q < NQ; q++)
			if (c->flag[q] == NULL && ask_of(q)->sa_missing != NULL)
				warnx("%s: no %s given (use -%c, or -y for the "
				    "default)", c->name, ask_of(q)->sa_missing,
				    ask_of(q)->sa_flag);
		return -1;
	}
	for (q = 0; q < NQ; q++) {
		if (c->flag[q] != NULL)
			continue;
		if (missing > 0 && !yes) {
			if (ask(c, (enum question)q) == -1)
				return -1;
		} else if (questions[q].check(c, ask_of(q)->sa_default, err,
		    sizeof(err)) == -1) {
			warnx("%s: %s", c->name, err);
			return -1;
		}
	}
	if (c->netflag == NULL && missing > 0 && !yes)
		return ask_net(c);
	return 0;
}

/* The new sparse disk: nothing allocated, size cs_disk. */
static int
create_disk(const struct create *c, const char *path)
{
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		warn("%s", path);
		return -1;
	}
	if (ftruncate(fd, (off_t)c->cs.cs_disk) == -1 || fsync(fd) == -1) {
		warn("%s", path);
		close(fd);
		return -1;
	}
	if (close(fd) == -1) {
		warn("%s", path);
		return -1;
	}
	return 0;
}

/* The new dataset must be mounted where the VM's directory is. */
static int
create_check_mount(const struct create *c, const char *ds, const char *dir)
{
	char mounted[16], mnt[PATH_MAX];

	if (zfs_get(c->ctx, ds, "mounted", mounted, sizeof(mounted)) == -1 ||
	    zfs_get(c->ctx, ds, "mountpoint", mnt, sizeof(mnt)) == -1)
		return -1;
	if (strcmp(mounted, "yes") != 0 || strcmp(mnt, dir) != 0) {
		warnx("%s: %s is not mounted at %s", c->name, ds, dir);
		return -1;
	}
	return 0;
}

/* Everything in the new dataset; set.conf last.  0 or -1 (reported). */
static int
create_files(const struct create *c, const char *ds, const char *setconf,
    const char *run)
{
	char dir[PATH_MAX], path[PATH_MAX], src[PATH_MAX];

	if (vm_dir(c->ctx, c->name, NULL, dir, sizeof(dir)) == -1 ||
	    create_check_mount(c, ds, dir) == -1)
		return -1;
	fault_point("create");
	if (pathf(path, sizeof(path), "%s/disk", dir) == -1 ||
	    (c->image == NULL ? create_disk(c, path) :
	    cloudinit_disk(c->ctx, c->name, &c->img, path, c->cs.cs_disk)) ==
	    -1)
		return -1;
	fault_point("create");
	if (strcmp(create_get(&c->cs, "VMrom"), "uefi") == 0 &&
	    (pathf(src, sizeof(src), "%s/firmware/BHYVE_UEFI_VARS.fd",
	    c->ctx->home) == -1 ||
	    pathf(path, sizeof(path), "%s/uefi-vars.fd", dir) == -1 ||
	    file_copy(src, path, 0644) == -1))
		return -1;
	fault_point("create");
	if (pathf(path, sizeof(path), "%s/run", dir) == -1 ||
	    file_write_atomic(path, run, strlen(run), 0644) == -1)
		return -1;
	if (c->image != NULL) {
		fault_point("create");
		if (create_seed(c, dir, setconf) == -1)
			return -1;
	}
	fault_point("create");
	if (pathf(path, sizeof(path), "%s/set.conf", dir) == -1 ||
	    file_write_atomic(path, setconf, strlen(setconf), 0644) == -1)
		return -1;
	return 0;
}

/*
 * The new set.conf read as start will read it, into vm (to be freed).
 * 0, or -1 after reporting.
 */
static int
create_vm(const struct create *c, const char *text, struct vm *vm)
{
	char dir[PATH_MAX], fname[PATH_MAX], err[KVM_ERR_MAX];
	struct conf *conf;
	int r;

	if (vm_dir(c->ctx, c->name, NULL, dir, sizeof(dir)) == -1 ||
	    vm_dir(c->ctx, c->name, "set.conf", fname, sizeof(fname)) == -1)
		return -1;
	if ((conf = conf_parse(text, strlen(text), fname, err,
	    sizeof(err))) == NULL) {
		warnx("%s: internal error: %s", c->name, err);
		return -1;
	}
	r = vm_from_conf(vm, conf, c->name, dir, c->ctx->home, err,
	    sizeof(err));
	if (r == -1)
		warnx("%s: internal error: %s", c->name, err);
	conf_free(conf);
	return r;
}

/* What create writes must be what start accepts. */
static int
create_verify(const struct create *c, const char *text)
{
	struct vm vm;

	if (create_vm(c, text, &vm) == -1)
		return -1;
	vm_free(&vm);
	return 0;
}

/*
 * The cloud-init seed: user-data (-u as given, byte for byte, or the
 * keys of -k), then the generated files and cidata.iso.
 */
static int
create_seed(const struct create *c, const char *dir, const char *setconf)
{
	char path[PATH_MAX];
	struct vm vm;
	int r;

	if (pathf(path, sizeof(path), "%s/cloud-init", dir) == -1 ||
	    mkdirs(path, 0755) == -1 ||
	    pathf(path, sizeof(path), "%s/cloud-init/user-data", dir) == -1 ||
	    file_write_atomic(path, c->user, c->userlen, 0600) == -1)
		return -1;
	if (create_vm(c, setconf, &vm) == -1)
		return -1;
	r = cloudinit_seed(c->ctx, &vm);
	vm_free(&vm);
	return r == -1 ? -1 : 0;
}

/* Nothing may stand where the dataset and its mountpoint will be. */
static int
create_room(const struct create *c, const char *ds)
{
	char dir[PATH_MAX];
	struct stat st;
	int e;

	if ((e = zfs_exists(c->ctx, ds)) == -1)
		return -1;
	if (e == 1) {
		warnx("%s: dataset %s already exists", c->name, ds);
		return -1;
	}
	if (vm_dir(c->ctx, c->name, NULL, dir, sizeof(dir)) == -1)
		return -1;
	if (lstat(dir, &st) == 0) {
		warnx("%s: %s already exists", c->name, dir);
		return -1;
	}
	return 0;
}

/*
 * The dataset and the files, recorded in the intent journal first so
 * that a create killed half way is undone (or, with set.conf written,
 * finished) by the next command: no dataset without a VM stays.
 */
static int
create_do(struct create *c, const char *ds, const char *dir,
    const char *setconf, const char *run)
{
	struct journal ij;

	journal_init(&ij, "create", c->name);
	journal_vm(&ij, c->name);
	journal_add(&ij, "ds", "%s", ds);
	journal_add(&ij, "dir", "%s", dir);
	if (journal_begin(c->ctx, &ij) == -1) {
		journal_free(&ij);
		return -1;
	}
	fault_point("create");
	if (zfs_create(c->ctx, ds, NULL) == -1) {
		journal_end(&ij);
		return -1;
	}
	if (create_files(c, ds, setconf, run) == 0) {
		fault_point("create");
		journal_end(&ij);
		return 0;
	}
	if (zfs_destroy(c->ctx, ds, 1) == 0)
		journal_end(&ij);
	else {
		/* The journal stays: the next command tries again. */
		warnx("%s: could not remove %s: run zfs destroy -r %s",
		    c->name, ds, ds);
		journal_free(&ij);
	}
	return -1;
}

/*
 * Make the dataset and the files, with the signals that would stop us
 * half-way held until it is done or undone.  0 or -1 (reported).
 */
static int
create_make(struct create *c)
{
	char ds[300], dir[PATH_MAX];
	char *setconf, *run;
	sigset_t hold, old;
	int r = -1;

	if (vm_dataset(c->ctx, c->name, ds, sizeof(ds)) == -1 ||
	    vm_dir(c->ctx, c->name, NULL, dir, sizeof(dir)) == -1 ||
	    create_room(c, ds) == -1)
		return -1;
	create_ids(&c->cs);
	if (c->image != NULL)
		create_set(&c->cs, "CloudInit", "yes");
	setconf = create_setconf(c->name, &c->cs);
	run = create_run(&c->cs);
	if (create_verify(c, setconf) == -1)
		goto out;
	sigemptyset(&hold);
	sigaddset(&hold, SIGINT);
	sigaddset(&hold, SIGTERM);
	sigaddset(&hold, SIGHUP);
	sigaddset(&hold, SIGQUIT);
	sigprocmask(SIG_BLOCK, &hold, &old);
	if ((r = create_do(c, ds, dir, setconf, run)) == 0)
		printf("%s: created (%s)\n", c->name, dir);
	fflush(stdout);
	sigprocmask(SIG_SETMASK, &old, NULL);
out:
	free(setconf);
	free(run);
	return r;
}

/*
 * The cloud image's flags, checked before any question: the image, and
 * user-data from -u or from the keys of -k.  0, or -1 after a message.
 */
static int
create_cloud(struct create *c)
{
	char err[KVM_ERR_MAX];
	const char *file = c->userdata != NULL ? c->userdata : c->keys;
	char *keys = NULL;
	size_t len;

	if (c->image == NULL) {
		if (file == NULL)
			return 0;
		warnx("%s: -%c needs a cloud image (-I)", c->name,
		    c->userdata != NULL ? 'u' : 'k');
		return -1;
	}
	if (c->flag[Q_ISO] != NULL) {
		warnx("%s: -I and -i exclude each other (a cloud image boots "
		    "from its disk)", c->name);
		return -1;
	}
	if (c->userdata != NULL && c->keys != NULL) {
		warnx("%s: -u and -k exclude each other (put the keys in the "
		    "user-data)", c->name);
		return -1;
	}
	if (cloudinit_image(c->name, c->image, &c->img) == -1)
		return -1;
	if (file != NULL && file_read(file, &keys, &len) == -1) {
		warn("%s: %s %s", c->name, c->userdata != NULL ? "user-data" :
		    "key file", file);
		return -1;
	}
	if (c->keys != NULL && ci_keys_check(keys, err, sizeof(err)) == -1) {
		warnx("%s: %s: %s", c->name, file, err);
		free(keys);
		return -1;
	}
	if (c->userdata != NULL) {
		c->user = keys;
		c->userlen = len;
		return 0;
	}
	c->user = ci_user_data(keys);
	c->userlen = strlen(c->user);
	free(keys);
	return 0;
}

/* getopt's string: -y, -n, the cloud flags and one per question. */
static void
create_optstring(char *buf, size_t sz)
{
	char opt[3] = { 0, ':', '\0' };
	int q;

	strlcpy(buf, "+yn:I:u:k:", sz);
	for (q = 0; q < NQ; q++) {
		opt[0] = (char)ask_of(q)->sa_flag;
		strlcat(buf, opt, sz);
	}
}

int
cmd_create(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	struct create c;
	char err[KVM_ERR_MAX], opts[11 + 2 * NQ];
	int ch, lock, q, r, yes = 0;

	memset(&c, 0, sizeof(c));
	c.ctx = ctx;
	create_optstring(opts, sizeof(opts));
	while ((ch = getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 'y':
			yes = 1;
			continue;
		case 'I':
			c.image = optarg;
			continue;
		case 'u':
			c.userdata = optarg;
			continue;
		case 'k':
			c.keys = optarg;
			continue;
		case 'n':
			c.netflag = optarg;
			continue;
		}
		for (q = 0; q < NQ && ask_of(q)->sa_flag != ch; q++)
			continue;
		if (q == NQ)
			cmd_usage(cmd);
		c.flag[q] = optarg;
	}
	if (argc - optind != 1)
		cmd_usage(cmd);
	c.name = argv[optind];
	if (valid_name(c.name, err, sizeof(err)) == -1) {
		warnx("%s: %s", c.name, err);
		return 1;
	}
	/* The new name's admin lock: no other create or rename to it. */
	if (ctx_load_home(ctx) == -1 || lock_admin(ctx, c.name, &lock) == -1)
		return 1;
	if (vm_exists(ctx, c.name)) {
		warnx("%s: already exists", c.name);
		lock_release(lock);
		return 1;
	}
	r = create_cloud(&c) == -1 || create_settle(&c, yes) == -1 ||
	    create_make(&c) == -1 ? 1 : 0;
	if (r == 0 && valid_rc_name(c.name, err, sizeof(err)) == -1)
		warnx("%s: %s: kvm rc cannot give it an rc.d script; rename "
		    "it to start it at boot (kvm rename %s NEWNAME)", c.name,
		    err, c.name);
	create_settings_free(&c.cs);
	free(c.user);
	lock_release(lock);
	return r;
}
