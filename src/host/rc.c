/*
 * rc.c: kvm's rc.d scripts (rc.subr(8) style, bhyve-facts.md 7): their
 * path, text and fields, which VMs have one, and whether a VM's rc.conf
 * variables are its own.  kvm touches only scripts that carry its marker
 * line for that very VM.  A VM's rc.conf variables are named after the
 * VM with every '.' and '-' turned into '_' (sh variable names allow
 * neither).
 */
#include <ctype.h>
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/rc.h"
#include "core/common.h"
#include "core/util.h"
#include "core/valid.h"
#include "host/file.h"
#include "host/paths.h"

#define RC_BASE		"/etc/rc.d"


const char *const rc_suffixes[] = { "_enable", "_timeout", NULL };

void
rc_varname(const char *name, char *buf, size_t sz)
{
	size_t i;

	strlcpy(buf, name, sz);
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] == '.' || buf[i] == '-')
			buf[i] = '_';
}

int
rc_path(const struct kvm_ctx *ctx, const char *name, char *buf, size_t sz)
{
	char dir[PATH_MAX];

	if (host_path(ctx, KVM_RCD, dir, sizeof(dir)) == -1)
		return -1;
	return pathf(buf, sz, "%s/%s", dir, name);
}

/* Copy the words after "# FIELD:" on a header line into dst. */
static void
rc_field(const char *line, size_t len, const char *field, char *dst,
    size_t sz)
{
	size_t n = strlen(field);

	if (len < n || strncmp(line, field, n) != 0)
		return;
	line += n;
	len -= n;
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	if (len >= sz)
		len = sz - 1;
	memcpy(dst, line, len);
	dst[len] = '\0';
}

int
rc_read(const struct kvm_ctx *ctx, const char *name, struct rc_fields *rf)
{
	char path[PATH_MAX], marker[sizeof(RC_MARKER) + KVM_NAME_MAX];
	struct rc_fields f;
	const char *line, *nl;
	char *text;
	int kvm = 0;

	if (rc_path(ctx, name, path, sizeof(path)) == -1)
		return -1;
	if (file_read(path, &text, NULL) == -1) {
		if (errno == ENOENT)
			return RC_NONE;
		warn("%s", path);
		return -1;
	}
	snprintf(marker, sizeof(marker), "%s%s", RC_MARKER, name);
	memset(&f, 0, sizeof(f));
	for (line = text; *line != '\0'; line = nl + (*nl != '\0')) {
		nl = line + strcspn(line, "\n");
		if ((size_t)(nl - line) == strlen(marker) &&
		    strncmp(line, marker, (size_t)(nl - line)) == 0)
			kvm = 1;
		rc_field(line, (size_t)(nl - line), "# REQUIRE:",
		    f.rf_require, sizeof(f.rf_require));
		rc_field(line, (size_t)(nl - line), "# BEFORE:",
		    f.rf_before, sizeof(f.rf_before));
		rc_field(line, (size_t)(nl - line), "# KEYWORD:",
		    f.rf_keyword, sizeof(f.rf_keyword));
	}
	free(text);
	if (kvm && rf != NULL)
		*rf = f;
	return kvm ? RC_KVM : RC_FOREIGN;
}

/* s as one sh word in single quotes; caller frees. */
static char *
sh_quote(const char *s)
{
	char *q, *d;

	if ((q = malloc(strlen(s) * 4 + 3)) == NULL)
		err(1, NULL);
	d = q;
	*d++ = '\'';
	for (; *s != '\0'; s++) {
		if (*s == '\'') {
			memcpy(d, "'\\''", 4);
			d += 4;
		} else
			*d++ = *s;
	}
	*d++ = '\'';
	*d = '\0';
	return q;
}

