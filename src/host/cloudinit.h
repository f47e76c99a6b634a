/*
 * cloudinit.h: cloud images and the cloud-init NoCloud seed on disk:
 * a raw or qcow2 image made the VM's disk, and DIR/cidata.iso built
 * from the files in DIR/cloud-init.
 */
#ifndef KVM_HOST_CLOUDINIT_H
#define KVM_HOST_CLOUDINIT_H

#include <stdint.h>

struct kvm_ctx;
struct vm;

enum ci_format { CI_RAW, CI_QCOW2 };

/* A cloud image: its format and the size of the disk it holds. */
struct ci_image {
	const char	*ci_path;
	enum ci_format	 ci_format;
	uint64_t	 ci_size;	/* bytes; qcow2: its virtual size */
};

/*
 * Look at the image path for VM name: a readable regular file, qcow2
 * (by its magic, "QFI\xfb") when qemu-img can be run, else raw.  0, or
 * -1 after one message naming the VM and the image.
 */
int	 cloudinit_image(const char *name, const char *path,
	    struct ci_image *);
/*
 * Make the image the disk file dst of size bytes (at least ci_size):
 * written into a dot-named file beside dst, holes where the image has
 * zero blocks, grown to size, then renamed to dst.  0, or -1 after one
 * message (no file left but the dot-named one on a crash).
 */
int	 cloudinit_disk(const struct kvm_ctx *, const char *name,
	    const struct ci_image *, const char *dst, uint64_t size);
/*
 * Bring the seed up to date: meta-data and network-config rewritten
 * when the VM's name, UUID or network devices changed them, user-data
 * "#cloud-config" when there is none, and cidata.iso rebuilt (makefs)
 * when it is missing or the files of cloud-init/ are no longer those
 * it was built from (their sum, kept in DIR/cidata.sum).  1 when it
 * was (re)built, 0 when current, -1 after one message.
 */
int	 cloudinit_seed(const struct kvm_ctx *, const struct vm *);
/* 1 if cloudinit_seed would change something, 0 if not. */
int	 cloudinit_stale(const struct vm *);

#endif /* !KVM_HOST_CLOUDINIT_H */
