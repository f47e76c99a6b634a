/*
 * cmd_check.c: "kvm check [name ...]" reads each VM's set.conf and run
 * without changing anything and reports problems as FILE:LINE: message:
 * syntax, settings, missing files, passthru host devices missing or not
 * attached to ppt, a missing TPM device, sh syntax of run, missing
 * hooks, and
 * (as warnings) variables one typo away from a known one.  Like every
 * command that looks at a VM, it first finishes or undoes what a
 * killed create, rename, clone or destroy left (journal.h).  The known
 * variables and the order of the settings errors are the settings
 * table's (settings.c).
 */
#include <ctype.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/argv.h"
#include "core/common.h"
#include "core/conf.h"
#include "core/pciconf.h"
#include "core/settings.h"
#include "core/util.h"
#include "core/vm.h"
#include "host/conffile.h"
#include "host/file.h"
#include "host/journal.h"
#include "host/paths.h"
#include "host/pci.h"
#include "host/port.h"
#include "host/spawn.h"
#include "host/swtpm.h"
#include "host/vmload.h"
#include "cmd/cmd.h"

/*
 * 1 if a and b differ by one edit (insert, delete, substitute, swap of
 * neighbours) or only in case.
 */
static int
one_typo(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i = 0;

	if (strcasecmp(a, b) == 0)
		return 1;
	if (la > lb)
		return one_typo(b, a);
	if (lb - la > 1)
		return 0;
	while (i < la && a[i] == b[i])
		i++;
	if (la == lb)
		return strcmp(a + i + 1, b + i + 1) == 0 || (i + 1 < la &&
		    a[i] == b[i + 1] && a[i + 1] == b[i] &&
		    strcmp(a + i + 2, b + i + 2) == 0);
	return strcmp(a + i, b + i + 1) == 0;
}

/* Warn about free variables one typo away from a known one. */
static void
check_typos(const struct conf *c, const char *path)
{
	const struct setting *s;
	const char *n;
	size_t i, k;

	for (i = 0; i < conf_count(c); i++) {
		n = conf_name(c, i);
		if (settings_find(n) != NULL)
			continue;
		for (k = 0; (s = settings_at(k)) != NULL; k++) {
			if (one_typo(n, s->s_name)) {
				warnx("%s:%d: warning: %s is not a kvm "
				    "variable (did you mean %s?)", path,
				    conf_line(c, n), n, s->s_name);
				break;
			}
		}
	}
}

/* 1 if text defines the sh function fn at the start of a line. */
static int
defines(const char *text, const char *fn)
{
	const char *p = text;
	size_t l = strlen(fn);

	for (; p != NULL; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, fn, l) != 0)
			continue;
		p += l;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '(')
			return 1;
	}
	return 0;
}

/* sh -n on run, and both hooks present; 0 or -1 after reporting. */
static int
check_run(const struct kvm_ctx *ctx, const char *path)
{
	char *argv[] = { "sh", "-n", NULL, NULL }, *eo, *text, *p, *nl;
	int r = 0, st;

	if (file_read(path, &text, NULL) == -1) {
		warn("%s", path);
		return -1;
	}
	argv[2] = (char *)(uintptr_t)path;
	st = spawn_capture(ctx, argv, NULL, &eo);
	if (st != 0) {
		/* dash says "PATH: N: message"; show it as PATH:N: message. */
		for (p = eo; *p != '\0'; p = nl + 1) {
			nl = p + strcspn(p, "\n");
			if (strncmp(p, path, strlen(path)) == 0 &&
			    strncmp(p + strlen(path), ": ", 2) == 0 &&
			    isdigit((unsigned char)p[strlen(path) + 2]))
				warnx("%s:%.*s", path,
				    (int)(nl - p - strlen(path) - 2),
				    p + strlen(path) + 2);
			else if (nl > p)
				warnx("%.*s", (int)(nl - p), p);
			if (*nl == '\0')
				break;
		}
		r = -1;
	}
	free(eo);
	if (!defines(text, "preRun") || !defines(text, "postRun")) {
		warnx("%s: %s is not defined", path,
		    defines(text, "preRun") ? "postRun" : "preRun");
		r = -1;
	}
	free(text);
	return r;
}

/* Print one settings error; go on to the next. */
static int
check_error(const struct vm_err *e, void *arg)
{
	char text[KVM_ERR_MAX];

	(void)arg;
	vm_err_text(e, text, sizeof(text));
	warnx("%s", text);
	return 0;
}

/*
 * Each passthru host device must exist (pciconf -l) and be attached to
 * ppt(4) or be attached by preRun with the seed's "devctl set driver
 * -f pci0:B:S:F ppt" in run, or bhyve fails (bhyve-facts 5.3, 5.4).
 * The message says how to attach it.  0, or -1 after reporting.
 */
