/* facts.c - everything a policy can know about one message, computed
 * when first asked for */
#include <string.h>

#include "facts/facts.h"
#include "mail/charset.h"
#include "mail/mime.h"
#include "attach/arcscan.h"
#include "base/json.h"

/*
 * A message's facts come in stages, each computed once, on first use:
 * the header (recipients, sender, size), the sending time, the parts
 * (the MIME tree and each attachment decoded once: size, archive scan,
 * encryption), and the text (subject, body, names and the text inside
 * attachments, scanned for personal data and keywords).  An attachment
 * is held decoded only while it is looked at; the text stage decodes
 * it again (and does the parts' work in the same pass when the parts
 * were not asked for first).
 */

typedef enum {
	F_RECIPIENTS, F_CLASS, F_UNREADABLE, F_FIELD, F_SIZE,
	F_ATTACHMENTS, F_ATTACHMENT_BYTES, F_ATTACHMENT_LARGEST,
	F_ENCRYPTED, F_PLAIN_ARCHIVES, F_UNDECODABLE, F_ARCHIVE_LIMIT,
	F_AUTH_MISMATCH, F_SENDER_MISMATCH, F_NULL_SENDER, F_NO_FROM,
	F_HOUR, F_WEEKDAY, F_HOLIDAY, F_WORKDAY,
	F_PII, F_KEYWORD,
} FactId;

/* the fields recipients are counted per */
typedef enum { FLD_TO, FLD_CC, FLD_BCC, FLD_ENVELOPE, FLD_TO_CC, FLDS } Field;

static const char *const field_names[FLDS] = {
	"to", "cc", "bcc", "envelope", "to-cc",
};

/* a count per field: one per MpClass, then every class */
#define EVERY_CLASS 3
#define FIELD_ARG(fld, cls) ((fld) * 4 + (cls))

/* One fact of the table.  FIELD.CLASS and PII.PLACE names are made of
 * the F_FIELD and F_PII rows; keyword.LIST of the configured lists. */
typedef struct {
	const char *name;
	FactId id;
	int arg;
	MpFactLevel level;
	const char *doc;
} FactRow;

static const FactRow table[] = {
	{ "recipients", F_RECIPIENTS, 0, MP_FACT_HEAD,
	  "distinct recipients: To, Cc, Bcc and envelope" },
	{ "internal", F_CLASS, MP_CLASS_INTERNAL, MP_FACT_HEAD,
	  "distinct internal recipients" },
	{ "semi-internal", F_CLASS, MP_CLASS_SEMI_INTERNAL, MP_FACT_HEAD,
	  "distinct semi-internal recipients" },
	{ "external", F_CLASS, MP_CLASS_EXTERNAL, MP_FACT_HEAD,
	  "distinct external recipients (unreadable ones included)" },
	{ "unreadable", F_UNREADABLE, 0, MP_FACT_HEAD,
	  "distinct recipient items that are no readable address" },
	{ "to", F_FIELD, FIELD_ARG(FLD_TO, EVERY_CLASS), MP_FACT_HEAD,
	  "distinct recipients of the To fields" },
	{ "cc", F_FIELD, FIELD_ARG(FLD_CC, EVERY_CLASS), MP_FACT_HEAD,
	  "distinct recipients of the Cc fields" },
	{ "bcc", F_FIELD, FIELD_ARG(FLD_BCC, EVERY_CLASS), MP_FACT_HEAD,
	  "distinct recipients of the Bcc fields" },
	{ "envelope", F_FIELD, FIELD_ARG(FLD_ENVELOPE, EVERY_CLASS),
	  MP_FACT_HEAD, "distinct envelope recipients (-r)" },
	{ "to-cc", F_FIELD, FIELD_ARG(FLD_TO_CC, EVERY_CLASS), MP_FACT_HEAD,
	  "distinct recipients of To and Cc together" },
	{ "size", F_SIZE, 0, MP_FACT_HEAD,
	  "message bytes (without an mbox From_ line)" },
	{ "attachments", F_ATTACHMENTS, 0, MP_FACT_PARTS,
	  "attachments" },
	{ "attachment-bytes", F_ATTACHMENT_BYTES, 0, MP_FACT_PARTS,
	  "decoded bytes of every attachment" },
	{ "attachment-largest", F_ATTACHMENT_LARGEST, 0, MP_FACT_PARTS,
	  "decoded bytes of the largest attachment" },
	{ "encrypted", F_ENCRYPTED, 0, MP_FACT_PARTS,
	  "encrypted archives and password-protected Office files and PDF" },
	{ "plain-archives", F_PLAIN_ARCHIVES, 0, MP_FACT_PARTS,
	  "archives not all encrypted" },
	{ "undecodable", F_UNDECODABLE, 0, MP_FACT_TEXT,
	  "attachments whose encoding or contents cannot be read" },
	{ "archive-limit", F_ARCHIVE_LIMIT, 0, MP_FACT_TEXT,
	  "archives and Office files over the read limits" },
	{ "auth-mismatch", F_AUTH_MISMATCH, 0, MP_FACT_HEAD,
	  "1: --auth-user given and not the From address" },
	{ "sender-mismatch", F_SENDER_MISMATCH, 0, MP_FACT_HEAD,
	  "1: -f given (not null) and not the From address" },
	{ "null-sender", F_NULL_SENDER, 0, MP_FACT_HEAD,
	  "1: -f \"\" given" },
	{ "no-from", F_NO_FROM, 0, MP_FACT_HEAD,
	  "1: no readable From address" },
	{ "hour", F_HOUR, 0, MP_FACT_HEAD, "sending hour, 0-23" },
	{ "weekday", F_WEEKDAY, 0, MP_FACT_HEAD,
	  "sending day, 1 (Monday) to 7 (Sunday)" },
	{ "holiday", F_HOLIDAY, 0, MP_FACT_HEAD,
	  "1: the sending day is in the holidays file" },
	{ "workday", F_WORKDAY, 0, MP_FACT_HEAD,
	  "1: Monday to Friday and no holiday" },
	{ "phone", F_PII, MP_PII_PHONE, MP_FACT_TEXT,
	  "distinct phone numbers" },
	{ "postal", F_PII, MP_PII_POSTAL, MP_FACT_TEXT,
	  "distinct postal codes" },
	{ "address", F_PII, MP_PII_ADDRESS, MP_FACT_TEXT,
	  "distinct postal addresses" },
	{ "mynumber", F_PII, MP_PII_MYNUMBER, MP_FACT_TEXT,
	  "distinct My Numbers" },
	{ "card", F_PII, MP_PII_CARD, MP_FACT_TEXT,
	  "distinct card numbers" },
	{ "email", F_PII, MP_PII_EMAIL, MP_FACT_TEXT,
	  "distinct e-mail addresses in the text" },
};

