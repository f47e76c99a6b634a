/*
 * net.h: the basic network "kvm create -n" writes (pure): a tap for the
 * guest's virtio-net card, optionally on a bridge, optionally with the
 * host's uplink as the bridge's other member.  The names are checked
 * here; the text is create_text.c's, the commands share/functions'.
 */
#ifndef KVM_CORE_NET_H
#define KVM_CORE_NET_H

#include <stddef.h>

/* The virtio-net card's slot, as in the seed's examples. */
#define NET_SLOT	4
/* FreeBSD's IFNAMSIZ (sys/net/if.h), the NUL included. */
#define NET_IFNAMSIZ	16

enum net_role { NET_TAP, NET_BRIDGE, NET_UPLINK };

/* The chosen names; an empty one is not there (no tap: no network). */
struct net {
	char	n_name[3][NET_IFNAMSIZ];	/* by enum net_role */
};

/*
 * Check name for role and that it differs from the names before it,
 * then store it in net.  0, or -1 and "tap name \"x\" must ..." in err.
 */
int	 net_set(struct net *, enum net_role, const char *name, char *err,
	    size_t errsz);
/*
 * "tap[,bridge[,uplink]]" into net (cleared first; "" is no network).
 * 0, or -1 and the message in err.
 */
int	 net_parse(struct net *, const char *spec, char *err, size_t errsz);
/* The role's name in messages and questions: tap, bridge, uplink. */
const char *net_role_name(enum net_role);

#endif /* !KVM_CORE_NET_H */
