/*
 * cpu.h: the Topology and Pin settings (pure): how the guest's vCPUs
 * are laid out (bhyve -c's sockets, cores and threads) and which host
 * CPUs they run on (bhyve -p vcpu:hostcpu).
 */
#ifndef KVM_CORE_CPU_H
#define KVM_CORE_CPU_H

#include <stddef.h>

struct vm;

/*
 * bhyve keeps a vCPU's host CPUs in a cpuset_t: CPU_SETSIZE, 1024 on
 * FreeBSD 14 amd64 (usr.sbin/bhyve/bhyverun.c pincpu_parse refuses a
 * host CPU at or above it).
 */
#define KVM_HOSTCPU_MAX	1023
#define KVM_PINS_MAX	1024

/*
 * Topology: "sockets=S,cores=C,threads=T" in any order, each at most
 * once, each 1 to 255; cores and threads default to 1, sockets to what
 * makes the product Cores (Cores is parsed before).  The product must
 * be Cores.  "" is no topology (bhyve's default: one core per socket).
 * A setting_parse_fn: 0, or -1 with "LABEL...: what is wrong" in msg.
 */
int	cpu_topology_parse(struct vm *vm, const char *label, const char *v,
	    char *msg, size_t msgsz);
/*
 * Pin: blank-separated "VCPU:HOSTCPU" pairs, VCPU below Cores, HOSTCPU
 * 0 to KVM_HOSTCPU_MAX; a vCPU named twice runs on either host CPU (as
 * bhyve adds each -p to the vCPU's set), the same pair twice is an
 * error.  "" is no pinning.  A setting_parse_fn.
 */
int	cpu_pin_parse(struct vm *vm, const char *label, const char *v,
	    char *msg, size_t msgsz);

#endif /* !KVM_CORE_CPU_H */
