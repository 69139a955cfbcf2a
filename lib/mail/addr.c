/* addr.c - the addresses of To/Cc/Bcc fields, with where their text is */
#include <string.h>

#include <gmime/gmime.h>

#include "base/domains.h"
#include "mail/addr.h"
#include "mail/charset.h"

struct MpAddrParser {
	GMimeParserOptions *opts;
	gboolean names;		/* decode display names (costs conversions) */
};

typedef struct {
	const char *d;
	gsize end;
	gboolean sjis;		/* value is raw Shift_JIS: skip trail bytes */
	gboolean kanji;		/* inside an ISO-2022-JP two-byte run */
	gboolean plain_quotes;	/* backslash is not an escape in quotes */
	gboolean no_quotes;	/* quotes are ordinary characters */
	gboolean unterminated;	/* a quoted string ran to the end */
	gboolean open_comment;	/* a comment ran to the end */
} Lexer;

/* What the syntax check makes of one list item. */
typedef enum {
	ITEM_ADDRESS,		/* one mailbox, well formed */
	ITEM_NOTHING,		/* white space and comments only */
	ITEM_NULL,		/* an empty angle-addr: "<>", "Name <>" */
	ITEM_BROKEN,		/* unreadable: counted as external */
} ItemKind;

static void item_add(MpAddrParser *ap, const MpMessage *msg, MpAddrField *af,
    const Lexer *modes, gsize start, gsize end, int group);
static gsize lex_skip(Lexer *lx, gsize i);

