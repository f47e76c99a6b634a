/*
 * bhyve.h: state shared by the simulated bhyve's three files:
 * bhyve.c (command line, configuration, start-up order), bhyve_dev.c
 * (PCI and LPC device initialisation) and bhyve_run.c (exit paths,
 * signals, the scripted guest).
 */
#ifndef SIM_BHYVE_H
#define SIM_BHYVE_H

#include "sim.h"

/*
 * bhyve keeps its whole configuration as flat "a.b.c" = "value"
 * strings (bhyve_config(5)); -s, -l, -o and -k all write there and the
 * later stages read from there, so -o/-k work as they do in bhyve.
 */
void	 cfg_set(const char *key, const char *val);
void	 cfg_setf(const char *val, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 2, 3)));
const char *cfg_get(const char *key);
const char *cfg_getf(const char *fmt, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
int	 cfg_bool(const char *key, int def);
int	 cfg_node(const char *prefix);
size_t	 cfg_count(void);
const char *cfg_key(size_t i);
const char *cfg_val(size_t i);

/* Errno printed after a failed device init when bhyve's is unknowable. */
#define DEF_ERRNO	ENOENT

struct bhyve {
	const char	*name;		/* vmname, once known */
	int		 running;	/* vCPUs started: instance names us */
	struct vmm	 vm;		/* instance as we last wrote it */
	int		 romboot;	/* lpc.bootrom configured */
	int		 rom_loaded;	/* ... and the LPC device loaded it */
	int		 vnc_fd;	/* fbuf listening socket, -1 */
	int		 vnc_client;	/* connected viewer, -1 */
	int		 run_fd;	/* holds the fcntl run lock */
	int		 sigpipe[2];	/* signal self-pipe */
};
extern struct bhyve bh;

/* bhyve_io.c: device inits, 0 or the errno to report */
int	 dev_init_blk(int b, int s, int f, const char *node);
int	 dev_init_nvme(int b, int s, int f, const char *node);
int	 dev_init_ahci(int b, int s, int f, const char *node);
int	 dev_init_net(int b, int s, int f, const char *node);
int	 dev_init_fbuf(int b, int s, int f, const char *node);
int	 dev_init_ppt(int b, int s, int f, const char *node);

/* bhyve_dev.c */
void	 dev_print_emulations(void);
int	 dev_parse_slot(const char *opt);
void	 dev_init_all(void);
void	 dev_init_tpm(void);

/* bhyve_run.c */
void	 bhyve_signals(void);
void	 bhyve_exit(int status) __attribute__((__noreturn__));
void	 bhyve_errx(int status, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 2, 3), __noreturn__));
void	 bhyve_perror(int status, const char *what, int err)
	    __attribute__((__noreturn__));
int	 bhyve_wait_client(void);
void	 bhyve_guest(void) __attribute__((__noreturn__));

#endif /* SIM_BHYVE_H */
