/* cmd_clone.c: placeholder until written */
#include <err.h>
#include "kvm.h"
int
cmd_clone(struct kvm_ctx *ctx, int argc, char **argv)
{
	(void)ctx; (void)argc;
	errx(1, "%s: not implemented yet", argv[0]);
}
