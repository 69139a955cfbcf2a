/* opts.h - command-line options over the keys of mp.conf */
#ifndef MP_OPTS_H
#define MP_OPTS_H

#include <getopt.h>

#include "base/config.h"

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

#endif