static const char *const place_names[MP_PLACES] = {
	"subject", "body", "name", "attachment",
};

#define KEYWORD_PREFIX "keyword."

/* keyword occurrences kept as hits per list and place (the counts go
 * on): enough to show where, without a copy of every "a" in a book */
#define KEYWORD_HITS_KEPT 100

/*
 * Transfer encodings that do not decode: bytes outside base64's
 * alphabet beyond one in this many of a base64 body's non-blank bytes.
 * Real mail has a few (a list footer after the last line, a stray
 * '-'), which GMime's decoder skips as mail readers do; a body with
 * more is not base64 at all.
 */
#define BASE64_JUNK_RATIO 10

/* a count for every place, then all places together */
#define ALL_PLACES MP_PLACES

struct MpFacts {
	MpFactsCtx ctx;
	const MpMessage *msg;

	gboolean head;
	MpClassification cls;
	GPtrArray *addr_fields;	/* mp_addr_fields', for the counts */
	gboolean counted;	/* fields[] is filled */
	gboolean sendered;	/* from, sender and the mismatches are */
	guint fields[FLDS][4];
	char *from;
	char *sender;
	gboolean auth_mismatch, sender_mismatch, null_sender, no_from;

	gboolean timed;
	int time_status;
	char *time_why;
	GDateTime *time;

	gboolean parts;		/* the parts' facts are computed */
	gboolean tree;		/* the MIME tree is read */
	int tree_status;
	char *tree_why;
	MpPart *root;
	GPtrArray *att_parts;	/* MpPart *, in order */
	GPtrArray *atts;	/* MpFactAttachment *, in order */
	guint64 att_bytes, att_largest;

	gboolean text;
	GArray *hits;		/* MpFactHit */
	GHashTable *pii_seen;	/* "kind place value" keys */
	guint pii[MP_PII_KINDS][MP_PLACES + 1];
	guint nlists;
	guint *kw;		/* [list][place + 1]: occurrences */
	guint *kw_kept;		/* the same: hits kept */
};

/* mp_place_name - "subject", "body", "name", "attachment" */
const char *
mp_place_name(MpPlace p)
{
	return p < MP_PLACES ? place_names[p] : "?";
}

/* place_of - the place called name, or -1 */
static int
place_of(const char *name)
{
	int i;

	for (i = 0; i < MP_PLACES; i++)
		if (strcmp(name, place_names[i]) == 0)
			return i;
	return -1;
}

/* class_of - the class called name, or -1 */
static int
class_of(const char *name)
{
	int c;

	for (c = MP_CLASS_INTERNAL; c <= MP_CLASS_EXTERNAL; c++)
		if (strcmp(name, mp_class_name((MpClass)c)) == 0)
			return c;
	return -1;
}

/* row_of - the table's row called name, or NULL */
static const FactRow *
row_of(const char *name, gsize n)
{
	guint i;

	for (i = 0; i < G_N_ELEMENTS(table); i++)
		if (strlen(table[i].name) == n &&
		    strncmp(table[i].name, name, n) == 0)
			return &table[i];
	return NULL;
}

/* ref_set - a reference to a fact */
static gboolean
ref_set(MpFactRef *out, FactId id, int arg, int place, MpFactLevel level)
{
	out->id = (int)id;
	out->arg = arg;
	out->place = place;
	out->level = level;
	return TRUE;
}

/* keyword_parse - "LIST" or "LIST.PLACE" after "keyword." */
static gboolean
keyword_parse(const char *rest, const MpKeywords *kw, MpFactRef *out,
    char **why)
{
	const char *dot = strrchr(rest, '.');
	int i = mp_keywords_index(kw, rest), place;
	char *list;

	if (i >= 0)
		return ref_set(out, F_KEYWORD, i, -1, MP_FACT_TEXT);
	if (dot != NULL && (place = place_of(dot + 1)) >= 0) {
		list = g_strndup(rest, (gsize)(dot - rest));
		i = mp_keywords_index(kw, list);
		if (i < 0)
			*why = g_strdup_printf("no [keywords %s]", list);
		g_free(list);
		return i >= 0 && ref_set(out, F_KEYWORD, i, place,
		    MP_FACT_TEXT);
	}
	*why = g_strdup_printf("no [keywords %s]", rest);
	return FALSE;
}

/* mp_fact_parse - the fact called name; FALSE and a why otherwise */
gboolean
mp_fact_parse(const char *name, const MpKeywords *kw, MpFactRef *out,
    char **why)
{
	const FactRow *r;
	const char *dot;
	int sub;

	*why = NULL;
	if (g_str_has_prefix(name, KEYWORD_PREFIX))
		return keyword_parse(name + strlen(KEYWORD_PREFIX), kw, out,
		    why);
	if ((r = row_of(name, strlen(name))) != NULL)
		return ref_set(out, r->id, r->arg, -1, r->level);
	dot = strrchr(name, '.');
	r = dot != NULL ? row_of(name, (gsize)(dot - name)) : NULL;
	if (r != NULL && r->id == F_FIELD && (sub = class_of(dot + 1)) >= 0)
		return ref_set(out, F_FIELD, r->arg - EVERY_CLASS + sub, -1,
		    r->level);
	if (r != NULL && r->id == F_PII && (sub = place_of(dot + 1)) >= 0)
		return ref_set(out, F_PII, r->arg, sub, r->level);
	*why = g_strdup("unknown fact");
	return FALSE;
}

/* names_make - the table's names, then FIELD.CLASS and PII.PLACE */
static char **
names_make(void)
{
	GPtrArray *n = g_ptr_array_new();
	guint i;
	int k;

	for (i = 0; i < G_N_ELEMENTS(table); i++)
		g_ptr_array_add(n, g_strdup(table[i].name));
	for (i = 0; i < G_N_ELEMENTS(table); i++) {
		if (table[i].id == F_FIELD)
			for (k = MP_CLASS_INTERNAL; k <= MP_CLASS_EXTERNAL; k++)
				g_ptr_array_add(n, g_strconcat(table[i].name,
				    ".", mp_class_name((MpClass)k), NULL));
		if (table[i].id == F_PII)
			for (k = 0; k < MP_PLACES; k++)
				g_ptr_array_add(n, g_strconcat(table[i].name,
				    ".", place_names[k], NULL));
	}
	g_ptr_array_add(n, NULL);
	return (char **)g_ptr_array_free(n, FALSE);
}

