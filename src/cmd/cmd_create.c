/*
 * cmd_create.c: "kvm create", the seed's vmcreate.  Each setting comes
 * from its flag, from a question when stdin is a terminal, or from the
 * documented default (-y), and is checked the way start will read it
 * before anything is made.  Then the VM's dataset and its files: the
 * sparse disk, the UEFI variables, run and, last, set.conf, so that a
 * VM exists only once it is complete.  A failure at any step destroys
 * the new dataset.  The text of set.conf and run is create_text.c's.
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
#include "core/common.h"
#include "core/conf.h"
#include "core/create_text.h"
#include "core/util.h"
#include "core/valid.h"
#include "core/vm.h"
#include "host/file.h"
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
	struct create_settings	 cs;		/* the checked values */
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

/* In the order they are checked and asked. */
static const struct {
	int		 opt;		/* the flag's letter */
	const char	*prompt;	/* with the choices, if any */
	const char	*missing;	/* "no %s given" */
	const char	*def;		/* the -y default */
	check_fn	 check;
} questions[NQ] = {
	{ 'c', "Cores (1-255)", "number of cores", "1", check_cores },
	{ 'm', "Memory", "memory size", "1G", check_mem },
	{ 's', "Disk size", "disk size", "20G", check_disk },
	{ 'l', "Loader (uefi, grub, bhyveload)", "loader", "uefi",
	    check_loader },
	{ 'd', "Disk driver (nvme, virtio-blk, ahci-hd)", "disk driver",
	    "nvme", check_driver },
	{ 'C', "Console (vnc, com)", "console", "com", check_console },
	{ 'i', "ISO image", NULL, "", check_iso },
};

static const char *const loaders[] = { "uefi", "grub", "bhyveload", NULL };
static const char *const drivers[] = { "nvme", "virtio-blk", "ahci-hd",
	NULL };
static const char *const consoles[] = { "vnc", "com", NULL };

/*
 * v must be one of list: 0 and v copied to dst, or -1 and "WHAT must be
 * a, b or c, not \"v\"".
 */
static int
choice(const char *what, const char *v, const char *const *list, char *dst,
    size_t dstsz, char *err, size_t errsz)
{
	char msg[128];
	size_t i;

	msg[0] = '\0';
	for (i = 0; list[i] != NULL; i++) {
		if (strcmp(v, list[i]) == 0) {
			strlcpy(dst, v, dstsz);
			return 0;
		}
		if (i > 0)
			strlcat(msg, list[i + 1] == NULL ? " or " : ", ",
			    sizeof(msg));
		strlcat(msg, list[i], sizeof(msg));
	}
	return errf(err, errsz, "%s must be %s, not \"%s\"", what, msg, v);
}

static int
check_cores(struct create *c, const char *v, char *err, size_t errsz)
{
	unsigned n;

	if (valid_uint("cores", v, 1, KVM_CORES_MAX, &n, err, errsz) == -1)
		return -1;
	snprintf(c->cs.cs_cores, sizeof(c->cs.cs_cores), "%u", n);
	return 0;
}

/* A size as set.conf keeps it: as typed, with the unit in capitals. */
static int
size_copy(const char *v, char *dst, size_t dstsz, char *err, size_t errsz)
{
	size_t n;

	if (strlcpy(dst, v, dstsz) >= dstsz)
		return errf(err, errsz, "size \"%s\" is too long", v);
	n = strlen(dst);
	dst[n - 1] = (char)toupper((unsigned char)dst[n - 1]);
	return 0;
}

static int
check_mem(struct create *c, const char *v, char *err, size_t errsz)
{
	uint64_t bytes;

	if (valid_size("memory", v, &bytes, err, errsz) == -1)
		return -1;
	if (bytes % 4096 != 0)
		return errf(err, errsz, "memory must be a multiple of 4K");
	return size_copy(v, c->cs.cs_mem, sizeof(c->cs.cs_mem), err, errsz);
}

