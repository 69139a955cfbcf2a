/*
 * detshim.c - an LD_PRELOAD library that makes the tools' random values
 * and clock fixed, so that two runs over the same mail write the same
 * bytes (scripts/outputs records them to compare two builds).
 *
 *   random bytes   getrandom, getentropy, arc4random, arc4random_buf,
 *                  arc4random_uniform, syscall(SYS_getrandom) and reads
 *                  of /dev/urandom and /dev/random come from a
 *                  counter-based generator (splitmix64) that starts from
 *                  the same seed in every process
 *   wall clock     time, gettimeofday and clock_gettime of the realtime
 *                  clocks say DETSHIM_TIME (seconds since the epoch; a
 *                  fixed day in 2026 by default), and never move; the
 *                  monotonic clocks are left alone
 *   host, process  gethostname and uname's nodename say mp.example;
 *                  getpid says 4242 (it names Maildir files)
 *
 * It wraps glibc's entry points, so it works on the mixed-linked build
 * (make LINK=mixed: GMime, GLib, libsodium and libarchive static, glibc
 * shared), not on static binaries.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define DETSHIM_SEED	0x6d702d6f75747075ULL	/* "mp-outpu" */
#define DETSHIM_EPOCH	1795435200		/* 2026-11-23 12:00:00 UTC */
#define DETSHIM_HOST	"mp.example"
#define DETSHIM_PID	4242

static uint64_t state = DETSHIM_SEED;

/* next_sym - glibc's own definition of name, looked up once by the caller */
static void *
next_sym(void **cache, const char *name)
{
	if (*cache == NULL)
		*cache = dlsym(RTLD_NEXT, name);
	return *cache;
}

