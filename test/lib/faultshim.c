/*
 * faultshim.c - an LD_PRELOAD library that makes chosen system calls
 * fail, for the tests of what mp does on a failing disk.  MP_FAULT is a
 * comma-separated list of:
 *
 *   fsync-dir        fsync of a directory fails with EIO
 *   fsync            every fsync and fdatasync fails with EIO
 *   rename:TEXT      rename whose new name contains TEXT fails with EIO
 *   write:N          write(2) fails with ENOSPC once N bytes were written
 *                    (the calls the program makes itself: glibc's stdio
 *                    writes internally, so standard output is tested
 *                    with /dev/full instead)
 *   after:TEXT       the faults above start only once a rename whose
 *                    new name contains TEXT has succeeded
 *
 * It wraps glibc's entry points, so it works on the dynamically linked
 * build (make check builds one for these tests: MP_FAULT_BIN).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static long long written;
static int armed;

/* active - whether the faults are in force yet (see after:TEXT) */
static int active(void);

/* fault - the value of fault name in MP_FAULT ("" for a bare name), or
 * NULL when it is not asked for */
static const char *
fault(const char *name)
{
	static char buf[256];
	const char *spec = getenv("MP_FAULT");
	char *save = NULL, *item;
	size_t n = strlen(name);

	if (spec == NULL || strlen(spec) >= sizeof buf)
		return NULL;
	strcpy(buf, spec);
	for (item = strtok_r(buf, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save))
		if (strncmp(item, name, n) == 0 &&
		    (item[n] == '\0' || item[n] == ':'))
			return item[n] == ':' ? item + n + 1 : "";
	return NULL;
}

static int
active(void)
{
	return armed || fault("after") == NULL;
}

static int
fsync_fault(int fd)
{
	struct stat st;

	if (!active())
		return 0;
	if (fault("fsync") != NULL)
		return 1;
	return fault("fsync-dir") != NULL && fstat(fd, &st) == 0 &&
	    S_ISDIR(st.st_mode);
}

int
fsync(int fd)
{
	int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fsync");

	if (fsync_fault(fd)) {
		errno = EIO;
		return -1;
	}
	return real(fd);
}

int
fdatasync(int fd)
{
	int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");

	if (fsync_fault(fd)) {
		errno = EIO;
		return -1;
	}
	return real(fd);
}

int
rename(const char *from, const char *to)
{
	int (*real)(const char *, const char *) =
	    (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	const char *t = fault("rename"), *a = fault("after");
	int r;

	if (active() && t != NULL && strstr(to, t) != NULL) {
		errno = EIO;
		return -1;
	}
	r = real(from, to);
	if (r == 0 && a != NULL && strstr(to, a) != NULL)
		armed = 1;
	return r;
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	ssize_t (*real)(int, const void *, size_t) =
	    (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	const char *n = fault("write");
	ssize_t r;

	if (active() && n != NULL && written + (long long)len > atoll(n)) {
		errno = ENOSPC;
		return -1;
	}
	r = real(fd, buf, len);
	if (r > 0)
		written += r;
	return r;
}
