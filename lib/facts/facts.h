/* facts.h - everything a policy can know about one message, computed
 * when first asked for */
#ifndef MP_FACTS_H
#define MP_FACTS_H

#include <jansson.h>

#include "base/config.h"
#include "mail/addr.h"
#include "mail/classify.h"
#include "mail/message.h"
#include "facts/pii.h"
#include "facts/text.h"

/*
 * What a fact costs.  A policy whose facts are all MP_FACT_HEAD reads
 * only the header block of a file; MP_FACT_PARTS parses the MIME tree
 * and decodes attachments; MP_FACT_TEXT also reads the text of the body
 * and of attachments (HTML, OOXML) and scans it.
 */
typedef enum {
	MP_FACT_HEAD,
	MP_FACT_PARTS,
	MP_FACT_TEXT,
} MpFactLevel;

/* Where text was found. */
typedef enum {
	MP_PLACE_SUBJECT,
	MP_PLACE_BODY,		/* the text parts, HTML as text */
	MP_PLACE_NAME,		/* attachments' file names */
	MP_PLACE_ATTACHMENT,	/* the text inside attachments */
	MP_PLACES,
} MpPlace;

/* mp_place_name - "subject", "body", "name", "attachment" */
const char *mp_place_name(MpPlace p);

/* Where the sending time comes from. */
typedef enum {
	MP_TIME_NOW,		/* the clock, or MpFactsCtx.now */
	MP_TIME_DATE,		/* the Date field (replaying an archive) */
} MpTimeSource;

/* [keywords NAME] sections: lists of words and regular expressions. */
typedef struct MpKeywords MpKeywords;

/* mp_keywords_load - every [keywords NAME] of mp.conf, compiled (a bad
 * regular expression, an unreadable words-file: 78 naming the file,
 * section and key) */
int mp_keywords_load(const MpConfig *cfg, MpKeywords **out, GError **err);
void mp_keywords_free(MpKeywords *kw);

/* mp_keywords_has - whether a list of that name was configured */
gboolean mp_keywords_has(const MpKeywords *kw, const char *name);

/* mp_keywords_names - the names of the lists, in file order */
const char *const *mp_keywords_names(const MpKeywords *kw);

/* mp_keywords_index - the index of the list called name (into
 * mp_keywords_names), or -1 */
int mp_keywords_index(const MpKeywords *kw, const char *name);

/* MpKeywordSink - one occurrence of list's words or regex: the match,
 * len bytes at offset of the text scanned */
typedef void (*MpKeywordSink)(guint list, const char *match, gsize len,
    gsize offset, gpointer data);

/* mp_keywords_scan - every occurrence of every list in text (UTF-8,
 * NFKC-normalised): words non-overlapping, longest first, in the text
 * case-folded (their offsets are into that); regex matches in the text
 * as it is */
void mp_keywords_scan(const MpKeywords *kw, const char *text, gsize len,
    MpKeywordSink sink, gpointer data);

/* [policy] holidays: one date (YYYY-MM-DD) a line, # comments */
int mp_holidays_load(const char *path, GHashTable **out, GError **err);

/* mp_time_parse - a time given on a command line (--now): ISO 8601, or
 * "YYYY-MM-DD HH:MM[:SS]"; in tz unless it names an offset */
gboolean mp_time_parse(const char *s, GTimeZone *tz, gint64 *out);

/* mp_time_holiday - whether t's day is one of holidays (or NULL) */
gboolean mp_time_holiday(GDateTime *t, GHashTable *holidays);

/* mp_time_workday - Monday to Friday and not a holiday */
gboolean mp_time_workday(GDateTime *t, GHashTable *holidays);

/* What the facts of every message are computed with. */
typedef struct {
	const MpConfig *cfg;
	MpAddrParser *ap;
	char *const *envelope;	/* -r: NULL-terminated, or NULL */
	const char *env_sender;	/* -f, or NULL ("" is the null sender) */
	const char *auth_user;	/* --auth-user, or NULL */
	gboolean resent;	/* [classify] resent */
	gboolean strip_tag;	/* [policy] strip-tag: a+tag@d is a@d */
	MpTimeSource time;
	gint64 now;		/* MP_TIME_NOW: Unix time; 0 is the clock */
	GTimeZone *tz;		/* [general] time-zone */
	GHashTable *holidays;	/* "YYYY-MM-DD" keys, or NULL */
	MpKeywords *keywords;	/* or NULL */
} MpFactsCtx;

/* What a command line says of the facts; NULL: not given. */
typedef struct {
	char *const *envelope;	/* -r, NULL-terminated */
	const char *env_sender;	/* -f ("" is the null sender) */
	const char *auth_user;	/* --auth-user */
	const char *now;	/* --now */
	const char *time;	/* --time now|date; NULL: [policy] time */
} MpFactsArgs;

/* [policy] time: the sending time is the clock's unless it says date */
#define MP_FACTS_TIME_DEFAULT "now"

/*
 * mp_facts_ctx_load - how a command computes facts: its command line
 * (an address that does not read as one, a --now that is no time: 64)
 * over mp.conf's [general] time-zone, [classify] resent, [policy]
 * strip-tag, time and holidays, and [keywords NAME] (78).  The context
 * owns its zone, holidays and keywords: mp_facts_ctx_clear.
 */
