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
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <time.h>

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
	char		 self[PATH_MAX];/* absolute path of this program */
};

/* functions.c (generated from share/functions): the hook library. */
extern const char kvm_functions[];

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
/* value as an sh double-quoted string, quotes included; caller frees. */
char		*conf_quote(const char *value);

/* valid.c: validation shared by every command (pure). */
/* printf into an error buffer; always -1, so callers can return it. */
int	 errf(char *err, size_t errsz, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 3, 4)));
/* 0 if ok, else -1 and a message ("name must ...") in err. */
int	 valid_name(const char *name, char *err, size_t errsz);
/*
 * Parse a size with a K/M/G/T suffix (either case, powers of 1024).
 * what names the field in the message ("Mem needs a unit (K, M, G or T)").
 */
int	 valid_size(const char *what, const char *s, uint64_t *bytes,
	    char *err, size_t errsz);
/*
 * The rest take what, the field's name for the message, and return 0,
 * or -1 with a message in err.  Decimal digits only, no sign.
 */
/* "Cores must be a whole number from 1 to 255" */
int	 valid_uint(const char *what, const char *s, unsigned min,
	    unsigned max, unsigned *val, char *err, size_t errsz);
/* 1-65535, or "auto" which gives 0. */
int	 valid_port(const char *what, const char *s, int *port, char *err,
	    size_t errsz);
/* xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx in hex digits. */
int	 valid_uuid(const char *what, const char *s, char *err, size_t errsz);
/* WxH within bhyve's fbuf limits, 640x480 to 1920x1200. */
#define KVM_VNC_MIN_W	640
#define KVM_VNC_MIN_H	480
#define KVM_VNC_MAX_W	1920
#define KVM_VNC_MAX_H	1200
int	 valid_vnc_size(const char *what, const char *s, unsigned *w,
	    unsigned *h, char *err, size_t errsz);
/* Dotted-quad IPv4 address (bhyve's fbuf takes numeric addresses). */
int	 valid_ipv4(const char *what, const char *s, char *err, size_t errsz);
/* Disk serial: 1-20 characters of letters, digits and '-'. */
int	 valid_serial(const char *what, const char *s, char *err,
	    size_t errsz);
/* xx:xx:xx:xx:xx:xx, not multicast, not all zeros (as bhyve wants). */
int	 valid_mac(const char *what, const char *s, char *err, size_t errsz);
/*
 * A bhyve PCI slot, S, S:F or B:S:F in decimal; the message names the
 * slot ("slot \"32\" must be S, S:F or B:S:F with ...").
 */
int	 valid_pci_slot(const char *s, unsigned *bus, unsigned *slot,
	    unsigned *func, char *err, size_t errsz);
#define KVM_CORES_MAX	255

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
/*
 * The argv is appended to out, which the caller has initialised.
 * Returns 0, or -1 with a warning and out unchanged (VNCport auto not
 * yet resolved: the caller sets vnc_port first; nmdm path too long).
 */
int	 bhyve_argv(const struct vm *, const char *rootdir, int detached,
	    struct argv *);
/*
 * 1 and the loader's argv appended to out when the rom needs a loader
 * run, else 0 (or -1 with a warning, out unchanged).  loader_path is
 * grub-bhyve's argv[0], NULL for "grub-bhyve" on PATH.
 */
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
 * 0 if name is a valid VM name and the VM exists; else -1 after
 * "kvm: NAME: <why the name is bad>" or "kvm: NAME: no such VM".
 */
int	 vm_find(const struct kvm_ctx *, const char *name);
/* Names of every VM, sorted; free with strlist_free. -1+warn. */
int	 vm_names(const struct kvm_ctx *, char ***names, size_t *n);
/*
 * Validate name, check the VM exists, read and check its set.conf.
 * Returns 0, or -1 after printing "kvm: NAME: no such VM" or the
 * set.conf error.  The caller frees with vm_free.
 */
