/* opts.h - command-line options over the keys of mp.conf */
#ifndef MP_OPTS_H
#define MP_OPTS_H

#include <getopt.h>

#include "base/config.h"
#include "base/schema.h"

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
 * An option table: one row per command-line option of a command.  A row
 * with a key reads the same setting from the command's section of
 * mp.conf and takes its type and bounds from the schema (schema.c), so
 * the flag and the key accept the same values; a row without a key names
 * its own.  mp_opts_read resolves each setting: the flag, else the key,
 * else the row's default (text, from a named constant).  Rows that share
 * a key are one setting: `--all` and `--self-only` both set [bccify]
 * mode, each to its `set` value.  A row without a name is a key alone
 * (a program with no command line, like a CGI, still reads its keys
 * through a table).  The table ends with a row without name and key.
 */
typedef struct {
	int id;			/* getopt_long's value: a letter, or from
				 * MP_OPT_FIRST_OWN */
	const char *name;	/* the long option, without "--"; NULL: none */
	int has_arg;		/* required_argument, or no_argument: a
				 * switch, which sets `set` */
	const char *key;	/* in the section, or NULL */
	const char *def;	/* the default, or NULL: none */
	const char *set;	/* a switch: the value it gives its setting */
	MpKeyType type;		/* a row without a key: how its value reads
				 * (text unless it has bounds or choices) */
	guint64 min, max;	/* the same: bounds of a number */
	const char *choices;	/* the same: "a|b" of an enumeration */
} MpOptSpec;

/* the end of a table (each row is written out, `.name = "..."`, so
 * that test/options.bats can read it) */
#define MP_OPT_END { 0, NULL, 0, NULL, NULL, NULL, 0, 0, 0, NULL }

typedef struct {
	const char *section;
	const MpOptSpec *table;
	int n;			/* rows */
	const MpKeySpec **schema;	/* per row: the key's entry, or NULL */
	const char **arg;	/* per row: as given, or NULL */
	int *order;		/* per row: when it was given (1, 2, ...) */
	int given;
	char **value;		/* per row: resolved by mp_opts_read */
	const MpConfig *cfg;
} MpOpts;

/* mp_opts_init - the options of table over [section]; none given yet */
void mp_opts_init(MpOpts *o, const char *section, const MpOptSpec *table);
void mp_opts_clear(MpOpts *o);

/* mp_opts_longopts - getopt_long's table: shared (ending in a zero row)
 * and then each MpOpts; free with g_free */
struct option *mp_opts_longopts(const struct option *shared,
    MpOpts *const *opts, int nopts);

/* mp_opts_option - take an option that is o's; FALSE if it is not */
gboolean mp_opts_option(MpOpts *o, int id, const char *arg);

/* mp_opts_conflict - two different options given for one setting */
gboolean mp_opts_conflict(const MpOpts *o);

/* mp_opts_given - whether the option id was given (of its setting:
 * any row) */
gboolean mp_opts_given(const MpOpts *o, int id);

/* mp_opts_given_except - whether any option but except was given */
gboolean mp_opts_given_except(const MpOpts *o, int except);

/* mp_opts_read - resolve every setting, flag over file over default,
 * and check each flag's value against its type and bounds: 64 and
 * "--NAME: not ...: VALUE" (the key was checked when mp.conf was read) */
int mp_opts_read(MpOpts *o, const MpConfig *cfg, GError **err);

/* mp_opts_value - the setting of id's row (after mp_opts_read), or NULL */
const char *mp_opts_value(const MpOpts *o, int id);

/* mp_opts_arg - the option as given (of its setting), or NULL */
const char *mp_opts_arg(const MpOpts *o, int id);

/* mp_opts_uint - a number, size or duration setting; def when unset */
guint64 mp_opts_uint(const MpOpts *o, int id, guint64 def);

/* mp_opts_bool - a yes/no setting; def when unset */
gboolean mp_opts_bool(const MpOpts *o, int id, gboolean def);

/* mp_opts_choice - the index of an enumeration's value in its choices;
 * def when unset */
int mp_opts_choice(const MpOpts *o, int id, int def);

/* mp_opts_label - how a message names the option: "-n" or "--name" */
char *mp_opts_label(const MpOpts *o, int id);

/* mp_opts_bad_arg - "LABEL: WHY: VALUE", 64 */
int mp_opts_bad_arg(const MpOpts *o, int id, const char *why, GError **err);

/* mp_opts_bad - a value that only the command can check is not WHAT:
 * from a flag 64 ("LABEL: not WHAT: VALUE"), from the key 78 (with the
 * file and line) */
int mp_opts_bad(const MpOpts *o, int id, const char *what, GError **err);

/* mp_opts_bad_key - the key's value is not WHAT: 78, with file and line */
int mp_opts_bad_key(const MpOpts *o, int id, const char *what,
    GError **err);


#endif
