/*
 * cmd_rc.c: "kvm rc", the seed's dorc: writes the VM's rc.d script
 * (rc.subr(8) style, bhyve-facts.md 7), and the rc.d and rc.conf
 * helpers rename, destroy and uninstall share.  kvm touches only
 * scripts that carry its marker line for that very VM; rc.conf is
 * changed only through sysrc(8).  A VM's rc.conf variables are named
 * after the VM with every '.' and '-' turned into '_' (sh variable
 * names allow neither).
 */

#include <ctype.h>
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kvm.h"

#define RC_MARKER	"# kvm rc.d script for VM "
#define RC_BASE		"/etc/rc.d"

#define RC_DEF_REQUIRE	"NETWORKING SERVERS dmesg"
#define RC_DEF_BEFORE	""
#define RC_DEF_KEYWORD	"shutdown nojail"
#define RC_DEF_TIMEOUT	60

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
 * kvm's quoted path, the header fields (with their leading blank) and
 * the default timeout.
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
"#     off (default @TIMEOUT@).\n"
"# At host shutdown rc.shutdown(8) stops the VMs one after another\n"
"# and is itself cut off after rcshutdown_timeout seconds (default\n"
"# 90): keep the sum of the enabled VMs' timeouts below it, or raise\n"
"# it (and kern.init_shutdown_timeout).\n"
"\n"
"# rc.subr reads the variables set below.\n"
"# shellcheck disable=SC1091,SC2034\n"
". /etc/rc.subr\n"
"\n"
"name=\"@VAR@\"\n"
"desc=\"bhyve VM @NAME@\"\n"
"rcvar=\"@VAR@_enable\"\n"
"extra_commands=\"status\"\n"
"start_cmd=\"@VAR@_start\"\n"
"stop_cmd=\"@VAR@_stop\"\n"
"status_cmd=\"@VAR@_status\"\n"
"\n"
"@VAR@_start()\n"
"{\n"
"\t@KVM@ start -d @NAME@\n"
"}\n"
"\n"
"@VAR@_stop()\n"
"{\n"
"\tif ! @KVM@ status @NAME@ >/dev/null; then\n"
"\t\t[ -n \"${rc_fast}\" ] && return 0\n"
"\t\techo \"@NAME@ is not running.\" >&2\n"
"\t\treturn 1\n"
"\tfi\n"
"\t@KVM@ shutdown -t \"${@VAR@_timeout}\" @NAME@\n"
"}\n"
"\n"
"@VAR@_status()\n"
"{\n"
"\tif @VAR@_pid=$(@KVM@ status @NAME@); then\n"
"\t\techo \"@NAME@ is running as pid ${@VAR@_pid}.\"\n"
"\telse\n"
"\t\techo \"@NAME@ is not running.\"\n"
"\t\treturn 1\n"
"\tfi\n"
"}\n"
"\n"
"load_rc_config \"$name\"\n"
": \"${@VAR@_enable:=\"NO\"}\"\n"
": \"${@VAR@_timeout:=\"@TIMEOUT@\"}\"\n"
"\n"
"# rc.subr lets \"stop\" through without @VAR@_enable only for a daemon\n"
"# whose pid it finds, and \"status\" not at all; it cannot find a VM's\n"
"# pid.  So a running VM is stopped whether it is enabled or not (one\n"
"# started with onestart is still stopped at shutdown), and status\n"
"# always answers.\n"
"case \"$1\" in\n"
"*stop)\t@KVM@ status @NAME@ >/dev/null && @VAR@_enable=\"YES\" ;;\n"
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
	char var[KVM_NAME_MAX + 1], timeout[16], *text;
	struct { const char *tok; char *val; } sub[] = {
		{ "@NAME@", NULL }, { "@VAR@", NULL }, { "@KVM@", NULL },
		{ "@REQUIRE@", NULL }, { "@BEFORE@", NULL },
		{ "@KEYWORD@", NULL }, { "@TIMEOUT@", NULL },
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
 * Run sysrc; 0, 1 when it answered "unknown variable", -1 otherwise
 * (its messages passed on as "kvm: ...").
 */
static int
sysrc(const struct kvm_ctx *ctx, char *const argv[], char **out)
{
	const char *p, *nl;
	char *eo;
	int st;

	if ((st = spawn_capture(ctx, argv, out, &eo)) == -1)
		return -1;
	if (st == 0) {
		free(eo);
		return 0;
	}
	if (out != NULL) {
		free(*out);
		*out = NULL;
	}
	if (strstr(eo, "unknown variable") != NULL) {
		free(eo);
		return 1;
	}
	for (p = eo; *p != '\0'; p = nl + (*nl != '\0')) {
		nl = p + strcspn(p, "\n");
		if (nl > p)
			warnx("%.*s", (int)(nl - p), p);
	}
	if (*eo == '\0')
		warnx("sysrc %s: exit status %d", argv[1], st);
	free(eo);
	return -1;
}

int
sysrc_get(const struct kvm_ctx *ctx, const char *var, char **value)
{
	char *argv[] = { "sysrc", "-n", NULL, NULL };
	char *out;
	size_t n;
	int r;

	argv[2] = (char *)(uintptr_t)var;
	if ((r = sysrc(ctx, argv, &out)) != 0)
		return r == 1 ? 0 : -1;
	n = strlen(out);
	if (n > 0 && out[n - 1] == '\n')
		out[n - 1] = '\0';
	*value = out;
	return 1;
}

int
sysrc_set(const struct kvm_ctx *ctx, const char *var, const char *value)
{
	char *argv[] = { "sysrc", NULL, NULL };
	int r;

	if (asprintf(&argv[1], "%s=%s", var, value) == -1)
		err(1, NULL);
	r = sysrc(ctx, argv, NULL);
	free(argv[1]);
	return r == 0 ? 0 : -1;
}

int
sysrc_unset(const struct kvm_ctx *ctx, const char *var)
{
	char *argv[] = { "sysrc", "-x", NULL, NULL };

	argv[2] = (char *)(uintptr_t)var;
	return sysrc(ctx, argv, NULL) == -1 ? -1 : 0;
}

/* 1 if the blank-separated list words holds word. */
static int
rc_has_word(const char *words, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = words; (p = strstr(p, word)) != NULL; p += n)
		if ((p == words || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ' '))
			return 1;
	return 0;
}