/*
 * The script, with @WORD@ tokens for the VM name, its rc.conf prefix,
 * the quoted paths of kvm and of the host script, the header fields
 * (with their leading blank) and the default timeout.
 *
 * Facts of FreeBSD's libexec/rc it relies on:
 * - rc.shutdown runs "run_rc_script $_rc_elem faststop" for each script
 *   in reverse rcorder order, one after another, under a watchdog that
 *   kills it after rcshutdown_timeout; run_rc_command sets rc_fast for
 *   the "fast" prefix.  So at shutdown the script only presses the
 *   power button; kvm's host script, which it REQUIRE:s and which
 *   therefore stops after it, waits for all the VMs at once.
 * - run_rc_command builds rc_usage's list from _keywords; the rc.subr
 *   of FreeBSD's main adds "status" to it when status_cmd is set and
 *   there is no command ('if [ ! -z "${status_cmd}" ]'), the one of
 *   14.0 (@023fc80e) does not: listing status in extra_commands only
 *   for the latter lists it once with both.
 */
static const char rc_template[] =
"#!/bin/sh\n"
"#\n"
"# PROVIDE: @NAME@\n"
"# REQUIRE:@REQUIRE@\n"
"# BEFORE:@BEFORE@\n"
"# KEYWORD:@KEYWORD@\n"
"#\n"
RC_MARKER "@NAME@\n"
"# Written by \"kvm rc\"; \"kvm rename\" and \"kvm destroy\" keep it in\n"
"# step.  Run \"kvm rc @NAME@\" again to change the lines above.\n"
"#\n"
"# rc.conf(5) variables:\n"
"#   @VAR@_enable: YES starts the VM at boot (default NO).\n"
"#   @VAR@_timeout: seconds \"stop\" waits for the guest to shut\n"
"#     down after the ACPI power button before it powers the VM\n"
"#     off (default @TIMEOUT@; anything but a number of seconds up\n"
"#     to 86400: the default, with a warning).\n"
"# At host shutdown (faststop) the script only presses the power\n"
"# button: kvm's host script, stopped after it, waits for all the\n"
"# VMs at once and powers off those still running in time for\n"
"# rcshutdown_timeout.  Without the host script it waits as stop.\n"
"\n"
"# rc.subr reads the variables set below.\n"
"# shellcheck disable=SC1091,SC2034\n"
". /etc/rc.subr\n"
"\n"
"name=\"@VAR@\"\n"
"desc=\"bhyve VM @NAME@\"\n"
"rcvar=\"@VAR@_enable\"\n"
"start_cmd=\"@VAR@_start\"\n"
"stop_cmd=\"@VAR@_stop\"\n"
"status_cmd=\"@VAR@_status\"\n"
"# An rc.subr that does not list \"status\" for status_cmd itself.\n"
"grep -qF '{status_cmd}' /etc/rc.subr || extra_commands=\"status\"\n"
"\n"
"@VAR@_start()\n"
"{\n"
"\t@KVM@ start -d @NAME@\n"
"}\n"
"\n"
"# kvm status exits 0 when the VM is up (bhyve's pid, 0 while it\n"
"# starts), 1 when it is not (0, or -1: no such VM), 3 after an error.\n"
"@VAR@_state()\n"
"{\n"
"\t@VAR@_pid=$(@KVM@ status @NAME@)\n"
"\tcase \"$?:${@VAR@_pid}\" in\n"
"\t0:0)\t@VAR@_st=starting ;;\n"
"\t0:*)\t@VAR@_st=running ;;\n"
"\t1:0)\t@VAR@_st=stopped ;;\n"
"\t1:-1)\t@VAR@_st=none ;;\n"
"\t*)\t@VAR@_st=error ;;\n"
"\tesac\n"
"}\n"
"\n"
"@VAR@_stop()\n"
"{\n"
"\t@VAR@_state\n"
"\tcase ${@VAR@_st} in\n"
"\tstopped)\n"
"\t\t[ -n \"${rc_fast}\" ] && return 0\n"
"\t\techo \"@NAME@ is not running.\" >&2\n"
"\t\treturn 1\n"
"\t\t;;\n"
"\tnone)\n"
"\t\techo \"@NAME@: no such VM\" >&2\n"
"\t\treturn 1\n"
"\t\t;;\n"
"\terror)\n"
"\t\techo \"@NAME@: kvm status failed; stopping the VM anyway\" >&2\n"
"\t\t;;\n"
"\tesac\n"
"\t# Without the host script nothing would wait: wait here then.\n"
"\tif [ -n \"${rc_fast}\" ] && [ -x @HOST@ ]; then\n"
"\t\t@KVM@ shutdown -n @NAME@\n"
"\t\treturn\n"
"\tfi\n"
"\tcase ${@VAR@_timeout} in\n"
"\t''|*[!0-9]*|??????*)\n"
"\t\t;;\n"
"\t*)\n"
"\t\t[ \"${@VAR@_timeout}\" -le 86400 ] &&\n"
"\t\t    { @KVM@ shutdown -t \"${@VAR@_timeout}\" @NAME@; return; }\n"
"\t\t;;\n"
"\tesac\n"
"\techo \"@NAME@: @VAR@_timeout=\\\"${@VAR@_timeout}\\\" is not a number\" \\\n"
"\t    \"of seconds (0 to 86400); using @TIMEOUT@\" >&2\n"
"\t@KVM@ shutdown -t @TIMEOUT@ @NAME@\n"
"}\n"
"\n"
"@VAR@_status()\n"
"{\n"
"\t@VAR@_state\n"
"\tcase ${@VAR@_st} in\n"
"\trunning)\n"
"\t\techo \"@NAME@ is running as pid ${@VAR@_pid}.\" ;;\n"
"\tstarting)\n"
"\t\techo \"@NAME@ is starting.\" ;;\n"
"\tstopped)\n"
"\t\techo \"@NAME@ is not running.\"\n"
"\t\treturn 1 ;;\n"
"\tnone)\n"
"\t\techo \"@NAME@: no such VM\" >&2\n"
"\t\treturn 1 ;;\n"
"\t*)\n"
"\t\techo \"@NAME@: state unknown: kvm status failed\" >&2\n"
"\t\treturn 1 ;;\n"
"\tesac\n"
"}\n"
"\n"
"load_rc_config \"$name\"\n"
": \"${@VAR@_enable:=\"NO\"}\"\n"
": \"${@VAR@_timeout:=\"@TIMEOUT@\"}\"\n"
"\n"
"# rc.subr lets \"stop\" through without @VAR@_enable only for a daemon\n"
"# whose pid it finds, and \"status\" not at all; it cannot find a VM's\n"
"# pid.  So a VM that is not known to be stopped is stopped whether it\n"
"# is enabled or not (one started with onestart is still stopped at\n"
"# shutdown), and status always answers.\n"
"case \"$1\" in\n"
"*stop)\t@VAR@_state\n"
"\t[ \"${@VAR@_st}\" = stopped ] || @VAR@_enable=\"YES\" ;;\n"
"*status)\t@VAR@_enable=\"YES\" ;;\n"
"esac\n"
"\n"
"run_rc_command \"$1\"\n";