/* mp_addr_parser_new - GMime address parsing set up for real-world mail */
MpAddrParser *
mp_addr_parser_new(void)
{
	static const char *fallback[] = { "UTF-8", "CP932", "WINDOWS-1252",
		NULL };
	MpAddrParser *ap = g_new0(MpAddrParser, 1);

	g_mime_init();	/* counted: safe to call more than once */
	ap->opts = g_mime_parser_options_new();
	g_mime_parser_options_set_address_compliance_mode(ap->opts,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_rfc2047_compliance_mode(ap->opts,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_allow_addresses_without_domain(ap->opts,
	    TRUE);
	g_mime_parser_options_set_fallback_charsets(ap->opts, fallback);
	return ap;
}

/* mp_addr_parser_want_names - fill MpAddr.name from now on */
void
mp_addr_parser_want_names(MpAddrParser *ap, gboolean names)
{
	ap->names = names;
}

void
mp_addr_parser_free(MpAddrParser *ap)
{
	if (ap == NULL)
		return;
	g_mime_parser_options_free(ap->opts);
	g_free(ap);
}

/* mp_rcpt_field_name - "to", "cc", ... as in the JSON output */
const char *
mp_rcpt_field_name(MpRcptField kind)
{
	static const char *names[] = { "to", "cc", "bcc", "resent-to",
		"resent-cc", "resent-bcc", "envelope" };

	return names[kind];
}

/* mp_addr_key - the form addresses are compared in: canonical domain */
char *
mp_addr_key(const char *addr)
{
	const char *at;
	char *local, *dom, *key;

	if (addr == NULL)
		return NULL;
	at = strrchr(addr, '@');
	if (at == NULL)
		return mp_is_ascii(addr) ? g_ascii_strdown(addr, -1) :
		    g_utf8_strdown(addr, -1);
	local = g_strndup(addr, (gsize)(at - addr));
	if (mp_is_ascii(local)) {
		char *l = g_ascii_strdown(local, -1);

		g_free(local);
		local = l;
	} else {
		char *l = g_utf8_strdown(local, -1);

		g_free(local);
		local = l;
	}
	dom = mp_domain_canon(at + 1);
	key = g_strconcat(local, "@", dom ? dom : "", NULL);
	g_free(local);
	g_free(dom);
	return key;
}

/*
 * lex_skip - index after the byte(s) at i that can never be a special:
 * the trail byte of a Shift_JIS pair (it may be 0x5c, a backslash) or the
 * bytes of an ISO-2022-JP two-byte run (they may be quotes or commas).
 * Returns i when the byte at i is an ordinary one.
 */
static gsize
lex_skip(Lexer *lx, gsize i)
{
	guchar c = (guchar)lx->d[i];

	if (c == 0x1b && i + 2 < lx->end) {
		if (lx->d[i + 1] == '$') {
			lx->kanji = TRUE;
			return i + (lx->d[i + 2] == '(' ? 4 : 3);
		}
		if (lx->d[i + 1] == '(') {
			lx->kanji = FALSE;
			return i + 3;
		}
	}
	if (lx->kanji && c >= 0x21 && c <= 0x7e)
		return i + 1;
	if (lx->sjis && ((c >= 0x81 && c <= 0x9f) || (c >= 0xe0 && c <= 0xfc)) &&
	    i + 1 < lx->end)
		return i + 2;
	return i;
}

/* skip a quoted string starting at i (the quote); index after it */
static gsize
lex_quoted(Lexer *lx, gsize i)
{
	gsize j;

	if (lx->no_quotes)
		return i + 1;
	for (i++; i < lx->end;) {
		if ((j = lex_skip(lx, i)) != i) {
			i = j;
			continue;
		}
		if (lx->d[i] == '\\' && !lx->plain_quotes)
			i += 2;
		else if (lx->d[i++] == '"')
			return i;
	}
	lx->unterminated = TRUE;
	return lx->end;
}

/* skip a (nested) comment starting at i; index after it */
static gsize
lex_comment(Lexer *lx, gsize i)
{
	int depth = 0;
	gsize j;

	while (i < lx->end) {
		if ((j = lex_skip(lx, i)) != i) {
			i = j;
			continue;
		}
		if (lx->d[i] == '\\') {
			i += 2;
			continue;
		}
		if (lx->d[i] == '(')
			depth++;
		else if (lx->d[i] == ')')
			depth--;
		i++;
		if (depth == 0)
			break;
	}
	if (depth > 0)
		lx->open_comment = TRUE;
	return MIN(i, lx->end);
}

static gboolean
is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

typedef struct {
	gsize start, end;
	int group;
} Item;

/*
 * field_split - cut the raw value [lx->d + start, lx->end) into list
 * items and groups at top-level commas (and at semicolons outside a
 * group, as people type them).
 */
static void
field_split(Lexer *lx, gsize start, GArray *items, GArray *groups)
{
	gsize i, j, item = start;
	int group = -1;

	for (i = start; i < lx->end;) {
		Item it;

		if ((j = lex_skip(lx, i)) != i) {
			i = j;
			continue;
		}
		switch (lx->d[i]) {
		case '"':
			i = lex_quoted(lx, i);
			continue;
		case '(':
			i = lex_comment(lx, i);
			continue;
		case '<':
			for (i++; i < lx->end && lx->d[i] != '>';) {
				if ((j = lex_skip(lx, i)) != i)
					i = j;
				else if (lx->d[i] == '"')
					i = lex_quoted(lx, i);
				else
					i++;
			}
			i++;
			continue;
		case ':':
			if (group < 0) {
				MpGroup g = { 0 };

				g.start = item;
				g.colon = i + 1;
				g_array_append_val(groups, g);
				group = (int)groups->len - 1;
				item = i + 1;
			}
			break;
		case ';':
			it.start = item;
			it.end = i;
			it.group = group;
			g_array_append_val(items, it);
			if (group >= 0) {
				MpGroup *g = &g_array_index(groups, MpGroup, group);

				g->end = i + 1;
				g->closed = TRUE;
				group = -1;
			}
			item = i + 1;
			break;
		case ',':
			it.start = item;
			it.end = i;
			it.group = group;
			g_array_append_val(items, it);
			item = i + 1;
			break;
		}
		i++;
	}
	{
		Item it = { item, MIN(i, lx->end), group };

		g_array_append_val(items, it);
	}
	if (group >= 0)
		g_array_index(groups, MpGroup, group).end = lx->end;
}

/*
 * mp_addr_field_parse - split and read one address field of msg
 *
 * The raw value is split into list items here and each item's text,
 * converted to UTF-8, is read by GMime; splitting the raw bytes keeps the
 * exact text of every item for rewriters.  Real mail has quoted strings
 * that never end (Shift_JIS names whose last byte is a backslash, typed
 * quotes): when one runs to the end of the field, the value is split
 * again with backslashes taken literally, then with quotes ignored, so
 * that no address after it is lost.
 */
MpAddrField *
mp_addr_field_parse(MpAddrParser *ap, const MpMessage *msg, guint field,
    MpRcptField kind)
{
	const MpField *f = &g_array_index(msg->fields, MpField, field);
	MpAddrField *af;
	GArray *items = g_array_new(FALSE, FALSE, sizeof(Item));
	Lexer lx = { 0 };
	gboolean sjis = FALSE;
	guint i, attempt;

	af = g_new0(MpAddrField, 1);
	af->field = field;
	af->kind = kind;
	af->addrs = g_array_new(FALSE, TRUE, sizeof(MpAddr));
	af->groups = g_array_new(FALSE, TRUE, sizeof(MpGroup));

	if (!g_utf8_validate(msg->data + f->value_start,
	    (gssize)(f->end - f->value_start), NULL))
		sjis = mp_looks_sjis(msg->data + f->value_start,
		    f->end - f->value_start);
	for (attempt = 0; attempt < 3; attempt++) {
		memset(&lx, 0, sizeof lx);
		lx.d = msg->data;
		lx.end = f->end;
		lx.sjis = sjis;
		lx.plain_quotes = attempt >= 1;
		lx.no_quotes = attempt >= 2;
		g_array_set_size(items, 0);
		g_array_set_size(af->groups, 0);
		field_split(&lx, f->value_start, items, af->groups);
		if (!lx.unterminated)
			break;
	}
	for (i = 0; i < items->len; i++) {
		const Item *it = &g_array_index(items, Item, i);

		item_add(ap, msg, af, &lx, it->start, it->end, it->group);
	}
	g_array_free(items, TRUE);
	/* Trim the groups' ranges like items'. */
	for (i = 0; i < af->groups->len; i++) {
		MpGroup *g = &g_array_index(af->groups, MpGroup, i);

		while (g->start < g->end && is_fws(msg->data[g->start]))
			g->start++;
		while (g->end > g->start && is_fws(msg->data[g->end - 1]))
			g->end--;
	}
	return af;
}

/*
 * ascii_skeleton - the text with every character of a legacy charset
 * (Shift_JIS pairs, ISO-2022-JP runs with their escapes, stray 8-bit
 * bytes) replaced by 'x' and NUL bytes by spaces.  Addresses in such mail
 * are ASCII, so GMime reads the skeleton's addresses without any charset
 * conversion, which costs more than the rest of reading an address.
 */
static char *
ascii_skeleton(const char *s, gsize len)
{
	char *out = g_malloc(len + 1);
	gboolean kanji = FALSE;
	gsize i;

	for (i = 0; i < len; i++) {
		guchar c = (guchar)s[i];

		if (c == 0x1b && i + 2 < len && (s[i + 1] == '$' ||
		    s[i + 1] == '(')) {
			kanji = s[i + 1] == '$';
			out[i] = 'x';
		} else if (c == '\0') {
			out[i] = ' ';
		} else if (kanji && c >= 0x21 && c <= 0x7e) {
			out[i] = 'x';
		} else if (c >= 0x80) {
			out[i] = 'x';
			/* a Shift_JIS trail byte may be '\\' or '"' */
			if (((c >= 0x81 && c <= 0x9f) || (c >= 0xe0 && c <= 0xfc)) &&
			    i + 1 < len && (guchar)s[i + 1] >= 0x40 &&
			    (guchar)s[i + 1] != 0x7f)
				out[++i] = 'x';
		} else {
			out[i] = (char)c;
		}
	}
	out[len] = '\0';
	return out;
}

/* item_text - the item's bytes as a C string, NUL bytes read as spaces */
static char *
item_text(const char *s, gsize len)
{
	char *t = g_malloc(len + 1);
	gsize i;

	for (i = 0; i < len; i++)
		t[i] = s[i] == '\0' ? ' ' : s[i];
	t[len] = '\0';
	return t;
}

static void
mailboxes_add(MpAddrParser *ap, InternetAddressList *list, MpAddrField *af,
    const char *raw, gsize rawlen, gssize angle, gsize start, gsize end,
    int group, int *added)
{
	int i, n = internet_address_list_length(list);

	for (i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);
		MpAddr a = { 0 };
		const char *addr, *at;

		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			mailboxes_add(ap, internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(ia)), af, raw, rawlen, angle,
			    start, end, group, added);
			continue;
		}
		addr = internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia));
		if (addr == NULL || *addr == '\0')
			continue;	/* <>: nobody */
		a.addr = g_strdup(addr);
		at = strrchr(addr, '@');
		a.domain = at ? mp_domain_canon(at + 1) : NULL;
		if (ap->names && angle >= 0)
			a.name = mp_decode_header_text(raw, (gsize)angle, TRUE);
		else if (ap->names)
			a.name = g_strdup(internet_address_get_name(ia) ?
			    internet_address_get_name(ia) : "");
		a.start = start;
		a.end = end;
		a.group = group;
		g_array_append_val(af->addrs, a);
		(*added)++;
	}
}