/*
 * Check and normalise the words of a header field into out: letters,
 * digits, '.', '_' and '-', separated by blanks; never the VM itself
 * in REQUIRE or BEFORE (rcorder would see a loop).  0 or -1 with a
 * message.
 */
static int
rc_words(const char *field, const char *in, const char *self, char *out,
    size_t sz)
{
	const char *p, *w;
	size_t n;

	*out = '\0';
	for (p = in; *p != '\0'; ) {
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		for (w = p; *p != '\0' && *p != ' ' && *p != '\t'; p++)
			if (!isascii((unsigned char)*p) ||
			    (!isalnum((unsigned char)*p) &&
			    strchr("._-", *p) == NULL)) {
				warnx("%s: \"%s\": words may only contain "
				    "letters, digits, '.', '_' and '-'",
				    field, in);
				return -1;
			}
		n = (size_t)(p - w);
		if (self != NULL && n == strlen(self) &&
		    strncmp(w, self, n) == 0) {
			warnx("%s: %s is this script itself", field, self);
			return -1;
		}
		if (strlen(out) + n + 2 > sz) {
			warnx("%s: too long (at most %zu characters)", field,
			    sz - 1);
			return -1;
		}
		if (*out != '\0')
			strlcat(out, " ", sz);
		strncat(out, w, n);
	}
	return 0;
}

/* Ask for a field on the terminal until the answer is valid. */
static int
rc_ask(const char *field, const char *def, const char *self, char *out,
    size_t sz)
{
	char *line = NULL;
	size_t cap = 0;
	int r;

	for (;;) {
		printf("%s [%s]: ", field, def);
		fflush(stdout);
		if (getline(&line, &cap, stdin) == -1) {
			free(line);
			printf("\n");
			return -1;
		}
		line[strcspn(line, "\n")] = '\0';
		r = rc_words(field, *line != '\0' ? line : def, self, out,
		    sz);
		if (r == 0)
			break;
	}
	free(line);
	return 0;
}

