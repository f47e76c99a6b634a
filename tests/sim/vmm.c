/*
 * vmm.c: what the simulated kernel keeps.  A VM instance is the file
 * $KVM_ROOTDIR/dev/vmm/NAME holding key=value state (memory segment,
 * whether a loader left a kernel, vCPU activation and suspension, the
 * bhyve running it); every change happens under one flock(2).  Also
 * the module list ($KVM_ROOTDIR/sim/kld), the memsize syntax of
 * libvmmapi, the tty rules of bhyve's com ports and nmdm(4).
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"

/* Serialise instance changes between all simulated programs. */
int
vmm_lock(void)
{
	char path[4096];
	int fd;

	sim_path(path, sizeof(path), "sim/vmm.lock");
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1)
		sim_fatal("%s: %s", path, strerror(errno));
	while (flock(fd, LOCK_EX) == -1)
		if (errno != EINTR)
			sim_fatal("flock %s: %s", path, strerror(errno));
	return fd;
}

void
vmm_unlock(int fd)
{
	close(fd);
}

static char *
vmm_file(char *buf, size_t sz, const char *name)
{
	return sim_path(buf, sz, "dev/vmm/%s", name);
}

static void
kv_get(const char *buf, const char *key, char *val, size_t sz)
{
	const char *p = buf;
	size_t klen = strlen(key), n;

	val[0] = '\0';
	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			p += klen + 1;
			n = strcspn(p, "\n");
			if (n >= sz)
				n = sz - 1;
			memcpy(val, p, n);
			val[n] = '\0';
			return;
		}
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
}

/* Load an instance; -1 (errno ENOENT) when it does not exist. */
int
vmm_read(const char *name, struct vmm *vm)
{
	char path[4096], val[64], *buf;

	memset(vm, 0, sizeof(*vm));
	if (strlen(name) > SIM_NAMELEN || strchr(name, '/') != NULL ||
	    (buf = sim_read(vmm_file(path, sizeof(path), name))) == NULL) {
		errno = ENOENT;
		return -1;
	}
	kv_get(buf, "gen", vm->gen, sizeof(vm->gen));
	kv_get(buf, "mem", val, sizeof(val));
	vm->mem = strtoull(val, NULL, 10);
	kv_get(buf, "loaded", val, sizeof(val));
	vm->loaded = atoi(val);
	kv_get(buf, "active", val, sizeof(val));
	vm->active = atoi(val);
	kv_get(buf, "parked", val, sizeof(val));
	vm->parked = atoi(val);
	kv_get(buf, "suspend", vm->suspend, sizeof(vm->suspend));
	kv_get(buf, "pid", val, sizeof(val));
	vm->pid = atol(val);
	kv_get(buf, "creator", vm->creator, sizeof(vm->creator));
	free(buf);
	return 0;
}

int
vmm_write(const char *name, const struct vmm *vm)
{
	char path[4096], buf[1024];

	snprintf(buf, sizeof(buf),
	    "gen=%s\nmem=%" PRIu64 "\nloaded=%d\nactive=%d\nparked=%d\n"
	    "suspend=%s\npid=%ld\ncreator=%s\n",
	    vm->gen, vm->mem, vm->loaded, vm->active, vm->parked,
	    vm->suspend, vm->pid, vm->creator);
	return sim_write(vmm_file(path, sizeof(path), name), buf);
}

/*
 * vm_create(3): 0 and a fresh instance, or -1 with errno EEXIST (vm
 * filled from the existing one) or EINVAL (name over 32 bytes).
 * Creating a VM loads vmm.ko, as libvmmapi does.
 */
int
vmm_create(const char *name, struct vmm *vm)
{
	char path[4096];

	kld_load("vmm");
	if (*name == '\0' || strlen(name) > SIM_NAMELEN ||
	    strchr(name, '/') != NULL) {
		errno = EINVAL;
		return -1;
	}
	if (vmm_read(name, vm) == 0) {
		errno = EEXIST;
		return -1;
	}
	memset(vm, 0, sizeof(*vm));
	snprintf(vm->gen, sizeof(vm->gen), "%ld.%.6f", (long)getpid(),
	    sim_now());
	strlcpy(vm->creator, sim_prog, sizeof(vm->creator));
	if (sim_mkparent(vmm_file(path, sizeof(path), name)) == -1 ||
	    vmm_write(name, vm) == -1)
		sim_fatal("%s: %s", path, strerror(errno));
	return 0;
}

int
vmm_destroy(const char *name)
{
	char path[4096];

	if (strlen(name) > SIM_NAMELEN || strchr(name, '/') != NULL) {
		errno = ENOENT;
		return -1;
	}
	return unlink(vmm_file(path, sizeof(path), name));
}

/*
 * vm_reinit(3): refused (EBUSY) while vCPUs are active and not all
 * suspended, i.e. while a bhyve runs it or after one died without a
 * suspend (signal, abort, error exit).  The memory segment survives.
 */
int
vmm_reinit(struct vmm *vm)
{
	if (vm->active && !vm->parked) {
		errno = EBUSY;
		return -1;
	}
	vm->active = vm->parked = vm->loaded = 0;
	vm->suspend[0] = '\0';
	return 0;
}

