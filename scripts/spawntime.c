/*
 * spawntime - wall-clock cost of starting a filter, per invocation
 *
 * usage: spawntime [-n runs] [-r rounds] [-w warmup] [-i input] [-e status]
 *                  command [arg ...] [:: command [arg ...] ...]
 *
 * Each round runs every command `runs' times in turn (A A A.. B B B.. then
 * the next round), so machine noise falls on all of them alike.  Every
 * run is a posix_spawnp() with stdin opened afresh from `input' (default
 * /dev/null) and stdout and stderr on /dev/null, followed by waitpid().
 * A run that is killed or exits with a status other than `status'
 * (default 0) stops everything: a filter that fails fast is not fast.
 *
 * Output, one line per command, in the order given:
 *
 *     MEDIAN<TAB>ROUND1,ROUND2,...<TAB>COMMAND
 *
 * ROUNDn is the mean microseconds per run in round n; MEDIAN is the median
 * of those means.  Exit status: 0 done, 1 a run failed, 64 usage,
 * 71 a spawn failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define USAGE \
	"usage: spawntime [-n runs] [-r rounds] [-w warmup] [-i input] " \
	"[-e status]\n" \
	"                 command [arg ...] [:: command [arg ...] ...]\n"

#define MAX_COMMANDS 16

extern char **environ;

typedef struct {
	char **argv;		/* NULL-terminated, points into main's argv */
	double *round_us;	/* mean microseconds per run, per round */
} Command;

static void usage(void);
static long number(const char *s, long min);
static double now_us(void);
static int run_batch(const Command *c, long runs, const char *input,
    int want);
static int cmp_double(const void *a, const void *b);

int
main(int argc, char **argv)
{
	Command cmds[MAX_COMMANDS];
	const char *input = "/dev/null";
	long runs = 500, rounds = 5, warmup = 10;
	int ncmd = 0, want = 0, opt, i, r, rc;

	while ((opt = getopt(argc, argv, "+e:hi:n:r:w:")) != -1) {
		switch (opt) {
		case 'e':
			want = (int)number(optarg, 0);
			if (want > 255)
				usage();
			break;
		case 'h':
			fputs(USAGE, stdout);
			return 0;
		case 'i':
			input = optarg;
			break;
		case 'n':
			runs = number(optarg, 1);
			break;
		case 'r':
			rounds = number(optarg, 1);
			break;
		case 'w':
			warmup = number(optarg, 0);
			break;
		default:
			usage();
		}
	}
	if (access(input, R_OK) != 0) {
		fprintf(stderr, "spawntime: %s: %s\n", input, strerror(errno));
		return 66;
	}
	/* Split what is left at "::" into commands, in place. */
	for (i = optind; i < argc; ) {
		if (ncmd == MAX_COMMANDS || strcmp(argv[i], "::") == 0)
			usage();
		cmds[ncmd].argv = &argv[i];
		while (i < argc && strcmp(argv[i], "::") != 0)
			i++;
		if (i < argc) {
			argv[i++] = NULL;
			if (i == argc)
				usage();
		}
		cmds[ncmd].round_us = calloc((size_t)rounds, sizeof(double));
		if (cmds[ncmd].round_us == NULL) {
			perror("spawntime: calloc");
			return 71;
		}
		ncmd++;
	}
	if (ncmd == 0)
		usage();

	/* Untimed: page cache, dynamic loader caches, CPU frequency. */
	for (i = 0; i < ncmd && warmup > 0; i++)
		if ((rc = run_batch(&cmds[i], warmup, input, want)) != 0)
			return rc;
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < ncmd; i++) {
			double t0 = now_us();

			if ((rc = run_batch(&cmds[i], runs, input, want)) != 0)
				return rc;
			cmds[i].round_us[r] = (now_us() - t0) / (double)runs;
		}
	}

	for (i = 0; i < ncmd; i++) {
		double *sorted = malloc((size_t)rounds * sizeof(double));
		double median;
		char **a;

		if (sorted == NULL) {
			perror("spawntime: malloc");
			return 71;
		}
		memcpy(sorted, cmds[i].round_us, (size_t)rounds * sizeof(double));
		qsort(sorted, (size_t)rounds, sizeof(double), cmp_double);
		median = rounds % 2 ? sorted[rounds / 2] :
		    (sorted[rounds / 2 - 1] + sorted[rounds / 2]) / 2;
		free(sorted);
		printf("%.1f\t", median);
		for (r = 0; r < rounds; r++)
			printf("%s%.1f", r ? "," : "", cmds[i].round_us[r]);
		putchar('\t');
		for (a = cmds[i].argv; *a != NULL; a++)
			printf("%s%s", a == cmds[i].argv ? "" : " ", *a);
		putchar('\n');
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("spawntime: stdout");
		return 74;
	}
	return 0;
}

static void
usage(void)
{
	fputs(USAGE, stderr);
	exit(64);
}

/* number - a decimal option value of at least min */
static long
number(const char *s, long min)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min)
		usage();
	return v;
}

/* now_us - monotonic clock in microseconds */
static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* run_batch - spawn and reap a command `runs' times; 0 or an exit status */
static int
run_batch(const Command *c, long runs, const char *input, int want)
{
	posix_spawn_file_actions_t fa;
	long k;
	int rc = 0;

	if ((errno = posix_spawn_file_actions_init(&fa)) != 0 ||
	    (errno = posix_spawn_file_actions_addopen(&fa, 0, input,
	    O_RDONLY, 0)) != 0 ||
	    (errno = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null",
	    O_WRONLY, 0)) != 0 ||
	    (errno = posix_spawn_file_actions_addopen(&fa, 2, "/dev/null",
	    O_WRONLY, 0)) != 0) {
		perror("spawntime: posix_spawn_file_actions");
		return 71;
	}
	for (k = 0; k < runs && rc == 0; k++) {
		pid_t pid;
		int st, e;

		e = posix_spawnp(&pid, c->argv[0], &fa, NULL, c->argv, environ);
		if (e != 0) {
			fprintf(stderr, "spawntime: %s: %s\n", c->argv[0],
			    strerror(e));
			rc = 71;
			break;
		}
		while (waitpid(pid, &st, 0) == -1) {
			if (errno != EINTR) {
				perror("spawntime: waitpid");
				rc = 71;
				break;
			}
		}
		if (rc != 0)
			break;
		if (WIFSIGNALED(st)) {
			fprintf(stderr, "spawntime: %s: killed by signal %d\n",
			    c->argv[0], WTERMSIG(st));
			rc = 1;
		} else if (WEXITSTATUS(st) != want) {
			fprintf(stderr, "spawntime: %s: exit status %d, "
			    "expected %d (stderr was discarded; run it by hand)\n",
			    c->argv[0], WEXITSTATUS(st), want);
			rc = 1;
		}
	}
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}
