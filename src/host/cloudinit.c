/*
 * cloudinit.c: cloud images made a VM's disk, and the VM's cloud-init
 * NoCloud seed: DIR/cloud-init holds meta-data, user-data and, when
 * the VM has NICs with known MACs, network-config; DIR/cidata.iso is
 * the ISO 9660 image of that directory with the volume label cloud-init
 * looks for.  All of it lives in the VM's dataset, so a snapshot holds
 * the seed with the disk.  The text is core/cloudinit.c's.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/cloudinit.h"
#include "core/cloudinit.h"
#include "core/siphash.h"
#include "core/util.h"
#include "core/vm.h"
#include "host/file.h"
#include "host/paths.h"
#include "host/spawn.h"

#define CI_BLOCK	(64 * 1024)

/* The big-endian 64-bit number at p (qcow2's header fields). */
static uint64_t
be64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/*
 * qcow2: magic "QFI\xfb", then version, backing file offset and size,
 * cluster bits, and at byte 24 the virtual size (QEMU's
 * docs/interop/qcow2.txt).  Converting it needs qemu-img: FreeBSD's
 * package is qemu-tools (the ports' emulators/qemu "tools" flavor,
 * pkg-descr-tools: qemu-img, qemu-io, qemu-nbd).
 */
static int
image_qcow2(const char *name, const unsigned char *h, struct ci_image *img)
{
	char q[PATH_MAX];

	img->ci_format = CI_QCOW2;
	img->ci_size = be64(h + 24);
	if (self_path("qemu-img", q, sizeof(q)) == -1) {
		warnx("%s: %s is a qcow2 image and qemu-img is not installed "
		    "(pkg install qemu-tools)", name, img->ci_path);
		return -1;
	}
	if (img->ci_size == 0 || img->ci_size > (uint64_t)INT64_MAX) {
		warnx("%s: %s: qcow2 image of size %ju", name, img->ci_path,
		    (uintmax_t)img->ci_size);
		return -1;
	}
	return 0;
}

int
cloudinit_image(const char *name, const char *path, struct ci_image *img)
{
	unsigned char h[32];
	struct stat st;
	ssize_t n;
	int fd;

	memset(img, 0, sizeof(*img));
	img->ci_path = path;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		warn("%s: image %s", name, path);
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		warnx("%s: image %s is not a regular file", name, path);
		return -1;
	}
	n = read(fd, h, sizeof(h));
	close(fd);
	if (n == -1) {
		warn("%s: image %s", name, path);
		return -1;
	}
	if (n == (ssize_t)sizeof(h) && memcmp(h, "QFI\xfb", 4) == 0)
		return image_qcow2(name, h, img);
	if (st.st_size == 0) {
		warnx("%s: image %s is empty", name, path);
		return -1;
	}
	img->ci_format = CI_RAW;
	img->ci_size = (uint64_t)st.st_size;
	return 0;
}

/* 1 if a signal that ends create is waiting (held by create). */
static int
interrupted(const char *name)
{
	sigset_t set;

	if (sigpending(&set) == -1)
		return 0;
	if (sigismember(&set, SIGINT) || sigismember(&set, SIGTERM) ||
	    sigismember(&set, SIGHUP) || sigismember(&set, SIGQUIT)) {
		warnx("%s: interrupted, nothing created", name);
		return 1;
	}
	return 0;
}

/* Write n bytes, or seek over them when all are zero (a hole). */
static int
put_block(int fd, const char *buf, size_t n)
{
	ssize_t w;

	if (buf[0] == '\0' && memcmp(buf, buf + 1, n - 1) == 0)
		return lseek(fd, (off_t)n, SEEK_CUR) == -1 ? -1 : 0;
	for (; n > 0; buf += w, n -= (size_t)w)
		if ((w = write(fd, buf, n)) == -1)
			return -1;
	return 0;
}

/* Copy the raw image into tmp, leaving holes for zero blocks. */
static int
copy_sparse(const char *name, const char *src, const char *tmp)
{
	char *buf;
	ssize_t n;
	int in, out, r = -1;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) == -1) {
		warn("%s: image %s", name, src);
		return -1;
	}
	if ((out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		warn("%s", tmp);
		close(in);
		return -1;
	}
	if ((buf = malloc(CI_BLOCK)) == NULL)
		err(1, NULL);
	while ((n = read(in, buf, CI_BLOCK)) > 0 && !interrupted(name))
		if (put_block(out, buf, (size_t)n) == -1) {
			warn("%s", tmp);
			n = -2;
			break;
		}
	if (n == -1)
		warn("%s: image %s", name, src);
	else if (n == 0)
		r = 0;
	free(buf);
	close(in);
	if (close(out) == -1 && r == 0) {
		warn("%s", tmp);
		r = -1;
	}
	return r;
}

