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
	MP_OPT_FIRST_OWN = 0x200,	/* commands number their own from here */
};

#define MP_CLI_LONG_OPTIONS \
	{ "config", required_argument, NULL, 'c' }, \
	{ "internal", required_argument, NULL, MP_OPT_INTERNAL }, \
	{ "semi-internal", required_argument, NULL, MP_OPT_SEMI_INTERNAL }, \
	{ "mbox", required_argument, NULL, MP_OPT_MBOX }, \
	{ "maildir", required_argument, NULL, MP_OPT_MAILDIR }, \
	{ "syslog", no_argument, NULL, MP_OPT_SYSLOG }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, MP_OPT_VERSION }

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

#endif
