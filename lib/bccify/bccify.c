/* bccify.c - move recipients out of To/Cc, touching nothing else */
#include <string.h>

#include "bccify/bccify.h"
#include "mail/classify.h"
#include "mail/edit.h"

/* the rows over [bccify]: rows of one key are one setting */
const MpOptSpec mp_bccify_conf_opts[] = {
	{ .id = 'n', .name = "threshold", .has_arg = required_argument,
	  .key = "threshold",
	  .def = G_STRINGIFY(MP_BCCIFY_THRESHOLD_DEFAULT) },
	{ .id = MP_BCCIFY_OPT_ALL, .name = "all", .has_arg = no_argument,
	  .key = "mode", .set = "all", .def = "external" },
	{ .id = MP_BCCIFY_OPT_SELF_ONLY, .name = "self-only",
	  .has_arg = no_argument, .key = "mode", .set = "self-only",
	  .def = "external" },
	{ .id = MP_BCCIFY_OPT_BCC_HEADER, .name = "bcc-header",
	  .has_arg = no_argument, .key = "bcc-header", .set = "yes",
	  .def = "no" },
	{ .id = MP_BCCIFY_OPT_NO_BCC_HEADER, .name = "no-bcc-header",
	  .has_arg = no_argument, .key = "bcc-header", .set = "no",
	  .def = "no" },
	{ .id = MP_BCCIFY_OPT_TRACE, .name = "trace", .has_arg = no_argument,
	  .key = "trace", .set = "yes", .def = "yes" },
	{ .id = MP_BCCIFY_OPT_NO_TRACE, .name = "no-trace",
	  .has_arg = no_argument, .key = "trace", .set = "no",
	  .def = "yes" },
	MP_OPT_END,
};

typedef struct {
	const MpConfig *cfg;
	const MpBccifyOpts *opts;
	const char *self;	/* the sender's address key, or NULL */
} Policy;

/* mp_bccify_mode_parse - "external", "all" or "self-only" */
gboolean
mp_bccify_mode_parse(const char *s, MpBccifyMode *mode)
{
	if (strcmp(s, "external") == 0)
		*mode = MP_BCCIFY_EXTERNAL;
	else if (strcmp(s, "all") == 0)
		*mode = MP_BCCIFY_ALL;
	else if (strcmp(s, "self-only") == 0)
		*mode = MP_BCCIFY_SELF_ONLY;
	else
		return FALSE;
	return TRUE;
}

/* mp_bccify_conf_init - the table over [bccify], nothing given */
void
mp_bccify_conf_init(MpBccifyConf *c)
{
	memset(c, 0, sizeof *c);
	mp_opts_init(&c->own, "bccify", mp_bccify_conf_opts);
}

/* mp_bccify_conf_load - flags over [bccify] over the defaults into b;
 * the values were checked against the schema, so each parses */
void
mp_bccify_conf_load(const MpOpts *own, MpBccifyOpts *b)
{
	if (!mp_bccify_mode_parse(mp_opts_value(own, MP_BCCIFY_OPT_ALL),
	    &b->mode))
		b->mode = MP_BCCIFY_EXTERNAL;
	b->threshold = (guint)mp_opts_uint(own, 'n',
	    MP_BCCIFY_THRESHOLD_DEFAULT);
	b->bcc_header = mp_opts_bool(own, MP_BCCIFY_OPT_BCC_HEADER, FALSE);
	b->trace = mp_opts_bool(own, MP_BCCIFY_OPT_TRACE, TRUE);
}

/* mp_bccify_conf_read - the table from cfg alone, then resolved */
int
mp_bccify_conf_read(MpBccifyConf *c, const MpConfig *cfg, GError **err)
{
	int status;

	if ((status = mp_opts_read(&c->own, cfg, err)) != MP_OK)
		return status;
	mp_bccify_conf_load(&c->own, &c->b);
	return MP_OK;
}

/* mp_bccify_conf_clear - release the table */
void
mp_bccify_conf_clear(MpBccifyConf *c)
{
	mp_opts_clear(&c->own);
	memset(&c->b, 0, sizeof c->b);
}

