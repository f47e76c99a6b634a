/*
 * loaderopts.c: the LoaderOptions setting, extra words for the loader's
 * command line.  Checked per loader against the options it has
 * (bhyve-facts 3.1 and 3.2: bhyveload.c's getopt string "CSc:d:e:h:l:m:",
 * grub2-bhyve's argp table in grub-core/kern/emu/main.c); the options
 * kvm sets itself from other settings are refused with that setting's
 * name.  The words reach the loader as separate argv elements, never
 * through a shell.  Pure.
 */
#include <ctype.h>
#include <string.h>

#include "core/loaderopts.h"
#include "core/valid.h"
#include "core/vm.h"

/* An option kvm passes itself, and the setting it comes from. */
struct owned {
	enum vm_rom	 o_rom;
	const char	*o_word;
	const char	*o_from;
};

static const struct owned owned[] = {
	{ ROM_BHYVELOAD, "-m", "Mem" },
	{ ROM_BHYVELOAD, "-d", "Disk and Iso" },
	{ ROM_BHYVELOAD, "-c", "Com" },
	{ ROM_BHYVELOAD, "-S", "VMoptions S or a passthru entry in Devices" },
	{ ROM_GRUB, "-M", "Mem" },
	{ ROM_GRUB, "-m", "Disk and Iso (the device.map)" },
	{ ROM_GRUB, "-r", "GrubRoot" },
	{ ROM_GRUB, "-d", "GrubConfig" },
	{ ROM_GRUB, "-g", "GrubConfig" },
	{ ROM_GRUB, "-c", "Com" },
	{ ROM_GRUB, "-S", "VMoptions S or a passthru entry in Devices" },
};

/* The setting kvm sets word from, or NULL. */
static const char *
owned_by(enum vm_rom rom, const char *word)
{
	size_t i;

	for (i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		if (owned[i].o_rom == rom && strcmp(owned[i].o_word, word) == 0)
			return owned[i].o_from;
	return NULL;
}

/*
 * 1 if s is NAME=VALUE, NAME of loader variable characters and not
 * starting with '-' (a misplaced option) or '.'.
 */
static int
is_loader_var(const char *s)
{
	const char *p;

	if (!isalnum((unsigned char)*s) && *s != '_')
		return 0;
	for (p = s; isalnum((unsigned char)*p) || *p == '_' || *p == '.' ||
	    *p == '-'; p++)
		;
	return *p == '=';
}

/*
 * One bhyveload option w, its argument arg (NULL at the end); returns
 * the number of words used, or -1 with the message.
 */
static int
bhyveload_word(const char *l, const char *w, const char *arg, int *seen_l,
    char *msg, size_t msgsz)
{
	if (strcmp(w, "-C") == 0)
		return 1;
	if (strcmp(w, "-e") != 0 && strcmp(w, "-h") != 0 &&
	    strcmp(w, "-l") != 0)
		return errf(msg, msgsz, "%s: \"%s\" is not a bhyveload option "
		    "kvm passes on (accepted: -e NAME=VALUE, -C, -h DIR, "
		    "-l PATH)", l, w);
	if (arg == NULL)
		return errf(msg, msgsz, "%s: %s needs an argument", l, w);
	if (w[1] == 'e' && !is_loader_var(arg))
		return errf(msg, msgsz, "%s: -e \"%s\" must be NAME=VALUE, "
		    "NAME of letters, digits, '_', '.' and '-', not "
		    "starting with '-' or '.'", l, arg);
	if (w[1] != 'e' && *arg != '/')
		return errf(msg, msgsz, "%s: %s needs an absolute path, not "
		    "\"%s\"", l, w, arg);
	if (w[1] == 'l' && (*seen_l)++)
		return errf(msg, msgsz, "%s: -l given twice (bhyveload "
		    "takes one loader)", l);
	return 2;
}

/* One grub-bhyve option w; returns 1, or -1 with the message. */
static int
grub_word(const char *l, const char *w, char *msg, size_t msgsz)
{
	const char *p;

	if (strcmp(w, "-n") == 0 || strcmp(w, "-e") == 0 ||
	    strcmp(w, "-v") == 0)
		return 1;
	if (strcmp(w, "-H") == 0)
		return errf(msg, msgsz, "%s: -H needs its seconds attached, "
		    "e.g. -H5 (alone it waits for a debugger forever)", l);
	if (strncmp(w, "-H", 2) == 0) {
		for (p = w + 2; isdigit((unsigned char)*p); p++)
			;
		if (*p == '\0' && p - w <= 6)
			return 1;
	}
	if (strncmp(w, "--", 2) == 0 && w[2] != '\0')
		return errf(msg, msgsz, "%s: \"%s\": give grub-bhyve's "
		    "options in their short form (-n, -e, -v, -HSECS)", l, w);
	return errf(msg, msgsz, "%s: \"%s\" is not a grub-bhyve option kvm "
	    "passes on (accepted: -n, -e, -v, -HSECS)", l, w);
}

/* Check each word of the normalised list s (one space between). */
static int
check_words(const struct vm *vm, const char *l, const char *s, char *msg,
    size_t msgsz)
{
	char copy[sizeof(vm->loader_opts)], *w[sizeof(copy) / 2 + 1], *p;
	const char *from;
	size_t i, nw = 0;
	int n, seen_l = 0;

	strlcpy(copy, s, sizeof(copy));
	for (p = copy; *p != '\0';) {
		w[nw++] = p;
		p += strcspn(p, " ");
		if (*p == ' ')
			*p++ = '\0';
	}
	w[nw] = NULL;
	for (i = 0; i < nw; i += (size_t)n) {
		if ((from = owned_by(vm->rom, w[i])) != NULL)
			return errf(msg, msgsz, "%s: kvm sets %s itself, from "
			    "%s", l, w[i], from);
		if (vm->rom == ROM_GRUB)
			n = grub_word(l, w[i], msg, msgsz);
		else
			n = bhyveload_word(l, w[i], w[i + 1], &seen_l, msg,
			    msgsz);
		if (n == -1)
			return -1;
	}
	return 0;
}

/* LoaderOptions (loaderopts.h). */
int
loaderopts_parse(struct vm *vm, const char *label, const char *v,
    char *msg, size_t msgsz)
{
	static const char sep[] = " \t\n";
	char words[sizeof(vm->loader_opts)];
	size_t len = 0, n;

	for (v += strspn(v, sep); *v != '\0'; v += strspn(v, sep)) {
		n = strcspn(v, sep);
		if (len + n + 1 >= sizeof(words))
			return errf(msg, msgsz, "%s is too long (at most %zu "
			    "bytes)", label, sizeof(words) - 1);
		if (len > 0)
			words[len++] = ' ';
		memcpy(words + len, v, n);
		len += n;
		v += n;
	}
	words[len] = '\0';
	if (len > 0 && vm->rom != ROM_GRUB && vm->rom != ROM_BHYVELOAD)
		return errf(msg, msgsz, "%s must be empty with VMrom uefi or "
		    "a firmware file (bhyve starts the guest, no loader runs)",
		    label);
	if (check_words(vm, label, words, msg, msgsz) == -1)
		return -1;
	strlcpy(vm->loader_opts, words, sizeof(vm->loader_opts));
	return 0;
}