static int
check_passthru(const struct kvm_ctx *ctx, const struct vm *vm)
{
	char sel[40], ppt[48], path[PATH_MAX + 8], *list = NULL, *run = NULL;
	struct pci_dev pd;
	unsigned b[3];
	const char *e;
	size_t i;
	int r = 0;

	snprintf(path, sizeof(path), "%s/run", vm->dir);
	for (i = 0; i < vm->ndevices; i++) {
		e = vm->devices[i] + strcspn(vm->devices[i], ",");
		if (strncmp(e, ",passthru,", 10) != 0 ||
		    pciconf_bsf(e + 10, b, NULL) == -1)
			continue;
		if (list == NULL && (list = pci_list(ctx)) == NULL)
			return -1;
		if (run == NULL && file_read(path, &run, NULL) == -1)
			run = strdup("");
		snprintf(sel, sizeof(sel), "pci0:%u:%u:%u", b[0], b[1], b[2]);
		snprintf(ppt, sizeof(ppt), "%s ppt", sel);
		if (!pciconf_find(list, b, &pd))
			warnx("%s: passthru %u/%u/%u: no such host device "
			    "(pciconf -l lists no %s)", vm->name, b[0], b[1],
			    b[2], sel);
		else if (!pciconf_is_ppt(&pd) &&
		    (run == NULL || strstr(run, ppt) == NULL))
			warnx("%s: passthru %u/%u/%u: the host device is %s, "
			    "not attached to ppt; attach it with \"devctl "
			    "set driver -f %s\" (in preRun, or by hand), or "
			    "at boot with pptdevs=\"%u/%u/%u\" in "
			    "/boot/loader.conf",
			    vm->name, b[0], b[1], b[2], pd.pd_name, ppt, b[0],
			    b[1], b[2]);
		else
			continue;
		r = -1;
	}
	free(list);
	free(run);
	return r;
}

/*
 * Pin names host CPUs of this host: bhyve would fail to pin a vCPU to
 * one it does not have.  0, or -1 after "NAME: Pin: ...".
 */
static int
check_pins(const struct vm *vm)
{
	long n = port_ncpu();
	size_t i;

	for (i = 0; i < vm->npins; i++)
		if (n > 0 && vm->pins[i].vp_host >= (unsigned long)n) {
			warnx("%s: Pin: host CPU %u does not exist here (%ld "
			    "CPUs: 0 to %ld)", vm->name, vm->pins[i].vp_host,
			    n, n - 1);
			return -1;
		}
	return 0;
}

/*
 * TPM passthru: the device must exist, or bhyve fails to open it
 * (tpm_emul_passthru.c, "unable to open tpm device") and exits 4; it
 * appears once the tpm(4) driver is loaded.  TPM swtpm: start runs
 * swtpm, so it must be installed.  0, or -1 after reporting.
 */
static int
check_tpm(const struct kvm_ctx *ctx, const struct vm *vm)
{
	char path[PATH_MAX];

	if (vm->tpm == TPM_SWTPM && !swtpm_installed()) {
		warnx("%s: TPM swtpm: no swtpm program on PATH (pkg install "
		    "swtpm)", vm->name);
		return -1;
	}
	if (vm->tpm != TPM_PASSTHRU ||
	    host_path(ctx, vm->tpm_dev, path, sizeof(path)) == -1)
		return 0;
	if (access(path, F_OK) == 0)
		return 0;
	warnx("%s: TPM passthru: %s does not exist (is the tpm(4) driver "
	    "loaded? kldload tpm)", vm->name, vm->tpm_dev);
	return -1;
}

/*
 * Report every settings error, in the order of the settings table; the
 * files are checked only when the settings are sound.
 */
static int
check_settings(const struct kvm_ctx *ctx, const struct conf *c,
    const char *name, const char *dir)
{
	char e[KVM_ERR_MAX];
	struct vm vm;
	int r = 0;

	if (vm_from_conf_each(&vm, c, name, dir, ctx->home, check_error,
	    NULL) == -1)
		return -1;
	if (vm_check_files(&vm, e, sizeof(e)) == -1) {
		warnx("%s", e);
		r = -1;
	}
	if (check_passthru(ctx, &vm) == -1 || check_pins(&vm) == -1)
		r = -1;
	if (check_tpm(ctx, &vm) == -1)
		r = -1;
	vm_free(&vm);
	return r;
}

static int
check_one(const struct kvm_ctx *ctx, const char *name)
{
	char dir[PATH_MAX], path[PATH_MAX], e[KVM_ERR_MAX];
	struct conf *c;
	int r = 0;

	if (vm_find(ctx, name) == -1)
		return -1;
	if (vm_dir(ctx, name, NULL, dir, sizeof(dir)) == -1 ||
	    vm_dir(ctx, name, "set.conf", path, sizeof(path)) == -1)
		return -1;
	if ((c = conffile_load(path, e, sizeof(e))) == NULL) {
		warnx("%s", e);
		r = -1;
	} else {
		check_typos(c, path);
		r = check_settings(ctx, c, name, dir);
		conf_free(c);
	}
	if (vm_dir(ctx, name, "run", path, sizeof(path)) == -1 ||
	    check_run(ctx, path) == -1)
		r = -1;
	return r;
}

int
cmd_check(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	char **names;
	size_t n, i;
	int r = 0;

	if (getopt(argc, argv, "+") != -1)
		cmd_usage(cmd);
	argc -= optind;
	argv += optind;
	if (ctx_load_home(ctx) == -1)
		return 1;
	/* What a killed command left, finished or undone first. */
	if (argc == 0 && journal_recover(ctx, NULL) == -1)
		r = 1;
	if (argc > 0) {
		for (i = 0; i < (size_t)argc; i++)
			if (check_one(ctx, argv[i]) == -1)
				r = 1;
		return r;
	}
	if (vm_names(ctx, &names, &n) == -1)
		return 1;
	for (i = 0; i < n; i++)
		if (check_one(ctx, names[i]) == -1)
			r = 1;
	strlist_free(names, n);
	return r;
}
