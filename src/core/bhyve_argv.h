/*
 * bhyve_argv.h: settings to the exact argv of bhyve and of its loader
 * (pure).  detached chooses the default com1 backend (nmdm when
 * detached, stdio otherwise); rootdir prefixes /dev paths.
 */
#ifndef KVM_CORE_BHYVE_ARGV_H
#define KVM_CORE_BHYVE_ARGV_H

#include <stddef.h>

struct argv;
struct vm;

const char *vm_nmdm(const struct vm *, const char *rootdir, char side,
	    char *buf, size_t bufsz);
/*
 * The socket of the VM's swtpm (ROOTDIR/var/run/kvm/NAME.tpm) in buf,
 * or NULL when it does not fit or is too long for bhyve's sun_path.
 */
const char *vm_tpm_sock(const struct vm *, const char *rootdir,
	    char *buf, size_t bufsz);
/*
 * The argv is appended to out, which the caller has initialised.
 * Returns 0, or -1 with a warning and out unchanged (VNCport auto not
 * yet resolved: the caller sets vnc_port first; nmdm path too long).
 */
int	 bhyve_argv(const struct vm *, const char *rootdir, int detached,
	    struct argv *);
/*
 * 1 and the loader's argv appended to out when the rom needs a loader
 * run, else 0 (or -1 with a warning, out unchanged).  loader_path is
 * grub-bhyve's argv[0], NULL for "grub-bhyve" on PATH.
 */
int	 loader_argv(const struct vm *, const char *rootdir, int detached,
	    const char *loader_path, struct argv *);
/* Contents of grub-bhyve's device.map; caller frees. */
char	*grub_devicemap(const struct vm *);

#endif /* !KVM_CORE_BHYVE_ARGV_H */
