/*
 * functions.h: the hook library, compiled in from share/functions
 * (functions.c is generated); install writes it into the kvm home.
 */
#ifndef KVM_HOST_FUNCTIONS_H
#define KVM_HOST_FUNCTIONS_H


extern const char kvm_functions[];

#endif /* !KVM_HOST_FUNCTIONS_H */