/*
 * plain_addr - the addr-spec of text that is nothing but "<dot-atom@dot-
 * atom>" or "dot-atom@dot-atom", or NULL.  Most addresses are that
 * simple; reading them here saves GMime's objects for each one, and what
 * GMime would read from them is not in doubt.
 */
static char *
plain_addr(const char *s, gsize len)
{
	static const char atext[] = "!#$%&'*+-/=?^_`{|}~.";
	gsize i, at = 0;

	if (len >= 2 && s[0] == '<' && s[len - 1] == '>') {
		s++;
		len -= 2;
	}
	if (len < 3)
		return NULL;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '@') {
			if (at != 0 || i == 0)
				return NULL;
			at = i;
		} else if (!g_ascii_isalnum(c) &&
		    (at != 0 ? (c != '.' && c != '-') :
		    memchr(atext, c, sizeof atext - 1) == NULL)) {
			return NULL;
		}
	}
	if (at == 0 || at + 1 >= len || s[0] == '.' || s[at - 1] == '.' ||
	    s[at + 1] == '.' || s[len - 1] == '.')
		return NULL;
	return g_strndup(s, len);
}

/*
 * spec_check - the addr-spec between the angle brackets (or the whole
 * item): one local part, at most one '@' outside quotes, comments and
 * a domain literal, and a domain without empty labels.  Comments and
 * folding white space go; white space between two words (not next to
 * a '.' or '@') does not make an address.  *domain gets the domain as
 * written, for comparing with what GMime reads, and *spec the addr-spec
 * without comments and white space, for what GMime cannot read
 * ("a..b@docomo.ne.jp", as Japanese mobile carriers long allowed).
 */
