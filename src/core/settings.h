/*
 * settings.h: the table of set.conf's known variables (design.md
 * section 4), pure.  One row per variable holds everything kvm knows
 * about it: name, type, default, the parser that checks a value and
 * stores it in struct vm, the explanation create writes above it, how
 * create asks for it, and its label in "kvm info".
 */
#ifndef KVM_CORE_SETTINGS_H
#define KVM_CORE_SETTINGS_H

#include <stddef.h>

struct vm;

#define SETTINGS_MAX	32	/* room in the table; settings.c checks it */

/* SETTING_EMPTY: an empty value is a value, not the default. */
#define SETTING_EMPTY	0x1

/*
 * How create asks for a setting: its flag letter, the question, what
 * "no %s given" calls it (NULL: it may stay unset), the default of -y
 * and of an empty answer, and the setting's name in create's messages.
 */
struct setting_ask {
	int		 sa_flag;
	const char	*sa_prompt;
	const char	*sa_missing;
	const char	*sa_default;
	const char	*sa_label;
};

/*
 * Check value and store it in vm; the settings above it in the table
 * are already stored, and vm's dir and home are set.  label names the
 * setting in the message.  value is never NULL: the loader passes the
 * default, or "", when the variable is unset or empty.  Returns 0, or
 * -1 with the message (no file or line) in msg.
 */
typedef int	setting_parse_fn(struct vm *vm, const char *label,
		    const char *value, char *msg, size_t msgsz);

struct setting {
	const char		*s_name;
	const char		*s_type;	/* in the manual: number, ... */
	const char		*s_default;	/* NULL: none */
	int			 s_flags;	/* SETTING_EMPTY */
	setting_parse_fn	*s_parse;
	const char		*s_explain;	/* lines of create's comment */
	struct setting_ask	 s_ask;		/* sa_flag 0: not asked */
	const char		*s_info;	/* info's label, or NULL */
};

/* The number of rows, and row i (NULL past the end), in table order. */
size_t			 settings_count(void);
const struct setting	*settings_at(size_t i);
/* The row of the variable name, or NULL when kvm does not know it. */
const struct setting	*settings_find(const char *name);
/* The index of name's row, or -1. */
int			 settings_index(const char *name);

#endif /* !KVM_CORE_SETTINGS_H */