/* " words", or "" when there are none. */
static char *
rc_blank_words(const char *words)
{
	char *s;

	if (asprintf(&s, "%s%s", *words != '\0' ? " " : "", words) == -1)
		err(1, NULL);
	return s;
}

char *
rc_text(const struct kvm_ctx *ctx, const char *name,
    const struct rc_fields *rf)
{
	char var[KVM_NAME_MAX + 1], timeout[16], host[PATH_MAX], *text;
	struct { const char *tok; char *val; } sub[] = {
		{ "@NAME@", NULL }, { "@VAR@", NULL }, { "@KVM@", NULL },
		{ "@REQUIRE@", NULL }, { "@BEFORE@", NULL },
		{ "@KEYWORD@", NULL }, { "@TIMEOUT@", NULL },
		{ "@HOST@", NULL },
	};
	const size_t nsub = sizeof(sub) / sizeof(sub[0]);
	const char *p;
	size_t i, len;
	FILE *fp;

	rc_varname(name, var, sizeof(var));
	snprintf(timeout, sizeof(timeout), "%d", RC_DEF_TIMEOUT);
	sub[0].val = strdup(name);
	sub[1].val = strdup(var);
	sub[2].val = sh_quote(ctx->self);
	sub[3].val = rc_blank_words(rf->rf_require);
	sub[4].val = rc_blank_words(rf->rf_before);
	sub[5].val = rc_blank_words(rf->rf_keyword);
	sub[6].val = strdup(timeout);
	if (rc_path(ctx, RC_HOST_NAME, host, sizeof(host)) == -1)
		host[0] = '\0';	/* reported; the script then waits */
	sub[7].val = sh_quote(host);
	if ((fp = open_memstream(&text, &len)) == NULL)
		err(1, "open_memstream");
	for (p = rc_template; *p != '\0'; ) {
		for (i = 0; i < nsub; i++)
			if (strncmp(p, sub[i].tok, strlen(sub[i].tok)) == 0)
				break;
		if (i < nsub) {
			if (sub[i].val == NULL)
				err(1, NULL);
			fputs(sub[i].val, fp);
			p += strlen(sub[i].tok);
		} else
			fputc(*p++, fp);
	}
	if (ferror(fp) || fclose(fp) != 0)
		err(1, "open_memstream");
	for (i = 0; i < nsub; i++)
		free(sub[i].val);
	return text;
}