/* next64 - the next value of the generator (splitmix64) */
static uint64_t
next64(void)
{
	uint64_t z = (state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* fill - len bytes of the generator into buf */
static void
fill(void *buf, size_t len)
{
	unsigned char *p = buf;
	uint64_t v;
	size_t n;

	while (len > 0) {
		v = next64();
		n = len < sizeof v ? len : sizeof v;
		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
}

/* fixed_time - the one moment every run sees */
static time_t
fixed_time(void)
{
	const char *s = getenv("DETSHIM_TIME");

	return s != NULL && *s != '\0' ? (time_t)strtoll(s, NULL, 10) :
	    (time_t)DETSHIM_EPOCH;
}

/* realtime - whether clock id reads the wall clock */
static int
realtime(clockid_t id)
{
	return id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE ||
	    id == CLOCK_TAI;
}

/* getrandom - len bytes of the generator, whatever flags say */
ssize_t
getrandom(void *buf, size_t len, unsigned int flags)
{
	(void)flags;
	fill(buf, len);
	return (ssize_t)len;
}

/* getentropy - the same, with getentropy's limit of 256 bytes */
int
getentropy(void *buf, size_t len)
{
	if (len > 256) {
		errno = EIO;
		return -1;
	}
	fill(buf, len);
	return 0;
}

/* arc4random - 32 bits of the generator */
uint32_t
arc4random(void)
{
	return (uint32_t)next64();
}

/* arc4random_buf - len bytes of the generator */
void
arc4random_buf(void *buf, size_t len)
{
	fill(buf, len);
}

/* arc4random_uniform - a value below bound, without modulo bias */
uint32_t
arc4random_uniform(uint32_t bound)
{
	uint32_t min, r;

	if (bound < 2)
		return 0;
	min = -bound % bound;
	do
		r = (uint32_t)next64();
	while (r < min);
	return r % bound;
}

/* syscall - getrandom answered here, every other call passed on */
long
syscall(long number, ...)
{
	static void *cache;
	long (*real)(long, ...) =
	    (long (*)(long, ...))next_sym(&cache, "syscall");
	long a[6];
	va_list ap;
	int i;

	va_start(ap, number);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (number == SYS_getrandom) {
		fill((void *)a[0], (size_t)a[1]);
		return a[1];
	}
	return real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* time - the fixed moment */
time_t
time(time_t *t)
{
	time_t now = fixed_time();

	if (t != NULL)
		*t = now;
	return now;
}

/* gettimeofday - the fixed moment, to the microsecond */
int
gettimeofday(struct timeval *tv, void *tz)
{
	(void)tz;
	tv->tv_sec = fixed_time();
	tv->tv_usec = 0;
	return 0;
}

/* clock_gettime - the fixed moment for the realtime clocks only */
int
clock_gettime(clockid_t id, struct timespec *ts)
{
	static void *cache;
	int (*real)(clockid_t, struct timespec *) =
	    (int (*)(clockid_t, struct timespec *))next_sym(&cache,
	    "clock_gettime");

	if (!realtime(id))
		return real(id, ts);
	ts->tv_sec = fixed_time();
	ts->tv_nsec = 0;
	return 0;
}

/* gethostname - mp.example */
int
gethostname(char *name, size_t len)
{
	if (len < sizeof DETSHIM_HOST) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(name, DETSHIM_HOST, sizeof DETSHIM_HOST);
	return 0;
}

/* uname - the kernel's answer with mp.example as the node name */
int
uname(struct utsname *u)
{
	static void *cache;
	int (*real)(struct utsname *) =
	    (int (*)(struct utsname *))next_sym(&cache, "uname");

	if (real(u) != 0)
		return -1;
	snprintf(u->nodename, sizeof u->nodename, "%s", DETSHIM_HOST);
	return 0;
}

/* getpid - always the same process id */
pid_t
getpid(void)
{
	return DETSHIM_PID;
}

/*
 * Random devices: a descriptor of /dev/urandom or /dev/random is a
 * descriptor of /dev/zero, and its reads are filled from the generator.
 */
static int urandom_fd[16];
static int urandom_n;

/* random_device - whether path is one of the kernel's random devices */
static int
random_device(const char *path)
{
	return path != NULL && (strcmp(path, "/dev/urandom") == 0 ||
	    strcmp(path, "/dev/random") == 0);
}

/* remember - note fd as a random device */
static int
remember(int fd)
{
	if (fd >= 0 && urandom_n < (int)(sizeof urandom_fd /
	    sizeof urandom_fd[0]))
		urandom_fd[urandom_n++] = fd;
	return fd;
}

/* is_random_fd - whether reads of fd are to come from the generator */
static int
is_random_fd(int fd)
{
	int i;

	for (i = 0; i < urandom_n; i++)
		if (urandom_fd[i] == fd)
			return 1;
	return 0;
}

/* open_flags - the real open, which takes a mode only with O_CREAT */
static int
open_flags(void **cache, const char *sym, const char *path, int flags,
    mode_t mode)
{
	int (*real)(const char *, int, ...) =
	    (int (*)(const char *, int, ...))next_sym(cache, sym);

	if (random_device(path))
		return remember(real("/dev/zero", flags & ~O_CREAT));
	return real(path, flags, mode);
}

/* open - the random devices as /dev/zero (see above) */
int
open(const char *path, int flags, ...)
{
	static void *cache;
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return open_flags(&cache, "open", path, flags, mode);
}

/* open64 - as open */
int
open64(const char *path, int flags, ...)
{
	static void *cache;
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return open_flags(&cache, "open64", path, flags, mode);
}

/* read - from the generator for a random device's descriptor */
ssize_t
read(int fd, void *buf, size_t len)
{
	static void *cache;
	ssize_t (*real)(int, void *, size_t) =
	    (ssize_t (*)(int, void *, size_t))next_sym(&cache, "read");

	if (urandom_n > 0 && is_random_fd(fd)) {
		fill(buf, len);
		return (ssize_t)len;
	}
	return real(fd, buf, len);
}

/* close - a random device's descriptor is forgotten */
int
close(int fd)
{
	static void *cache;
	int (*real)(int) = (int (*)(int))next_sym(&cache, "close");
	int i;

	for (i = 0; i < urandom_n; i++)
		if (urandom_fd[i] == fd)
			urandom_fd[i] = urandom_fd[--urandom_n];
	return real(fd);
}

/* cookie_read - a stdio read of a random device */
static ssize_t
cookie_read(void *cookie, char *buf, size_t len)
{
	(void)cookie;
	fill(buf, len);
	return (ssize_t)len;
}

/* cookie_close - nothing to release */
static int
cookie_close(void *cookie)
{
	(void)cookie;
	return 0;
}

/* random_stream - a stdio stream whose reads come from the generator */
static FILE *
random_stream(void)
{
	cookie_io_functions_t io = { cookie_read, NULL, NULL, cookie_close };

	return fopencookie(NULL, "r", io);
}

/* fopen - a random device as a stream of the generator */
FILE *
fopen(const char *path, const char *mode)
{
	static void *cache;
	FILE *(*real)(const char *, const char *) =
	    (FILE *(*)(const char *, const char *))next_sym(&cache, "fopen");

	return random_device(path) ? random_stream() : real(path, mode);
}

/* fopen64 - as fopen */
FILE *
fopen64(const char *path, const char *mode)
{
	static void *cache;
	FILE *(*real)(const char *, const char *) =
	    (FILE *(*)(const char *, const char *))next_sym(&cache,
	    "fopen64");

	return random_device(path) ? random_stream() : real(path, mode);
}
