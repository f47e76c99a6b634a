/* cmd_destroy.c: placeholder until written */
#include <err.h>
#include "kvm.h"
int
cmd_destroy(struct kvm_ctx *ctx, int argc, char **argv)
{
	(void)ctx; (void)argc;
	errx(1, "%s: not implemented yet", argv[0]);
}
int
cmd_uninstall(struct kvm_ctx *ctx, int argc, char **argv)
{
	(void)ctx; (void)argc;
	errx(1, "%s: not implemented yet", argv[0]);
}
