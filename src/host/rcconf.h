/*
 * rcconf.h: reading rc.conf the way kvm writes it (sysrc assignments),
 * without running sysrc: kvm info and kvm list -l ask for NAME_enable.
 */
#ifndef KVM_HOST_RCCONF_H
#define KVM_HOST_RCCONF_H

#include <stddef.h>

struct kvm_ctx;

/*
 * ROOT/etc/rc.conf, then ROOT/etc/rc.conf.local (read after it, as
 * rc.subr does), as one malloc'd text in *text; "" when neither can be
 * read.  -1 only when a path does not fit or memory runs out (warned).
 */
int	 rcconf_read(const struct kvm_ctx *, char **text);
/*
 * The last plain "VAR=value" of text, quotes removed, into buf: 1, or 0
 * when VAR is not assigned.  rc.conf is sh, but sysrc only ever writes
 * such assignments, which is all this reads.
 */
int	 rcconf_value(const char *text, const char *var, char *buf,
	    size_t sz);
/* 1 for the words rc.subr's checkyesno takes as yes: yes, true, on, 1. */
int	 rcconf_yes(const char *value);
/*
 * Whether VM name starts at boot: its kvm rc.d script exists and
 * NAME_enable (rc_varname's NAME) is yes in text.  1 or 0.
 */
int	 rcconf_autostart(const struct kvm_ctx *, const char *text,
	    const char *name);

#endif /* !KVM_HOST_RCCONF_H */