/* is_self - whether an address is the sender's own */
static gboolean
is_self(const Policy *p, const MpAddr *a)
{
	char *key;
	gboolean same;

	if (p->self == NULL || a->addr == NULL)
		return FALSE;
	key = mp_addr_key(a->addr);
	same = strcmp(key, p->self) == 0;
	g_free(key);
	return same;
}

/*
 * must_move - whether one address leaves the visible headers.  An
 * unreadable item is external (its class has no domain to go by), so it
 * moves with the external addresses instead of staying in sight.
 */
static gboolean
must_move(const Policy *p, const MpAddr *a)
{
	if (p->opts->mode == MP_BCCIFY_EXTERNAL)
		return (a->addr != NULL || a->unreadable) &&
		    mp_addr_class(p->cfg, a) == MP_CLASS_EXTERNAL;
	return !is_self(p, a);
}

/*
 * item_moves - whether the list item holding addrs[k] moves: an item
 * holding two addresses (a missing comma) moves if either must.
 */
static gboolean
item_moves(const Policy *p, const MpAddrField *af, guint k)
{
	const MpAddr *a = &g_array_index(af->addrs, MpAddr, k);
	guint j;

	for (j = 0; j < af->addrs->len; j++) {
		const MpAddr *b = &g_array_index(af->addrs, MpAddr, j);

		if (b->start == a->start && must_move(p, b))
			return TRUE;
	}
	return FALSE;
}

static char *
text_of(const MpMessage *msg, gsize start, gsize end)
{
	return g_strndup(msg->data + start, end - start);
}

typedef struct {
	gsize start;
	int group;		/* group index, or -1 for a plain item */
	guint k;		/* first MpAddr of a plain item */
} Unit;

static gint
unit_cmp(gconstpointer x, gconstpointer y)
{
	const Unit *a = x, *b = y;

	return a->start < b->start ? -1 : a->start > b->start;
}

/* take_item - keep or move the list item holding addrs[k] */
static gboolean
take_item(const Policy *p, const MpMessage *msg, const MpAddrField *af,
    guint k, GPtrArray *moved, GHashTable *moved_keys, char **keep)
{
	const MpAddr *a = &g_array_index(af->addrs, MpAddr, k);
	guint j;

	*keep = NULL;
	if (!item_moves(p, af, k)) {
		*keep = text_of(msg, a->start, a->end);
		return FALSE;
	}
	g_ptr_array_add(moved, text_of(msg, a->start, a->end));
	for (j = 0; j < af->addrs->len; j++) {
		const MpAddr *b = &g_array_index(af->addrs, MpAddr, j);

		if (b->start == a->start && (b->addr != NULL || b->unreadable))
			g_hash_table_add(moved_keys, mp_addr_item_key(b));
	}
	return TRUE;
}

/*
 * rebuild_field - the items that stay, as their exact text, in their
 * original order; the text of moved items goes to moved.  A group keeps
 * its name and the members that stay; a group left with no members goes,
 * and one that never had any (undisclosed-recipients:;) stays as it is.
 * Returns whether anything moved.
 */
static gboolean
rebuild_field(const Policy *p, const MpMessage *msg, const MpAddrField *af,
    GPtrArray *kept, GPtrArray *moved, GHashTable *moved_keys)
{
	GArray *units = g_array_new(FALSE, FALSE, sizeof(Unit));
	gboolean changed = FALSE;
	guint k, u;
	char *t;

	for (k = 0; k < af->addrs->len; k++) {
		const MpAddr *a = &g_array_index(af->addrs, MpAddr, k);
		Unit un = { a->start, -1, k };

		if (a->group < 0 && (k == 0 || a->start !=
		    g_array_index(af->addrs, MpAddr, k - 1).start))
			g_array_append_val(units, un);
	}
	for (k = 0; k < af->groups->len; k++) {
		Unit un = { g_array_index(af->groups, MpGroup, k).start, (int)k,
		    0 };

		g_array_append_val(units, un);
	}
	g_array_sort(units, unit_cmp);

	for (u = 0; u < units->len; u++) {
		const Unit *un = &g_array_index(units, Unit, u);
		const MpGroup *gr;
		GString *grp;
		guint members = 0, stay = 0;
		gboolean group_changed = FALSE;

		if (un->group < 0) {
			if (take_item(p, msg, af, un->k, moved, moved_keys, &t))
				changed = TRUE;
			else
				g_ptr_array_add(kept, t);
			continue;
		}
		gr = &g_array_index(af->groups, MpGroup, un->group);
		grp = g_string_new_len(msg->data + gr->start,
		    (gssize)(gr->colon - gr->start));
		for (k = 0; k < af->addrs->len; k++) {
			const MpAddr *a = &g_array_index(af->addrs, MpAddr, k);

			if (a->group != un->group || (k > 0 && a->start ==
			    g_array_index(af->addrs, MpAddr, k - 1).start))
				continue;
			members++;
			if (take_item(p, msg, af, k, moved, moved_keys, &t)) {
				group_changed = TRUE;
				continue;
			}
			g_string_append(grp, stay++ ? ", " : " ");
			g_string_append(grp, t);
			g_free(t);
		}
		if (!group_changed || members == 0) {
			g_ptr_array_add(kept, text_of(msg, gr->start, gr->end));
			g_string_free(grp, TRUE);
		} else if (stay > 0) {
			g_string_append_c(grp, ';');
			g_ptr_array_add(kept, g_string_free(grp, FALSE));
		} else {
			g_string_free(grp, TRUE);
		}
		changed = changed || group_changed;
	}
	g_array_free(units, TRUE);
	return changed;
}