/* One field from its flag, the terminal or the default. */
static int
rc_get_field(const char *field, const char *flag, const char *def,
    const char *self, char *out, size_t sz)
{
	if (flag != NULL)
		return rc_words(field, flag, self, out, sz);
	if (isatty(STDIN_FILENO))
		return rc_ask(field, def, self, out, sz);
	return rc_words(field, def, self, out, sz);
}

/* Write NAME's script atomically, mode 0555, creating rc.d. */
static int
rc_write(const struct kvm_ctx *ctx, const char *name,
    const struct rc_fields *rf)
{
	char dir[PATH_MAX], path[PATH_MAX], *text;
	int r;

	if (host_path(ctx, KVM_RCD, dir, sizeof(dir)) == -1 ||
	    mkdirs(dir, 0755) == -1 ||
	    rc_path(ctx, name, path, sizeof(path)) == -1)
		return -1;
	text = rc_text(ctx, name, rf);
	r = file_write_atomic(path, text, strlen(text), 0555);
	free(text);
	return r;
}

/*
 * The header fields from the flags (NULL: not given), the terminal or
 * the defaults: kvm's, or the current script's when rewriting it.
 */
static int
rc_fields_get(const char *name, const char *req, const char *bef,
    const char *key, const struct rc_fields *cur, struct rc_fields *f)
{
	return rc_get_field("REQUIRE", req, cur->rf_require, name,
	    f->rf_require, sizeof(f->rf_require)) == -1 ||
	    rc_get_field("BEFORE", bef, cur->rf_before, name,
	    f->rf_before, sizeof(f->rf_before)) == -1 ||
	    rc_get_field("KEYWORD", key, cur->rf_keyword, NULL,
	    f->rf_keyword, sizeof(f->rf_keyword)) == -1 ? -1 : 0;
}

int
cmd_rc(struct kvm_ctx *ctx, int argc, char **argv)
{
	const char *req = NULL, *bef = NULL, *key = NULL, *name;
	char path[PATH_MAX], var[KVM_NAME_MAX + 1];
	struct rc_fields cur, f;
	int ch, kind;

	while ((ch = getopt(argc, argv, "+r:b:k:")) != -1) {
		if (ch == 'r')
			req = optarg;
		else if (ch == 'b')
			bef = optarg;
		else if (ch == 'k')
			key = optarg;
		else
			cmd_usage("rc");
	}
	if (argc - optind != 1)
		cmd_usage("rc");
	name = argv[optind];
	if (ctx_load_home(ctx) == -1)
		return 1;
	if (vm_find(ctx, name) == -1)
		return 1;
	if (ctx->self[0] != '/')
		errx(1, "cannot find kvm's own absolute path");
	if (rc_check_free(ctx, name, NULL) == -1 ||
	    (kind = rc_read(ctx, name, &cur)) == -1 ||
	    rc_path(ctx, name, path, sizeof(path)) == -1)
		return 1;
	if (kind != RC_KVM) {
		strlcpy(cur.rf_require, RC_DEF_REQUIRE, sizeof(cur.rf_require));
		strlcpy(cur.rf_before, RC_DEF_BEFORE, sizeof(cur.rf_before));
		strlcpy(cur.rf_keyword, RC_DEF_KEYWORD, sizeof(cur.rf_keyword));
	}
	if (rc_fields_get(name, req, bef, key, &cur, &f) == -1 ||
	    rc_write(ctx, name, &f) == -1)
		return 1;
	if (!rc_has_word(f.rf_keyword, "shutdown"))
		warnx("%s: KEYWORD has no \"shutdown\": rc.shutdown will "
		    "not stop the VM", name);
	rc_varname(name, var, sizeof(var));
	if (kind == RC_KVM)
		printf("%s: updated %s\n", name, path);
	else
		printf("%s: wrote %s; start it at boot with: "
		    "sysrc %s_enable=YES\n", name, path, var);
	return 0;
}