static int
check_disk(struct create *c, const char *v, char *err, size_t errsz)
{
	uint64_t bytes;

	if (valid_size("disk size", v, &bytes, err, errsz) == -1)
		return -1;
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

static int
check_loader(struct create *c, const char *v, char *err, size_t errsz)
{
	const char *con = c->flag[Q_CONSOLE];

	if (choice("loader", v, loaders, c->cs.cs_loader,
	    sizeof(c->cs.cs_loader), err, errsz) == -1)
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
	return choice("disk driver", v, drivers, c->cs.cs_driver,
	    sizeof(c->cs.cs_driver), err, errsz);
}

static int
check_console(struct create *c, const char *v, char *err, size_t errsz)
{
	if (choice("console", v, consoles, c->cs.cs_console,
	    sizeof(c->cs.cs_console), err, errsz) == -1)
		return -1;
	/* Not yet settled: check_loader looks at the console flag. */
	if (strcmp(v, "vnc") == 0 && c->cs.cs_loader[0] != '\0' &&
	    strcmp(c->cs.cs_loader, "uefi") != 0)
		return errf(err, errsz, "console vnc needs the uefi loader");
	return 0;
}

static int
check_iso(struct create *c, const char *v, char *err, size_t errsz)
{
	return file_iso_path(v, c->cs.cs_iso, sizeof(c->cs.cs_iso), err,
	    errsz);
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
 * Ask question q until the answer passes its check; an empty answer is
 * the default.  Returns 0, or -1 at end of input (reported).
 */
static int
ask(struct create *c, enum question q)
{
	char err[KVM_ERR_MAX], *line = NULL;
	const char *a;
	size_t cap = 0;

	for (;;) {
		printf("%s [%s]: ", questions[q].prompt,
		    *questions[q].def != '\0' ? questions[q].def : "none");
		fflush(stdout);
		if (getline(&line, &cap, stdin) == -1) {
			free(line);
			putchar('\n');
			fflush(stdout);
			warnx("%s: aborted, nothing created", c->name);
			return -1;
		}
		a = trim(line);
		if (*a == '\0')
			a = questions[q].def;
		if (questions[q].check(c, a, err, sizeof(err)) == 0)
			break;
		warnx("%s: %s", c->name, err);
	}
	free(line);
	return 0;
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

	for (q = 0; q < NQ; q++) {
		if (c->flag[q] == NULL)
			missing += questions[q].missing != NULL;
		else if (questions[q].check(c, c->flag[q], err,
		    sizeof(err)) == -1) {
			warnx("%s: %s", c->name, err);
			return -1;
		}
	}
	if (missing > 0 && !yes && !isatty(STDIN_FILENO)) {
		for (q = 0; q < NQ; q++)
			if (c->flag[q] == NULL && questions[q].missing != NULL)
				warnx("%s: no %s given (use -%c, or -y for the "
				    "default)", c->name, questions[q].missing,
				    questions[q].opt);
		return -1;
	}
	for (q = 0; q < NQ; q++) {
		if (c->flag[q] != NULL)
			continue;
		if (missing > 0 && !yes) {
			if (ask(c, (enum question)q) == -1)
				return -1;
		} else if (questions[q].check(c, questions[q].def, err,
		    sizeof(err)) == -1) {
			warnx("%s: %s", c->name, err);
			return -1;
		}
	}
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
	if (pathf(path, sizeof(path), "%s/disk", dir) == -1 ||
	    create_disk(c, path) == -1)
		return -1;
	if (strcmp(c->cs.cs_loader, "uefi") == 0 &&
	    (pathf(src, sizeof(src), "%s/firmware/BHYVE_UEFI_VARS.fd",
	    c->ctx->home) == -1 ||
	    pathf(path, sizeof(path), "%s/uefi-vars.fd", dir) == -1 ||
	    file_copy(src, path, 0644) == -1))
		return -1;
	if (pathf(path, sizeof(path), "%s/run", dir) == -1 ||
	    file_write_atomic(path, run, strlen(run), 0644) == -1)
		return -1;
	if (pathf(path, sizeof(path), "%s/set.conf", dir) == -1 ||
	    file_write_atomic(path, setconf, strlen(setconf), 0644) == -1)
		return -1;
	return 0;
}

/*
 * What create writes must be what start accepts: parse the new set.conf
 * and read it as start will.  0, or -1 after reporting.
 */
static int
create_verify(const struct create *c, const char *text)
{
	char dir[PATH_MAX], fname[PATH_MAX], err[KVM_ERR_MAX];
	struct conf *conf;
	struct vm vm;
	int r;

	if (vm_dir(c->ctx, c->name, NULL, dir, sizeof(dir)) == -1 ||
	    vm_dir(c->ctx, c->name, "set.conf", fname, sizeof(fname)) == -1)
		return -1;
	if ((conf = conf_parse(text, strlen(text), fname, err,
	    sizeof(err))) == NULL) {
		warnx("%s: internal error: %s", c->name, err);
		return -1;
	}
	r = vm_from_conf(&vm, conf, c->name, dir, c->ctx->home, err,
	    sizeof(err));
	if (r == -1)
		warnx("%s: internal error: %s", c->name, err);
	else
		vm_free(&vm);
	conf_free(conf);
	return r;
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
	setconf = create_setconf(c->name, &c->cs);
	run = create_run();
	if (create_verify(c, setconf) == -1)
		goto out;
	sigemptyset(&hold);
	sigaddset(&hold, SIGINT);
	sigaddset(&hold, SIGTERM);
	sigaddset(&hold, SIGHUP);
	sigaddset(&hold, SIGQUIT);
	sigprocmask(SIG_BLOCK, &hold, &old);
	if (zfs_create(c->ctx, ds, NULL) == 0) {
		if (create_files(c, ds, setconf, run) == 0) {
			printf("%s: created (%s)\n", c->name, dir);
			r = 0;
		} else if (zfs_destroy(c->ctx, ds, 1) == -1)
			warnx("%s: could not remove %s: run zfs destroy -r %s",
			    c->name, ds, ds);
	}
	fflush(stdout);
	sigprocmask(SIG_SETMASK, &old, NULL);
out:
	free(setconf);
	free(run);
	return r;
}

int
cmd_create(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	struct create c;
	char err[KVM_ERR_MAX];
	int ch, q, yes = 0;

	memset(&c, 0, sizeof(c));
	c.ctx = ctx;
	while ((ch = getopt(argc, argv, "+yc:m:s:l:d:C:i:")) != -1) {
		if (ch == 'y') {
			yes = 1;
			continue;
		}
		for (q = 0; q < NQ && questions[q].opt != ch; q++)
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
	if (ctx_load_home(ctx) == -1)
		return 1;
	if (vm_exists(ctx, c.name)) {
		warnx("%s: already exists", c.name);
		return 1;
	}
	if (create_settle(&c, yes) == -1 || create_make(&c) == -1)
		return 1;
	return 0;
}
