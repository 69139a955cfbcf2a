/* bccify.h - move recipients out of To/Cc, touching nothing else */
#ifndef MP_BCCIFY_H
#define MP_BCCIFY_H

#include "mail/addr.h"
#include "base/config.h"
#include "base/opts.h"

typedef enum {
	MP_BCCIFY_EXTERNAL,	/* external addresses, at the threshold */
	MP_BCCIFY_ALL,		/* all but the sender, at the threshold */
	MP_BCCIFY_SELF_ONLY,	/* all but the sender, always */
} MpBccifyMode;

#define MP_BCCIFY_THRESHOLD_DEFAULT 10

typedef struct {
	MpBccifyMode mode;
	guint threshold;
	gboolean bcc_header;	/* write the moved addresses into Bcc */
	gboolean trace;		/* add X-MP-Bccify: moved=N */
	const char *sender;	/* whose address stays; NULL: From */
} MpBccifyOpts;

typedef struct {
	guint external;		/* distinct external addresses in To/Cc */
	guint moved;		/* distinct addresses moved */
	gboolean dkim_signed;	/* a DKIM-Signature covers To or Cc */
	GString *out;		/* the rewritten message; NULL: unchanged */
} MpBccifyResult;

/*
 * getopt_long values of [bccify]'s rows (mp-bccify's flags): threshold
 * is -n, the others follow; a command numbers rows of its own from
 * MP_BCCIFY_OPT_FREE
 */
enum {
	MP_BCCIFY_OPT_ALL = MP_OPT_FIRST_OWN,
	MP_BCCIFY_OPT_SELF_ONLY,
	MP_BCCIFY_OPT_BCC_HEADER,
	MP_BCCIFY_OPT_NO_BCC_HEADER,
	MP_BCCIFY_OPT_TRACE,
	MP_BCCIFY_OPT_NO_TRACE,
	MP_BCCIFY_OPT_FREE,
};

/* the rows over [bccify]: threshold, mode, bcc-header and trace, with
 * mp-bccify's flags over them (rows of one key are one setting) */
extern const MpOptSpec mp_bccify_conf_opts[];

/*
 * [bccify]'s settings: the keys and what they resolve to.  mp-bccify
 * hands mp_bccify_conf_opts to mp_cli_main, which reads them under its
 * flags; mp-gate reads them from mp.conf alone (mp_bccify_conf_read).
 * Both resolve them with mp_bccify_conf_load, so a key means the same
 * to each.
 */
typedef struct {
	MpOpts own;		/* [bccify] */
	MpBccifyOpts b;		/* resolved; sender NULL: From */
} MpBccifyConf;

/* mp_bccify_conf_init - the table over [bccify], nothing given */
void mp_bccify_conf_init(MpBccifyConf *c);

/* mp_bccify_conf_load - after own, a table of mp_bccify_conf_opts, is
 * read (mp_opts_read): its settings resolved into b, all but
 * b->sender, which is the caller's */
void mp_bccify_conf_load(const MpOpts *own, MpBccifyOpts *b);

/* mp_bccify_conf_read - for a program without the flags (mp-gate): c,
 * as mp_bccify_conf_init left it, read from cfg alone into c->b */
int mp_bccify_conf_read(MpBccifyConf *c, const MpConfig *cfg,
    GError **err);

/* mp_bccify_conf_clear - release the table */
void mp_bccify_conf_clear(MpBccifyConf *c);

/* mp_bccify_mode_parse - "external", "all" or "self-only" */
gboolean mp_bccify_mode_parse(const char *s, MpBccifyMode *mode);

/* mp_bccify - decide and, if it acts, rewrite the header block */
void mp_bccify(const MpConfig *cfg, MpAddrParser *ap, const MpMessage *msg,
    const MpBccifyOpts *opts, MpBccifyResult *res);
void mp_bccify_result_clear(MpBccifyResult *res);

/* mp_dkim_signs - whether a DKIM-Signature's h= names one of the fields */
gboolean mp_dkim_signs(const MpMessage *msg, const char *const *names);

#endif