/* mp_fact_names - every fact name without keyword lists (made once,
 * kept for the life of the process) */
const char *const *
mp_fact_names(void)
{
	static char **names;

	if (g_once_init_enter(&names))
		g_once_init_leave(&names, names_make());
	return (const char *const *)names;
}

/* mp_fact_doc - what the fact called name means, or NULL */
const char *
mp_fact_doc(const char *name)
{
	const char *dot = strchr(name, '.');
	const FactRow *r = row_of(name, dot != NULL ? (gsize)(dot - name) :
	    strlen(name));

	return r != NULL ? r->doc : NULL;
}

/* mp_facts_new - the facts of msg (kept alive by the caller) */
MpFacts *
mp_facts_new(const MpFactsCtx *ctx, const MpMessage *msg)
{
	MpFacts *f = g_new0(MpFacts, 1);

	f->ctx = *ctx;
	f->msg = msg;
	return f;
}

/* hit_clear - an MpFactHit's value */
static void
hit_clear(gpointer p)
{
	g_free(((MpFactHit *)p)->hit.value);
}

/* attachment_free - an MpFactAttachment */
static void
attachment_free(gpointer p)
{
	MpFactAttachment *a = p;

	g_free(a->name);
	g_free(a->type);
	g_free(a);
}

/* mp_facts_free - the facts and everything they keep */
void
mp_facts_free(MpFacts *f)
{
	if (f == NULL)
		return;
	mp_classification_clear(&f->cls);
	if (f->addr_fields != NULL)
		g_ptr_array_free(f->addr_fields, TRUE);
	g_free(f->from);
	g_free(f->sender);
	g_free(f->time_why);
	if (f->time != NULL)
		g_date_time_unref(f->time);
	g_free(f->tree_why);
	mp_part_free(f->root);
	if (f->att_parts != NULL)
		g_ptr_array_free(f->att_parts, TRUE);
	if (f->atts != NULL)
		g_ptr_array_free(f->atts, TRUE);
	if (f->hits != NULL)
		g_array_free(f->hits, TRUE);
	if (f->pii_seen != NULL)
		g_hash_table_destroy(f->pii_seen);
	g_free(f->kw);
	g_free(f->kw_kept);
	g_free(f);
}

/* ------------------------------------------------------------------ */
/* the header */

/* count_item - one recipient item into a field's counts, once */
static void
count_item(GHashTable *seen, guint counts[4], const MpConfig *cfg,
    const MpAddr *a)
{
	char *key = mp_addr_item_key(a);

	if (key == NULL)
		return;
	if (g_hash_table_add(seen, key)) {
		counts[mp_addr_class(cfg, a)]++;
		counts[EVERY_CLASS]++;
	}
}

/* field_of - the count a header field's recipients go to, or -1 */
static int
field_of(MpRcptField kind)
{
	switch (kind) {
	case MP_RCPT_TO:
		return FLD_TO;
	case MP_RCPT_CC:
		return FLD_CC;
	case MP_RCPT_BCC:
		return FLD_BCC;
	default:
		return -1;
	}
}

/*
 * count_fields - the distinct recipients of each field.  To, Cc and Bcc
 * are those fields alone (Resent-* fields count in `recipients` and the
 * classes only); to-cc is what every recipient sees, as mp-bccify
 * reads it; envelope is every -r address, named in the header or not.
 */
static void
count_fields(MpFacts *f)
{
	const MpConfig *cfg = f->ctx.cfg;
	GHashTable *seen[FLDS];
	GPtrArray *fields = f->addr_fields, *shown;
	guint i, k;
	int fld;

	if (f->counted)
		return;
	f->counted = TRUE;
	for (i = 0; i < FLDS; i++)
		seen[i] = g_hash_table_new_full(g_str_hash, g_str_equal,
		    g_free, NULL);
	for (i = 0; i < fields->len; i++) {
		const MpAddrField *af = fields->pdata[i];

		if ((fld = field_of(af->kind)) < 0)
			continue;
		for (k = 0; k < af->addrs->len; k++)
			count_item(seen[fld], f->fields[fld], cfg,
			    &g_array_index(af->addrs, MpAddr, k));
	}
	shown = mp_seen_recipients(fields);
	for (i = 0; i < shown->len; i++)
		count_item(seen[FLD_TO_CC], f->fields[FLD_TO_CC], cfg,
		    shown->pdata[i]);
	g_ptr_array_free(shown, TRUE);
	for (i = 0; f->ctx.envelope != NULL && f->ctx.envelope[i] != NULL;
	    i++) {
		MpAddr a;

		if (!mp_addr_parse_one(f->ctx.ap, f->ctx.envelope[i], &a)) {
			a.unreadable = TRUE;
			a.raw = g_utf8_make_valid(f->ctx.envelope[i], -1);
		}
		count_item(seen[FLD_ENVELOPE], f->fields[FLD_ENVELOPE], cfg,
		    &a);
		mp_addr_clear(&a);
	}
	for (i = 0; i < FLDS; i++)
		g_hash_table_destroy(seen[i]);
}

/* strip_tag - a key without the +tag of its local part */
static char *
strip_tag(char *key)
{
	char *at = strrchr(key, '@'), *plus = strchr(key, '+'), *out;

	if (at == NULL || plus == NULL || plus > at || plus == key)
		return key;
	out = g_strdup_printf("%.*s%s", (int)(plus - key), key, at);
	g_free(key);
	return out;
}

/* same_form - an address in the form two are compared in: domain
 * canonical (IDNA ASCII), local part case-folded, +tag dropped if asked */
static char *
same_form(const char *addr, gboolean strip)
{
	char *key = mp_addr_key(addr), *at, *local, *out;

	if (key == NULL)
		return NULL;
	at = strrchr(key, '@');
	local = g_utf8_casefold(key, at != NULL ? at - key : -1);
	out = g_strconcat(local, at != NULL ? at : "", NULL);
	g_free(local);
	g_free(key);
	return strip ? strip_tag(out) : out;
}

