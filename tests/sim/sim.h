/*
 * sim.h: the bhyve simulator's shared declarations, grouped by the file
 * that defines them.  One multi-call binary (tests/sim/sim) plays
 * bhyve, bhyvectl, bhyveload and grub-bhyve under $KVM_ROOTDIR; see
 * tests/sim/README for the contract with the tests.
 */
#ifndef SIM_H
#define SIM_H

#include <sys/types.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_EX_ROOT	70	/* KVM_ROOTDIR missing: never touch the real / */
#define SIM_MB		(1024ULL * 1024)
#define SIM_PAGE	4096ULL
#define SIM_NAMELEN	32	/* VM_MAX_NAMELEN of FreeBSD 14.0 */

/* FreeBSD errno values that appear as numbers in messages. */
#define BSD_ENXIO	6
#define BSD_EINVAL	22
#define BSD_EALREADY	37

/* sim.c: environment, log, failure injection, files. */
extern const char *sim_root;	/* $KVM_ROOTDIR */
extern const char *sim_prog;	/* the name we were called by */

int	 sim_setup(const char *prog, int argc, char **argv);
void	 sim_log(const char *fmt, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
void	 sim_fatal(const char *fmt, ...)
	    __attribute__((__format__(__printf__, 1, 2), __noreturn__));
char	*sim_path(char *buf, size_t sz, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 3, 4)));
int	 sim_mkdirs(const char *dir);
int	 sim_mkparent(const char *path);
char	*sim_read(const char *path);
int	 sim_write(const char *path, const char *data);
const char *bsd_strerror(int err);
void	 sim_msg(const char *fmt, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
void	 sim_warnx(const char *fmt, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
double	 sim_now(void);
int	 sim_pidfile(const char *name, const char *what, int create);

/* getopt.c: BSD getopt(3) semantics and messages on every host. */
struct sopt {
	int	 ind;		/* next argv index */
	int	 opt;		/* the offending option character */
	char	*arg;		/* its argument */
	int	 pos;		/* position inside a clustered argument */
	int	 quiet;		/* no messages */
};
int	 sopt_get(struct sopt *, int argc, char **argv, const char *optstr);

/* vmm.c: the kernel's VM instances, kernel modules, ttys, sizes. */
struct vmm {
	char	 gen[40];	/* changes with every create */
	uint64_t mem;		/* guest memory segment, 0 when none */
	int	 loaded;	/* a loader left a kernel and vCPU state */
	int	 active;	/* vCPUs were activated since the last reinit */
	int	 parked;	/* ... and all of them are suspended */
	char	 suspend[16];	/* "", reset, poweroff, halt, triplefault */
	long	 pid;		/* the bhyve running it, 0 when none */
	char	 creator[16];	/* program that created it */
};
int	 vmm_lock(void);
void	 vmm_unlock(int fd);
int	 vmm_read(const char *name, struct vmm *);
int	 vmm_write(const char *name, const struct vmm *);
int	 vmm_create(const char *name, struct vmm *);
int	 vmm_destroy(const char *name);
int	 vmm_reinit(struct vmm *);
int	 vmm_setup_memory(struct vmm *, uint64_t size);
long	 vmm_runner(const char *name);
int	 kld_loaded(const char *mod);
void	 kld_load(const char *mod);
int	 parse_memsize(const char *s, uint64_t *size);
int	 tty_open(const char *path, int chr_only);
int	 nmdm_path(const char *path);
int	 host_ncpus(void);

/* bhyve.c, bhyve_dev.c, bhyve_run.c: the hypervisor. */
int	 bhyve_main(int argc, char **argv);

/* ctl.c: bhyvectl.  loader.c: bhyveload and grub-bhyve. */
int	 bhyvectl_main(int argc, char **argv);
int	 bhyveload_main(int argc, char **argv);
int	 grub_main(int argc, char **argv);
int	 loader_play(const char *name, const char *prog);

/* swtpm.c: the software TPM kvm runs for TPM=swtpm. */
int	 swtpm_main(int argc, char **argv);

#endif /* SIM_H */
