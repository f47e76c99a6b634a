/* cmd_status.c: placeholder until written */
#include <err.h>
#include "kvm.h"
int
cmd_status(struct kvm_ctx *ctx, int argc, char **argv)
{
	(void)ctx; (void)argc;
	errx(1, "%s: not implemented yet", argv[0]);
}
int
cmd_info(struct kvm_ctx *ctx, int argc, char **argv)
{
	(void)ctx; (void)argc;
	errx(1, "%s: not implemented yet", argv[0]);
}
int
cmd_list(struct kvm_ctx *ctx, int argc, char **argv)
{
	(void)ctx; (void)argc;
	errx(1, "%s: not implemented yet", argv[0]);
}