/* vm_setup_memory(3): page multiple, and equal to an existing segment. */
int
vmm_setup_memory(struct vmm *vm, uint64_t size)
{
	if (size == 0 || size % SIM_PAGE != 0 ||
	    (vm->mem != 0 && vm->mem != size)) {
		errno = EINVAL;
		return -1;
	}
	vm->mem = size;
	return 0;
}

/* The pid of the live bhyve running NAME (its run lock), or 0. */
long
vmm_runner(const char *name)
{
	char path[4096];
	struct flock fl;
	int fd;

	sim_path(path, sizeof(path), "sim/%s.run", name);
	if ((fd = open(path, O_RDWR | O_CLOEXEC)) == -1)
		return 0;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_GETLK, &fl) == -1 || fl.l_type == F_UNLCK) {
		close(fd);
		return 0;
	}
	close(fd);
	return (long)fl.l_pid;
}

int
kld_loaded(const char *mod)
{
	char path[4096], *buf, *line, *save;
	int found = 0;

	if ((buf = sim_read(sim_path(path, sizeof(path), "sim/kld"))) == NULL)
		return 0;
	for (line = strtok_r(buf, "\n", &save); line != NULL && !found;
	    line = strtok_r(NULL, "\n", &save))
		found = strcmp(line, mod) == 0;
	free(buf);
	return found;
}

void
kld_load(const char *mod)
{
	char path[4096], line[256];
	int fd, n;

	if (kld_loaded(mod))
		return;
	sim_path(path, sizeof(path), "sim/kld");
	n = snprintf(line, sizeof(line), "%s\n", mod);
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644)) != -1) {
		(void)write(fd, line, (size_t)n);
		close(fd);
	}
}

/*
 * vm_parse_memsize(3) of FreeBSD 14.0: a bare number below 1 MiB is
 * MiB, otherwise bytes; anything else goes through expand_number(3),
 * which takes one unit letter (b k m g t p e) and ignores what follows.
 */
int
parse_memsize(const char *s, uint64_t *size)
{
	unsigned long long v;
	char *end;
	int shift;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (*s != '\0' && *end == '\0') {
		*size = v < SIM_MB ? v * SIM_MB : v;
		return 0;
	}
	errno = 0;
	v = strtoull(s, &end, 0);
	if (end == s || errno != 0)
		return -1;
	switch (tolower((unsigned char)*end)) {
	case 'e': shift = 60; break;
	case 'p': shift = 50; break;
	case 't': shift = 40; break;
	case 'g': shift = 30; break;
	case 'm': shift = 20; break;
	case 'k': shift = 10; break;
	case 'b':
	case '\0':
		*size = v;
		return 0;
	default:
		return -1;
	}
	if ((v << shift) >> shift != v)
		return -1;
	*size = v << shift;
	return 0;
}

/* $KVM_ROOTDIR/dev/nmdm...A or ...B: a simulated nmdm(4) node. */
int
nmdm_path(const char *path)
{
	char prefix[4096];
	size_t plen, len = strlen(path);

	sim_path(prefix, sizeof(prefix), "dev/nmdm");
	plen = strlen(prefix);
	return len > plen && strncmp(path, prefix, plen) == 0 &&
	    (path[len - 1] == 'A' || path[len - 1] == 'B') &&
	    strchr(path + plen, '/') == NULL;
}

/* Create one side of an nmdm pair on demand (plain files). */
static void
nmdm_touch(const char *path)
{
	int fd;

	(void)sim_mkparent(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) != -1)
		close(fd);
}

/*
 * Open path as a console: 0 or an errno.  nmdm nodes exist only while
 * nmdm.ko is loaded and then come in pairs; any other path must open
 * read/write and be a terminal (chr_only: a character device, the
 * bhyveload rule).
 */
int
tty_open(const char *path, int chr_only)
{
	char other[4096];
	struct stat st;
	int fd, err = 0;

	if (nmdm_path(path)) {
		if (!kld_loaded("nmdm"))
			return ENOENT;
		strlcpy(other, path, sizeof(other));
		other[strlen(other) - 1] =
		    path[strlen(path) - 1] == 'A' ? 'B' : 'A';
		nmdm_touch(path);
		nmdm_touch(other);
		return 0;
	}
	if (chr_only) {
		if (stat(path, &st) == -1)
			return errno;
		if (!S_ISCHR(st.st_mode))
			return ENOTTY;
	}
	if ((fd = open(path, O_RDWR | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) == -1)
		return errno;
	if (!isatty(fd))
		err = ENOTTY;
	close(fd);
	return err;
}

/* hw.vmm.maxcpu: $KVM_ROOTDIR/sim/maxcpu, else the host's CPUs. */
int
host_ncpus(void)
{
	char path[4096], *buf;
	long n;

	if ((buf = sim_read(sim_path(path, sizeof(path), "sim/maxcpu"))) !=
	    NULL) {
		n = strtol(buf, NULL, 10);
		free(buf);
		if (n > 0)
			return (int)n;
	}
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}