int	 vm_load(const struct kvm_ctx *, const char *name, struct vm *);

/*
 * runtime.c: runtime state under /var/run/kvm (never in the dataset).
 * NAME.lock is flock'ed by the supervisor for its whole life; NAME.pid
 * holds the fields below as key=value lines.
 */
struct vm_runtime {
	pid_t	rt_supervisor;	/* alive and holding the lock, else 0 */
	pid_t	rt_bhyve;	/* alive and really bhyve NAME, else 0 */
	pid_t	rt_loader;	/* alive loader (grub-bhyve/bhyveload), else 0 */
	time_t	rt_started;	/* when the supervisor started the VM */
	int	rt_instance;	/* /dev/vmm/NAME exists */
	char	rt_vnc[80];	/* "ADDR:PORT" while VNC is on, else "" */
	char	rt_console[PATH_MAX]; /* nmdm B side for cu, else "" */
};

enum vm_state {
	VM_STOPPED,	/* nothing of it runs */
	VM_RUNNING,	/* bhyve runs under its supervisor */
	VM_STARTING,	/* supervisor alive, bhyve not (yet): hooks, loader */
	VM_ORPHAN,	/* bhyve runs, its supervisor is gone */
	VM_STALE	/* a loader or the /dev/vmm instance is left over */
};

/*
 * Take NAME.lock: 0 and *fd on success, 1 when another process holds
 * it, -1 on error (reported).  The fd is close-on-exec.
 */
int	 rt_lock(const struct kvm_ctx *, const char *name, int *fd);
/* Read NAME.pid and check every pid and /dev/vmm/NAME; never fails on a
 * missing file (all zero).  -1 only when a path does not fit. */
int	 rt_read(const struct kvm_ctx *, const char *name, struct vm_runtime *);
int	 rt_write(const struct kvm_ctx *, const char *name,
	    const struct vm_runtime *);
void	 rt_remove(const struct kvm_ctx *, const char *name);
enum vm_state rt_state(const struct vm_runtime *);
const char *rt_state_name(enum vm_state);

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
 * Start argv with its environment changed by env (NULL-terminated):
 * "NAME=value" replaces or adds NAME, a bare "NAME" removes it.
 * spawn_run_env also waits, returning what spawn_run returns.
 */
pid_t	 spawn_start_env(const struct kvm_ctx *, char *const argv[],
	    char *const env[]);
int	 spawn_run_env(const struct kvm_ctx *, char *const argv[],
	    char *const env[]);
/*
 * Reap pid if it has ended: 1 with its status in *status (as spawn_run
 * returns it), 0 while it still runs, -1 on error (reported).
 */
int	 spawn_poll(pid_t pid, int *status);
/*
 * Go to the background: fork; the child gets a new session, stdin from
 * /dev/null, stdout/stderr appended to log and / as its directory.
 * Returns 0 in the child, the child's pid in the parent, -1 (reported)
 * on failure.  Open descriptors (a held lock) are shared with the child.
 */
pid_t	 spawn_detach(const char *log);

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

/*
 * zfs.c, snapshots and clones (used by cmd_snap.c and cmd_clone.c).
 * fs is a filesystem, snap the short snapshot name (after the '@').
 */
struct zfs_snap {
	char		*zs_name;	/* after the '@' */
	time_t		 zs_created;	/* creation, epoch seconds */
	uint64_t	 zs_used;	/* used, bytes */
};
int	 zfs_snapshot(const struct kvm_ctx *, const char *fs,
	    const char *snap);
/*
 * fs's own snapshots, oldest first (createtxg order); with props also
 * their creation and used.  Free with zfs_snap_free.  0 or -1.
 */
int	 zfs_snap_list(const struct kvm_ctx *, const char *fs, int props,
	    struct zfs_snap **, size_t *n);
