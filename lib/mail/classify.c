/* classify.c - every recipient of a message and its domain class */
#include <string.h>

#include <gmime/gmime.h>

#include "mail/classify.h"

/*
 * mp_addr_class - the class of one address (no domain: external)
 *
 * An address without a domain cannot be shown to be internal, and a
 * misdelivery check must not wave through what it cannot read.
 */
MpClass
mp_addr_class(const MpConfig *cfg, const MpAddr *a)
{
	if (a->domain == NULL)
		return MP_CLASS_EXTERNAL;
	return mp_config_classify(cfg, a->domain);
}

/* mp_seen_recipients - the To and Cc items that are recipients */
GPtrArray *
mp_seen_recipients(GPtrArray *fields)
{
	GPtrArray *out = g_ptr_array_new();
	guint i, k;

	for (i = 0; i < fields->len; i++) {
		const MpAddrField *af = fields->pdata[i];

		if (af->kind != MP_RCPT_TO && af->kind != MP_RCPT_CC)
			continue;
		for (k = 0; k < af->addrs->len; k++) {
			MpAddr *a = &g_array_index(af->addrs, MpAddr, k);

			/* a comment alone or "<>" names nobody */
			if (a->addr != NULL || a->unreadable)
				g_ptr_array_add(out, a);
		}
	}
	return out;
}

static void
add_rcpt(MpClassification *out, GHashTable *seen, const MpConfig *cfg,
    const MpAddr *a, MpRcptField field, gboolean details)
{
	MpRecipient r;
	char *key = mp_addr_item_key(a);

	r.cls = mp_addr_class(cfg, a);
	if (details) {
		r.addr = g_strdup(a->addr);
		r.raw = g_strdup(a->raw);
		r.name = g_strdup(a->name ? a->name : "");
		r.field = field;
		g_array_append_val(out->rcpts, r);
	}
	if (!g_hash_table_contains(seen, key)) {
		out->counts[r.cls]++;
		if (a->unreadable)
			out->unreadable++;
		g_hash_table_add(seen, key);
	} else {
		g_free(key);
	}
}

/*
 * mp_classify - classify header recipients plus envelope-only ones
 *
 * Every occurrence is listed; counts are of distinct addresses, compared
 * case-insensitively with IDN domains in one form.  An envelope
 * recipient that the headers name already is not listed again.  Without
 * details only the counts are filled: a replay of millions of messages
 * that prints counts need not read From and Message-ID or keep a record
 * of every address.  An item that is not a readable address (an
 * unterminated quote, "a@x@y") is external: a mail server may deliver
 * to what it makes of the text.  So is an envelope recipient that is
 * not one address.
 */
int
mp_classify(const MpConfig *cfg, MpAddrParser *ap, const MpMessage *msg,
    char *const *envelope, gboolean resent, gboolean details,
    MpClassification *out, GError **err)
{
	GPtrArray *fields = mp_addr_fields(ap, msg, resent);
	MpAddr from;

	mp_classify_fields(cfg, ap, msg, fields, envelope, details, out);
	g_ptr_array_free(fields, TRUE);
	if (details) {
		out->message_id = mp_message_id(msg);
		if (mp_message_sender(ap, msg, &from))
			out->from = g_strdup(from.addr);
		mp_addr_clear(&from);	/* an unreadable one has its text */
	}
	(void)err;	/* nothing fails yet; content checks will */
	return MP_OK;
}

/* mp_classify_fields - the same over fields mp_addr_fields read */
void
mp_classify_fields(const MpConfig *cfg, MpAddrParser *ap,
    const MpMessage *msg, GPtrArray *fields, char *const *envelope,
    gboolean details, MpClassification *out)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	guint i, k;

	memset(out, 0, sizeof *out);
	out->rcpts = g_array_new(FALSE, FALSE, sizeof(MpRecipient));
	out->size = msg->size - msg->prefix_len;
	for (i = 0; i < fields->len; i++) {
		MpAddrField *af = fields->pdata[i];

		for (k = 0; k < af->addrs->len; k++) {
			const MpAddr *a = &g_array_index(af->addrs, MpAddr, k);

			if (a->addr != NULL || a->unreadable)
				add_rcpt(out, seen, cfg, a, af->kind, details);
		}
	}
	for (i = 0; envelope != NULL && envelope[i] != NULL; i++) {
		MpAddr a;
		char *key;

		if (!mp_addr_parse_one(ap, envelope[i], &a)) {
			a.unreadable = TRUE;
			a.raw = g_utf8_make_valid(envelope[i], -1);
		}
		key = mp_addr_item_key(&a);
		if (!g_hash_table_contains(seen, key))
			add_rcpt(out, seen, cfg, &a, MP_RCPT_ENVELOPE, details);
		g_free(key);
		mp_addr_clear(&a);
	}
	g_hash_table_destroy(seen);
}

void
mp_classification_clear(MpClassification *c)
{
	guint i;

	for (i = 0; c->rcpts != NULL && i < c->rcpts->len; i++) {
		MpRecipient *r = &g_array_index(c->rcpts, MpRecipient, i);

		g_free(r->addr);
		g_free(r->raw);
		g_free(r->name);
	}
	if (c->rcpts != NULL)
		g_array_free(c->rcpts, TRUE);
	g_free(c->from);
	g_free(c->message_id);
	memset(c, 0, sizeof *c);
}