/* qemu-img writes the raw disk, with holes (its -S default). */
static int
convert_qcow2(const struct kvm_ctx *ctx, const char *name, const char *src,
    const char *tmp)
{
	char *av[] = { "qemu-img", "convert", "-q", "-f", "qcow2", "-O",
	    "raw", (char *)(uintptr_t)src, (char *)(uintptr_t)tmp, NULL };
	int st;

	if ((st = spawn_run(ctx, av)) != 0) {
		if (st > 0)
			warnx("%s: qemu-img could not convert %s (exit "
			    "status %d)", name, src, st);
		return -1;
	}
	return interrupted(name) ? -1 : 0;
}

/* Grow the new disk to its size and make it durable. */
static int
grow(const char *tmp, uint64_t size)
{
	int fd;

	if ((fd = open(tmp, O_WRONLY | O_CLOEXEC)) == -1) {
		warn("%s", tmp);
		return -1;
	}
	if (ftruncate(fd, (off_t)size) == -1 || fsync(fd) == -1) {
		warn("%s", tmp);
		close(fd);
		return -1;
	}
	return close(fd);
}

int
cloudinit_disk(const struct kvm_ctx *ctx, const char *name,
    const struct ci_image *img, const char *dst, uint64_t size)
{
	char tmp[PATH_MAX];
	const char *slash = strrchr(dst, '/');
	int r;

	if (slash == NULL || pathf(tmp, sizeof(tmp), "%.*s/.%s.new",
	    (int)(slash - dst), dst, slash + 1) == -1)
		return -1;
	(void)unlink(tmp);
	if (img->ci_format == CI_QCOW2)
		r = convert_qcow2(ctx, name, img->ci_path, tmp);
	else
		r = copy_sparse(name, img->ci_path, tmp);
	if (r == 0 && (r = grow(tmp, size)) == 0 &&
	    (r = rename(tmp, dst)) == -1)
		warn("%s", dst);
	if (r == -1)
		(void)unlink(tmp);
	return r;
}

/* Where a VM's seed lives. */
struct seed {
	char	s_cidir[PATH_MAX];	/* DIR/cloud-init */
	char	s_meta[PATH_MAX];
	char	s_user[PATH_MAX];
	char	s_net[PATH_MAX];
	char	s_iso[PATH_MAX];	/* DIR/cidata.iso */
	char	s_tmp[PATH_MAX];	/* DIR/.cidata.iso.new */
	char	s_sum[PATH_MAX];	/* DIR/cidata.sum */
};

static int
seed_paths(const struct vm *vm, struct seed *s)
{
	if (pathf(s->s_cidir, sizeof(s->s_cidir), "%s/cloud-init",
	    vm->dir) == -1 ||
	    pathf(s->s_meta, sizeof(s->s_meta), "%s/meta-data",
	    s->s_cidir) == -1 ||
	    pathf(s->s_user, sizeof(s->s_user), "%s/user-data",
	    s->s_cidir) == -1 ||
	    pathf(s->s_net, sizeof(s->s_net), "%s/network-config",
	    s->s_cidir) == -1 ||
	    pathf(s->s_iso, sizeof(s->s_iso), "%s/cidata.iso", vm->dir) == -1 ||
	    pathf(s->s_tmp, sizeof(s->s_tmp), "%s/.cidata.iso.new",
	    vm->dir) == -1 ||
	    pathf(s->s_sum, sizeof(s->s_sum), "%s/cidata.sum", vm->dir) == -1)
		return -1;
	return 0;
}

/* 1 if path holds exactly text (NULL: path must not exist). */
static int
same_text(const char *path, const char *text)
{
	char *buf;
	size_t len;
	int same;

	if (file_read(path, &buf, &len) == -1)
		return text == NULL && errno == ENOENT;
	same = text != NULL && len == strlen(text) &&
	    memcmp(buf, text, len) == 0;
	free(buf);
	return same;
}

/*
 * The seed's sum: SipHash of every file of cloud-init/ (name, length,
 * bytes, in name order), as hex.  Kept in cidata.sum after a build, it
 * says what the ISO was built from; file times would not do, as
 * zfs-fuse keeps them to the second.  0, or -1 with errno set (a file
 * that cannot be read, e.g. user-data for "kvm info" as another user).
 */