void	 zfs_snap_free(struct zfs_snap *, size_t n);
/* Plain rollback (never -r); fs is mounted again if it is not. */
int	 zfs_rollback(const struct kvm_ctx *, const char *fs,
	    const char *snap);
/* origin is FS@SNAP. */
int	 zfs_clone(const struct kvm_ctx *, const char *origin,
	    const char *ds);
/* Datasets of origin's pool whose origin is origin (FS@SNAP). */
int	 zfs_clones(const struct kvm_ctx *, const char *origin,
	    char ***names, size_t *n);

/* util.c */
void	 strlist_free(char **, size_t);
/* Read a whole file; NUL-terminated.  -1 with errno set. */
int	 file_read(const char *path, char **buf, size_t *len);
/* Write atomically: tmp in the same directory, fsync, rename. -1+warn. */
int	 file_write_atomic(const char *path, const char *data, size_t len,
	    mode_t mode);
/* Copy a file (atomically at the destination). -1+warn. */
int	 file_copy(const char *src, const char *dst, mode_t mode);
/* Absolute path of the program run as argv0 (searched on PATH). */
int	 self_path(const char *argv0, char *buf, size_t bufsz);
/* snprintf for paths: -1 and a warning instead of truncating. */
int	 pathf(char *buf, size_t bufsz, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 3, 4)));
/* mkdir -p; -1+warn. */
int	 mkdirs(const char *path, mode_t mode);

/*
 * port.c: the only module with operating-system specific code.
 */
/* 1 if pid is alive and is PROG running for VM name, else 0. */
int	 port_proc_is(pid_t pid, const char *prog, const char *name);

/*
 * json.c: a compact JSON writer (RFC 8259) for the -j forms.  key is
 * the member name inside an object, NULL inside an array or for the
 * document itself; closing the outermost container ends the line.
 * A NULL string value is written as null.
 */
#define JSON_DEPTH	16	/* deepest nesting the writer tracks */
struct json {
	FILE	*js_fp;
	int	 js_depth;
	int	 js_count[JSON_DEPTH];	/* members so far at each level */
};

void	 json_init(struct json *, FILE *);
void	 json_object_open(struct json *, const char *key);
void	 json_object_close(struct json *);
void	 json_array_open(struct json *, const char *key);
void	 json_array_close(struct json *);
void	 json_string(struct json *, const char *key, const char *value);
void	 json_int(struct json *, const char *key, long long value);
void	 json_uint(struct json *, const char *key, unsigned long long value);
void	 json_bool(struct json *, const char *key, int value);
void	 json_null(struct json *, const char *key);

/*
 * supervise.c, hook.c, cmd_start.c, cmd_stop.c: the supervisor of
 * "kvm start" (design.md section 5) and the commands that end it.
 *
 * supervise.c: the loop is a state machine.  sv_next is pure: from the
 * current state, the result of the step just done (0 or an exit status
 * for the hooks, the loader and the preparation; bhyve's exit status,
 * or -1 when it could not be started, for SV_BHYVE), the request flags
 * and the time, it returns the next state and records why the
 * supervisor ends (sv_end) or that it restarts after a fault.
 */
enum sv_state {
	SV_PREPARE,	/* modules, leftover instance, VNC port */
	SV_PRERUN,	/* the preRun hook */
	SV_LOADER,	/* grub-bhyve or bhyveload */
	SV_BHYVE,	/* bhyve runs the guest */
	SV_POSTRUN,	/* the postRun hook */
	SV_END		/* done: see sv_end */
};

/* bhyve's exit status decoded (bhyve-facts.md 2.1). */
enum sv_exit {
	SVX_REBOOT,	/* 0 */
	SVX_POWEROFF,	/* 1 */
	SVX_HALT,	/* 2 */
	SVX_TRIPLE,	/* 3: triple fault */
	SVX_ERROR,	/* 4 */
	SVX_SIGNAL,	/* killed by a signal (128+N) */
	SVX_OTHER	/* anything else, or not started (-1) */
};

