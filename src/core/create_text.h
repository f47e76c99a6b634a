/*
 * create_text.h: the text of the files "kvm create" writes.  The
 * settings are checked strings, as they go into set.conf.
 */
#ifndef KVM_CORE_CREATE_TEXT_H
#define KVM_CORE_CREATE_TEXT_H

#include <limits.h>
#include <stdint.h>

#include "core/common.h"
#include "core/net.h"
#include "core/settings.h"

/*
 * What create chose: the value of each setting by its index in the
 * settings table (settings.h), NULL for the default; malloc'd.
 */
struct create_settings {
	char		*cs_value[SETTINGS_MAX];
	uint64_t	 cs_disk;	/* bytes of the sparse disk file */
	char		 cs_mac[18];	/* the virtio-net card's MAC */
	struct net	 cs_net;	/* create -n; no tap: no network */
};
/* Set the setting name (a row of the table) to value; err(1) if none. */
void		 create_set(struct create_settings *, const char *name,
		    const char *value);
/* What create chose for name, or NULL if nothing yet. */
const char	*create_get(const struct create_settings *, const char *name);
void		 create_settings_free(struct create_settings *);
/* Fill the UUID, disk serial and example MAC with random values. */
void		 create_ids(struct create_settings *);
/*
 * set.conf and run of a new VM; malloc'd text.  With a network, set.conf
 * names it (LAN, BRI, UPLINK) and has its Devices entry, run's hooks
 * make and remove it; else both show it as a commented example.
 */
char	*create_setconf(const char *name, const struct create_settings *);
char	*create_run(const struct create_settings *);

#endif /* !KVM_CORE_CREATE_TEXT_H */
