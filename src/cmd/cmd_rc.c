/*
 * cmd_rc.c: "kvm rc", the seed's dorc: asks for or takes the rc.d
 * header fields and writes the VM's rc.d script (host/rc.c).
 */

#include <ctype.h>
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/argv.h"
#include "core/common.h"
#include "core/valid.h"
#include "host/file.h"
#include "host/lock.h"
#include "host/paths.h"
#include "host/rc.h"
#include "host/vmload.h"
#include "cmd/cmd.h"

#define RC_DEF_REQUIRE	"NETWORKING SERVERS dmesg"
#define RC_DEF_BEFORE	""
#define RC_DEF_KEYWORD	"shutdown nojail"

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

/* Append word to the blank-separated list words; -1 after a message. */
static int
rc_add_word(char *words, size_t sz, const char *word)
{
	if (strlen(words) + strlen(word) + 2 > sz) {
		warnx("REQUIRE: too long (at most %zu characters)", sz - 1);
		return -1;
	}
	if (*words != '\0')
		strlcat(words, " ", sz);
	strlcat(words, word, sz);
	return 0;
}

/* kvm's host script, written when there is none yet (an install made
 * before it existed). */
static int
rc_host_ensure(const struct kvm_ctx *ctx)
{
	char path[PATH_MAX];

	if (rc_path(ctx, RC_HOST_NAME, path, sizeof(path)) == -1)
		return -1;
	if (access(path, F_OK) == 0)
		return 0;
	return rc_host_write(ctx);
}

/*
 * A name rc(8) can run a script under: 0, or -1 after a message that
 * says why not and what to do.
 */
static int
rc_name_ok(const char *name)
{
	char e[KVM_ERR_MAX];

	if (valid_name(name, e, sizeof(e)) == 0 &&
	    valid_rc_name(name, e, sizeof(e)) == -1) {
		warnx("%s: %s; rename the VM (kvm rename %s NEWNAME)", name,
		    e, name);
		return -1;
	}
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

/*
 * Write or update the script of name, whose admin lock the caller
 * holds.  Exit status.
 */
static int
rc_run(const struct kvm_ctx *ctx, const char *name, const char *req,
    const char *bef, const char *key)
{
	char path[PATH_MAX], var[KVM_NAME_MAX + 1];
	struct rc_fields cur, f;
	int kind;

	if (rc_check_free(ctx, name, NULL) == -1 ||
	    (kind = rc_read(ctx, name, &cur)) == -1 ||
	    rc_path(ctx, name, path, sizeof(path)) == -1)
		return 1;
	if (kind != RC_KVM) {
		strlcpy(cur.rf_require, RC_DEF_REQUIRE, sizeof(cur.rf_require));
		strlcpy(cur.rf_before, RC_DEF_BEFORE, sizeof(cur.rf_before));
		strlcpy(cur.rf_keyword, RC_DEF_KEYWORD, sizeof(cur.rf_keyword));
	}
	if (rc_fields_get(name, req, bef, key, &cur, &f) == -1)
		return 1;
	/* Stopped after the VMs at shutdown: it waits for them all. */
	if (!rc_has_word(f.rf_require, RC_HOST_NAME) &&
	    rc_add_word(f.rf_require, sizeof(f.rf_require),
	    RC_HOST_NAME) == -1)
		return 1;
	if (rc_host_ensure(ctx) == -1 || rc_write(ctx, name, &f) == -1)
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

/*
 * The VM's admin lock is held throughout, and its existence checked
 * under it, so that no script is written for a VM that a destroy or
 * rename running beside has just taken away.
 */
int
cmd_rc(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	const char *req = NULL, *bef = NULL, *key = NULL, *name;
	int ch, lock, r;

	while ((ch = getopt(argc, argv, "+r:b:k:")) != -1) {
		if (ch == 'r')
			req = optarg;
		else if (ch == 'b')
			bef = optarg;
		else if (ch == 'k')
			key = optarg;
		else
			cmd_usage(cmd);
	}
	if (argc - optind != 1)
		cmd_usage(cmd);
	name = argv[optind];
	if (ctx_load_home(ctx) == -1)
		return 1;
	if (vm_find(ctx, name) == -1 || rc_name_ok(name) == -1)
		return 1;
	if (ctx->self[0] != '/')
		errx(1, "cannot find kvm's own absolute path");
	if (vm_admin(ctx, name, &lock) == -1)
		return 1;
	r = rc_run(ctx, name, req, bef, key);
	lock_release(lock);
	return r;
}
