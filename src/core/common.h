/*
 * common.h: the limits every layer shares.
 */
#ifndef KVM_CORE_COMMON_H
#define KVM_CORE_COMMON_H

#define KVM_NAME_MAX	31	/* bhyve's VM name limit, less one */
#define KVM_ERR_MAX	512	/* room for "FILE:LINE: message" */
#define KVM_SERIAL_LEN	20	/* nvme ser= limit */

#endif /* !KVM_CORE_COMMON_H */
