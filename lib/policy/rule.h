/* rule.h - the [rule NAME] sections of mp.conf, read and checked */
#ifndef MP_RULE_H
#define MP_RULE_H

#include "base/config.h"
#include "facts/facts.h"

/* the longest list a rule names, files included (items) */
#define MP_RULE_LIST_MAX 1000000
/* the most rules one mp.conf holds */
#define MP_RULES_MAX 10000
/* the longest hold or stagger */
#define MP_RULE_DURATION_MAX (30 * MP_DAY)

/* What a rule does, the deciding ones first, strongest first. */
typedef enum {
	MP_ACT_REJECT,
	MP_ACT_APPROVE,
	MP_ACT_CONFIRM,
	MP_ACT_HOLD,
	MP_ACT_STAGGER,
	MP_ACT_BCCIFY,		/* transforms from here */
	MP_ACT_ZIPENC,
	MP_ACT_DETACH,
	MP_ACT_CCGUARD,
	MP_ACT_ADD_SUPERIOR,
	MP_ACT_TAG,
	MP_ACT_PASS,
	MP_ACTIONS,
} MpAction;

/* the deciding actions: at most one per message */
#define MP_ACT_DECIDES(a) ((a) <= MP_ACT_STAGGER)

/* mp_action_name - "reject", "hold", ... as mp.conf writes them */
const char *mp_action_name(MpAction a);

typedef enum { MP_CMP_GE, MP_CMP_GT, MP_CMP_LE, MP_CMP_LT, MP_CMP_EQ,
    MP_CMP_NE } MpCmpOp;

/* One comparison of an `if`: FACT OP NUMBER. */
typedef struct {
	MpFactRef fact;
	char *name;		/* the fact as written */
	MpCmpOp op;
	guint64 value;
	char *text;		/* "phone >= 10", for --explain */
} MpCmp;

/* One window of `time`: days and a span of minutes of the day. */
typedef struct {
	guint8 days;		/* bit 0 Monday .. bit 6 Sunday */
	gboolean workday;	/* the days are the workdays */
	gboolean holiday;	/* the days are the holidays */
	int start, end;		/* minutes; start == end: all day */
} MpWindow;

/* What an item of a list matches. */
typedef enum {
	MP_ITEM_ADDRESS,	/* a@b, exactly (compared as mp_addr_same) */
	MP_ITEM_DOMAIN,		/* b and its subdomains */
	MP_ITEM_GLOB,		/* over the lower-case address */
	MP_ITEM_TITLE,		/* a title code of the sender's posts */
	MP_ITEM_UNIT,		/* a unit (glob) of the sender's posts */
} MpItemKind;

typedef struct {
	MpItemKind kind;
	char *text;
	GPatternSpec *glob;	/* MP_ITEM_GLOB, MP_ITEM_UNIT */
} MpListItem;

/* A list: its items, addresses and domains of files in hash sets. */
typedef struct {
	char *text;		/* as written */
	GPtrArray *items;	/* MpListItem * (globs, titles, units) */
	GHashTable *addresses;	/* canonical address keys */
	GHashTable *domains;	/* canonical domains */
	gboolean org;		/* has title: or unit: items */
} MpList;

/* One header.NAME condition. */
typedef struct {
	char *field;
	GRegex *re;
	char *text;
} MpHeaderCond;

typedef struct {
	char *name;
	GPtrArray *ifs;		/* of GArray of MpCmp: or of ands; or NULL */
	char *if_text;
	GArray *windows;	/* of MpWindow, or NULL */
	gboolean outside;
	char *time_text;
	MpList *sender, *except_sender, *recipient, *except_recipient;
	GPtrArray *headers;	/* MpHeaderCond * */
	MpAction action;
	guint64 duration;	/* hold, stagger: seconds */
	char *action_text;	/* "hold 60m", as written */
	char *tag;		/* tag TEXT */
	guint for_classes;	/* 1 << MpClass; 0: every recipient */
	gboolean for_matched;	/* the recipients `recipient` matched */
	char *reason, *reason_en;
	MpFactLevel level;	/* the most its `if` needs */
} MpRule;

/* The rules and what they need. */
typedef struct {
	GPtrArray *rules;	/* MpRule *, file order */
	const MpKeywords *keywords;	/* the facts' (MpFactsCtx) */
	GHashTable *holidays;	/* the same, or NULL */
	MpFactLevel level;	/* the most any rule needs */
	gboolean org;		/* a rule needs the org snapshot */
	gboolean strip_tag;
	gboolean en;		/* [policy] lang = en */
} MpRules;

/* mp_rules_load - every [rule NAME] of cfg, checked: an unknown fact,
 * a bad number, time window, list, regex or action is 78 naming the
 * file, section and key; facts gives the keyword lists, the holidays
 * and strip-tag, and must outlive the rules */
int mp_rules_load(const MpConfig *cfg, const MpFactsCtx *facts,
    MpRules **out, GError **err);
void mp_rules_free(MpRules *r);

/* mp_list_has - whether an address (mp_addr_key form) is in the list;
 * title: and unit: items are the caller's (they need the org) */
gboolean mp_list_has(const MpList *l, const char *key, gboolean strip_tag);

#endif
