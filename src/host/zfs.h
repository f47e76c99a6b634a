/*
 * zfs.h: the zfs and zpool commands, in the subset OpenZFS 2.2 and
 * zfs-fuse share (bhyve-facts.md section 6).  Failures print zfs's own
 * message once, prefixed with "kvm: ".  fs is a filesystem, snap the
 * short snapshot name (after the '@').
 */
#ifndef KVM_HOST_ZFS_H
#define KVM_HOST_ZFS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct kvm_ctx;

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

/* zfs.c: rename a filesystem, unmounting it first and mounting it
 * after when it was mounted (zfs-fuse cannot rename a mounted one);
 * on failure it is left as it was.  0 or -1 (reported). */
int	 zfs_rename(const struct kvm_ctx *, const char *from, const char *to);
/* zfs.c: destroy ds and everything under it, unmounting the mounted
 * filesystems deepest first (zfs-fuse unmounts one level per "busy");
 * when the destroy fails they are mounted again.  0 or -1 (reported). */
int	 zfs_destroy_tree(const struct kvm_ctx *, const char *ds);

/* zfs.c: "zfs set PROP=VALUE ds".  0 or -1 (reported). */
int	 zfs_set(const struct kvm_ctx *, const char *ds, const char *prop,
	    const char *value);

#endif /* !KVM_HOST_ZFS_H */