static int
rc_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
rc_scripts(const struct kvm_ctx *ctx, char ***namesp, size_t *np)
{
	char dir[PATH_MAX], e[KVM_ERR_MAX], **names = NULL;
	struct dirent *de;
	size_t n = 0;
	DIR *d;
	int k;

	*namesp = NULL;
	*np = 0;
	if (host_path(ctx, KVM_RCD, dir, sizeof(dir)) == -1)
		return -1;
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		warn("%s", dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (valid_name(de->d_name, e, sizeof(e)) == -1)
			continue;
		if ((k = rc_read(ctx, de->d_name, NULL)) == -1) {
			closedir(d);
			strlist_free(names, n);
			return -1;
		}
		if (k != RC_KVM)
			continue;
		if ((names = reallocarray(names, n + 1, sizeof(*names))) ==
		    NULL || (names[n++] = strdup(de->d_name)) == NULL)
			err(1, NULL);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), rc_name_cmp);
	*namesp = names;
	*np = n;
	return 0;
}

int
rc_var_taken(const struct kvm_ctx *ctx, const char *name, const char *except,
    char *other, size_t sz)
{
	char var[KVM_NAME_MAX + 1], v[KVM_NAME_MAX + 1], **names;
	size_t n, i;
	int r = 0;

	if (rc_scripts(ctx, &names, &n) == -1)
		return -1;
	rc_varname(name, var, sizeof(var));
	for (i = 0; i < n && r == 0; i++) {
		if (strcmp(names[i], name) == 0 ||
		    (except != NULL && strcmp(names[i], except) == 0))
			continue;
		rc_varname(names[i], v, sizeof(v));
		if (strcmp(var, v) == 0) {
			strlcpy(other, names[i], sz);
			r = 1;
		}
	}
	strlist_free(names, n);
	return r;
}

int
rc_owns_vars(const struct kvm_ctx *ctx, const char *name)
{
	char other[KVM_NAME_MAX + 1];
	int k;

	if ((k = rc_read(ctx, name, NULL)) == -1)
		return -1;
	if (k == RC_FOREIGN)
		return 0;
	if ((k = rc_var_taken(ctx, name, NULL, other, sizeof(other))) == -1)
		return -1;
	return !k;
}

int
rc_check_free(const struct kvm_ctx *ctx, const char *name,
    const char *except)
{
	char path[PATH_MAX], var[KVM_NAME_MAX + 1], other[KVM_NAME_MAX + 1];
	int k;

	if (host_path(ctx, RC_BASE, path, sizeof(path)) == -1 ||
	    strlcat(path, "/", sizeof(path)) >= sizeof(path) ||
	    strlcat(path, name, sizeof(path)) >= sizeof(path))
		return -1;
	if (access(path, F_OK) == 0) {
		warnx("%s: %s is a base system script of that name", name,
		    path);
		return -1;
	}
	if ((k = rc_read(ctx, name, NULL)) == -1 ||
	    rc_path(ctx, name, path, sizeof(path)) == -1)
		return -1;
	if (k == RC_FOREIGN) {
		warnx("%s: %s exists and is not kvm's", name, path);
		return -1;
	}
	if ((k = rc_var_taken(ctx, name, except, other, sizeof(other))) != 0) {
		rc_varname(name, var, sizeof(var));
		if (k == 1)
			warnx("%s: the rc.d script of VM %s already uses "
			    "%s_enable", name, other, var);
		return -1;
	}
	return 0;
}