static ItemKind
spec_check(Lexer *lx, gsize i, gsize end, char **domain, char **spec)
{
	GString *dom = g_string_new(NULL), *all = g_string_new(NULL);
	gsize j, ats = 0, local = 0;
	gboolean quoted = FALSE, atom = FALSE, gap = FALSE, literal = FALSE;
	gboolean in_literal = FALSE;
	char prev = '\0';

	lx->end = end;
	while (i < end) {
		char c = lx->d[i];

		if (c == '(') {
			i = lex_comment(lx, i);
			gap = TRUE;
			continue;
		}
		if (is_fws(c) || c == '\0') {
			gap = TRUE;
			i++;
			continue;
		}
		/* two words side by side: "a b@x", "a@x b@y" */
		if (gap && prev != '\0' && prev != '.' && prev != '@' &&
		    c != '.' && c != '@')
			goto broken;
		gap = FALSE;
		if ((j = lex_skip(lx, i)) != i) {
			g_string_append_len(all, lx->d + i, (gssize)(j - i));
			if (ats == 0)
				atom = TRUE, local++;
			else if (!literal)
				g_string_append_len(dom, lx->d + i, (gssize)(j - i));
			prev = 'x';
			i = j;
			continue;
		}
		if (in_literal && c != ']' && c != '[' && c != '\\' &&
		    (guchar)c >= 0x20) {
			g_string_append_c(dom, c);	/* inside [...] */
			g_string_append_c(all, c);
			prev = c;
			i++;
			continue;
		}
		switch (c) {
		case '"':
			/* a quoted local part, whole: not "a"b, a"b", "a".b */
			if (ats > 0 || atom || quoted)
				goto broken;
			j = i;
			i = lex_quoted(lx, i);
			if (lx->unterminated)
				goto broken;
			g_string_append_len(all, lx->d + j, (gssize)(i - j));
			quoted = TRUE;
			local++;
			prev = '"';
			continue;
		case '@':
			if (++ats > 1 || local == 0)
				goto broken;
			break;
		case '[':
			if (ats == 0 || dom->len > 0)
				goto broken;
			literal = in_literal = TRUE;
			g_string_append_c(dom, c);
			break;
		case ']':
			if (!in_literal)
				goto broken;
			in_literal = FALSE;
			g_string_append_c(dom, c);
			break;
		case '\\': case '<': case '>': case ')': case ',': case ';':
		case ':':
			goto broken;
		default:
			if ((guchar)c < 0x20 || c == 0x7f)
				goto broken;
			if (ats == 0) {
				if (quoted)
					goto broken;
				atom = TRUE;
				local++;
			} else {
				if (literal && dom->str[dom->len - 1] == ']')
					goto broken;	/* text after the literal */
				g_string_append_c(dom, c);
			}
			break;
		}
		g_string_append_c(all, c);
		prev = c;
		i++;
	}
	if (lx->open_comment)
		goto broken;
	if (ats == 0) {
		g_string_free(dom, TRUE);
		*spec = g_string_free(all, FALSE);
		return local == 0 ? ITEM_NULL : ITEM_ADDRESS;
	}
	if (dom->len == 0 || in_literal ||
	    (!literal && (dom->str[0] == '.' || strstr(dom->str, "..") != NULL)))
		goto broken;
	*domain = g_string_free(dom, FALSE);
	*spec = g_string_free(all, FALSE);
	return ITEM_ADDRESS;
broken:
	g_string_free(dom, TRUE);
	g_string_free(all, TRUE);
	return ITEM_BROKEN;
}