enum sv_end {
	SVEND_NONE,	/* not ended */
	SVEND_POWEROFF,	/* the guest powered off (exit 0) */
	SVEND_HALT,	/* the guest halted (exit 0) */
	SVEND_STOP,	/* stop requested (exit 0) */
	SVEND_LAST,	/* end after the run requested: shutdown (exit 0) */
	SVEND_FAULT,	/* fault with OnFault=stop (exit 1) */
	SVEND_GIVEUP,	/* fault, too many restarts (exit 1) */
	SVEND_PRERUN,	/* preRun failed (exit 1) */
	SVEND_LOADER,	/* the loader failed (exit 1) */
	SVEND_ERROR	/* kvm could not do a step (exit 1) */
};

#define SV_RESTART_MAX		3	/* restarts after faults ... */
#define SV_RESTART_WINDOW	60	/* ... within this many seconds */

struct sv {
	enum sv_state	 sv_state;
	enum sv_end	 sv_end;	/* why it ended, when SV_END */
	enum sv_end	 sv_pending;	/* end decided before postRun */
	int		 sv_status;	/* bhyve's last exit status, -1 none */
	int		 sv_loader;	/* the rom needs a loader run */
	int		 sv_restart;	/* OnFault=restart */
	int		 sv_stop;	/* stop requested: end now */
	int		 sv_last;	/* end after this run */
	int		 sv_run;	/* the run under way, from 1 */
	int		 sv_restarted;	/* the last transition was a restart */
	int		 sv_nrestart;	/* restarts in sv_restarts */
	time_t		 sv_restarts[SV_RESTART_MAX];
};

void		 sv_init(struct sv *, int loader, int restart);
enum sv_state	 sv_next(struct sv *, int result, time_t now);
enum sv_exit	 sv_decode(int status);
/* "reboot", "power-off", "triple fault", "signal 9 (SIGKILL)" ... */
const char	*sv_meaning(int status, char *buf, size_t bufsz);
/* The supervisor's exit status for an ended machine: 0 or 1. */
int		 sv_exitcode(const struct sv *);
/*
 * Run the VM until it ends (the caller holds NAME.lock, checked the
 * VM's files and, when detached, already went to the background).
 * Returns the exit status for kvm start.
 */
int		 supervise(struct kvm_ctx *, struct vm *, int detached);

/*
 * hook.c: run preRun or postRun (fn) of the VM's run file, in sh, as a
 * fixed script; values reach it through the environment only (VM_NAME,
 * VM_DIR, KVM_HOME, and VM_EXIT when vm_exit is not NULL).  Returns
 * sh's exit status as spawn_run does.
 */
int		 hook_run(const struct kvm_ctx *, const struct vm *,
		    const char *fn, const char *vm_exit);

/*
 * create_text.c: what kvm create writes (cmd_create.c).  The settings
 * are checked strings, as they go into set.conf.
 */
struct create_settings {
	char	 cs_cores[8];
	char	 cs_mem[32];
	char	 cs_loader[16];		/* uefi grub bhyveload */
	char	 cs_driver[16];		/* nvme virtio-blk ahci-hd */
	char	 cs_console[8];		/* com vnc */
	char	 cs_iso[PATH_MAX];	/* absolute, "" for none */
	uint64_t cs_disk;		/* bytes of the sparse disk file */
	char	 cs_uuid[40];		/* generated by create_ids */
	char	 cs_serial[KVM_SERIAL_LEN + 1];
	char	 cs_mac[18];
};
/* Fill the UUID, disk serial and example MAC with random values. */
void	 create_ids(struct create_settings *);
/* set.conf and run of a new VM; malloc'd text. */
char	*create_setconf(const char *name, const struct create_settings *);
char	*create_run(void);
/*
 * cmd_create.c, also for insert: check an ISO image (existing, readable,
 * a regular file or a device) and store its absolute path in dst; ""
 * stays "".  0, or -1 and "ISO PATH: reason" in err.
 */