/* mp_addr_same - whether two addresses are one (see facts.h) */
gboolean
mp_addr_same(const char *a, const char *b, gboolean strip)
{
	char *x, *y;
	gboolean same;

	if (a == NULL || b == NULL)
		return FALSE;
	x = same_form(a, strip);
	y = same_form(b, strip);
	same = x != NULL && y != NULL && strcmp(x, y) == 0;
	g_free(x);
	g_free(y);
	return same;
}

/* ensure_head - the recipients: the address fields are read once, for
 * the classes and (when asked: count_fields) the counts per field */
static void
ensure_head(MpFacts *f)
{
	const MpFactsCtx *c = &f->ctx;

	if (f->head)
		return;
	f->head = TRUE;
	f->addr_fields = mp_addr_fields(c->ap, f->msg, c->resent);
	mp_classify_fields(c->cfg, c->ap, f->msg, f->addr_fields, c->envelope,
	    TRUE, &f->cls);
}

/* ensure_sender - From, the sender and how they compare; the
 * classification's From and Message-ID too */
static void
ensure_sender(MpFacts *f)
{
	const MpFactsCtx *c = &f->ctx;
	MpAddr from;

	ensure_head(f);
	if (f->sendered)
		return;
	f->sendered = TRUE;
	f->cls.message_id = mp_message_id(f->msg);
	if (mp_message_sender(c->ap, f->msg, &from))
		f->cls.from = g_strdup(from.addr);
	mp_addr_clear(&from);
	f->from = mp_addr_key(f->cls.from);
	f->no_from = f->from == NULL;
	f->sender = mp_addr_key(c->auth_user != NULL ? c->auth_user : f->from);
	if (f->sender != NULL && c->strip_tag)
		f->sender = strip_tag(f->sender);
	f->auth_mismatch = c->auth_user != NULL &&
	    !mp_addr_same(c->auth_user, f->from, c->strip_tag);
	f->null_sender = c->env_sender != NULL && *c->env_sender == '\0';
	f->sender_mismatch = c->env_sender != NULL && !f->null_sender &&
	    !mp_addr_same(c->env_sender, f->from, c->strip_tag);
}

/* mp_facts_recipients - every recipient with its class */
int
mp_facts_recipients(MpFacts *f, const MpClassification **out, GError **err)
{
	(void)err;
	ensure_head(f);
	*out = &f->cls;
	return MP_OK;
}

/* mp_facts_from - the first From address (mp_addr_key form), or NULL */
const char *
mp_facts_from(MpFacts *f)
{
	ensure_sender(f);
	return f->from;
}

/* mp_facts_sender - the SMTP AUTH user, else From */
const char *
mp_facts_sender(MpFacts *f)
{
	ensure_sender(f);
	return f->sender;
}

/* mp_facts_time - the sending time in the configured zone */
int
mp_facts_time(MpFacts *f, GDateTime **out, GError **err)
{
	GError *why = NULL;

	if (!f->timed) {
		f->timed = TRUE;
		f->time_status = mp_message_time(f->msg, f->ctx.time,
		    f->ctx.now, f->ctx.tz, &f->time, &why);
		if (why != NULL) {
			f->time_why = g_strdup(why->message);
			g_error_free(why);
		}
	}
	*out = f->time;
	if (f->time_status != MP_OK)
		return mp_fail(err, f->time_status, "%s", f->time_why);
	return MP_OK;
}

/* ------------------------------------------------------------------ */
/* the parts */

/* ensure_tree - the MIME tree and which parts are attachments; the
 * whole message is needed */
static int
ensure_tree(MpFacts *f, GError **err)
{
	GError *why = NULL;

	if (!f->tree) {
		f->tree = TRUE;
		if (f->msg->len < f->msg->size) {
			f->tree_status = EX_SOFTWARE;
			f->tree_why = g_strdup("only the header block was read");
		} else if ((f->tree_status = mp_mime_parse(f->msg,
		    &f->ctx.cfg->limits, &f->root, &why)) != MP_OK) {
			f->tree_why = g_strdup(why->message);
			g_error_free(why);
		} else {
			f->att_parts = mp_part_attachments(f->msg, f->root);
			f->atts = g_ptr_array_new_with_free_func(
			    attachment_free);
		}
	}
	if (f->tree_status != MP_OK)
		return mp_fail(err, f->tree_status, "%s", f->tree_why);
	return MP_OK;
}

/* base64_junk - whether a base64 body holds more bytes outside the
 * alphabet than real mail does (BASE64_JUNK_RATIO), or *solid is 0 */
