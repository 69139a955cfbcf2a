/* cli.h - the options and set-up every mp command shares */
#ifndef MP_CLI_H
#define MP_CLI_H

#include <getopt.h>

#include "mail/batch.h"
#include "base/config.h"
#include "base/opts.h"
#include "mail/addr.h"

#define MP_CLI_CONFIG_OPTION \
	{ "config", required_argument, NULL, 'c' }
#define MP_CLI_DOMAIN_OPTIONS \
	{ "internal", required_argument, NULL, MP_OPT_INTERNAL }, \
	{ "semi-internal", required_argument, NULL, MP_OPT_SEMI_INTERNAL }
#define MP_CLI_RUN_OPTIONS \
	{ "mbox", required_argument, NULL, MP_OPT_MBOX }, \
	{ "maildir", required_argument, NULL, MP_OPT_MAILDIR }, \
	{ "syslog", no_argument, NULL, MP_OPT_SYSLOG }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, MP_OPT_VERSION }

#define MP_CLI_LONG_OPTIONS \
	MP_CLI_CONFIG_OPTION, MP_CLI_DOMAIN_OPTIONS, MP_CLI_RUN_OPTIONS
/* for a command that classifies no address: no --internal */
#define MP_CLI_LONG_OPTIONS_NO_DOMAINS \
	MP_CLI_CONFIG_OPTION, MP_CLI_RUN_OPTIONS

typedef struct {
	const char *config;
	GPtrArray *internal;	/* of const char * (argv strings) */
	GPtrArray *semi;
	const char *mbox;
	const char *maildir;
	gboolean syslog;
	gboolean head_only;	/* files: the header block is all we need */
} MpCliOpts;

/*
 * A command's command line: what getopt_long reads (the shared long
 * options and the command's table) and what -h and --version print.
 */
typedef struct {
	const char *name;		/* "mp-bccify" */
	const char *usage;		/* for -h, and after a usage error */
	const char *shortopts;		/* getopt's */
	const struct option *shared;	/* MP_CLI_LONG_OPTIONS, a zero row */
	MpOpts *own;			/* the command's table */
	/* an own option its table cannot keep (one given again and again
	 * adds a value): TRUE if taken; or NULL */
	gboolean (*take)(int id, const char *arg, gpointer data);
	gpointer data;
} MpCliCommand;

/* mp_cli_parse's "no exit status yet": go on with the operands */
#define MP_CLI_GO_ON (-1)

/* mp_cli_init - empty shared options */
void mp_cli_init(MpCliOpts *o);
void mp_cli_clear(MpCliOpts *o);

/* mp_cli_option - take a shared option; FALSE if opt is not one */
gboolean mp_cli_option(MpCliOpts *o, int opt, const char *arg);

/*
 * mp_cli_parse - the command line: the shared options into o, the
 * command's into its table (or cmd->take); *argc and *argv are then the
 * operands.  MP_CLI_GO_ON, or the status to exit with: 0 after -h or
 * --version, 64 after the usage on standard error (an unknown option,
 * two options of one setting, more than one of --mbox, --maildir and
 * files).
 */
int mp_cli_parse(const MpCliCommand *cmd, MpCliOpts *o, int *argc,
    char ***argv);

/* mp_cli_usage - the usage text on standard error: 64 */
int mp_cli_usage(const MpCliCommand *cmd);

/* mp_cli_config - load mp.conf and add --internal/--semi-internal */
int mp_cli_config(const MpCliOpts *o, MpConfig **cfg, GError **err);

/* mp_cli_is_batch - whether --mbox, --maildir or several files were given */
gboolean mp_cli_is_batch(const MpCliOpts *o, int nfiles);

/* mp_cli_run - hand every input message to fn: mbox, Maildir, files, stdin */
int mp_cli_run(const MpCliOpts *o, char **files, int nfiles,
    const MpLimits *limits, MpMessageFunc fn, gpointer data, GError **err);

/* mp_cli_check_sender - an envelope address given on the command line
 * (NULL: none) must read as one address: else 64, "LABEL: not an
 * address: VALUE" */
int mp_cli_check_sender(MpAddrParser *ap, const char *label,
    const char *value, GError **err);

/* Writes a batch error record as JSON (lib/json.c has one). */
typedef int (*MpJsonErrorFunc)(const MpSource *src, int status,
    const GError *why, GError **err);

/* What a command keeps while it goes through its messages. */
typedef struct {
	gboolean batch;		/* records per message, errors as records */
	gboolean syslog;
	MpJsonErrorFunc json_error;	/* NULL: error records as text */
	int first_failure;	/* status of the first message that failed */
	GError *err;		/* why the run stopped */
} MpRun;

/*
 * mp_run_failed - one message could not be read or checked: a single-
 * message run stops with that status (the source in front of the
 * why); a batch prints an error record for it and goes on.
 */
int mp_run_failed(MpRun *run, const MpSource *src, int status,
    const GError *why);

/* mp_run_batch_failure - a message of a batch that the command could
 * not handle: logged with its Message-ID, the status kept for the exit;
 * the record is the caller's */
void mp_run_batch_failure(MpRun *run, const char *msgid, const char *label,
    int status, const GError *why);

/* mp_run_output - a record or message written (r, err): keep the why */
int mp_run_output(MpRun *run, int r, GError *err);

/* mp_run_finish - after the last message: finish standard output, say
 * what went wrong, and pick the exit status */
int mp_run_finish(MpRun *run, int status, GError *err);

/* mp_run_end - mp_run_finish for a caller that finished standard
 * output itself (status, err): say what went wrong, pick the status */
int mp_run_end(MpRun *run, int status, GError *err);

#endif