int	 create_iso_path(const char *path, char *dst, size_t dstsz,
	    char *err, size_t errsz);

/*
 * cmd_rc.c, cmd_rename.c, cmd_destroy.c, undo.c and the zfs.c rename
 * block: rc.d scripts, rc.conf variables, all-or-nothing changes.
 */
/* zfs.c: rename a filesystem, unmounting it first and mounting it
 * after when it was mounted (zfs-fuse cannot rename a mounted one);
 * on failure it is left as it was.  0 or -1 (reported). */
int	 zfs_rename(const struct kvm_ctx *, const char *from, const char *to);
/* zfs.c: destroy ds and everything under it, unmounting the mounted
 * filesystems deepest first (zfs-fuse unmounts one level per "busy");
 * when the destroy fails they are mounted again.  0 or -1 (reported). */
int	 zfs_destroy_tree(const struct kvm_ctx *, const char *ds);

/*
 * cmd_rc.c: kvm's rc.d script for a VM, ROOT/usr/local/etc/rc.d/NAME.
 * kvm reads, rewrites or removes only a script carrying its marker line
 * for that very VM ("# kvm rc.d script for VM NAME").
 */
#define RC_WORDS_MAX	256
struct rc_fields {
	char	rf_require[RC_WORDS_MAX];
	char	rf_before[RC_WORDS_MAX];
	char	rf_keyword[RC_WORDS_MAX];
};
enum rc_kind	{ RC_NONE, RC_KVM, RC_FOREIGN };
/* The rc.conf prefix of a VM's variables: NAME, '.' and '-' as '_'. */
void	 rc_varname(const char *name, char *buf, size_t bufsz);
int	 rc_path(const struct kvm_ctx *, const char *name, char *buf,
	    size_t bufsz);
/* What ROOT/usr/local/etc/rc.d/NAME is (enum rc_kind); the fields of
 * kvm's script into rf when rf is not NULL.  -1 when it cannot be read
 * (reported). */
int	 rc_read(const struct kvm_ctx *, const char *name,
	    struct rc_fields *rf);
/* The script's text; caller frees. */
char	*rc_text(const struct kvm_ctx *, const char *name,
	    const struct rc_fields *);
/* 0, or -1 after "kvm: NAME: ..." when NAME's script may not be written
 * (a foreign file, a base system script, or another VM's script using
 * the same rc.conf variables). */
int	 rc_check_free(const struct kvm_ctx *, const char *name,
	    const char *except);
/* 1 and its name in other when the kvm script of another VM (not name,
 * not except) uses name's rc.conf variables, 0 when none does, -1. */
int	 rc_var_taken(const struct kvm_ctx *, const char *name,
	    const char *except, char *other, size_t othersz);
/* 1 when the rc.conf variables named after VM name are its own: no
 * foreign rc.d script of that name and no other VM's kvm script reads
 * them; else 0, or -1 (reported). */
int	 rc_owns_vars(const struct kvm_ctx *, const char *name);
/* VMs with a kvm script in rc.d, sorted; free with strlist_free. */
int	 rc_scripts(const struct kvm_ctx *, char ***names, size_t *n);
/* The suffixes of the rc.conf variables a script reads, NULL-ended. */
extern const char *const rc_suffixes[];
/*
 * rc.conf through sysrc(8).  get: 1 and *value (caller frees) when var
 * is set, 0 when it is not, -1 (reported).  unset of an unset variable
 * succeeds.
 */
int	 sysrc_get(const struct kvm_ctx *, const char *var, char **value);
int	 sysrc_set(const struct kvm_ctx *, const char *var,
	    const char *value);
int	 sysrc_unset(const struct kvm_ctx *, const char *var);

