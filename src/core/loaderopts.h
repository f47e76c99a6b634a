/*
 * loaderopts.h: the LoaderOptions setting (pure), extra options for
 * bhyveload or grub-bhyve, checked against the loader VMrom chose.
 */
#ifndef KVM_CORE_LOADEROPTS_H
#define KVM_CORE_LOADEROPTS_H

#include <stddef.h>

struct vm;

/*
 * The settings table's parser of LoaderOptions (a setting_parse_fn):
 * v is a list of words separated by blanks; each must be an option of
 * vm->rom's loader that kvm does not set itself (VMrom is parsed
 * before).  Stores the words, one space between, in vm->loader_opts.
 * Returns 0, or -1 with "LABEL...: what is wrong" in msg and vm
 * unchanged.
 */
int	loaderopts_parse(struct vm *vm, const char *label, const char *v,
	    char *msg, size_t msgsz);

#endif /* !KVM_CORE_LOADEROPTS_H */