/*
 * kvm's host script, ROOT/usr/local/etc/rc.d/kvm, with @KVM@ for kvm's
 * quoted path.  No rcvar: rc.subr gates nothing then, so it runs at
 * every boot and shutdown once installed.  At boot it loads what the
 * supervisors would (supervise.c: vmm, and nmdm for their consoles).
 * At shutdown the VMs' scripts (REQUIRE: kvm, so rc.shutdown, going in
 * reverse rcorder order, runs them first) have pressed the power
 * buttons; "kvm shutdown -a" waits for every VM at once, those started
 * by hand too, and forces off the rest at the bound, which leaves 15 s
 * of rc.shutdown's watchdog (rcshutdown_timeout, 90 in
 * /etc/defaults/rc.conf) for forcing and postRun.
 */
static const char rc_host_template[] =
"#!/bin/sh\n"
"#\n"
"# PROVIDE: kvm\n"
"# REQUIRE: FILESYSTEMS kld\n"
"# KEYWORD: shutdown nojail\n"
"#\n"
RC_HOST_MARKER "\n"
"# Written by \"kvm install\"; \"kvm uninstall\" removes it.\n"
"#\n"
"# start: loads the vmm and nmdm kernel modules.\n"
"# stop (at host shutdown, after the VMs' own scripts have pressed\n"
"# their power buttons): waits for all running VMs at once and powers\n"
"# off those still running once rcshutdown_timeout - 15 seconds have\n"
"# passed since rc.shutdown(8) began (at least 5 from now; 60 when\n"
"# rcshutdown_timeout is empty, i.e. no watchdog), so that every VM is\n"
"# down before rc.shutdown is cut off.\n"
"\n"
"# rc.subr reads the variables set below; load_rc_config sets\n"
"# rcshutdown_timeout.\n"
"# shellcheck disable=SC1091,SC2034,SC2154\n"
". /etc/rc.subr\n"
"\n"
"name=\"kvm\"\n"
"desc=\"bhyve VMs managed by kvm(8)\"\n"
"start_cmd=\"kvm_host_start\"\n"
"stop_cmd=\"kvm_host_stop\"\n"
"\n"
"kvm_host_start()\n"
"{\n"
"\tfor kvm_mod in vmm nmdm; do\n"
"\t\tkldstat -q -m \"$kvm_mod\" || kldload \"$kvm_mod\"\n"
"\tdone\n"
"}\n"
"\n"
"# Seconds since rc.shutdown(8) began, 0 when unknown.  run_rc_script\n"
"# runs this script in a subshell of rc.shutdown, so $$ is\n"
"# rc.shutdown's pid (by hand, through service(8), it is this script's\n"
"# own shell: 0).  ps -o etime is POSIX: [[dd-]hh:]mm:ss.\n"
"kvm_host_elapsed()\n"
"{\n"
"\tkvm_t=$(ps -o etime= -p $$ 2>/dev/null)\n"
"\tkvm_t=${kvm_t##* } kvm_d=0 kvm_h=00\n"
"\tcase $kvm_t in\n"
"\t*-*)\tkvm_d=${kvm_t%%-*} kvm_t=${kvm_t#*-} ;;\n"
"\tesac\n"
"\tcase $kvm_t in\n"
"\t*:*:*)\tkvm_h=${kvm_t%%:*} kvm_t=${kvm_t#*:} ;;\n"
"\tesac\n"
"\tkvm_m=${kvm_t%%:*} kvm_s=${kvm_t#*:}\n"
"\tcase $kvm_d in\n"
"\t''|*[!0-9]*)\n"
"\t\techo 0\n"
"\t\treturn ;;\n"
"\tesac\n"
"\t# 1$x - 100: \"08\" is no octal number then.\n"
"\tcase $kvm_h:$kvm_m:$kvm_s in\n"
"\t[0-9][0-9]:[0-9][0-9]:[0-9][0-9])\n"
"\t\techo $((((kvm_d * 24 + 1$kvm_h - 100) * 60 + 1$kvm_m - 100) * \\\n"
"\t\t    60 + 1$kvm_s - 100)) ;;\n"
"\t*)\techo 0 ;;\n"
"\tesac\n"
"}\n"
"\n"
"kvm_host_stop()\n"
"{\n"
"\tcase ${rcshutdown_timeout} in\n"
"\t'')\n"
"\t\tkvm_bound=60 ;;\n"
"\t*[!0-9]*|??????*)\n"
"\t\techo \"kvm: rcshutdown_timeout=\\\"${rcshutdown_timeout}\\\"\" \\\n"
"\t\t    \"is not a number of seconds; using 90\" >&2\n"
"\t\tkvm_bound=$((90 - $(kvm_host_elapsed) - 15)) ;;\n"
"\t*)\n"
"\t\tkvm_bound=$((rcshutdown_timeout - $(kvm_host_elapsed) - 15)) ;;\n"
"\tesac\n"
"\t[ \"$kvm_bound\" -ge 5 ] || kvm_bound=5\n"
"\t@KVM@ shutdown -a -t \"$kvm_bound\"\n"
"}\n"
"\n"
"load_rc_config \"$name\"\n"
"run_rc_command \"$1\"\n";