/* undo.c: a journal of steps, each taken back by undo_rollback. */
struct undo;
struct journal {
	const struct kvm_ctx	*j_ctx;
	struct undo		*j_steps;
	size_t			 j_n;
};
void	 undo_init(struct journal *, const struct kvm_ctx *);
/* Forget the steps (they stay done). */
void	 undo_free(struct journal *);
/* Each does one step and records it; 0, or -1 (reported, not done). */
int	 undo_zfs_rename(struct journal *, const char *from, const char *to);
int	 undo_write(struct journal *, const char *path, const char *text,
	    size_t len, mode_t mode);
int	 undo_unlink(struct journal *, const char *path);
int	 undo_sysrc_set(struct journal *, const char *var,
	    const char *value);
/* 1 when var was set and is now removed, 0 when it was not set. */
int	 undo_sysrc_unset(struct journal *, const char *var);
/* Take every step back, newest first; -1 if one could not be (reported). */
int	 undo_rollback(struct journal *);

/*
 * cmd_destroy.c: check that a VM exists and is stopped (only VM_STOPPED
 * counts) and take its lock so that nothing starts it meanwhile.
 * 0 and *lockfd, or -1 after "kvm: NAME: ...".
 */
int	 vm_hold(const struct kvm_ctx *, const char *name, int *lockfd);
/* Ask question on the terminal; 1 for y or yes. */
int	 ask_yes(const char *question);

/*
 * ident.c: the identities a guest sees, drawn once at random
 * (arc4random) by create and clone and then stored in set.conf: never
 * derived from the VM's name, so a rename changes none of them.
 */
/* A version 4 UUID, lower case, into buf (at least 37 bytes). */
void	 ident_uuid(char *buf, size_t bufsz);
/* KVM_SERIAL_LEN random [A-Z0-9] (fewer if bufsz is smaller). */
void	 ident_serial(char *buf, size_t bufsz);
/* 58:9c:fc:xx:xx:xx, bhyve's own prefix, into buf (at least 18). */
void	 ident_mac(char *buf, size_t bufsz);

/*
 * Commands (cmd_*.c): argv[0] is the verb, options and operands follow,
 * ready for getopt.  They return the exit status.
 */
/* main.c: print the verb's usage line and exit 2. */
void	 cmd_usage(const char *verb) __attribute__((__noreturn__));
int	 cmd_install(struct kvm_ctx *, int, char **);
int	 cmd_check(struct kvm_ctx *, int, char **);
int	 cmd_create(struct kvm_ctx *, int, char **);	/* cmd_create.c */
int	 cmd_insert(struct kvm_ctx *, int, char **);	/* cmd_insert.c */
int	 cmd_eject(struct kvm_ctx *, int, char **);	/* cmd_insert.c */
int	 cmd_start(struct kvm_ctx *, int, char **);	/* cmd_start.c */
int	 cmd_stop(struct kvm_ctx *, int, char **);	/* cmd_stop.c */
int	 cmd_shutdown(struct kvm_ctx *, int, char **);	/* cmd_stop.c */
int	 cmd_status(struct kvm_ctx *, int, char **);	/* cmd_status.c */
int	 cmd_info(struct kvm_ctx *, int, char **);	/* cmd_info.c */
int	 cmd_list(struct kvm_ctx *, int, char **);	/* cmd_status.c */
int	 cmd_console(struct kvm_ctx *, int, char **);	/* cmd_console.c */
int	 cmd_snap(struct kvm_ctx *, int, char **);	/* cmd_snap.c */
int	 cmd_clone(struct kvm_ctx *, int, char **);	/* cmd_clone.c */

int	 cmd_rename(struct kvm_ctx *, int, char **);	/* cmd_rename.c */
int	 cmd_destroy(struct kvm_ctx *, int, char **);	/* cmd_destroy.c */
int	 cmd_rc(struct kvm_ctx *, int, char **);	/* cmd_rc.c */
int	 cmd_uninstall(struct kvm_ctx *, int, char **); /* cmd_destroy.c */

#endif /* !KVM_H */
