/*
 * swtpm.c: the software TPM of a VM with TPM=swtpm.  bhyve's swtpm
 * backend (usr.sbin/bhyve/tpm_emul_swtpm.c) connects to a unix socket
 * and sends the guest's TPM commands on it as they are, reading the
 * answers: swtpm's data channel, "swtpm socket --server
 * type=unixio,path=SOCK" (swtpm(8)); it never speaks the control
 * channel (--ctrl), so nothing would send swtpm's CMD_INIT: hence
 * --flags not-need-init.  No startup-clear: the UEFI firmware sends
 * TPM2_Startup itself, as on hardware.  The state (--tpmstate dir=) is
 * the VM's DIR/tpm, in its dataset, so a snapshot holds it; the socket
 * and NAME.swtpm, the pid of the running swtpm, are runtime files
 * under /var/run/kvm, never in the dataset.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host/swtpm.h"
#include "core/argv.h"
#include "core/util.h"
#include "core/vm.h"
#include "host/file.h"
#include "host/paths.h"
#include "host/port.h"

#define SWTPM_TERM_KILL	3	/* a leftover: SIGTERM, then SIGKILL */

/* The runtime paths of VM name. */
static int
swtpm_runpaths(const struct kvm_ctx *ctx, const char *name,
    struct swtpm *sw)
{
	char run[PATH_MAX];

	if (host_path(ctx, KVM_RUNDIR, run, sizeof(run)) == -1 ||
	    pathf(sw->sw_sock, sizeof(sw->sw_sock), "%s/%s.tpm", run,
	    name) == -1 ||
	    pathf(sw->sw_pidfile, sizeof(sw->sw_pidfile), "%s/%s.swtpm", run,
	    name) == -1 ||
	    pathf(sw->sw_server, sizeof(sw->sw_server),
	    "type=unixio,path=%s", sw->sw_sock) == -1)
		return -1;
	return 0;
}

int
swtpm_init(const struct kvm_ctx *ctx, const struct vm *vm, struct swtpm *sw)
{
	memset(sw, 0, sizeof(*sw));
	if (swtpm_runpaths(ctx, vm->name, sw) == -1 ||
	    pathf(sw->sw_dir, sizeof(sw->sw_dir), "%s/tpm", vm->dir) == -1 ||
	    pathf(sw->sw_state, sizeof(sw->sw_state), "dir=%s",
	    sw->sw_dir) == -1)
		return -1;
	/* swtpm reads its options as comma-separated lists */
	if (strchr(sw->sw_server, ',') != strrchr(sw->sw_server, ',') ||
	    strchr(sw->sw_state, ',') != NULL) {
		warnx("%s: swtpm: a path contains ',' (%s, %s)", vm->name,
		    sw->sw_dir, sw->sw_sock);
		return -1;
	}
	return 0;
}

int
swtpm_prepare(const struct swtpm *sw)
{
	if (mkdirs(sw->sw_dir, 0700) == -1)
		return -1;
	if (unlink(sw->sw_sock) == -1 && errno != ENOENT) {
		warn("%s", sw->sw_sock);
		return -1;
	}
	return 0;
}

void
swtpm_argv(const struct swtpm *sw, struct argv *av)
{
	argv_add(av, "swtpm");
	argv_add(av, "socket");
	argv_add(av, "--tpm2");
	argv_add(av, "--tpmstate");
	argv_add(av, sw->sw_state);
	argv_add(av, "--server");
	argv_add(av, sw->sw_server);
	argv_add(av, "--flags");
	argv_add(av, "not-need-init");
}

int
swtpm_ready(const struct swtpm *sw)
{
	struct stat st;

	return stat(sw->sw_sock, &st) == 0 && S_ISSOCK(st.st_mode);
}

int
swtpm_record(const struct swtpm *sw, pid_t pid)
{
	char text[32];

	if (pid == 0) {
		if (unlink(sw->sw_pidfile) == -1 && errno != ENOENT) {
			warn("%s", sw->sw_pidfile);
			return -1;
		}
		return 0;
	}
	snprintf(text, sizeof(text), "%ld\n", (long)pid);
	return file_write_atomic(sw->sw_pidfile, text, strlen(text), 0644);
}

/* Wait up to secs for pid (not our child) to be gone; 1 if it is. */
static int
swtpm_gone(pid_t pid, const char *server, double secs)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	int i;

	for (i = 0; i < (int)(secs * 20); i++) {
		if (!port_proc_arg(pid, "swtpm", server))
			return 1;
		nanosleep(&ts, NULL);
	}
	return !port_proc_arg(pid, "swtpm", server);
}

int
swtpm_leftover(const struct kvm_ctx *ctx, const char *name)
{
	struct swtpm sw;
	char *text;
	pid_t pid;
	int r = 0;

	memset(&sw, 0, sizeof(sw));
	if (swtpm_runpaths(ctx, name, &sw) == -1)
		return -1;
	if (file_read(sw.sw_pidfile, &text, NULL) == -1)
		return 0;	/* none recorded */
	pid = (pid_t)strtol(text, NULL, 10);
	free(text);
	if (port_proc_arg(pid, "swtpm", sw.sw_server)) {
		r = 1;
		(void)kill(pid, SIGTERM);
		if (!swtpm_gone(pid, sw.sw_server, SWTPM_TERM_KILL)) {
			(void)kill(pid, SIGKILL);
			(void)swtpm_gone(pid, sw.sw_server, 1);
		}
	}
	(void)unlink(sw.sw_sock);
	return swtpm_record(&sw, 0) == -1 ? -1 : r;
}

int
swtpm_installed(void)
{
	char path[PATH_MAX], *dirs, *p, *dir;
	int found = 0;

	if ((p = getenv("PATH")) == NULL || (dirs = strdup(p)) == NULL)
		return 0;
	for (p = dirs; !found && (dir = strsep(&p, ":")) != NULL;)
		found = snprintf(path, sizeof(path), "%s/swtpm",
		    *dir != '\0' ? dir : ".") < (int)sizeof(path) &&
		    access(path, X_OK) == 0;
	free(dirs);
	return found;
}

int
swtpm_forget(const char *vmdir)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (pathf(dir, sizeof(dir), "%s/tpm", vmdir) == -1)
		return -1;
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		warn("%s", dir);
		return -1;
	}
	/* swtpm's directory backend keeps only files there */
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (pathf(path, sizeof(path), "%s/%s", dir, de->d_name) == -1 ||
		    unlink(path) == -1) {
			warn("%s", path);
			r = -1;
		}
	}
	closedir(d);
	if (r == 0 && rmdir(dir) == -1) {
		warn("%s", dir);
		r = -1;
	}
	return r;
}
