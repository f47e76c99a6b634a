/*
 * vm.c: a VM's settings.  Reads the known variables of a parsed
 * set.conf (design.md section 4) into struct vm by running the parsers
 * of the settings table (settings.c) in its order, applying the
 * defaults.  Each error is (variable, line, message); vm_from_conf
 * stops at the first as "FILE:LINE: message", vm_from_conf_each hands
 * every one to its caller and goes on with that variable's default.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/vm.h"
#include "core/common.h"
#include "core/conf.h"
#include "core/settings.h"
#include "core/valid.h"

/* Where vm_from_conf wants its error. */
struct first {
	char	*f_err;
	size_t	 f_errsz;
};

/* One error: its text into err, then stop (vm_from_conf). */
static int
first_error(const struct vm_err *e, void *arg)
{
	struct first *a = arg;

	vm_err_text(e, a->f_err, a->f_errsz);
	return 1;
}

/*
 * The value the parser of s gets: the assigned one, or the default (or
 * "") when it is unset or, unless an empty value is one, empty.
 */
static const char *
conf_value(const struct conf *conf, const struct setting *s)
{
	const char *v = conf_get(conf, s->s_name);

	if (v != NULL && (*v != '\0' || (s->s_flags & SETTING_EMPTY)))
		return v;
	return s->s_default != NULL ? s->s_default : "";
}

/* Report e to each; returns what each returns. */
static int
report(vm_err_fn *each, void *arg, const char *file, const char *var,
    int line, const char *msg)
{
	struct vm_err e = { file, var, line, msg };

	return each(&e, arg);
}

/*
 * A message that quotes a value holding control characters (a newline
 * in a quoted value spans lines in set.conf) stays one line: \n, \t
 * and \ooo, as vis(3) writes them.
 */
static void
msg_escape(char *msg, size_t sz)
{
	char out[KVM_ERR_MAX], *o = out;
	const unsigned char *p;

	for (p = (const unsigned char *)msg; *p != '\0' &&
	    o < out + sizeof(out) - 5; p++) {
		if (*p == '\n' || *p == '\t') {
			*o++ = '\\';
			*o++ = *p == '\n' ? 'n' : 't';
		} else if (*p < 0x20 || *p == 0x7f)
			o += snprintf(o, 5, "\\%03o", *p);
		else
			*o++ = (char)*p;
	}
	*o = '\0';
	strlcpy(msg, out, sz);
}

/* Every setting in table order; -1 if any was wrong. */
static int
read_settings(struct vm *vm, const struct conf *conf, const char *file,
    vm_err_fn *each, void *arg)
{
	const struct setting *s;
	char msg[KVM_ERR_MAX];
	size_t i;
	int bad = 0;

	for (i = 0; (s = settings_at(i)) != NULL; i++) {
		if (s->s_parse(vm, s->s_name, conf_value(conf, s), msg,
		    sizeof(msg)) == 0)
			continue;
		bad = 1;
		msg_escape(msg, sizeof(msg));
		if (report(each, arg, file, s->s_name,
		    conf_line(conf, s->s_name), msg) != 0)
			break;
		/* Go on as if it were unset, so later checks have a value. */
		(void)s->s_parse(vm, s->s_name, s->s_default != NULL ?
		    s->s_default : "", msg, sizeof(msg));
	}
	return bad ? -1 : 0;
}

/* Every error to each, in table order (vm.h). */
int
vm_from_conf_each(struct vm *vm, const struct conf *conf, const char *name,
    const char *dir, const char *home, vm_err_fn *each, void *arg)
{
	char msg[KVM_ERR_MAX], file[PATH_MAX + 16];

	memset(vm, 0, sizeof(*vm));
	if (valid_name(name, msg, sizeof(msg)) == -1) {
		report(each, arg, name, NULL, 0, msg);
		return -1;
	}
	strlcpy(vm->name, name, sizeof(vm->name));
	if (strlcpy(vm->dir, dir, sizeof(vm->dir)) >= sizeof(vm->dir) ||
	    strlcpy(vm->home, home, sizeof(vm->home)) >= sizeof(vm->home)) {
		report(each, arg, name, NULL, 0, "directory name too long");
		return -1;
	}
	snprintf(file, sizeof(file), "%s/set.conf", dir);
	if (read_settings(vm, conf, file, each, arg) == -1) {
		vm_free(vm);
		return -1;
	}
	return 0;
}

/* The first error only, as text (vm.h). */
int
vm_from_conf(struct vm *vm, const struct conf *conf, const char *name,
    const char *dir, const char *home, char *err, size_t errsz)
{
	struct first a = { err, errsz };

	return vm_from_conf_each(vm, conf, name, dir, home, first_error, &a);
}

/* "FILE:LINE: message", or "FILE: message" without a line. */
void
vm_err_text(const struct vm_err *e, char *buf, size_t sz)
{
	if (e->ve_line > 0)
		snprintf(buf, sz, "%s:%d: %s", e->ve_file, e->ve_line,
		    e->ve_msg);
	else
		snprintf(buf, sz, "%s: %s", e->ve_file, e->ve_msg);
}

/* Free the Devices entries and forget them. */
void
vm_free(struct vm *vm)
{
	size_t i;

	for (i = 0; i < vm->ndevices; i++)
		free(vm->devices[i]);
	vm->ndevices = 0;
}

const char *
vm_rom_name(enum vm_rom rom)
{
	static const char *const names[] = { "uefi", "grub", "bhyveload",
	    "file" };

	return names[rom];
}
