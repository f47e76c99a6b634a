/*
 * disk.h: a VM disk's backing store: a sparse file in the VM's
 * directory, or a zvol (/dev/zvol/DATASET) sized through zfs.
 */
#ifndef KVM_HOST_DISK_H
#define KVM_HOST_DISK_H

#include <stddef.h>
#include <stdint.h>

struct kvm_ctx;

/* 1 and the dataset in ds if path is /dev/zvol/DATASET, else 0. */
int	 disk_zvol(const char *path, char *ds, size_t dssz);
/*
 * Create a new sparse file of bytes bytes at path (never an existing
 * one).  0, or -1 after one warning with nothing left behind.
 */
int	 disk_create(const char *path, uint64_t bytes);
/*
 * The disk's size and what it takes on the pool: stat(2) of a file, or
 * the zvol's volsize and referenced.  0; 1 when there is no such file
 * or it is another kind of device (nothing said); -1 after a warning
 * (zfs failed).
 */
int	 disk_size(const struct kvm_ctx *, const char *path, uint64_t *size,
	    uint64_t *used);
/*
 * Make the disk bytes long: ftruncate(2) of a file, "zfs set volsize="
 * of a zvol.  The caller has checked that it grows.  0, or -1 after one
 * warning.
 */
int	 disk_grow(const struct kvm_ctx *, const char *path, uint64_t bytes);

#endif /* !KVM_HOST_DISK_H */
