/*
 * fault.c: fault injection, so that the tests can stop a command dead
 * between any two of its steps (tests/crash_test.sh).  The steps of
 * one operation are counted in the order they are reached, so
 * KVM_FAULT=rename:3 is the third step of a rename, whatever the
 * code path; a run without KVM_FAULT only pays a getenv per step.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/fault.h"

void
fault_point(const char *op)
{
	static long long steps;
	const char *f = getenv("KVM_FAULT"), *e;
	size_t n = strlen(op);
	long long want;

	if (f == NULL || strncmp(f, op, n) != 0 || f[n] != ':')
		return;
	want = strtonum(f + n + 1, 1, 1000000, &e);
	if (e != NULL || ++steps != want)
		return;
	/* Like a crash: no atexit, no flushing of stdio. */
	kill(getpid(), SIGKILL);
	_exit(137);
}