/* mp_dkim_signs - whether a DKIM-Signature's h= names one of the fields */
gboolean
mp_dkim_signs(const MpMessage *msg, const char *const *names)
{
	guint i, t, h, n;
	gboolean found = FALSE;

	for (i = 0; i < msg->fields->len && !found; i++) {
		const MpField *f = &g_array_index(msg->fields, MpField, i);
		char *v, **tags;

		if (!mp_field_is(msg, f, "DKIM-Signature"))
			continue;
		v = mp_field_value(msg, f);
		tags = g_strsplit(v, ";", -1);
		for (t = 0; tags[t] != NULL && !found; t++) {
			char *tag = g_strstrip(tags[t]);
			char **hs;

			if (tag[0] != 'h' || strchr(" \t=", tag[1]) == NULL)
				continue;
			tag = strchr(tag, '=');
			if (tag == NULL)
				continue;
			hs = g_strsplit(tag + 1, ":", -1);
			for (h = 0; hs[h] != NULL && !found; h++)
				for (n = 0; names[n] != NULL; n++)
					if (g_ascii_strcasecmp(g_strstrip(hs[h]),
					    names[n]) == 0)
						found = TRUE;
			g_strfreev(hs);
		}
		g_strfreev(tags);
		g_free(v);
	}
	return found;
}

/* count_external - distinct external addresses in To and Cc, each
 * unreadable item one of them */
static guint
count_external(const MpConfig *cfg, GPtrArray *fields)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	GPtrArray *rcpts = mp_seen_recipients(fields);
	guint i, n;

	for (i = 0; i < rcpts->len; i++) {
		const MpAddr *a = rcpts->pdata[i];

		if (mp_addr_class(cfg, a) == MP_CLASS_EXTERNAL)
			g_hash_table_add(seen, mp_addr_item_key(a));
	}
	n = g_hash_table_size(seen);
	g_ptr_array_free(rcpts, TRUE);
	g_hash_table_destroy(seen);
	return n;
}

static char *
field_name(const MpMessage *msg, const MpAddrField *af)
{
	const MpField *f = &g_array_index(msg->fields, MpField, af->field);

	return g_strndup(msg->data + f->start, f->name_len);
}

/*
 * mp_bccify - decide and, if it acts, rewrite the header block
 *
 * Only To, Cc, Bcc and our trace field change; every other byte of the
 * message is copied.  When it does not act, res->out stays NULL and the
 * caller passes the input through as it is.
 */
