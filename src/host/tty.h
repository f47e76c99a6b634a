/*
 * tty.h: questions on the terminal.
 */
#ifndef KVM_HOST_TTY_H
#define KVM_HOST_TTY_H

/* Ask question on stdout, read a line; 1 for y or yes (any case). */
int	 ask_yes(const char *question);

#endif /* !KVM_HOST_TTY_H */
