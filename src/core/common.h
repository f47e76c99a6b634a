/*
 * common.h: the limits every layer shares.
 */
#ifndef KVM_CORE_COMMON_H
#define KVM_CORE_COMMON_H

#define KVM_NAME_MAX	31	/* bhyve's VM name limit, less one */
#define KVM_ERR_MAX	512	/* room for "FILE:LINE: message" */
#define KVM_SERIAL_LEN	20	/* nvme ser= limit */
/*
 * Room for a pool, dataset or snapshot name and its NUL: ZFS's own
 * limit (ZFS_MAX_DATASET_NAME_LEN), so what fits here is a name zfs
 * takes and a longer one fails cleanly before zfs is run.
 */
#define KVM_DATASET_MAX	256

#endif /* !KVM_CORE_COMMON_H */
