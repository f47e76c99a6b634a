/*
 * cmd.h: the command table's row and the commands.  main.c owns the
 * table; each handler receives its own row, so usage lines and the root
 * policy come from the table and no command looks itself up by name.
 * Commands (cmd_*.c) never call each other: what two of them share
 * lives in host/ or core/.
 */
#ifndef KVM_CMD_CMD_H
#define KVM_CMD_CMD_H

#include <stdio.h>

struct kvm_ctx;

#define CMD_ROOT	0x1	/* needs root */

/* A subcommand (snap's create, destroy, ...) and its own root policy. */
struct cmd_sub {
	const char	*cs_name;
	int		 cs_flags;	/* CMD_ROOT */
};

struct cmd {
	const char	*c_name;	/* the verb */
	const char	*c_seed;	/* the seed's program name, or NULL */
	int		(*c_fn)(struct kvm_ctx *, const struct cmd *, int,
			    char **);
	const char	*c_usage;	/* operands and options */
	int		 c_flags;	/* CMD_ROOT: checked before c_fn */
	const struct cmd_sub *c_subs;	/* NULL-ended, or NULL */
	const char	*c_desc;	/* one line for help */
};

/*
 * Print the verb's usage line and its description to fp ("kvm help
 * VERB", "kvm VERB -h").
 */
void	 cmd_help(const struct cmd *, FILE *fp);
/* Print "usage: kvm VERB USAGE" to stderr and exit 2. */
void	 cmd_usage(const struct cmd *) __attribute__((__noreturn__));
/*
 * The subcommand of c that word names: its full name, or its first
 * letter alone or followed by anything (the seed's "snap c").  NULL
 * when none does.
 */
const struct cmd_sub *cmd_sub(const struct cmd *, const char *word);
/* Exit 1 with "kvm: NAME: must be run as root" unless root. */
void	 cmd_root(const char *name);
/*
 * "VERB SUB [-j] operand...": the subcommand argv[1] names (usage
 * error when none), its root policy applied, -j taken for the list
 * subcommand only (into *json).  Returns the subcommand's letter, with
 * *argcp and *argvp left at its operands.
 */
int	 cmd_sub_args(const struct cmd *, int *argcp, char ***argvp,
	    int *json);

/*
 * The commands: argv[0] is the verb, options and operands follow, ready
 * for getopt.  They return the exit status.
 */
int	 cmd_check(struct kvm_ctx *, const struct cmd *, int, char **);
int	 cmd_clone(struct kvm_ctx *, const struct cmd *, int, char **);
int	 cmd_console(struct kvm_ctx *, const struct cmd *, int, char **);
int	 cmd_create(struct kvm_ctx *, const struct cmd *, int, char **);
int	 cmd_disk(struct kvm_ctx *, const struct cmd *, int, char **);
int	 cmd_destroy(struct kvm_ctx *, const struct cmd *, int, char **);
int	 cmd_eject(struct kvm_ctx *, const struct cmd *, int, char **);
int	 cmd_info(struct kvm_ctx *, const struct cmd *, int, char **);
int	 cmd_insert(struct kvm_ctx *, const struct cmd *, int, char **);
int	 cmd_install(struct kvm_ctx *, const struct cmd *, int, char **);
int	 cmd_list(struct kvm_ctx *, const struct cmd *, int, char **);
int	 cmd_rc(struct kvm_ctx *, const struct cmd *, int, char **);
int	 cmd_receive(struct kvm_ctx *, const struct cmd *, int, char **);
int	 cmd_rename(struct kvm_ctx *, const struct cmd *, int, char **);
int	 cmd_send(struct kvm_ctx *, const struct cmd *, int, char **);
int	 cmd_shutdown(struct kvm_ctx *, const struct cmd *, int, char **);
int	 cmd_snap(struct kvm_ctx *, const struct cmd *, int, char **);
int	 cmd_start(struct kvm_ctx *, const struct cmd *, int, char **);
int	 cmd_status(struct kvm_ctx *, const struct cmd *, int, char **);
int	 cmd_stop(struct kvm_ctx *, const struct cmd *, int, char **);
int	 cmd_uninstall(struct kvm_ctx *, const struct cmd *, int, char **);

#endif /* !KVM_CMD_CMD_H */
