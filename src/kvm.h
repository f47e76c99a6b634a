/*
 * kvm.h: shared types and the prototypes that cross module boundaries,
 * grouped by the file that defines them.  Mechanism modules report an
 * error once (warn/warnx, or into an error buffer for the pure parsers)
 * and return -1; only main.c and cmd_*.c exit.
 */
#ifndef KVM_H
#define KVM_H

#include <sys/types.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>

#define KVM_NAME_MAX	31	/* bhyve's VM name limit, less one */
#define KVM_ERR_MAX	512	/* room for "FILE:LINE: message" */
#define KVM_SERIAL_LEN	20	/* nvme ser= limit */

/* Global context: everything a command needs besides its operands. */
struct kvm_ctx {
	const char	*rootdir;	/* KVM_ROOTDIR, "" for the real / */
	int		 verbose;	/* -v: print every argv we run */
	int		 have_home;	/* home, dataset filled from kvm.conf */
	char		 pool[256];	/* pool kvm is installed on */
	char		 dataset[256];	/* POOL/kvm */
	char		 home[PATH_MAX];/* its mountpoint */
};

/* A growable NULL-terminated argument vector (argv.c). */
struct argv {
	char	**av_v;
	size_t	  av_n;		/* entries, not counting the NULL */
	size_t	  av_cap;
};

void	 argv_init(struct argv *);
void	 argv_add(struct argv *, const char *);
void	 argv_addf(struct argv *, const char *, ...)
	    __attribute__((__format__(__printf__, 2, 3)));
void	 argv_free(struct argv *);
/* Print an argv on one line as a user could paste it into sh. */
char	*argv_join(const struct argv *);

/*
 * conf.c: the set.conf subset of sh (design.md section 4).
 * A conf keeps every line of the file as read, plus the value of each
 * assignment after quote removal and $NAME/${NAME} expansion.
 */
struct conf;

/*
 * Parse a buffer / a file.  On error returns NULL and writes
 * "FILE:LINE: message" into err (size KVM_ERR_MAX).
 */
struct conf	*conf_parse(const char *buf, size_t len, const char *fname,
		    char *err, size_t errsz);
struct conf	*conf_load(const char *path, char *err, size_t errsz);
void		 conf_free(struct conf *);
/* Value of the last assignment of name, NULL if never assigned. */
const char	*conf_get(const struct conf *, const char *name);
/* Line number of the last assignment of name, 0 if none. */
int		 conf_line(const struct conf *, const char *name);
/* Number of assigned variables and the i-th (first-assignment order). */
size_t		 conf_count(const struct conf *);
const char	*conf_name(const struct conf *, size_t i);
/*
 * Change the last assignment of name to value (quoted so that sh reads
 * back exactly value), keeping every other line and the line's comment;
 * appends NAME="value" when name is not assigned.  Returns 0 or -1.
 */
int		 conf_set(struct conf *, const char *name, const char *value);
/* Write the lines out atomically (tmp file, fsync, rename).  0 or -1+warn. */
int		 conf_write(const struct conf *, const char *path);
/* The file text as it would be written. */
char		*conf_text(const struct conf *);
/* Quote value for an sh double-quoted string; caller frees. */
char		*conf_quote(const char *value);

/* valid.c: validation shared by every command (pure). */
/* 0 if ok, else -1 and a message ("name must ...") in err. */
int	 valid_name(const char *name, char *err, size_t errsz);
/*
 * Parse a size with a K/M/G/T suffix (either case, powers of 1024).
 * what names the field in the message ("Mem needs a unit (K, M, G or T)").
 */
int	 valid_size(const char *what, const char *s, uint64_t *bytes,
	    char *err, size_t errsz);

/* vm.c: a VM's settings, read from its set.conf and checked (pure). */
enum vm_rom	{ ROM_UEFI, ROM_GRUB, ROM_BHYVELOAD, ROM_FILE };
enum vm_console	{ CONSOLE_COM, CONSOLE_VNC };
enum vm_com	{ COM_DEFAULT, COM_STDIO, COM_NMDM };
enum vm_onfault	{ ONFAULT_STOP, ONFAULT_RESTART };

#define VM_MAX_DEVICES	64

struct vm {
	char		 name[KVM_NAME_MAX + 1];
	char		 dir[PATH_MAX];		/* the VM's directory */
	char		 home[PATH_MAX];	/* the kvm home */
	unsigned	 cores;
	uint64_t	 mem;			/* bytes */
	char		 memstr[32];		/* as given to bhyve -m */
	enum vm_rom	 rom;
	char		 rom_path[PATH_MAX];	/* UEFI CODE / firmware file */
	char		 vars_path[PATH_MAX];	/* UEFI vars, "" if none */
	char		 options[32];		/* bhyve flag letters */
	char		 uuid[40];
	char		 disk[PATH_MAX];	/* absolute */
	char		 disk_driver[16];	/* nvme virtio-blk ahci-hd */
	char		 disk_serial[KVM_SERIAL_LEN + 1];
	char		 iso[PATH_MAX];		/* "" when none */
	enum vm_console	 console;
	char		 vnc_bind[64];
	int		 vnc_port;		/* 0: auto */
	unsigned	 vnc_w, vnc_h;
	int		 vnc_wait;
	char		 vnc_password[64];
	enum vm_com	 com;
	size_t		 ndevices;
	char		*devices[VM_MAX_DEVICES];
	int		 passthru;		/* a passthru device is used */
	char		 grub_root[64];
	char		 grub_config[PATH_MAX];
	enum vm_onfault	 onfault;
};

/*
 * Fill vm from a parsed set.conf: name, dir and home are given, every
 * setting is checked.  Returns 0, or -1 with "FILE:LINE: message" (or
 * "NAME: message" when the problem has no line) in err.
 */