static int
seed_sum(const struct seed *s, char *out, size_t sz)
{
	static const uint64_t key[2] = { 0x6b766d2063696461ULL, 0x7461ULL };
	struct dirent **de;
	char p[PATH_MAX], *buf, *all = NULL;
	size_t len, alen;
	FILE *fp;
	int i, n, r = 0;

	if ((n = scandir(s->s_cidir, &de, NULL, alphasort)) == -1)
		return -1;
	if ((fp = open_memstream(&all, &alen)) == NULL)
		err(1, "open_memstream");
	for (i = 0; i < n; i++) {
		if (r == 0 && de[i]->d_name[0] != '.' &&
		    (size_t)snprintf(p, sizeof(p), "%s/%s", s->s_cidir,
		    de[i]->d_name) < sizeof(p)) {
			if ((r = file_read(p, &buf, &len)) == 0) {
				fprintf(fp, "%s%c%zu%c", de[i]->d_name, '\0',
				    len, '\0');
				fwrite(buf, 1, len, fp);
				free(buf);
			} else if (errno == EISDIR)
				r = 0;
		}
		free(de[i]);
	}
	free(de);
	if (ferror(fp) || fclose(fp) != 0)
		err(1, "open_memstream");
	snprintf(out, sz, "%016jx\n", (uintmax_t)siphash24(key, all, alen));
	free(all);
	return r;
}

/*
 * 1 if the ISO is there and was built from the files as they are, or
 * when that cannot be told (a file this user cannot read).
 */
static int
iso_current(const struct seed *s)
{
	char sum[32];

	if (access(s->s_iso, F_OK) == -1)
		return 0;
	return seed_sum(s, sum, sizeof(sum)) == -1 || same_text(s->s_sum, sum);
}

int
cloudinit_stale(const struct vm *vm)
{
	struct seed s;
	char *meta, *net;
	int stale;

	if (seed_paths(vm, &s) == -1)
		return 1;
	meta = ci_meta_data(vm);
	net = ci_network_config(vm);
	stale = !same_text(s.s_meta, meta) || !same_text(s.s_net, net) ||
	    access(s.s_user, F_OK) == -1 || !iso_current(&s);
	free(meta);
	free(net);
	return stale;
}

/* Write the generated inputs that differ from what is there. */
static int
seed_inputs(const struct vm *vm, const struct seed *s)
{
	char *meta, *net;
	int r = 0;

	if (mkdirs(s->s_cidir, 0755) == -1)
		return -1;
	meta = ci_meta_data(vm);
	net = ci_network_config(vm);
	if (!same_text(s->s_meta, meta))
		r = file_write_atomic(s->s_meta, meta, strlen(meta), 0644);
	if (r == 0 && !same_text(s->s_net, net)) {
		if (net != NULL)
			r = file_write_atomic(s->s_net, net, strlen(net),
			    0644);
		else if ((r = unlink(s->s_net)) == -1)
			warn("%s", s->s_net);
	}
	if (r == 0 && access(s->s_user, F_OK) == -1)
		r = file_write_atomic(s->s_user, "#cloud-config\n", 14, 0600);
	free(meta);
	free(net);
	return r;
}

/*
 * makefs(8) with the same arguments on FreeBSD and on Debian (NetBSD's
 * makefs, package makefs).  The label is stored upper-case (cd9660.c,
 * cd9660_arguments_set_string: a volume id is made of d-characters);
 * cloud-init takes "cidata" or "CIDATA" (nocloud.rst).
 */
int
cloudinit_seed(const struct kvm_ctx *ctx, const struct vm *vm)
{
	struct seed s;
	char *av[] = { "makefs", "-t", "cd9660", "-o",
	    "rockridge,label=cidata", NULL, NULL, NULL };
	char sum[32];
	int st;

	if (seed_paths(vm, &s) == -1 || seed_inputs(vm, &s) == -1)
		return -1;
	if (seed_sum(&s, sum, sizeof(sum)) == -1) {
		warn("%s: %s", vm->name, s.s_cidir);
		return -1;
	}
	if (access(s.s_iso, F_OK) == 0 && same_text(s.s_sum, sum))
		return 0;
	av[5] = s.s_tmp;
	av[6] = s.s_cidir;
	(void)unlink(s.s_tmp);
	if ((st = spawn_run(ctx, av)) != 0) {
		if (st > 0)
			warnx("%s: makefs could not build %s (exit status "
			    "%d)", vm->name, s.s_iso, st);
		(void)unlink(s.s_tmp);
		return -1;
	}
	if (chmod(s.s_tmp, 0600) == -1 || rename(s.s_tmp, s.s_iso) == -1) {
		warn("%s", s.s_iso);
		(void)unlink(s.s_tmp);
		return -1;
	}
	/* Last: a crash before it leaves a sum that asks for a rebuild. */
	if (file_write_atomic(s.s_sum, sum, strlen(sum), 0644) == -1)
		return -1;
	return 1;
}