char *
rc_host_text(const struct kvm_ctx *ctx)
{
	const char *p, *tok = "@KVM@";
	char *q, *text;
	size_t len;
	FILE *fp;

	q = sh_quote(ctx->self);
	if ((fp = open_memstream(&text, &len)) == NULL)
		err(1, "open_memstream");
	for (p = rc_host_template; *p != '\0'; ) {
		if (strncmp(p, tok, strlen(tok)) == 0) {
			fputs(q, fp);
			p += strlen(tok);
		} else
			fputc(*p++, fp);
	}
	if (ferror(fp) || fclose(fp) != 0)
		err(1, "open_memstream");
	free(q);
	return text;
}

/* 1 when ROOT/usr/local/etc/rc.d/kvm carries the host marker, 0 when
 * it does not or is absent, -1 (reported). */
static int
rc_host_is(const char *path)
{
	char *text;
	int r;

	if (file_read(path, &text, NULL) == -1) {
		if (errno == ENOENT)
			return 0;
		warn("%s", path);
		return -1;
	}
	r = strstr(text, "\n" RC_HOST_MARKER "\n") != NULL;
	free(text);
	return r;
}

int
rc_host_write(const struct kvm_ctx *ctx)
{
	char dir[PATH_MAX], path[PATH_MAX], *text;
	int r;

	if (host_path(ctx, KVM_RCD, dir, sizeof(dir)) == -1 ||
	    rc_path(ctx, RC_HOST_NAME, path, sizeof(path)) == -1)
		return -1;
	if (access(path, F_OK) == 0 && (r = rc_host_is(path)) != 1) {
		if (r == 0)
			warnx("%s exists and is not kvm's host script", path);
		return -1;
	}
	if (mkdirs(dir, 0755) == -1)
		return -1;
	text = rc_host_text(ctx);
	r = file_write_atomic(path, text, strlen(text), 0555);
	free(text);
	return r;
}

int
rc_host_remove(const struct kvm_ctx *ctx)
{
	char path[PATH_MAX];
	int r;

	if (rc_path(ctx, RC_HOST_NAME, path, sizeof(path)) == -1 ||
	    (r = rc_host_is(path)) == -1)
		return -1;
	if (r == 1 && unlink(path) == -1) {
		warn("%s", path);
		return -1;
	}
	return r;
}
