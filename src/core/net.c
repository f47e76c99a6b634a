/*
 * net.c: the names of the basic network of "kvm create -n", checked
 * before anything is written, so that the hooks in run never meet a
 * name ifconfig or bhyve would refuse.  The rules (kvm.8, "create"):
 *
 * - at most 15 bytes: IFNAMSIZ is 16 with the NUL (sys/net/if.h);
 * - letters, digits, '.', '_' and '-', beginning with a letter: what
 *   sh, ifconfig's argument parser (a leading '-' is an option) and
 *   bhyve's comma-separated device options all read as one word;
 * - the tap begins with "tap": bhyve picks its backend by the prefix
 *   of the name (usr.sbin/bhyve/net_backends.c, tap_backend's .prefix
 *   "tap") and opens /dev/NAME, which if_tuntap makes for a renamed tap
 *   as an alias of its tapN node (sys/net/if_tuntap.c, tunrename);
 * - neither the tap nor the bridge is the cloner's bare name, "tap" or
 *   "bridge": /dev/tap is the cloning device, and an interface named
 *   like a cloner makes every later "ifconfig bridge create" fail
 *   (if_clone_createif refuses a name ifunit finds, sys/net/if_clone.c);
 * - the three names differ.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/net.h"
#include "core/valid.h"

static const char *const roles[] = { "tap", "bridge", "uplink" };

const char *
net_role_name(enum net_role r)
{
	return roles[r];
}

/* name as an interface name for role r; 0, or -1 and a message. */
static int
net_check(enum net_role r, const char *name, char *err, size_t errsz)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
	const char *what = roles[r];

	if (*name == '\0')
		return errf(err, errsz, "the %s name is empty", what);
	if (strlen(name) >= NET_IFNAMSIZ)
		return errf(err, errsz, "%s name \"%s\" is too long (at most "
		    "%d characters)", what, name, NET_IFNAMSIZ - 1);
	if (name[strspn(name, ok)] != '\0')
		return errf(err, errsz, "%s name \"%s\" may contain only "
		    "letters, digits, '.', '_' and '-'", what, name);
	if (r == NET_TAP && strncmp(name, "tap", 3) != 0)
		return errf(err, errsz, "tap name \"%s\" must begin with "
		    "\"tap\" (bhyve uses a tap only by that prefix)", name);
	if (strchr("0123456789._-", *name) != NULL)
		return errf(err, errsz, "%s name \"%s\" must begin with a "
		    "letter", what, name);
	if (r != NET_UPLINK && strcmp(name, what) == 0)
		return errf(err, errsz, "%s name \"%s\" is the cloner's own "
		    "name: add a unit number or a name, e.g. %s0", what, name,
		    what);
	return 0;
}

int
net_set(struct net *net, enum net_role r, const char *name, char *err,
    size_t errsz)
{
	int e;

	if (r == NET_UPLINK && net->n_name[NET_BRIDGE][0] == '\0')
		return errf(err, errsz, "an uplink needs a bridge "
		    "(tap,bridge,uplink)");
	if (net_check(r, name, err, errsz) == -1)
		return -1;
	for (e = NET_TAP; e < (int)r; e++)
		if (strcmp(net->n_name[e], name) == 0)
			return errf(err, errsz, "the %s and the %s must "
			    "differ (both \"%s\")", roles[e], roles[r], name);
	strlcpy(net->n_name[r], name, sizeof(net->n_name[r]));
	return 0;
}

int
net_parse(struct net *net, const char *spec, char *err, size_t errsz)
{
	char *copy, *p, *f[3] = { NULL, NULL, NULL };
	int i, n = 0, r = 0;

	memset(net, 0, sizeof(*net));
	if (*spec == '\0')
		return 0;
	for (p = strchr(spec, ','); p != NULL; p = strchr(p + 1, ','))
		n++;
	if (n > 2)
		return errf(err, errsz, "network \"%s\" has more than three "
		    "names (tap[,bridge[,uplink]])", spec);
	if ((p = copy = strdup(spec)) == NULL)
		return errf(err, errsz, "out of memory");
	for (i = 0; i <= n; i++)
		f[i] = strsep(&p, ",");
	/* "tap0,,em0": the uplink is the message, not the empty bridge. */
	if (n == 2 && *f[1] == '\0' && *f[2] != '\0')
		f[1] = NULL;
	for (i = 0; i <= n && r == 0; i++)
		if (f[i] != NULL)
			r = net_set(net, (enum net_role)i, f[i], err, errsz);
	free(copy);
	if (r == -1)
		memset(net, 0, sizeof(*net));
	return r;
}