/*
 * item_check - whether a list item is one readable address, nothing, an
 * empty angle-addr or broken.  The item is lexed as the field was split
 * (Shift_JIS pairs and JIS runs skipped), except that quotes always
 * count: a quote that never ends breaks the item it is in.  *angle gets
 * the offset of the '<' (what precedes it is the display name), and
 * *domain the domain as written.
 */
static ItemKind
item_check(const Lexer *modes, const char *s, gsize len, gssize *angle,
    char **domain, char **spec)
{
	Lexer lx = { 0 };
	gssize open = -1, close = -1;
	gboolean text = FALSE;
	ItemKind kind;
	gsize i, j;

	*angle = -1;
	*domain = *spec = NULL;
	lx.d = s;
	lx.end = len;
	lx.sjis = modes->sjis;
	lx.plain_quotes = modes->plain_quotes || modes->no_quotes;
	for (i = 0; i < len;) {
		char c = s[i];

		if ((j = lex_skip(&lx, i)) != i) {
			if (close >= 0)
				return ITEM_BROKEN;
			text = TRUE;
			i = j;
			continue;
		}
		if (c == '(') {
			i = lex_comment(&lx, i);
			if (lx.open_comment)
				return ITEM_BROKEN;
			continue;
		}
		if (is_fws(c) || c == '\0') {
			i++;
			continue;
		}
		/* after the angle-addr only comments may follow */
		if (close >= 0 || c == ')' || c == '>')
			return ITEM_BROKEN;
		if (c == '"') {
			i = lex_quoted(&lx, i);
			if (lx.unterminated)
				return ITEM_BROKEN;
			text = TRUE;
			continue;
		}
		if (c != '<') {
			text = TRUE;
			i++;
			continue;
		}
		if (open >= 0)
			return ITEM_BROKEN;
		open = (gssize)i;
		for (i++; i < len && s[i] != '>';) {
			if ((j = lex_skip(&lx, i)) != i)
				i = j;
			else if (s[i] == '"')
				i = lex_quoted(&lx, i);
			else if (s[i] == '(')
				i = lex_comment(&lx, i);
			else if (s[i] == '<')
				return ITEM_BROKEN;
			else
				i++;
		}
		if (i >= len || lx.unterminated || lx.open_comment)
			return ITEM_BROKEN;
		close = (gssize)i++;
	}
	lx.kanji = FALSE;
	if (open >= 0) {
		gsize from = (gsize)open + 1;

		*angle = open;
		/* an obsolete source route, "<@relay.example:a@b>": skipped */
		while (from < (gsize)close && is_fws(s[from]))
			from++;
		if (s[from] == '@') {
			const char *colon = memchr(s + from, ':',
			    (gsize)close - from);

			if (colon == NULL || memchr(s + from, '"',
			    (gsize)(colon - s) - from) != NULL)
				return ITEM_BROKEN;
			from = (gsize)(colon - s) + 1;
			kind = spec_check(&lx, from, (gsize)close, domain, spec);
			return kind == ITEM_NULL ? ITEM_BROKEN : kind;
		}
		return spec_check(&lx, from, (gsize)close, domain, spec);
	}
	if (!text)
		return ITEM_NOTHING;
	return spec_check(&lx, 0, len, domain, spec);
}