static gboolean
base64_junk(const char *p, gsize n, gsize *solid)
{
	gsize i, junk = 0;

	*solid = 0;
	for (i = 0; i < n; i++) {
		guchar c = (guchar)p[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		(*solid)++;
		if (!g_ascii_isalnum(c) && c != '+' && c != '/' && c != '=')
			junk++;
	}
	return junk * BASE64_JUNK_RATIO > *solid;
}

/*
 * transfer_unreadable - whether a part's Content-Transfer-Encoding is
 * one mp cannot undo: a name GMime's decoder does not know (it would
 * hand on the encoded bytes as the file), base64 that is mostly not
 * base64, or a body of text that decodes to nothing (uuencode without
 * its "begin" line)
 */
static gboolean
transfer_unreadable(const MpMessage *msg, const MpPart *part, gsize decoded)
{
	MpCte cte = mp_part_cte(msg, part);
	gsize n = part->end > part->body_start ?
	    part->end - part->body_start : 0, solid;
	gboolean junk;

	if (cte == MP_CTE_UNKNOWN)
		return TRUE;
	if (cte != MP_CTE_BASE64 && cte != MP_CTE_UUENCODE)
		return FALSE;
	junk = base64_junk(msg->data + part->body_start, n, &solid);
	return (cte == MP_CTE_BASE64 && junk) || (decoded == 0 && solid > 0);
}

/* ends_with - whether name ends in one of the suffixes, ignoring case */
static gboolean
ends_with(const char *name, const char *const *suffixes)
{
	gsize n = name != NULL ? strlen(name) : 0;

	for (; *suffixes != NULL; suffixes++) {
		gsize k = strlen(*suffixes);

		if (n >= k && g_ascii_strcasecmp(name + n - k, *suffixes) == 0)
			return TRUE;
	}
	return FALSE;
}

/*
 * is_document - whether a ZIP is an Office (OOXML) or OpenDocument
 * file: a document, not an archive the sender made, so not one of the
 * plain-archives.  Told by its type, its name, or the entry a document
 * has ([Content_Types].xml; ODF's mimetype first).
 */
static gboolean
is_document(const MpFactAttachment *a, const guchar *d, gsize n)
{
	static const char *const suffixes[] = {
		".docx", ".docm", ".dotx", ".xlsx", ".xlsm", ".xltx",
		".pptx", ".pptm", ".potx", ".ppsx", ".odt", ".ods", ".odp",
		".odg", NULL,
	};
	static const char odf[] = "mimetypeapplication/vnd.oasis.opendocument";

	if (g_str_has_prefix(a->type, "application/vnd.openxmlformats-") ||
	    g_str_has_prefix(a->type, "application/vnd.oasis.opendocument.") ||
	    ends_with(a->name, suffixes))
		return TRUE;
	if (n > 30 + sizeof odf - 1 && memcmp(d + 30, odf, sizeof odf - 1) == 0)
		return TRUE;
	return memmem(d, MIN(n, (gsize)64 * 1024), "[Content_Types].xml",
	    19) != NULL;
}

/*
 * document_encrypted - a password-protected Office file (a Compound
 * File with an EncryptionInfo stream) or PDF (an /Encrypt trailer).
 * mp_text_of_file tells those by their signatures and returns without
 * reading any text, so the parts stage asks it about them, and about
 * nothing else: a ZIP or a text file it would read.
 */
static gboolean
document_encrypted(const guchar *d, gsize n)
{
	static const guchar cfb[] = {
		0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1,
	};
	GString *none;
	gboolean yes;

	if ((n < sizeof cfb || memcmp(d, cfb, sizeof cfb) != 0) &&
	    memmem(d, MIN(n, (gsize)1024), "%PDF-", 5) == NULL)
		return FALSE;
	none = g_string_new(NULL);
	yes = mp_text_of_file(d, n, NULL, NULL, NULL, none) ==
	    MP_TEXT_ENCRYPTED;
	g_string_free(none, TRUE);
	return yes;
}

/* parts_work - what the parts stage knows of one decoded attachment */
static void
parts_work(MpFacts *f, MpFactAttachment *a, const MpPart *part,
    const guchar *d, gsize n)
{
	MpArchiveScan scan;

	a->size = n;
	f->att_bytes += n;
	f->att_largest = MAX(f->att_largest, (guint64)n);
	a->undecodable = transfer_unreadable(f->msg, part, n);
	mp_archive_scan(d, n, &scan);
	a->archive_limit = scan.capped;
	if (scan.kind == MP_ARCHIVE_ENCRYPTED)
		a->encrypted = TRUE;
	else if (scan.kind == MP_ARCHIVE_PLAIN && !is_document(a, d, n))
		a->plain_archive = TRUE;
	else if (scan.kind == MP_ARCHIVE_NONE)
		a->encrypted = document_encrypted(d, n);
}

/* ------------------------------------------------------------------ */
/* the text */

/* What a keyword found is told with. */
typedef struct {
	MpFacts *f;
	MpPlace place;
	int attachment;
} Where;

/* pii_add - one find: counted once per kind, and once per kind and
 * place, where it is also kept as a hit */
static void
pii_add(MpFacts *f, const Where *w, const MpPiiHit *h)
{
	char *all = g_strdup_printf("%d\001\001%s", h->kind, h->value);
	char *here = g_strdup_printf("%d\001%d\001%s", h->kind, w->place,
	    h->value);
	MpFactHit fh;

	if (g_hash_table_add(f->pii_seen, all))
		f->pii[h->kind][ALL_PLACES]++;
	if (!g_hash_table_add(f->pii_seen, here))
		return;
	f->pii[h->kind][w->place]++;
	fh.hit = *h;
	fh.hit.value = g_strdup(h->value);
	fh.place = w->place;
	fh.attachment = w->attachment;
	fh.list = NULL;
	g_array_append_val(f->hits, fh);
}

/* keyword_found - one occurrence of a list's word or regex */
static void
keyword_found(guint list, const char *match, gsize len, gsize offset,
    gpointer data)
{
	const Where *w = data;
	MpFacts *f = w->f;
	guint at = list * (MP_PLACES + 1);
	MpFactHit fh;

	f->kw[at + w->place]++;
	f->kw[at + ALL_PLACES]++;
	if (f->kw_kept[at + w->place] >= KEYWORD_HITS_KEPT)
		return;
	f->kw_kept[at + w->place]++;
	fh.hit.kind = MP_PII_KINDS;
	fh.hit.value = g_strndup(match, len);
	fh.hit.offset = offset;
	fh.hit.len = len;
	fh.place = w->place;
	fh.attachment = w->attachment;
	fh.list = mp_keywords_names(f->ctx.keywords)[list];
	g_array_append_val(f->hits, fh);
}

/* scan_place - personal data and keywords in one text (UTF-8) */
static void
scan_place(MpFacts *f, MpPlace place, int attachment, const char *text,
    gsize len)
{
	Where w = { f, place, attachment };
	char *n = mp_text_normalize(text, (gssize)len);
	gsize nlen = strlen(n);
	GArray *found = mp_pii_hits_new();
	guint i;

	mp_pii_scan(n, nlen, found);
	for (i = 0; i < found->len; i++)
		pii_add(f, &w, &g_array_index(found, MpPiiHit, i));
	g_array_free(found, TRUE);
	if (f->ctx.keywords != NULL)
		mp_keywords_scan(f->ctx.keywords, n, nlen, keyword_found, &w);
	g_free(n);
}

/* shown_elsewhere - whether an HTML part is the other form of a
 * multipart/alternative that has a text/plain form: the reader sees
 * one of them, and its words count once */
static gboolean
shown_elsewhere(const MpPart *p)
{
	guint i;

	if (p->parent == NULL ||
	    strcmp(p->parent->type, "multipart/alternative") != 0)
		return FALSE;
	for (i = 0; i < p->parent->children->len; i++) {
		const MpPart *c = p->parent->children->pdata[i];

		if (strcmp(c->type, "text/plain") == 0)
			return TRUE;
	}
	return FALSE;
}

/* part_text - a text part's body in UTF-8, HTML as the text it shows */
static char *
part_text(const MpMessage *msg, const MpPart *p, gboolean html)
{
	GBytes *b = mp_part_decode(msg, p);
	char *charset = mp_part_param(msg, p, "Content-Type", "charset");
	gsize n;
	const char *d = g_bytes_get_data(b, &n);
	char *u = mp_charset_to_utf8(d != NULL ? d : "", n, charset), *t;

	g_bytes_unref(b);
	g_free(charset);
	if (u == NULL || !html)
		return u;
	t = mp_text_from_html(u, strlen(u));
	g_free(u);
	return t;
}

/* scan_body - every text/plain and text/html leaf that is no
 * attachment, one text */
static void
scan_body(MpFacts *f)
{
	GPtrArray *leaves = mp_part_leaves(f->root);
	GString *body = g_string_new(NULL);
	guint i;

	for (i = 0; i < leaves->len; i++) {
		const MpPart *p = leaves->pdata[i];
		gboolean html = strcmp(p->type, "text/html") == 0;
		char *t;

		if ((!html && strcmp(p->type, "text/plain") != 0) ||
		    g_ptr_array_find(f->att_parts, p, NULL) ||
		    (html && shown_elsewhere(p)))
			continue;
		if ((t = part_text(f->msg, p, html)) != NULL) {
			g_string_append(body, t);
			g_string_append_c(body, '\n');
		}
		g_free(t);
	}
	scan_place(f, MP_PLACE_BODY, -1, body->str, body->len);
	g_string_free(body, TRUE);
	g_ptr_array_free(leaves, TRUE);
}

/*
 * attachment_text - the text inside one attachment, and its name,
 * scanned.  What reading it says counts too: contents that claim a
 * kind and are not (undecodable), and a ZIP (OOXML) whose reading hit
 * a cap (archive-limit; a long text cut off is not that).
 */
static void
attachment_text(MpFacts *f, int i, MpFactAttachment *a, const MpPart *part,
    const guchar *d, gsize n)
{
	GString *out = g_string_new(NULL);
	char *charset = mp_part_param(f->msg, part, "Content-Type", "charset");

	a->text = mp_text_of_file(d, n, a->type, a->name, charset, out);
	if (a->text == MP_TEXT_UNDECODABLE)
		a->undecodable = TRUE;
	if (a->text == MP_TEXT_LIMIT && n >= 4 && memcmp(d, "PK\3\4", 4) == 0)
		a->archive_limit = TRUE;
	if (a->name != NULL)
		scan_place(f, MP_PLACE_NAME, i, a->name, strlen(a->name));
	if (out->len > 0)
		scan_place(f, MP_PLACE_ATTACHMENT, i, out->str, out->len);
	g_string_free(out, TRUE);
	g_free(charset);
}

/* attachments_pass - decode each attachment once: the parts' facts if
 * not known yet, and its text if asked */
static void
attachments_pass(MpFacts *f, gboolean text)
{
	guint i;

	for (i = 0; i < f->att_parts->len; i++) {
		const MpPart *part = f->att_parts->pdata[i];
		GBytes *b = mp_part_decode(f->msg, part);
		gsize n;
		const guchar *d = g_bytes_get_data(b, &n);
		MpFactAttachment *a;

		if (d == NULL)
			d = (const guchar *)"";
		if (!f->parts) {
			a = g_new0(MpFactAttachment, 1);
			a->name = mp_part_filename(f->msg, part);
			a->type = g_strdup(part->type);
			a->text = MP_TEXT_NONE;
			g_ptr_array_add(f->atts, a);
			parts_work(f, a, part, d, n);
		}
		a = f->atts->pdata[i];
		if (text)
			attachment_text(f, (int)i, a, part, d, n);
		g_bytes_unref(b);
	}
	f->parts = TRUE;
}

/* ensure_parts - the attachments and what they are */
static int
ensure_parts(MpFacts *f, GError **err)
{
	int status = ensure_tree(f, err);

	if (status == MP_OK && !f->parts)
		attachments_pass(f, FALSE);
	return status;
}

/* ensure_text - the subject, the body, the attachments' names and
 * text, scanned; the parts' facts in the same pass if not known */
static int
ensure_text(MpFacts *f, GError **err)
{
	int status = ensure_tree(f, err);
	char *subject, *s;

	if (status != MP_OK || f->text)
		return status;
	f->text = TRUE;
	f->hits = g_array_new(FALSE, FALSE, sizeof(MpFactHit));
	g_array_set_clear_func(f->hits, hit_clear);
	f->pii_seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	f->nlists = g_strv_length((char **)(gsize)
	    mp_keywords_names(f->ctx.keywords));
	f->kw = g_new0(guint, f->nlists * (MP_PLACES + 1));
	f->kw_kept = g_new0(guint, f->nlists * (MP_PLACES + 1));
	if ((subject = mp_message_header(f->msg, "Subject")) != NULL) {
		s = mp_decode_header_text(subject, strlen(subject), FALSE);
		scan_place(f, MP_PLACE_SUBJECT, -1, s, strlen(s));
		g_free(s);
		g_free(subject);
	}
	scan_body(f);
	attachments_pass(f, TRUE);
	return MP_OK;
}

/* mp_facts_attachments - MpFactAttachment *, in message order */
int
mp_facts_attachments(MpFacts *f, MpFactLevel level, const GPtrArray **out,
    GError **err)
{
	int status = level >= MP_FACT_TEXT ? ensure_text(f, err) :
	    ensure_parts(f, err);

	*out = status == MP_OK ? f->atts : NULL;
	return status;
}

/* mp_facts_hits - every distinct personal-data value (per place) and
 * keyword occurrence (the first KEYWORD_HITS_KEPT per list and place) */
int
mp_facts_hits(MpFacts *f, const GArray **out, GError **err)
{
	int status = ensure_text(f, err);

	*out = status == MP_OK ? f->hits : NULL;
	return status;
}

/* ------------------------------------------------------------------ */
/* numbers */

/* attachments_with - how many attachments are what id counts */
static guint64
attachments_with(const MpFacts *f, FactId id)
{
	guint64 n = 0;
	guint i;

	for (i = 0; i < f->atts->len; i++) {
		const MpFactAttachment *a = f->atts->pdata[i];

		n += id == F_ENCRYPTED ? a->encrypted :
		    id == F_PLAIN_ARCHIVES ? a->plain_archive :
		    id == F_UNDECODABLE ? a->undecodable : a->archive_limit;
	}
	return n;
}

/* time_number - hour, weekday, holiday or workday of t */
static guint64
time_number(const MpFacts *f, FactId id, GDateTime *t)
{
	switch (id) {
	case F_HOUR:
		return (guint64)g_date_time_get_hour(t);
	case F_WEEKDAY:
		return (guint64)g_date_time_get_day_of_week(t);
	case F_HOLIDAY:
		return mp_time_holiday(t, f->ctx.holidays);
	default:
		return mp_time_workday(t, f->ctx.holidays);
	}
}

/* number - a fact whose stage is computed */
static guint64
number(const MpFacts *f, const MpFactRef *ref)
{
	int place = ref->place < 0 ? ALL_PLACES : ref->place;

	switch ((FactId)ref->id) {
	case F_RECIPIENTS:
		return (guint64)f->cls.counts[0] + f->cls.counts[1] +
		    f->cls.counts[2];
	case F_CLASS:
		return f->cls.counts[ref->arg];
	case F_UNREADABLE:
		return f->cls.unreadable;
	case F_FIELD:
		return f->fields[ref->arg / 4][ref->arg % 4];
	case F_SIZE:
		return f->msg->size - f->msg->prefix_len;
	case F_ATTACHMENTS:
		return f->atts->len;
	case F_ATTACHMENT_BYTES:
		return f->att_bytes;
	case F_ATTACHMENT_LARGEST:
		return f->att_largest;
	case F_ENCRYPTED:
	case F_PLAIN_ARCHIVES:
	case F_UNDECODABLE:
	case F_ARCHIVE_LIMIT:
		return attachments_with(f, (FactId)ref->id);
	case F_AUTH_MISMATCH:
		return f->auth_mismatch;
	case F_SENDER_MISMATCH:
		return f->sender_mismatch;
	case F_NULL_SENDER:
		return f->null_sender;
	case F_NO_FROM:
		return f->no_from;
	case F_PII:
		return f->pii[ref->arg][place];
	case F_KEYWORD:
		return (guint)ref->arg < f->nlists ?
		    f->kw[(guint)ref->arg * (MP_PLACES + 1) + place] : 0;
	default:
		return 0;
	}
}

/* mp_facts_number - the value of a numeric fact */
int
mp_facts_number(MpFacts *f, const MpFactRef *ref, guint64 *out,
    GError **err)
{
	GDateTime *t;
	int status = MP_OK;

	*out = 0;
	ensure_head(f);
	if (ref->level == MP_FACT_TEXT)
		status = ensure_text(f, err);
	else if (ref->level == MP_FACT_PARTS)
		status = ensure_parts(f, err);
	if (status != MP_OK)
		return status;
	if (ref->id == F_FIELD)
		count_fields(f);
	if (ref->id >= F_AUTH_MISMATCH && ref->id <= F_NO_FROM)
		ensure_sender(f);
	if (ref->id >= F_HOUR && ref->id <= F_WORKDAY) {
		if ((status = mp_facts_time(f, &t, err)) == MP_OK)
			*out = time_number(f, (FactId)ref->id, t);
		return status;
	}
	*out = number(f, ref);
	return MP_OK;
}

/* ------------------------------------------------------------------ */
/* JSON */

/* recipients_json - the counts per class and field, and the list */
static json_t *
recipients_json(const MpFacts *f)
{
	json_t *o = json_object(), *counts = json_object();
	json_t *fields = json_object(), *list = json_array();
	guint i;
	int c;

	for (c = MP_CLASS_INTERNAL; c <= MP_CLASS_EXTERNAL; c++)
		json_object_set_new(counts, mp_class_name((MpClass)c),
		    json_integer(f->cls.counts[c]));
	json_object_set_new(counts, "unreadable",
	    json_integer(f->cls.unreadable));
	json_object_set_new(o, "counts", counts);
	for (i = 0; i < FLDS; i++) {
		json_t *one = json_object();

		json_object_set_new(one, "all",
		    json_integer(f->fields[i][EVERY_CLASS]));
		for (c = MP_CLASS_INTERNAL; c <= MP_CLASS_EXTERNAL; c++)
			json_object_set_new(one, mp_class_name((MpClass)c),
			    json_integer(f->fields[i][c]));
		json_object_set_new(fields, field_names[i], one);
	}
	json_object_set_new(o, "fields", fields);
	for (i = 0; i < f->cls.rcpts->len; i++) {
		const MpRecipient *r = &g_array_index(f->cls.rcpts,
		    MpRecipient, i);
		json_t *j = json_object();

		json_object_set_new(j, "address", mp_json_str(r->addr));
		if (r->raw != NULL)
			json_object_set_new(j, "raw", mp_json_str(r->raw));
		json_object_set_new(j, "class",
		    json_string(mp_class_name(r->cls)));
		json_object_set_new(j, "field",
		    json_string(mp_rcpt_field_name(r->field)));
		json_array_append_new(list, j);
	}
	json_object_set_new(o, "list", list);
	return o;
}

/* sender_json - From, the sender, the envelope and what disagrees */
static json_t *
sender_json(const MpFacts *f)
{
	json_t *o = json_object(), *m = json_object();

	json_object_set_new(o, "from", mp_json_str(f->from));
	json_object_set_new(o, "sender", mp_json_str(f->sender));
	json_object_set_new(o, "envelope_sender",
	    mp_json_str(f->ctx.env_sender));
	json_object_set_new(o, "auth_user", mp_json_str(f->ctx.auth_user));
	json_object_set_new(m, "auth-mismatch",
	    json_integer(f->auth_mismatch));
	json_object_set_new(m, "sender-mismatch",
	    json_integer(f->sender_mismatch));
	json_object_set_new(m, "null-sender", json_integer(f->null_sender));
	json_object_set_new(m, "no-from", json_integer(f->no_from));
	json_object_set_new(o, "mismatches", m);
	return o;
}

/* time_json - the sending time and what it is */
static json_t *
time_json(const MpFacts *f, GDateTime *t)
{
	json_t *o = json_object();
	char *iso = g_date_time_format_iso8601(t);

	json_object_set_new(o, "iso", json_string(iso));
	json_object_set_new(o, "hour", json_integer(g_date_time_get_hour(t)));
	json_object_set_new(o, "weekday",
	    json_integer(g_date_time_get_day_of_week(t)));
	json_object_set_new(o, "holiday",
	    json_integer(time_number(f, F_HOLIDAY, t)));
	json_object_set_new(o, "workday",
	    json_integer(time_number(f, F_WORKDAY, t)));
	g_free(iso);
	return o;
}

/* attachments_json - each attachment as the policy sees it */
static json_t *
attachments_json(const MpFacts *f, MpFactLevel level)
{
	json_t *list = json_array();
	guint i;

	for (i = 0; i < f->atts->len; i++) {
		const MpFactAttachment *a = f->atts->pdata[i];
		json_t *o = json_object();

		json_object_set_new(o, "name", mp_json_str(a->name));
		json_object_set_new(o, "type", json_string(a->type));
		json_object_set_new(o, "size", json_integer((json_int_t)a->size));
		json_object_set_new(o, "encrypted", json_boolean(a->encrypted));
		json_object_set_new(o, "plain_archive",
		    json_boolean(a->plain_archive));
		if (level == MP_FACT_TEXT) {
			json_object_set_new(o, "undecodable",
			    json_boolean(a->undecodable));
			json_object_set_new(o, "archive_limit",
			    json_boolean(a->archive_limit));
			json_object_set_new(o, "text",
			    json_string(mp_text_status_name(a->text)));
		}
		json_array_append_new(list, o);
	}
	return list;
}

/* pii_json - per kind: distinct values, per place, and the values
 * masked */
static json_t *
pii_json(const MpFacts *f)
{
	json_t *o = json_object();
	char *masked;
	guint i;
	int k, p;

	for (k = 0; k < MP_PII_KINDS; k++) {
		json_t *one = json_object(), *places = json_object();
		json_t *values = json_array();
		GHashTable *shown = g_hash_table_new(g_str_hash, g_str_equal);

		json_object_set_new(one, "count",
		    json_integer(f->pii[k][ALL_PLACES]));
		for (p = 0; p < MP_PLACES; p++)
			json_object_set_new(places, place_names[p],
			    json_integer(f->pii[k][p]));
		for (i = 0; i < f->hits->len; i++) {
			const MpFactHit *h = &g_array_index(f->hits, MpFactHit,
			    i);

			if ((int)h->hit.kind != k ||
			    !g_hash_table_add(shown, h->hit.value))
				continue;
			masked = mp_pii_mask(&h->hit);
			json_array_append_new(values, mp_json_str(masked));
			g_free(masked);
		}
		g_hash_table_destroy(shown);
		json_object_set_new(one, "places", places);
		json_object_set_new(one, "values", values);
		json_object_set_new(o, mp_pii_name((MpPiiKind)k), one);
	}
	return o;
}

/* keywords_json - per list: occurrences per place and in all */
static json_t *
keywords_json(const MpFacts *f)
{
	const char *const *names = mp_keywords_names(f->ctx.keywords);
	json_t *o = json_object();
	guint i;
	int p;

	for (i = 0; i < f->nlists; i++) {
		json_t *one = json_object();
		const guint *c = &f->kw[i * (MP_PLACES + 1)];

		for (p = 0; p < MP_PLACES; p++)
			json_object_set_new(one, place_names[p],
			    json_integer(c[p]));
		json_object_set_new(one, "all", json_integer(c[ALL_PLACES]));
		json_object_set_new(o, names[i], one);
	}
	return o;
}

/* numbers_json - every numeric fact up to level, by its name */
static int
numbers_json(MpFacts *f, MpFactLevel level, json_t *o, GError **err)
{
	const char *const *names = mp_fact_names();
	const char *const *lists = mp_keywords_names(f->ctx.keywords);
	GPtrArray *all = g_ptr_array_new_with_free_func(g_free);
	MpFactRef ref;
	guint64 v;
	char *why;
	guint i;
	int p, status = MP_OK;

	for (i = 0; names[i] != NULL; i++)
		g_ptr_array_add(all, g_strdup(names[i]));
	for (i = 0; lists[i] != NULL; i++) {
		g_ptr_array_add(all, g_strconcat(KEYWORD_PREFIX, lists[i],
		    NULL));
		for (p = 0; p < MP_PLACES; p++)
			g_ptr_array_add(all, g_strconcat(KEYWORD_PREFIX,
			    lists[i], ".", place_names[p], NULL));
	}
	for (i = 0; i < all->len && status == MP_OK; i++) {
		if (!mp_fact_parse(all->pdata[i], f->ctx.keywords, &ref,
		    &why)) {
			g_free(why);
			continue;
		}
		if (ref.level > level)
			continue;
		if ((status = mp_facts_number(f, &ref, &v, err)) == MP_OK)
			json_object_set_new(o, all->pdata[i],
			    json_integer((json_int_t)v));
	}
	g_ptr_array_free(all, TRUE);
	return status;
}

/* mp_facts_json - every fact up to level, as an object */
int
mp_facts_json(MpFacts *f, MpFactLevel level, json_t **out, GError **err)
{
	json_t *o, *numbers;
	GDateTime *t;
	int status;

	*out = NULL;
	ensure_sender(f);
	count_fields(f);
	if ((status = mp_facts_time(f, &t, err)) != MP_OK ||
	    (level == MP_FACT_TEXT && (status = ensure_text(f, err)) != MP_OK) ||
	    (level >= MP_FACT_PARTS && (status = ensure_parts(f, err)) != MP_OK))
		return status;
	numbers = json_object();
	if ((status = numbers_json(f, level, numbers, err)) != MP_OK) {
		json_decref(numbers);
		return status;
	}
	o = json_object();
	json_object_set_new(o, "level", json_string(level == MP_FACT_HEAD ?
	    "head" : level == MP_FACT_PARTS ? "parts" : "text"));
	json_object_set_new(o, "recipients", recipients_json(f));
	json_object_set_new(o, "sender", sender_json(f));
	json_object_set_new(o, "time", time_json(f, t));
	json_object_set_new(o, "size", json_integer((json_int_t)(f->msg->size -
	    f->msg->prefix_len)));
	if (level >= MP_FACT_PARTS)
		json_object_set_new(o, "attachments", attachments_json(f, level));
	if (level == MP_FACT_TEXT) {
		json_object_set_new(o, "pii", pii_json(f));
		json_object_set_new(o, "keywords", keywords_json(f));
	}
	json_object_set_new(o, "numbers", numbers);
	*out = o;
	return MP_OK;
}