int	 vm_from_conf(struct vm *, const struct conf *, const char *name,
	    const char *dir, const char *home, char *err, size_t errsz);
void	 vm_free(struct vm *);
/*
 * The files a start needs: disk, ISO, firmware and vars file.  Returns
 * 0, or -1 with "NAME: message" (e.g. "web: disk /x/y: No such file or
 * directory") in err.
 */
int	 vm_check_files(const struct vm *, char *err, size_t errsz);

/*
 * bhyve_argv.c: settings to the exact argv of bhyve and of its loader
 * (pure).  detached chooses the default com1 backend (nmdm when
 * detached, stdio otherwise); rootdir prefixes /dev paths.
 */
const char *vm_nmdm(const struct vm *, const char *rootdir, char side,
	    char *buf, size_t bufsz);
int	 bhyve_argv(const struct vm *, const char *rootdir, int detached,
	    struct argv *);
/* 1 and the loader's argv when the rom needs a loader run, else 0. */
int	 loader_argv(const struct vm *, const char *rootdir, int detached,
	    const char *loader_path, struct argv *);
/* Contents of grub-bhyve's device.map; caller frees. */
char	*grub_devicemap(const struct vm *);

/*
 * paths.c: where things are.  Every host path is taken under
 * KVM_ROOTDIR when that is set (design.md section 6).
 */
#define KVM_CONF	"/usr/local/etc/kvm.conf"
#define KVM_RCD		"/usr/local/etc/rc.d"
#define KVM_RUNDIR	"/var/run/kvm"

/* Fill ctx from the environment.  Never fails. */
void	 ctx_init(struct kvm_ctx *);
/* Read kvm.conf into ctx; -1 and a message when kvm is not installed. */
int	 ctx_load_home(struct kvm_ctx *);
/* ROOTDIR + abs into buf; -1 (and warnx) if it does not fit. */
int	 host_path(const struct kvm_ctx *, const char *abs, char *buf,
	    size_t bufsz);
/* HOME/vm/NAME[/file] and DATASET/vm/NAME; -1 + warnx if too long. */
int	 vm_dir(const struct kvm_ctx *, const char *name, const char *file,
	    char *buf, size_t bufsz);
int	 vm_dataset(const struct kvm_ctx *, const char *name, char *buf,
	    size_t bufsz);
/* 1 if the VM exists (its directory holds set.conf), else 0. */
int	 vm_exists(const struct kvm_ctx *, const char *name);
/*
 * Validate name, check the VM exists, read and check its set.conf.
 * Returns 0, or -1 after printing "kvm: NAME: no such VM" or the
 * set.conf error.  The caller frees with vm_free.
 */
int	 vm_load(const struct kvm_ctx *, const char *name, struct vm *);

/*
 * spawn.c: the only place that starts processes.  argv[0] is looked up
 * on PATH; the environment (PATH, KVM_ROOTDIR, ...) is inherited.
 * Exit codes are returned as the shell shows them: 0-255 for a normal
 * exit, 128+N for death by signal N, -1 when the program could not be
 * started (already reported).
 */
int	 spawn_run(const struct kvm_ctx *, char *const argv[]);
/*
 * Run and collect stdout and stderr (either pointer may be NULL to
 * discard that stream); strings are NUL-terminated and malloc'd.
 */
int	 spawn_capture(const struct kvm_ctx *, char *const argv[],
	    char **out, char **errout);
/* Start without waiting; returns the pid or -1.  stdio inherited. */
pid_t	 spawn_start(const struct kvm_ctx *, char *const argv[]);
/* Decode a waitpid status the same way spawn_run does. */
int	 spawn_status(int wstatus);

/*
 * zfs.c: the zfs and zpool commands, in the subset OpenZFS 2.2 and
 * zfs-fuse share (bhyve-facts.md section 6).  Failures print zfs's own
 * message once, prefixed with "kvm: ".
 */
/* 1 exists, 0 does not, -1 zfs itself failed (reported). */
int	 zfs_exists(const struct kvm_ctx *, const char *ds);
/* props: NULL-terminated "prop=value" list or NULL. */
int	 zfs_create(const struct kvm_ctx *, const char *ds,
	    const char *const *props);
int	 zfs_get(const struct kvm_ctx *, const char *ds, const char *prop,
	    char *buf, size_t bufsz);
int	 zfs_destroy(const struct kvm_ctx *, const char *ds, int recursive);
int	 zfs_mount(const struct kvm_ctx *, const char *ds);
/* Names of the imported pools; *n of them, free with strlist_free. */
int	 zpool_names(const struct kvm_ctx *, char ***names, size_t *n);

/* util.c */
void	 strlist_free(char **, size_t);
/* Read a whole file; NUL-terminated.  -1 with errno set. */
int	 file_read(const char *path, char **buf, size_t *len);
/* Write atomically: tmp in the same directory, fsync, rename. -1+warn. */
int	 file_write_atomic(const char *path, const char *data, size_t len,
	    mode_t mode);
/* Copy a file (atomically at the destination). -1+warn. */
int	 file_copy(const char *src, const char *dst, mode_t mode);
/* mkdir -p; -1+warn. */
int	 mkdirs(const char *path, mode_t mode);

/*
 * port.c: the only module with operating-system specific code.
 */
/* 1 if pid is alive and is PROG running for VM name, else 0. */
int	 port_proc_is(pid_t pid, const char *prog, const char *name);

/* Commands (cmd_*.c): argc/argv start at the verb's operands. */
int	 cmd_install(struct kvm_ctx *, int, char **);
int	 cmd_check(struct kvm_ctx *, int, char **);

#endif /* !KVM_H */