/* unfolded - the item's bytes without line breaks, as UTF-8 */
static char *
unfolded(const char *s, gsize len)
{
	GString *t = g_string_sized_new(len);
	char *u, *valid;
	gsize i;

	for (i = 0; i < len; i++)
		if (s[i] != '\r' && s[i] != '\n')
			g_string_append_c(t, s[i] == '\0' ? ' ' : s[i]);
	u = mp_text_to_utf8(t->str, t->len);
	valid = g_utf8_make_valid(u, -1);
	g_free(u);
	g_string_free(t, TRUE);
	return valid;
}

/* broken_add - append the item as unreadable, with its text */
static void
broken_add(MpAddrParser *ap, MpAddrField *af, const char *raw, gsize len,
    gsize start, gsize end, int group)
{
	MpAddr a = { 0 };

	a.unreadable = TRUE;
	a.raw = unfolded(raw, len);
	if (ap->names)
		a.name = g_strdup("");
	a.start = start;
	a.end = end;
	a.group = group;
	g_array_append_val(af->addrs, a);
}

/* same_domain - whether GMime read the domain that is written */
static gboolean
same_domain(const char *written, const char *read)
{
	char *w = mp_domain_canon(written);
	gboolean same = g_strcmp0(w, read) == 0;

	g_free(w);
	return same;
}

/*
 * item_add - read the item [start, end) and append its addresses
 *
 * The item's syntax is checked first: what is not exactly one address
 * is unreadable, never a guess (GMime reads "a@example.co.jp@x.example"
 * as an address of the first domain, and "Name <a@x> (" as no address
 * at all).  Only the angle-addr goes to GMime when there is one: the
 * display name is decoded by us, and only when the caller asked for
 * names, so that a verdict that needs addresses alone never converts
 * charsets.  What the check read and GMime cannot (dots in a row in
 * the local part) is taken as the check read it.
 */
