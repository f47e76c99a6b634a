/*
 * argvdump: the command lines the C code builds, for the golden and sh
 * tests.
 *   argvdump [-d] [-m MAPFILE] [-r ROOTDIR] SETCONF NAME DIR HOME
 * reads SETCONF as the set.conf of VM NAME in DIR with the kvm home
 * HOME, resolves VNCport auto to 5900 as start would on a quiet host,
 * and prints the loader's argv (if any) one argument per line prefixed
 * "loader:", then bhyve's argv one argument per line.  -d builds them
 * for a detached start, -r prefixes /dev paths as KVM_ROOTDIR does,
 * -m writes grub-bhyve's device.map to MAPFILE.
 * An error is printed alone on stderr, exit status 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/argv.h"
#include "core/bhyve_argv.h"
#include "core/common.h"
#include "core/conf.h"
#include "core/vm.h"
#include "host/conffile.h"
#include "cmd/cmd.h"

static void
usage(void)
{
	fprintf(stderr,
	    "usage: argvdump [-d] [-m mapfile] [-r rootdir] setconf name "
	    "dir home\n");
	exit(2);
}

static void
print(const struct argv *av, const char *prefix)
{
	size_t i;

	for (i = 0; i < av->av_n; i++)
		printf("%s%s\n", prefix, av->av_v[i]);
}

static int
write_map(const struct vm *vm, const char *path)
{
	char *s;
	FILE *fp;
	int rc = 0;

	s = grub_devicemap(vm);
	if ((fp = fopen(path, "w")) == NULL || fputs(s, fp) == EOF)
		rc = 1;
	if (fp != NULL && fclose(fp) == EOF)
		rc = 1;
	if (rc)
		perror(path);
	free(s);
	return rc;
}

/* Print the argvs (and write the map); the exit status. */
static int
dump(struct vm *vm, const char *rootdir, int detached, const char *map)
{
	struct argv loader, bhyve;
	int rc = 1;

	if (vm->console == CONSOLE_VNC && vm->vnc_port == 0)
		vm->vnc_port = 5900;
	argv_init(&loader);
	argv_init(&bhyve);
	if (loader_argv(vm, rootdir, detached, NULL, &loader) != -1 &&
	    bhyve_argv(vm, rootdir, detached, &bhyve) != -1) {
		print(&loader, "loader:");
		print(&bhyve, "");
		rc = map != NULL ? write_map(vm, map) : 0;
	}
	argv_free(&loader);
	argv_free(&bhyve);
	return rc;
}

int
main(int argc, char *argv[])
{
	char err[KVM_ERR_MAX];
	const char *rootdir = "", *map = NULL;
	struct conf *c;
	struct vm vm;
	int ch, detached = 0, rc;

	while ((ch = getopt(argc, argv, "+dm:r:")) != -1) {
		switch (ch) {
		case 'd':
			detached = 1;
			break;
		case 'm':
			map = optarg;
			break;
		case 'r':
			rootdir = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 4)
		usage();
	if ((c = conffile_load(argv[0], err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (vm_from_conf(&vm, c, argv[1], argv[2], argv[3], err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		conf_free(c);
		return 1;
	}
	rc = dump(&vm, rootdir, detached, map);
	vm_free(&vm);
	conf_free(c);
	return rc;
}
