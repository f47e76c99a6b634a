/*
 * cpu.c: the Topology and Pin settings.  bhyve 14.0 reads -c as
 * "[[cpus=]n][,sockets=n][,cores=n][,threads=n]" and fails with
 * "Topology (S sockets, C cores, T threads) does not match N vCPUs"
 * (exit 4) when the product is not the vCPU count, and -p as
 * "vcpu:hostcpu", once per host CPU of a vCPU (bhyve-facts.md 1.3;
 * usr.sbin/bhyve/bhyverun.c topology_parse, pincpu_parse).  kvm checks
 * both here, before bhyve runs, and always passes all three topology
 * numbers so that nothing depends on bhyve's defaults.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cpu.h"
#include "core/valid.h"
#include "core/vm.h"

_Static_assert(KVM_PINS_MAX == VM_MAX_PINS, "Pin: two limits");

static const char *const topo_keys[] = { "sockets", "cores", "threads" };

/* One "key=value" of Topology into n[]; -1 with a message. */
static int
topo_word(const char *label, const char *w, size_t len, unsigned n[3],
    char *msg, size_t msgsz)
{
	char val[16], what[64];
	size_t i, klen;

	for (i = 0; i < 3; i++) {
		klen = strlen(topo_keys[i]);
		if (len > klen && strncmp(w, topo_keys[i], klen) == 0 &&
		    w[klen] == '=')
			break;
	}
	if (i == 3)
		return errf(msg, msgsz, "%s: \"%.*s\" is not sockets=N, "
		    "cores=N or threads=N", label, (int)len, w);
	if (n[i] != 0)
		return errf(msg, msgsz, "%s gives %s twice", label,
		    topo_keys[i]);
	klen = strlen(topo_keys[i]) + 1;
	snprintf(val, sizeof(val), "%.*s", (int)(len - klen), w + klen);
	snprintf(what, sizeof(what), "%s: %s", label, topo_keys[i]);
	if (len - klen >= sizeof(val))
		return errf(msg, msgsz, "%s must be a whole number from 1 to "
		    "255", what);
	return valid_uint(what, val, 1, 255, &n[i], msg, msgsz);
}

int
cpu_topology_parse(struct vm *vm, const char *label, const char *v,
    char *msg, size_t msgsz)
{
	unsigned n[3] = { 0, 0, 0 };
	size_t len;

	vm->topo_sockets = vm->topo_cores = vm->topo_threads = 0;
	if (*v == '\0')
		return 0;
	for (;;) {
		len = strcspn(v, ",");
		if (topo_word(label, v, len, n, msg, msgsz) == -1)
			return -1;
		if (v[len] == '\0')
			break;
		v += len + 1;
	}
	if (n[1] == 0)
		n[1] = 1;
	if (n[2] == 0)
		n[2] = 1;
	if (n[0] == 0 && vm->cores % (n[1] * n[2]) != 0)
		return errf(msg, msgsz, "%s: %u core%s x %u thread%s per "
		    "socket does not divide Cores (%u vCPUs)", label, n[1],
		    n[1] == 1 ? "" : "s", n[2], n[2] == 1 ? "" : "s",
		    vm->cores);
	if (n[0] == 0)
		n[0] = vm->cores / (n[1] * n[2]);
	if ((uint64_t)n[0] * n[1] * n[2] != vm->cores)
		return errf(msg, msgsz, "%s: %u socket%s x %u core%s x %u "
		    "thread%s is not Cores (%u vCPUs)", label, n[0],
		    n[0] == 1 ? "" : "s", n[1], n[1] == 1 ? "" : "s", n[2],
		    n[2] == 1 ? "" : "s", vm->cores);
	vm->topo_sockets = n[0];
	vm->topo_cores = n[1];
	vm->topo_threads = n[2];
	return 0;
}

/* One "VCPU:HOSTCPU" of Pin into p; -1 with a message. */
static int
pin_word(const struct vm *vm, const char *label, const char *w,
    struct vm_pin *p, char *msg, size_t msgsz)
{
	char *end;
	unsigned long a, b;

	if (*w < '0' || *w > '9')
		goto bad;
	a = strtoul(w, &end, 10);
	if (*end != ':' || end[1] < '0' || end[1] > '9')
		goto bad;
	b = strtoul(end + 1, &end, 10);
	if (*end != '\0')
		goto bad;
	if (a >= vm->cores)
		return errf(msg, msgsz, "%s: vCPU %lu does not exist (Cores "
		    "is %u: vCPUs 0 to %u)", label, a, vm->cores,
		    vm->cores - 1);
	if (b > KVM_HOSTCPU_MAX)
		return errf(msg, msgsz, "%s: host CPU %lu is above %d", label,
		    b, KVM_HOSTCPU_MAX);
	p->vp_vcpu = (unsigned)a;
	p->vp_host = (unsigned)b;
	return 0;
bad:
	return errf(msg, msgsz, "%s: \"%s\" is not VCPU:HOSTCPU, e.g. 0:2",
	    label, w);
}

int
cpu_pin_parse(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	static const char sep[] = " \t\n";
	struct vm_pin pins[KVM_PINS_MAX];
	char w[32];
	size_t n = 0, len, i;

	vm->npins = 0;
	for (v += strspn(v, sep); *v != '\0'; v += strspn(v, sep)) {
		len = strcspn(v, sep);
		if (n == KVM_PINS_MAX)
			return errf(msg, msgsz, "%s has more than %d pairs",
			    label, KVM_PINS_MAX);
		snprintf(w, sizeof(w), "%.*s", (int)len, v);
		if (len >= sizeof(w) ||
		    pin_word(vm, label, w, &pins[n], msg, msgsz) == -1)
			return len >= sizeof(w) ? errf(msg, msgsz, "%s: \"%.*s\""
			    " is not VCPU:HOSTCPU, e.g. 0:2", label, (int)len,
			    v) : -1;
		for (i = 0; i < n; i++)
			if (pins[i].vp_vcpu == pins[n].vp_vcpu &&
			    pins[i].vp_host == pins[n].vp_host)
				return errf(msg, msgsz, "%s gives %s twice",
				    label, w);
		n++;
		v += len;
	}
	memcpy(vm->pins, pins, n * sizeof(pins[0]));
	vm->npins = n;
	return 0;
}