static void
item_add(MpAddrParser *ap, const MpMessage *msg, MpAddrField *af,
    const Lexer *modes, gsize start, gsize end, int group)
{
	InternetAddressList *list;
	const char *raw;
	char *text, *domain = NULL, *spec = NULL;
	gssize angle;
	gsize len, before;
	ItemKind kind;
	int added = 0;

	while (start < end && is_fws(msg->data[start]))
		start++;
	while (end > start && is_fws(msg->data[end - 1]))
		end--;
	if (start == end)
		return;
	raw = msg->data + start;
	len = end - start;
	kind = item_check(modes, raw, len, &angle, &domain, &spec);
	if (kind != ITEM_ADDRESS) {
		g_clear_pointer(&domain, g_free);
		g_clear_pointer(&spec, g_free);
	}
	if (kind == ITEM_NULL)
		return;			/* <>: nobody */
	if (kind == ITEM_BROKEN) {
		broken_add(ap, af, raw, len, start, end, group);
		return;
	}
	if (kind == ITEM_NOTHING) {
		/* a comment alone: kept for rewriters, nobody to count */
		MpAddr a = { 0 };

		if (ap->names)
			a.name = mp_decode_header_text(raw, len, TRUE);
		a.start = start;
		a.end = end;
		a.group = group;
		g_array_append_val(af->addrs, a);
		return;
	}
	if (angle >= 0 || !ap->names) {
		char *plain = plain_addr(raw + MAX(angle, 0),
		    len - (gsize)MAX(angle, 0));

		if (plain != NULL) {
			MpAddr a = { 0 };

			a.addr = plain;
			a.domain = mp_domain_canon(strchr(plain, '@') + 1);
			if (ap->names)
				a.name = angle > 0 ? mp_decode_header_text(raw,
				    (gsize)angle, TRUE) : g_strdup("");
			a.start = start;
			a.end = end;
			a.group = group;
			g_array_append_val(af->addrs, a);
			g_free(domain);
			g_free(spec);
			return;
		}
	}
	if (angle < 0 && ap->names)
		text = mp_text_to_utf8(raw, len);	/* GMime names comments */
	else if (g_utf8_validate(raw + MAX(angle, 0),
	    (gssize)(len - (gsize)MAX(angle, 0)), NULL))
		text = item_text(raw + MAX(angle, 0), len - (gsize)MAX(angle, 0));
	else
		text = ascii_skeleton(raw + MAX(angle, 0),
		    len - (gsize)MAX(angle, 0));
	before = af->addrs->len;
	list = internet_address_list_parse(ap->opts, text);
	if (list != NULL) {
		mailboxes_add(ap, list, af, raw, len, angle, start, end, group,
		    &added);
		g_object_unref(list);
	}
	g_free(text);
	if (added == 0 && g_utf8_validate(spec, -1, NULL)) {
		MpAddr a = { 0 };

		a.addr = g_strdup(spec);
		a.domain = mp_domain_canon(domain);
		if (ap->names)
			a.name = angle > 0 ? mp_decode_header_text(raw,
			    (gsize)angle, TRUE) : g_strdup("");
		a.start = start;
		a.end = end;
		a.group = group;
		g_array_append_val(af->addrs, a);
		added = 1;
	}
	/* GMime must read exactly the one address the syntax check saw */
	if (added != 1 || !same_domain(domain,
	    g_array_index(af->addrs, MpAddr, before).domain)) {
		guint k;

		for (k = before; k < af->addrs->len; k++)
			mp_addr_clear(&g_array_index(af->addrs, MpAddr, k));
		g_array_set_size(af->addrs, before);
		broken_add(ap, af, raw, len, start, end, group);
	}
	g_free(domain);
	g_free(spec);
}

void
mp_addr_clear(MpAddr *a)
{
	g_clear_pointer(&a->addr, g_free);
	g_clear_pointer(&a->name, g_free);
	g_clear_pointer(&a->domain, g_free);
	g_clear_pointer(&a->raw, g_free);
}

/* mp_addr_item_key - the key an item is counted by */
char *
mp_addr_item_key(const MpAddr *a)
{
	if (a->addr != NULL)
		return mp_addr_key(a->addr);
	if (a->unreadable)
		return g_strconcat("\001unreadable\001", a->raw, NULL);
	return NULL;
}

void
mp_addr_field_free(MpAddrField *af)
{
	guint i;

	if (af == NULL)
		return;
	for (i = 0; i < af->addrs->len; i++)
		mp_addr_clear(&g_array_index(af->addrs, MpAddr, i));
	g_array_free(af->addrs, TRUE);
	g_array_free(af->groups, TRUE);
	g_free(af);
}

