/* cli.h - the options and set-up every mp command shares */
#ifndef MP_CLI_H
#define MP_CLI_H

#include <getopt.h>

#include "batch.h"
#include "config.h"

/* getopt_long values of the shared long options */
enum {
	MP_OPT_INTERNAL = 0x100,
	MP_OPT_SEMI_INTERNAL,
	MP_OPT_MBOX,
	MP_OPT_MAILDIR,
	MP_OPT_JSON,
	MP_OPT_SYSLOG,
	MP_OPT_VERSION,
	MP_OPT_FIRST_NOTICE = 0x180,	/* the notice's (noticeopt.h) */
	MP_OPT_FIRST_OWN = 0x200,	/* commands number their own from here */
};

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

/* mp_cli_init - empty shared options */
void mp_cli_init(MpCliOpts *o);
void mp_cli_clear(MpCliOpts *o);

/* mp_cli_option - take a shared option; FALSE if opt is not one */
gboolean mp_cli_option(MpCliOpts *o, int opt, const char *arg);

/* mp_cli_config - load mp.conf and add --internal/--semi-internal */
int mp_cli_config(const MpCliOpts *o, MpConfig **cfg, GError **err);

/* mp_cli_is_batch - whether --mbox, --maildir or several files were given */
gboolean mp_cli_is_batch(const MpCliOpts *o, int nfiles);

/* mp_cli_run - hand every input message to fn: mbox, Maildir, files, stdin */
int mp_cli_run(const MpCliOpts *o, char **files, int nfiles,
    const MpLimits *limits, MpMessageFunc fn, gpointer data, GError **err);

/*
 * A command's options that a key of its mp.conf section can also set:
 * the option wins over the key.  getopt_long numbers them first to
 * first + n - 1 (n at most MP_CONF_OPTS_MAX); names and keys are in that
 * order (a NULL key: the option has none).  Nothing is allocated before
 * mp_conf_opts_read, so a command may return before then without
 * clearing.
 */
#define MP_CONF_OPTS_MAX 16

typedef struct {
	const char *section;
	int first, n;
	const char *const *names;	/* without "--" */
	const char *const *keys;
	const char *arg[MP_CONF_OPTS_MAX];	/* as given, or NULL */
	char *value[MP_CONF_OPTS_MAX];	/* the option, else the key */
	const MpConfig *cfg;		/* what the values were read from */
} MpConfOpts;

/* How mp_conf_opts_number reads a value. */
typedef enum {
	MP_NUMBER_COUNT,	/* a whole number */
	MP_NUMBER_SIZE,		/* mp_parse_size: "10M" */
	MP_NUMBER_DURATION,	/* mp_parse_duration: "12h"; lo, hi in s */
} MpNumberKind;

/* mp_conf_opts_init - none of the options given yet */
void mp_conf_opts_init(MpConfOpts *o, const char *section, int first, int n,
    const char *const *names, const char *const *keys);
void mp_conf_opts_clear(MpConfOpts *o);

/* mp_conf_option - take one of the options; FALSE if opt is not one */
gboolean mp_conf_option(MpConfOpts *o, int opt, const char *arg);

/* mp_conf_opts_given - whether any option but except was given */
gboolean mp_conf_opts_given(const MpConfOpts *o, int except);

/* mp_conf_opts_read - each value: the option, else the key, else NULL */
void mp_conf_opts_read(MpConfOpts *o, const MpConfig *cfg);

/* mp_conf_opts_arg - the option as given, or NULL */
const char *mp_conf_opts_arg(const MpConfOpts *o, int opt);

/* mp_conf_opts_value - the option, else the key (after mp_conf_opts_read) */
const char *mp_conf_opts_value(const MpConfOpts *o, int opt);

/* mp_conf_opts_bad_arg - "--NAME: WHY: VALUE", 64 */
int mp_conf_opts_bad_arg(const MpConfOpts *o, int opt, const char *why,
    GError **err);

/* mp_conf_opts_bad_key - a key's value the schema cannot check is not
 * WHAT: 78, with the file and line */
int mp_conf_opts_bad_key(const MpConfOpts *o, int opt, const char *what,
    GError **err);

/* mp_conf_opts_number - a value from lo to hi into *out (unset: kept) */
int mp_conf_opts_number(const MpConfOpts *o, int opt, MpNumberKind kind,
    guint64 lo, guint64 hi, guint64 *out, GError **err);

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
