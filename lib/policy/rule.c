/* rule.c - the [rule NAME] sections of mp.conf, read and checked */
#include <errno.h>
#include <string.h>

#include "policy/rule.h"

static const char *const action_names[MP_ACTIONS] = {
	"reject", "approve", "confirm", "hold", "stagger", "bccify",
	"zipenc", "detach", "ccguard", "add-superior", "tag", "pass",
};

static const char *const day_names[7] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun",
};

/* What reading one rule needs: where it is, to name it in errors. */
typedef struct {
	const MpConfig *cfg;
	const char *group;	/* "rule NAME" */
	const char *name;
	MpRules *rules;
} RuleCtx;

static int bad(const RuleCtx *c, const char *key, GError **err,
    const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* mp_action_name - "reject", "hold", ... as mp.conf writes them */
const char *
mp_action_name(MpAction a)
{
	return a < MP_ACTIONS ? action_names[a] : "?";
}

/* bad - 78: "[rule NAME] key: why (file:line)" */
static int
bad(const RuleCtx *c, const char *key, GError **err, const char *fmt, ...)
{
	va_list ap;
	char *why, *where;
	int status;

	va_start(ap, fmt);
	why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	where = mp_config_where(c->cfg, c->group, key);
	if (key != NULL)
		status = mp_fail(err, EX_CONFIG, "[%s] %s: %s %s", c->group,
		    key, why, where);
	else
		status = mp_fail(err, EX_CONFIG, "[%s]: %s %s", c->group, why,
		    where);
	g_free(why);
	g_free(where);
	return status;
}

/* value - a key's value without surrounding blanks, or NULL */
static char *
value(const RuleCtx *c, const char *key)
{
	char *v = g_key_file_get_value(c->cfg->kf, c->group, key, NULL);

	return v != NULL ? g_strstrip(v) : NULL;
}

/* ---- if: FACT OP NUMBER, joined by and / or ---- */

/* next_token - the next word or operator of s at *pos, or NULL */
static char *
next_token(const char *s, gsize *pos)
{
	gsize i = *pos, start;

	while (s[i] == ' ' || s[i] == '\t')
		i++;
	if (s[i] == '\0') {
		*pos = i;
		return NULL;
	}
	start = i;
	if (strchr("<>=!", s[i]) != NULL) {
		while (s[i] != '\0' && strchr("<>=!", s[i]) != NULL)
			i++;
	} else {
		while (s[i] != '\0' && s[i] != ' ' && s[i] != '\t' &&
		    strchr("<>=!", s[i]) == NULL)
			i++;
	}
	*pos = i;
	return g_strndup(s + start, i - start);
}

/* cmp_op - an operator's MpCmpOp; FALSE if it is none */
static gboolean
cmp_op(const char *t, MpCmpOp *op)
{
	static const struct {
		const char *text;
		MpCmpOp op;
	} ops[] = {
		{ ">=", MP_CMP_GE }, { ">", MP_CMP_GT }, { "<=", MP_CMP_LE },
		{ "<", MP_CMP_LT }, { "==", MP_CMP_EQ }, { "=", MP_CMP_EQ },
		{ "!=", MP_CMP_NE },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS(ops); i++)
		if (strcmp(t, ops[i].text) == 0) {
			*op = ops[i].op;
			return TRUE;
		}
	return FALSE;
}

static const char *const op_text[] = { ">=", ">", "<=", "<", "==", "!=" };

/* cmp_clear - release one comparison (a GArray clear func) */
static void
cmp_clear(gpointer p)
{
	MpCmp *c = p;

	g_free(c->name);
	g_free(c->text);
}

/* new_conj - an empty "and" of comparisons */
static GArray *
new_conj(void)
{
	GArray *a = g_array_new(FALSE, TRUE, sizeof(MpCmp));

	g_array_set_clear_func(a, cmp_clear);
	return a;
}

/*
 * read_term - one comparison at *pos: "not FACT", "FACT" (> 0) or
 * "FACT OP NUMBER"; the token after it (and, or, NULL) in *next
 */
static int
read_term(const RuleCtx *c, const char *s, gsize *pos, MpCmp *cmp,
    char **next, GError **err)
{
	char *t = next_token(s, pos), *why = NULL;
	gboolean negate = FALSE;
	guint64 n;
	int status = MP_OK;

	*next = NULL;
	if (t != NULL && strcmp(t, "not") == 0) {
		negate = TRUE;
		g_free(t);
		t = next_token(s, pos);
	}
	if (t == NULL || strcmp(t, "and") == 0 || strcmp(t, "or") == 0) {
		status = bad(c, "if", err, "a fact is missing%s%s",
		    t != NULL ? " before " : " at the end", t != NULL ? t : "");
		g_free(t);
		return status;
	}
	if (!mp_fact_parse(t, c->rules->keywords, &cmp->fact, &why)) {
		status = bad(c, "if", err, "%s: %s", t, why);
		g_free(why);
		g_free(t);
		return status;
	}
	cmp->name = t;
	cmp->op = negate ? MP_CMP_EQ : MP_CMP_GT;
	cmp->value = 0;
	*next = next_token(s, pos);
	if (!negate && *next != NULL && cmp_op(*next, &cmp->op)) {
		char *num = next_token(s, pos);

		if (num == NULL || !mp_parse_size(num, &n)) {
			status = bad(c, "if", err, "%s %s: \"%s\" is not a "
			    "number (like 10, 2M)", t, *next,
			    num != NULL ? num : "");
			g_free(num);
			return status;
		}
		cmp->value = n;
		g_free(num);
		g_free(*next);
		*next = next_token(s, pos);
	} else if (*next != NULL && strcmp(*next, "and") != 0 &&
	    strcmp(*next, "or") != 0) {
		return bad(c, "if", err, "after %s: \"%s\" is not an "
		    "operator (>=, >, <=, <, ==, !=), and or or", t, *next);
	}
	cmp->text = g_strdup_printf("%s %s %" G_GUINT64_FORMAT, t,
	    op_text[cmp->op], cmp->value);
	return MP_OK;
}

/* read_if - `if`: comparisons joined by and, alternatives by or */
static int
read_if(const RuleCtx *c, MpRule *r, const char *s, GError **err)
{
	gsize pos = 0;
	GArray *conj = new_conj();
	char *next = NULL;
	int status;

	r->ifs = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
	g_ptr_array_add(r->ifs, conj);
	for (;;) {
		MpCmp cmp = { 0 };

		status = read_term(c, s, &pos, &cmp, &next, err);
		if (status != MP_OK) {
			cmp_clear(&cmp);
			g_free(next);
			return status;
		}
		g_array_append_val(conj, cmp);
		r->level = MAX(r->level, cmp.fact.level);
		if (next == NULL)
			return MP_OK;
		if (strcmp(next, "or") == 0) {
			conj = new_conj();
			g_ptr_array_add(r->ifs, conj);
		}
		g_free(next);
	}
}

/* ---- time: [outside] [DAYS] [HH:MM-HH:MM] [; ...] ---- */

/* read_clock - "HH:MM" (00:00 to 24:00) into minutes */
static gboolean
read_clock(const char *s, gsize len, int *out)
{
	unsigned h, m;
	char buf[8], extra;

	if (len < 4 || len > 5)
		return FALSE;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (sscanf(buf, "%u:%2u%c", &h, &m, &extra) != 2 || m > 59 ||
	    h > 24 || (h == 24 && m != 0) || strchr(buf, ':') - buf < 1)
		return FALSE;
	*out = (int)(h * 60 + m);
	return TRUE;
}

/* read_span - "HH:MM-HH:MM" into w; FALSE if t is not one */
static gboolean
read_span(const char *t, MpWindow *w)
{
	const char *dash = strchr(t, '-');

	if (dash == NULL || strchr(t, ':') == NULL)
		return FALSE;
	return read_clock(t, dash - t, &w->start) &&
	    read_clock(dash + 1, strlen(dash + 1), &w->end) &&
	    (w->start != w->end || w->start == 0);
}

/* day_index - 0 (mon) to 6 (sun), or -1 */
static int
day_index(const char *s, gsize len)
{
	int i;

	for (i = 0; i < 7; i++)
		if (len == 3 && g_ascii_strncasecmp(s, day_names[i], 3) == 0)
			return i;
	return -1;
}

/* read_days - "mon-fri,sat", "all", "workday", "holiday", "weekend" */
static gboolean
read_days(const char *t, MpWindow *w)
{
	char **items = g_strsplit(t, ",", -1);
	gboolean ok = TRUE;
	guint i;

	for (i = 0; items[i] != NULL && ok; i++) {
		char *it = g_strstrip(items[i]);
		char *dash = strchr(it, '-');
		int a, b;

		if (*it == '\0')
			continue;
		if (g_ascii_strcasecmp(it, "all") == 0)
			w->days |= 0x7f;
		else if (g_ascii_strcasecmp(it, "weekend") == 0)
			w->days |= 0x60;
		else if (g_ascii_strcasecmp(it, "workday") == 0)
			w->workday = TRUE;
		else if (g_ascii_strcasecmp(it, "holiday") == 0)
			w->holiday = TRUE;
		else if (dash != NULL) {
			a = day_index(it, dash - it);
			b = day_index(dash + 1, strlen(dash + 1));
			if ((ok = a >= 0 && b >= 0))
				for (; ; a = (a + 1) % 7) {
					w->days |= 1u << a;
					if (a == b)
						break;
				}
		} else if ((a = day_index(it, strlen(it))) >= 0) {
			w->days |= 1u << a;
		} else {
			ok = FALSE;
		}
	}
	g_strfreev(items);
	return ok;
}

/* read_window - one window: its words are days or a span */
static gboolean
read_window(char *text, MpWindow *w)
{
	char **words = g_strsplit_set(g_strstrip(text), " \t", -1);
	GString *days = g_string_new(NULL);
	gboolean ok = TRUE, span = FALSE;
	guint i;

	memset(w, 0, sizeof(*w));
	for (i = 0; words[i] != NULL && ok; i++) {
		if (*words[i] == '\0')
			continue;
		if (g_ascii_isdigit(*words[i]))
			ok = !span && (span = read_span(words[i], w));
		else
			g_string_append_printf(days, "%s,", words[i]);
	}
	if (ok && days->len == 0 && !span)
		ok = FALSE;
	if (ok && days->len > 0)
		ok = read_days(days->str, w);
	if (ok && w->days == 0 && !w->workday && !w->holiday)
		w->days = 0x7f;
	g_string_free(days, TRUE);
	g_strfreev(words);
	return ok;
}

/* read_time - `time`: windows, "outside" to hold when in none */
static int
read_time(const RuleCtx *c, MpRule *r, const char *s, GError **err)
{
	char **parts;
	const char *rest = s;
	guint i;
	int status = MP_OK;

	if (g_str_has_prefix(rest, "outside") &&
	    (rest[7] == ' ' || rest[7] == '\t')) {
		r->outside = TRUE;
		rest += 7;
	}
	r->windows = g_array_new(FALSE, TRUE, sizeof(MpWindow));
	parts = g_strsplit(rest, ";", -1);
	for (i = 0; parts[i] != NULL && status == MP_OK; i++) {
		MpWindow w;

		if (!read_window(parts[i], &w))
			status = bad(c, "time", err, "\"%s\" is not a time "
			    "window (like mon-fri 09:00-19:00, sat,sun, "
			    "22:00-06:00, workday, holiday)",
			    g_strstrip(parts[i]));
		else
			g_array_append_val(r->windows, w);
	}
	g_strfreev(parts);
	return status;
}

/* ---- lists: addresses, domains, globs, file:, title:, unit: ---- */

/* list_key - the form an address is listed and looked up in */
static char *
list_key(const char *addr, gboolean strip_tag)
{
	char *key = mp_addr_key(addr), *low, *at, *plus;

	if (key == NULL)
		return NULL;
	low = g_utf8_casefold(key, -1);
	g_free(key);
	if (strip_tag && (at = strrchr(low, '@')) != NULL &&
	    (plus = memchr(low, '+', at - low)) != NULL)
		memmove(plus, at, strlen(at) + 1);
	return low;
}

/* list_item - one item into l; why on failure */
static gboolean
list_item(MpList *l, const char *it, gboolean sender, gboolean strip_tag,
    char **why)
{
	MpListItem *item;
	char *v;

	if (g_str_has_prefix(it, "title:") || g_str_has_prefix(it, "unit:")) {
		gboolean title = *it == 't';
		const char *code = strchr(it, ':') + 1;

		if (!sender || *code == '\0') {
			*why = g_strdup_printf(sender ? "\"%s\" names nothing" :
			    "\"%s\": title: and unit: are for senders", it);
			return FALSE;
		}
		item = g_new0(MpListItem, 1);
		item->kind = title ? MP_ITEM_TITLE : MP_ITEM_UNIT;
		item->text = g_strdup(code);
		if (!title)
			item->glob = g_pattern_spec_new(code);
		g_ptr_array_add(l->items, item);
		l->org = TRUE;
		return TRUE;
	}
	if (strpbrk(it, "*?") != NULL) {
		item = g_new0(MpListItem, 1);
		item->kind = MP_ITEM_GLOB;
		item->text = g_utf8_casefold(it, -1);
		item->glob = g_pattern_spec_new(item->text);
		g_ptr_array_add(l->items, item);
		return TRUE;
	}
	if (strchr(it, '@') != NULL) {
		if ((v = list_key(it, strip_tag)) == NULL ||
		    strchr(v, '@') == v || v[strlen(v) - 1] == '@') {
			g_free(v);
			*why = g_strdup_printf("\"%s\" is not an address", it);
			return FALSE;
		}
		g_hash_table_add(l->addresses, v);
		return TRUE;
	}
	if ((v = mp_domain_canon(it)) == NULL || strchr(v, '.') == NULL) {
		g_free(v);
		*why = g_strdup_printf("\"%s\" is not an address, domain or "
		    "glob", it);
		return FALSE;
	}
	g_hash_table_add(l->domains, v);
	return TRUE;
}

/* list_file - file:PATH: one item a line, # comments */
static gboolean
list_file(MpList *l, const char *path, gboolean sender,
    gboolean strip_tag, char **why)
{
	char *text, **lines;
	GError *e = NULL;
	gboolean ok = TRUE;
	guint i;

	if (!g_file_get_contents(path, &text, NULL, &e)) {
		*why = g_strdup_printf("cannot read %s", e->message);
		g_error_free(e);
		return FALSE;
	}
	lines = g_strsplit(text, "\n", -1);
	g_free(text);
	for (i = 0; lines[i] != NULL && ok; i++) {
		char *hash = strchr(lines[i], '#'), *it, *item_why = NULL;

		if (hash != NULL)
			*hash = '\0';
		it = g_strstrip(lines[i]);
		if (*it == '\0')
			continue;
		if (l->items->len + g_hash_table_size(l->addresses) +
		    g_hash_table_size(l->domains) >= MP_RULE_LIST_MAX) {
			*why = g_strdup_printf("%s: more than %d items", path,
			    MP_RULE_LIST_MAX);
			ok = FALSE;
		} else if (g_str_has_prefix(it, "file:")) {
			*why = g_strdup_printf("%s:%u: a file: in a file",
			    path, i + 1);
			ok = FALSE;
		} else if (!list_item(l, it, sender, strip_tag, &item_why)) {
			*why = g_strdup_printf("%s:%u: %s", path, i + 1,
			    item_why);
			g_free(item_why);
			ok = FALSE;
		}
	}
	g_strfreev(lines);
	return ok;
}

/* list_item_free - release one MpListItem */
static void
list_item_free(gpointer p)
{
	MpListItem *it = p;

	g_free(it->text);
	if (it->glob != NULL)
		g_pattern_spec_free(it->glob);
	g_free(it);
}

/* list_free - release a list */
static void
list_free(MpList *l)
{
	if (l == NULL)
		return;
	g_free(l->text);
	g_ptr_array_free(l->items, TRUE);
	g_hash_table_destroy(l->addresses);
	g_hash_table_destroy(l->domains);
	g_free(l);
}

/* read_list - a list key of a rule; 78 naming a bad item */
static int
read_list(const RuleCtx *c, const char *key, gboolean sender,
    MpList **out, GError **err)
{
	char *s = value(c, key), **items, *why = NULL;
	MpList *l;
	gboolean ok = TRUE;
	guint i;

	*out = NULL;
	if (s == NULL)
		return MP_OK;
	l = g_new0(MpList, 1);
	l->text = s;
	l->items = g_ptr_array_new_with_free_func(list_item_free);
	l->addresses = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	l->domains = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	items = g_strsplit_set(s, ",", -1);
	for (i = 0; items[i] != NULL && ok; i++) {
		char *it = g_strstrip(items[i]);

		if (*it == '\0')
			continue;
		ok = g_str_has_prefix(it, "file:") ?
		    list_file(l, it + 5, sender, c->rules->strip_tag, &why) :
		    list_item(l, it, sender, c->rules->strip_tag, &why);
	}
	g_strfreev(items);
	if (ok && l->items->len == 0 && g_hash_table_size(l->addresses) == 0 &&
	    g_hash_table_size(l->domains) == 0 && !g_str_has_prefix(s, "file:")) {
		why = g_strdup("an empty list");
		ok = FALSE;
	}
	if (!ok) {
		int status = bad(c, key, err, "%s", why);

		g_free(why);
		list_free(l);
		return status;
	}
	c->rules->org |= l->org;
	*out = l;
	return MP_OK;
}

/* mp_list_has - whether an address is in the list (not title:/unit:) */
gboolean
mp_list_has(const MpList *l, const char *addr, gboolean strip_tag)
{
	char *key = list_key(addr, strip_tag);
	const char *d;
	gboolean found = FALSE;
	guint i;

	if (key == NULL)
		return FALSE;
	if (g_hash_table_contains(l->addresses, key))
		found = TRUE;
	for (d = strrchr(key, '@'); !found && d != NULL;
	    d = strchr(d + 1, '.'))
		found = g_hash_table_contains(l->domains, d + 1);
	for (i = 0; !found && i < l->items->len; i++) {
		const MpListItem *it = l->items->pdata[i];

		found = it->kind == MP_ITEM_GLOB &&
		    g_pattern_spec_match_string(it->glob, key);
	}
	g_free(key);
	return found;
}

/* ---- header.NAME, action, for ---- */

/* header_cond_free - release one MpHeaderCond */
static void
header_cond_free(gpointer p)
{
	MpHeaderCond *h = p;

	g_free(h->field);
	g_free(h->text);
	if (h->re != NULL)
		g_regex_unref(h->re);
	g_free(h);
}

/* read_header - header.NAME = REGEX */
static int
read_header(const RuleCtx *c, MpRule *r, const char *key, GError **err)
{
	MpHeaderCond *h;
	GError *e = NULL;
	int status;

	if (r->headers == NULL)
		r->headers = g_ptr_array_new_with_free_func(header_cond_free);
	h = g_new0(MpHeaderCond, 1);
	h->field = g_strdup(key + strlen("header."));
	h->text = value(c, key);
	g_ptr_array_add(r->headers, h);
	if (*h->field == '\0' || strpbrk(h->field, ": \t") != NULL)
		return bad(c, key, err, "\"%s\" is not a field name",
		    h->field);
	h->re = g_regex_new(h->text, G_REGEX_OPTIMIZE, 0, &e);
	if (h->re == NULL) {
		status = bad(c, key, err, "not a regular expression: %s",
		    e->message);
		g_error_free(e);
		return status;
	}
	return MP_OK;
}

/* read_action - action = NAME [DURATION | TEXT] */
static int
read_action(const RuleCtx *c, MpRule *r, GError **err)
{
	char *s = value(c, "action"), *arg;
	gsize n;
	int a;

	if (s == NULL)
		return bad(c, NULL, err, "no action (reject, hold 30m, "
		    "stagger 1h, approve, confirm, bccify, zipenc, detach, "
		    "ccguard, add-superior, tag TEXT, pass)");
	r->action_text = s;
	n = strcspn(s, " \t");
	arg = g_strstrip(g_strdup(s + n));
	for (a = 0; a < MP_ACTIONS; a++)
		if (strlen(action_names[a]) == n &&
		    strncmp(s, action_names[a], n) == 0)
			break;
	r->action = a;
	if (a == MP_ACTIONS) {
		g_free(arg);
		return bad(c, "action", err, "unknown action \"%.*s\"",
		    (int)n, s);
	}
	if (a == MP_ACT_HOLD || a == MP_ACT_STAGGER) {
		if (!mp_parse_duration(arg, &r->duration) || r->duration == 0 ||
		    r->duration > MP_RULE_DURATION_MAX) {
			g_free(arg);
			return bad(c, "action", err, "%s needs a duration from "
			    "1s to 30d (like 60m), not \"%s\"", action_names[a],
			    s + n + (s[n] != '\0'));
		}
	} else if (a == MP_ACT_TAG) {
		if (*arg == '\0') {
			g_free(arg);
			return bad(c, "action", err, "tag needs its text "
			    "(tag [社外])");
		}
		r->tag = g_strdup(arg);
	} else if (*arg != '\0') {
		int status = bad(c, "action", err, "%s takes nothing, not "
		    "\"%s\"", action_names[a], arg);

		g_free(arg);
		return status;
	}
	g_free(arg);
	return MP_OK;
}

/* read_for - for = internal, semi-internal, external | matched */
static int
read_for(const RuleCtx *c, MpRule *r, GError **err)
{
	char *s = value(c, "for"), **items;
	guint i;
	int status = MP_OK;

	if (s == NULL)
		return MP_OK;
	if (r->action != MP_ACT_ZIPENC && r->action != MP_ACT_DETACH)
		status = bad(c, "for", err, "for is for zipenc and detach, "
		    "not %s", action_names[r->action]);
	items = mp_split_list(s);
	for (i = 0; items[i] != NULL && status == MP_OK; i++) {
		if (strcmp(items[i], "matched") == 0 && r->recipient != NULL)
			r->for_matched = TRUE;
		else if (strcmp(items[i], "matched") == 0)
			status = bad(c, "for", err, "matched needs a "
			    "recipient = list");
		else if (strcmp(items[i], "internal") == 0)
			r->for_classes |= 1u << MP_CLASS_INTERNAL;
		else if (strcmp(items[i], "semi-internal") == 0)
			r->for_classes |= 1u << MP_CLASS_SEMI_INTERNAL;
		else if (strcmp(items[i], "external") == 0)
			r->for_classes |= 1u << MP_CLASS_EXTERNAL;
		else
			status = bad(c, "for", err, "\"%s\" is not internal, "
			    "semi-internal, external or matched", items[i]);
	}
	if (status == MP_OK && r->for_matched && r->for_classes != 0)
		status = bad(c, "for", err, "matched goes alone");
	g_strfreev(items);
	g_free(s);
	return status;
}

/* rule_free - release one rule */
static void
rule_free(gpointer p)
{
	MpRule *r = p;

	g_free(r->name);
	if (r->ifs != NULL)
		g_ptr_array_free(r->ifs, TRUE);
	g_free(r->if_text);
	if (r->windows != NULL)
		g_array_free(r->windows, TRUE);
	g_free(r->time_text);
	list_free(r->sender);
	list_free(r->except_sender);
	list_free(r->recipient);
	list_free(r->except_recipient);
	if (r->headers != NULL)
		g_ptr_array_free(r->headers, TRUE);
	g_free(r->action_text);
	g_free(r->tag);
	g_free(r->reason);
	g_free(r->reason_en);
	g_free(r);
}

/* valid_name - a rule name: letters, digits, - _ . */
static gboolean
valid_name(const char *s)
{
	if (*s == '\0')
		return FALSE;
	for (; *s != '\0'; s++)
		if (!g_ascii_isalnum(*s) && strchr("-_.", *s) == NULL)
			return FALSE;
	return TRUE;
}

/* read_rule - one [rule NAME] */
static int
read_rule(RuleCtx *c, MpRule *r, GError **err)
{
	char **keys, *s;
	guint i;
	int status;

	if (!valid_name(c->name))
		return bad(c, NULL, err, "a rule name is letters, digits, "
		    "-, _ and .");
	if ((s = value(c, "if")) != NULL) {
		r->if_text = s;
		if ((status = read_if(c, r, s, err)) != MP_OK)
			return status;
	}
	if ((s = value(c, "time")) != NULL) {
		r->time_text = s;
		if ((status = read_time(c, r, s, err)) != MP_OK)
			return status;
	}
	if ((status = read_list(c, "sender", TRUE, &r->sender, err)) ||
	    (status = read_list(c, "except-sender", TRUE, &r->except_sender,
	    err)) || (status = read_list(c, "recipient", FALSE, &r->recipient,
	    err)) || (status = read_list(c, "except-recipient", FALSE,
	    &r->except_recipient, err)))
		return status;
	keys = g_key_file_get_keys(c->cfg->kf, c->group, NULL, NULL);
	for (i = 0, status = MP_OK; keys[i] != NULL && status == MP_OK; i++)
		if (g_str_has_prefix(keys[i], "header."))
			status = read_header(c, r, keys[i], err);
	g_strfreev(keys);
	if (status != MP_OK || (status = read_action(c, r, err)) != MP_OK ||
	    (status = read_for(c, r, err)) != MP_OK)
		return status;
	r->reason = value(c, "reason");
	r->reason_en = value(c, "reason.en");
	if (r->action == MP_ACT_CCGUARD || r->action == MP_ACT_ADD_SUPERIOR)
		c->rules->org = TRUE;
	return MP_OK;
}

/* mp_rules_load - every [rule NAME] of cfg, checked */
int
mp_rules_load(const MpConfig *cfg, const MpFactsCtx *facts, MpRules **out,
    GError **err)
{
	MpRules *rules = g_new0(MpRules, 1);
	char *lang = mp_config_string(cfg, "policy", "lang", "ja");
	char **groups;
	guint g;
	int status = MP_OK;

	*out = NULL;
	rules->rules = g_ptr_array_new_with_free_func(rule_free);
	rules->keywords = facts->keywords;
	rules->holidays = facts->holidays;
	rules->strip_tag = facts->strip_tag;
	rules->en = strcmp(lang, "en") == 0;
	g_free(lang);
	groups = g_key_file_get_groups(cfg->kf, NULL);
	for (g = 0; groups[g] != NULL && status == MP_OK; g++) {
		RuleCtx c = { cfg, groups[g], groups[g] + 5, rules };
		MpRule *r;

		if (!g_str_has_prefix(groups[g], "rule "))
			continue;
		if (rules->rules->len >= MP_RULES_MAX) {
			status = bad(&c, NULL, err, "more than %d rules",
			    MP_RULES_MAX);
			break;
		}
		r = g_new0(MpRule, 1);
		r->name = g_strdup(c.name);
		g_ptr_array_add(rules->rules, r);
		if ((status = read_rule(&c, r, err)) == MP_OK)
			rules->level = MAX(rules->level, r->level);
	}
	g_strfreev(groups);
	if (status != MP_OK) {
		mp_rules_free(rules);
		return status;
	}
	*out = rules;
	return MP_OK;
}

/* mp_rules_free - release the rules */
void
mp_rules_free(MpRules *r)
{
	if (r == NULL)
		return;
	g_ptr_array_free(r->rules, TRUE);
	g_free(r);
}