/* mp_addr_fields - every To/Cc/Bcc (and Resent-* if asked) field */
GPtrArray *
mp_addr_fields(MpAddrParser *ap, const MpMessage *msg, gboolean resent)
{
	static const struct {
		const char *name;
		MpRcptField kind;
		gboolean resent;
	} names[] = {
		{ "To", MP_RCPT_TO, FALSE },
		{ "Cc", MP_RCPT_CC, FALSE },
		{ "Bcc", MP_RCPT_BCC, FALSE },
		{ "Resent-To", MP_RCPT_RESENT_TO, TRUE },
		{ "Resent-Cc", MP_RCPT_RESENT_CC, TRUE },
		{ "Resent-Bcc", MP_RCPT_RESENT_BCC, TRUE },
	};
	GPtrArray *out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)mp_addr_field_free);
	guint i, k;

	for (i = 0; i < msg->fields->len; i++) {
		const MpField *f = &g_array_index(msg->fields, MpField, i);

		for (k = 0; k < G_N_ELEMENTS(names); k++) {
			if ((!names[k].resent || resent) &&
			    mp_field_is(msg, f, names[k].name)) {
				g_ptr_array_add(out, mp_addr_field_parse(ap, msg, i,
				    names[k].kind));
				break;
			}
		}
	}
	return out;
}

/* mp_addr_parse_one - read a single address given as text (-r, --sender) */
gboolean
mp_addr_parse_one(MpAddrParser *ap, const char *text, MpAddr *out)
{
	MpMessage fake = { 0 };
	MpField f = { 0 };
	MpAddrField *af;
	char *line;
	gboolean ok = FALSE;

	memset(out, 0, sizeof *out);
	line = g_strconcat("X:", text, NULL);
	fake.data = line;
	fake.len = strlen(line);
	fake.fields = g_array_new(FALSE, FALSE, sizeof(MpField));
	f.start = 0;
	f.name_len = 1;
	f.value_start = 2;
	f.end = fake.len;
	g_array_append_val(fake.fields, f);
	af = mp_addr_field_parse(ap, &fake, 0, MP_RCPT_ENVELOPE);
	/* exactly one readable address: not a list, not a group */
	if (af->addrs->len == 1 && af->groups->len == 0 &&
	    g_array_index(af->addrs, MpAddr, 0).addr != NULL) {
		*out = g_array_index(af->addrs, MpAddr, 0);
		out->start = out->end = 0;
		out->group = -1;
		memset(&g_array_index(af->addrs, MpAddr, 0), 0, sizeof(MpAddr));
		ok = TRUE;
	}
	mp_addr_field_free(af);
	g_array_free(fake.fields, TRUE);
	g_free(line);
	return ok;
}

/*
 * mp_message_sender - the first From mailbox; FALSE if there is none or
 * it is unreadable (then out->unreadable and out->raw are set): a
 * sender that cannot be read is not replaced by a later one, which a
 * forger could choose.  mp_addr_clear(out) either way.
 */
gboolean
mp_message_sender(MpAddrParser *ap, const MpMessage *msg, MpAddr *out)
{
	guint i, k;
	gboolean ok = FALSE, done = FALSE;

	memset(out, 0, sizeof *out);
	for (i = 0; i < msg->fields->len && !done; i++) {
		const MpField *f = &g_array_index(msg->fields, MpField, i);
		MpAddrField *af;

		if (!mp_field_is(msg, f, "From"))
			continue;
		af = mp_addr_field_parse(ap, msg, i, MP_RCPT_ENVELOPE);
		for (k = 0; k < af->addrs->len; k++) {
			MpAddr *a = &g_array_index(af->addrs, MpAddr, k);

			if (a->addr != NULL || a->unreadable) {
				*out = *a;
				memset(a, 0, sizeof *a);
				ok = out->addr != NULL;
				done = TRUE;
				break;
			}
		}
		mp_addr_field_free(af);
	}
	return ok;
}

/* mp_addr_check_arg - an address of the command line reads as one */
int
mp_addr_check_arg(MpAddrParser *ap, const char *label, const char *value,
    GError **err)
{
	MpAddr a;

	if (value == NULL)
		return MP_OK;
	if (!mp_addr_parse_one(ap, value, &a))
		return mp_fail(err, EX_USAGE, "%s: not an address: %s", label,
		    value);
	mp_addr_clear(&a);
	return MP_OK;
}