void
mp_bccify(const MpConfig *cfg, MpAddrParser *ap, const MpMessage *msg,
    const MpBccifyOpts *opts, MpBccifyResult *res)
{
	static const char *const signed_names[] = { "to", "cc", NULL };
	GPtrArray *fields, *moved, *bcc;
	GHashTable *moved_keys;
	MpHeaderEdit *ed;
	MpAddr sender;
	Policy p = { cfg, opts, NULL };
	char *self = NULL;
	int first_to = -1;
	gboolean to_left = FALSE, changed = FALSE;
	guint i, k;

	memset(res, 0, sizeof *res);
	fields = mp_addr_fields(ap, msg, FALSE);
	res->external = count_external(cfg, fields);
	if (opts->mode != MP_BCCIFY_SELF_ONLY &&
	    res->external < opts->threshold) {
		g_ptr_array_free(fields, TRUE);
		return;
	}
	if (opts->sender != NULL) {
		if (mp_addr_parse_one(ap, opts->sender, &sender)) {
			self = mp_addr_key(sender.addr);
			mp_addr_clear(&sender);
		}
	} else {
		if (mp_message_sender(ap, msg, &sender))
			self = mp_addr_key(sender.addr);
		mp_addr_clear(&sender);	/* an unreadable one has its text */
	}
	p.self = self;

	ed = mp_header_edit_new(msg);
	moved = g_ptr_array_new_with_free_func(g_free);
	moved_keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	for (i = 0; i < fields->len; i++) {
		const MpAddrField *af = fields->pdata[i];
		GPtrArray *kept;
		char *name, *line;

		if (af->kind == MP_RCPT_BCC)
			continue;
		kept = g_ptr_array_new_with_free_func(g_free);
		if (!rebuild_field(&p, msg, af, kept, moved, moved_keys)) {
			if (af->kind == MP_RCPT_TO && af->addrs->len +
			    af->groups->len > 0)
				to_left = TRUE;
			g_ptr_array_free(kept, TRUE);
			continue;
		}
		changed = TRUE;
		if (kept->len == 0) {
			if (af->kind == MP_RCPT_TO && first_to < 0)
				first_to = (int)af->field;
			mp_header_edit_drop(ed, af->field);
		} else {
			if (af->kind == MP_RCPT_TO)
				to_left = TRUE;
			name = field_name(msg, af);
			line = mp_header_list_line(msg, name, kept);
			mp_header_edit_replace(ed, af->field, line);
			g_free(line);
			g_free(name);
		}
		g_ptr_array_free(kept, TRUE);
	}
	if (changed) {
		if (!to_left && first_to >= 0) {
			char *line = mp_header_line(msg, "To",
			    "undisclosed-recipients:;");

			mp_header_edit_replace(ed, (guint)first_to, line);
			g_free(line);
		}
		/*
		 * A Bcc field in relayed mail shows every hidden recipient:
		 * drop it, or with bcc_header fold it into the one we write.
		 */
		bcc = g_ptr_array_new_with_free_func(g_free);
		for (i = 0; i < fields->len; i++) {
			const MpAddrField *af = fields->pdata[i];

			if (af->kind != MP_RCPT_BCC)
				continue;
			mp_header_edit_drop(ed, af->field);
			for (k = 0; k < af->addrs->len; k++) {
				const MpAddr *a = &g_array_index(af->addrs, MpAddr, k);

				if (k == 0 || a->start != g_array_index(af->addrs,
				    MpAddr, k - 1).start)
					g_ptr_array_add(bcc, text_of(msg, a->start,
					    a->end));
			}
		}
		mp_header_edit_drop_all(ed, "X-MP-Bccify");
		if (opts->bcc_header) {
			char *line;

			for (i = 0; i < moved->len; i++)
				g_ptr_array_add(bcc, g_strdup(moved->pdata[i]));
			line = mp_header_list_line(msg, "Bcc", bcc);
			mp_header_edit_append(ed, line);
			g_free(line);
		}
		g_ptr_array_free(bcc, TRUE);
		res->moved = g_hash_table_size(moved_keys);
		if (opts->trace) {
			char *v = g_strdup_printf("moved=%u", res->moved);

			mp_header_edit_set(ed, "X-MP-Bccify", v);
			g_free(v);
		}
		res->dkim_signed = mp_dkim_signs(msg, signed_names);
		res->out = mp_header_edit_apply(ed);
	}
	g_hash_table_destroy(moved_keys);
	g_ptr_array_free(moved, TRUE);
	mp_header_edit_free(ed);
	g_ptr_array_free(fields, TRUE);
	g_free(self);
}

void
mp_bccify_result_clear(MpBccifyResult *res)
{
	if (res->out != NULL)
		g_string_free(res->out, TRUE);
	memset(res, 0, sizeof *res);
}
