/*
 * swtpm.c: the swtpm stand-in, for what kvm uses of "swtpm socket"
 * (stefanberger/swtpm, man/man8/swtpm.pod): --tpm2, --tpmstate dir=DIR,
 * --server type=unixio,path=SOCK, --flags FLAGS.  It locks DIR/.lock
 * (the directory backend always locks, so a second swtpm on the same
 * state fails), counts its starts in DIR/tpm2-00.permall (the state
 * file's name; here "starts=N", so tests can see the state persist),
 * listens on SOCK (what bhyve's swtpm backend connects to), accepts
 * and drops connections, and on SIGTERM or SIGINT removes SOCK, logs
 * "swtpm-exit 0" and exits 0.  Anything else on its command line is refused, exit 1.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"

static volatile sig_atomic_t swtpm_done;

static void
swtpm_sig(int sig)
{
	(void)sig;
	swtpm_done = 1;
}

static int
swtpm_usage(const char *what)
{
	sim_msg("swtpm: %s", what);
	sim_msg("Usage: swtpm socket [options]");
	return 1;
}

/* Count this start in DIR/tpm2-00.permall under the lock DIR/.lock. */
static int
swtpm_state(const char *dir)
{
	char path[4096], buf[32], *old;
	struct flock fl;
	int fd, n = 0;

	snprintf(path, sizeof(path), "%s/.lock", dir);
	if ((fd = open(path, O_RDWR | O_CREAT, 0640)) == -1) {
		sim_msg("swtpm: Could not open lockfile %s: %s", path,
		    strerror(errno));
		return -1;
	}
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &fl) == -1) {
		sim_msg("swtpm: Could not lock access to lockfile %s: %s",
		    path, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/tpm2-00.permall", dir);
	if ((old = sim_read(path)) != NULL) {
		sscanf(old, "starts=%d", &n);
		free(old);
	}
	snprintf(buf, sizeof(buf), "starts=%d\n", n + 1);
	if (sim_write(path, buf) == -1) {
		sim_msg("swtpm: %s: %s", path, strerror(errno));
		return -1;
	}
	return fd;	/* held open: the lock lasts our life */
}

static int
swtpm_listen(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		sim_msg("swtpm: UnixIO path is too long: %s", path);
		return -1;
	}
	strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fd, 4) == -1) {
		sim_msg("swtpm: Could not open UnixIO socket %s: %s", path,
		    strerror(errno));
		return -1;
	}
	return fd;
}

/* Serve until told to end; connections are accepted and dropped. */
static void
swtpm_serve(int fd)
{
	struct sigaction sa;
	int c;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = swtpm_sig;	/* no SA_RESTART: accept returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!swtpm_done)
		if ((c = accept(fd, NULL, NULL)) != -1)
			close(c);
}

int
swtpm_main(int argc, char **argv)
{
	const char *dir = NULL, *sock = NULL, *a;
	int i, tpm2 = 0, fd;

	if (sim_setup("swtpm", argc, argv) != 0)
		return 1;
	if (argc < 2 || strcmp(argv[1], "socket") != 0)
		return swtpm_usage("only the socket interface is simulated");
	for (i = 2; i < argc; i++) {
		a = argv[i];
		if (strcmp(a, "--tpm2") == 0)
			tpm2 = 1;
		else if (strcmp(a, "--tpmstate") == 0 && i + 1 < argc &&
		    strncmp(argv[i + 1], "dir=", 4) == 0)
			dir = argv[++i] + 4;
		else if (strcmp(a, "--server") == 0 && i + 1 < argc &&
		    strncmp(argv[i + 1], "type=unixio,path=", 17) == 0)
			sock = argv[++i] + 17;
		else if (strcmp(a, "--flags") == 0 && i + 1 < argc)
			i++;
		else
			return swtpm_usage("unrecognized option or argument");
	}
	if (!tpm2 || dir == NULL || sock == NULL)
		return swtpm_usage("kvm always passes --tpm2, --tpmstate "
		    "dir= and --server type=unixio,path=");
	if (swtpm_state(dir) == -1 || (fd = swtpm_listen(sock)) == -1)
		return 1;
	swtpm_serve(fd);
	unlink(sock);
	sim_log("swtpm-exit 0");
	return 0;
}
