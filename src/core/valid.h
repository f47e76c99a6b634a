/*
 * valid.h: validation shared by every command (pure).  Each takes the
 * field's name for its message and returns 0, or -1 with the message in
 * an error buffer.
 */
#ifndef KVM_CORE_VALID_H
#define KVM_CORE_VALID_H

#include <stddef.h>
#include <stdint.h>

/* printf into an error buffer; always -1, so callers can return it. */
int	 errf(char *err, size_t errsz, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 3, 4)));
/* 0 if ok, else -1 and a message ("name must ...") in err. */
int	 valid_name(const char *name, char *err, size_t errsz);
/*
 * A valid name that can also name an rc.d script: not "kvm" (the host
 * script), not one rc(8) skips
 * (*.bak, *.orig, *.OLD, *.sample, *.pkgsave) and one whose rc.conf
 * variables (NAME_enable, '.' and '-' as '_') are sh names.
 */
int	 valid_rc_name(const char *name, char *err, size_t errsz);
/*
 * Parse a size with a K/M/G/T suffix (either case, powers of 1024).
 * what names the field in the message ("Mem needs a unit (K, M, G or T)").
 */
int	 valid_size(const char *what, const char *s, uint64_t *bytes,
	    char *err, size_t errsz);
/*
 * The rest take what, the field's name for the message, and return 0,
 * or -1 with a message in err.  Decimal digits only, no sign.
 */
/* "Cores must be a whole number from 1 to 255" */
int	 valid_uint(const char *what, const char *s, unsigned min,
	    unsigned max, unsigned *val, char *err, size_t errsz);
/* 1-65535, or "auto" which gives 0. */
int	 valid_port(const char *what, const char *s, int *port, char *err,
	    size_t errsz);
/* xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx in hex digits. */
int	 valid_uuid(const char *what, const char *s, char *err, size_t errsz);
/* WxH within bhyve's fbuf limits, 640x480 to 1920x1200. */
#define KVM_VNC_MIN_W	640
#define KVM_VNC_MIN_H	480
#define KVM_VNC_MAX_W	1920
#define KVM_VNC_MAX_H	1200
int	 valid_vnc_size(const char *what, const char *s, unsigned *w,
	    unsigned *h, char *err, size_t errsz);
/* Dotted-quad IPv4 address (bhyve's fbuf takes numeric addresses). */
int	 valid_ipv4(const char *what, const char *s, char *err, size_t errsz);
/* Disk serial: 1-20 characters of letters, digits and '-'. */
int	 valid_serial(const char *what, const char *s, char *err,
	    size_t errsz);
/* xx:xx:xx:xx:xx:xx, not multicast, not all zeros (as bhyve wants). */
int	 valid_mac(const char *what, const char *s, char *err, size_t errsz);
/*
 * A bhyve PCI slot, S, S:F or B:S:F in decimal; the message names the
 * slot ("slot \"32\" must be S, S:F or B:S:F with ...").
 */
int	 valid_pci_slot(const char *s, unsigned *bus, unsigned *slot,
	    unsigned *func, char *err, size_t errsz);
#define KVM_CORES_MAX	255

#endif /* !KVM_CORE_VALID_H */
