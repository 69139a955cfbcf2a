/*
 * hold-pause.c - an LD_PRELOAD library that stops the process (SIGSTOP)
 * at a chosen step, so that test/hold-faults.bats can kill it right
 * there with SIGKILL.  MP_PAUSE is one of:
 *
 *   before:TEXT      just before a rename whose new name contains TEXT
 *   after:TEXT       just after such a rename succeeded
 *
 * Only the first such rename stops.  Like test/lib/faultshim.c it wraps
 * glibc's rename, so it works on the dynamically linked build only.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static int stopped;

/* wanted - whether MP_PAUSE asks to stop at this rename, at this side
 * of it ("before" or "after") */
static int
wanted(const char *side, const char *to)
{
	const char *spec = getenv("MP_PAUSE");
	size_t n = strlen(side);

	return !stopped && spec != NULL && strncmp(spec, side, n) == 0 &&
	    spec[n] == ':' && strstr(to, spec + n + 1) != NULL;
}

/* pause_here - stop until killed (or continued) */
static void
pause_here(void)
{
	stopped = 1;
	raise(SIGSTOP);
}

int
rename(const char *from, const char *to)
{
	int (*real)(const char *, const char *) =
	    (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	int r;

	if (wanted("before", to))
		pause_here();
	r = real(from, to);
	if (r == 0 && wanted("after", to))
		pause_here();
	return r;
}