int mp_facts_ctx_load(MpFactsCtx *ctx, const MpConfig *cfg,
    MpAddrParser *ap, const MpFactsArgs *args, GError **err);
void mp_facts_ctx_clear(MpFactsCtx *ctx);

/* One attachment as the policy sees it. */
typedef struct {
	char *name;		/* decoded file name, or NULL */
	char *type;		/* content type, lower case */
	gsize size;		/* decoded bytes */
	gboolean encrypted;	/* an encrypted archive, or a password-
				 * protected Office file or PDF */
	MpTextStatus text;	/* what reading its text gave
				 * (MP_FACT_TEXT only; else NONE) */
	gboolean undecodable;	/* its transfer encoding or contents
				 * cannot be read */
	gboolean archive_limit;	/* an archive over the limits */
	gboolean plain_archive;	/* an archive not all encrypted (an
				 * Office or OpenDocument file is none) */
} MpFactAttachment;

/* One piece of personal data or one keyword, and where it was found. */
typedef struct {
	MpPiiHit hit;		/* for a keyword: kind is MP_PII_KINDS,
				 * value the word or pattern's match */
	MpPlace place;
	int attachment;		/* index into the attachments, or -1 */
	const char *list;	/* a keyword's list name, else NULL */
} MpFactHit;

/* A numeric fact a rule names, checked when the rule is read. */
typedef struct {
	int id;			/* facts.c's table */
	int arg;		/* class, field, PII kind or keyword list */
	int place;		/* MpPlace, or -1: every place */
	MpFactLevel level;
} MpFactRef;

/*
 * mp_fact_parse - the fact called name ("external", "to-cc.external",
 * "attachment-largest", "phone", "phone.body", "keyword.secret",
 * "keyword.secret.subject", ...; mp-policy(1) lists them); FALSE and a
 * why ("unknown fact", "no [keywords NAME]") otherwise
 */
gboolean mp_fact_parse(const char *name, const MpKeywords *kw,
    MpFactRef *out, char **why);

/* mp_fact_names - every fact name without keyword lists, for --help
 * and the tests */
const char *const *mp_fact_names(void);

/*
 * mp_message_time - the sending time in tz: the clock (MP_TIME_NOW:
 * now, or the real time when now is 0), or the Date field (a zone
 * "JST" is +0900), else the date of the mbox From_ line before the
 * message (read in tz); 65 when there is neither
 */
int mp_message_time(const MpMessage *msg, MpTimeSource source, gint64 now,
    GTimeZone *tz, GDateTime **out, GError **err);

/* mp_fact_doc - what a fact of that name (without its .CLASS or .PLACE)
 * means, in a line, or NULL */
const char *mp_fact_doc(const char *name);

typedef struct MpFacts MpFacts;

/* mp_facts_new - the facts of msg (kept alive by the caller) */
MpFacts *mp_facts_new(const MpFactsCtx *ctx, const MpMessage *msg);
void mp_facts_free(MpFacts *f);

/*
 * Each getter computes what it needs on first use and keeps it.  A
 * status other than MP_OK (with *err) means the message itself cannot
 * be judged (65 when malformed beyond reading, 75 when out of
 * resources); a part that cannot be decoded is not that: it is a fact
 * (undecodable, archive-limit).
 */

/* mp_facts_number - the value of a numeric fact */
int mp_facts_number(MpFacts *f, const MpFactRef *ref, guint64 *out,
    GError **err);

/* mp_facts_recipients - every recipient with its class (mp_classify);
 * its from and message_id are there once a sender fact was asked for
 * (mp_facts_from, mp_facts_sender, mp_facts_json) */
int mp_facts_recipients(MpFacts *f, const MpClassification **out,
    GError **err);

/* mp_facts_from - the first From address (mp_addr_key form), or NULL */
const char *mp_facts_from(MpFacts *f);

/* mp_facts_sender - whom sender rules judge: the SMTP AUTH user when
 * given, else From; mp_addr_key form (tag stripped if configured), or
 * NULL */
const char *mp_facts_sender(MpFacts *f);

/* mp_facts_time - the sending time in the configured zone (a ref the
 * facts keep) */
int mp_facts_time(MpFacts *f, GDateTime **out, GError **err);

/* mp_facts_attachments - MpFactAttachment *, in message order
 * (MP_FACT_TEXT fills their text status too when level says so) */
int mp_facts_attachments(MpFacts *f, MpFactLevel level,
    const GPtrArray **out, GError **err);

/* mp_facts_hits - every distinct personal-data value and every keyword
 * occurrence, MpFactHit, in the order found */
int mp_facts_hits(MpFacts *f, const GArray **out, GError **err);

/* mp_facts_json - every fact up to level, as an object (mp-classify
 * --facts --json, mp-policy --json's "facts") */
int mp_facts_json(MpFacts *f, MpFactLevel level, json_t **out,
    GError **err);

/* mp_addr_same - whether two addresses are one: domains in one normal
 * form, the local part case-folded, +tag dropped when strip_tag */
gboolean mp_addr_same(const char *a, const char *b, gboolean strip_tag);

#endif
