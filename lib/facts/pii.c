/* pii.c - personal data in text: phone numbers, postal codes,
 * addresses, My Number, card numbers, e-mail addresses
 *
 * The text is NFKC-normalised first (full-width digits are ASCII, the
 * full-width hyphen is '-', U+3000 is a space).  One pass over it; no
 * regular expressions, nothing that backtracks.
 *
 * NUMBERS.  A number is a maximal chain of ASCII digit groups joined by
 * separators; it is read whole, so no find is ever a part of a longer
 * number.  A separator is one of
 *   a dash: '-', U+2010..U+2015, U+2212, U+30FC (ー), U+FF70, U+FF0D,
 *     with at most one space on either side;
 *   a dot: '.' alone;
 *   one space;
 *   a parenthesis: "(" or ")" (with at most one space around), as in
 *     06(1234)5678, (03)1234-5678, +81(0)3-1234-5678.
 * A chain touching an ASCII letter, '_' or '@' on either side, or
 * following a letter and one '-', '.' or '/', is part of an identifier
 * and no number (a1234..., 0312345678abc, A-0312345678, No.0312345678,
 * 090...@example.jp), except that a phone number may follow the
 * letters TEL or FAX so (TEL03-1234-5678, TEL.03-1234-5678).  A chain
 * right after '+' is a phone number with +81 or nothing; a chain of
 * more than 32 groups is nothing.  Each chain is tried
 * whole as a card, a My Number, a phone number, a postal code, in that
 * order, the first that fits being its kind (a valid card number is
 * thus never also a phone number or a My Number).  A chain that fits
 * none is tried again piece by piece, split at the joints of one space
 * that have, on one side or the other, a segment (groups between such
 * joints) that is a number of its own: two or more groups, or one of 5
 * digits or more ("03-1234-5678 090-1234-5678", "215237970663 4111
 * 1111 1111 1111"); "090 1234 5678 1234" stays one number, and so
 * nothing, as does an invalid "3530 1113 3330 0000", whose first 12
 * digits are never tried as a My Number.
 *
 * card: 13 to 19 digits, written as one group, or in groups of 4 with
 *   a last group of 1 to 4 (4-4-4-4), or 4-6-5 (Amex) or 4-6-4
 *   (Diners), the joints all one space or all a dash; passing Luhn;
 *   with a known prefix and a length that prefix has: Visa 4 (13, 16,
 *   19), Mastercard 51-55 and 2221-2720 (16), Amex 34 and 37 (15), JCB
 *   3528-3589 (16-19), Diners 300-305, 36, 38, 39 (14-19), Discover
 *   6011, 644-649, 65 (16-19), UnionPay 62 (16-19).  Value: the digits.
 * mynumber: 12 digits, one group or 4-4-4 (joints all one space or all
 *   a dash), whose last digit is the Individual Number check digit:
 *   with P(n) the nth of the first 11 digits counted from the right
 *   and Q(n) = n + 1 for n <= 6, n - 5 for n >= 7, r = sum P(n)Q(n)
 *   mod 11; the check digit is 0 when r <= 1, else 11 - r.  Value: the
 *   digits.
 * phone: a Japanese number, domestic or +81:
 *   - one group: 10 digits 0[1-9]... that do not start with 050, 070,
 *     080, 090, 020 or 0800 (those have 11), or 11 digits starting
 *     with 050, 070, 080, 090 or 0800;
 *   - three groups: 050/070/080/090-NNNN-NNNN, 0800-NNN-NNNN,
 *     0120-NNN-NNN, 0570-NNN-NNN, or a fixed line: 10 digits in all,
 *     an area code of 2 to 5 digits starting 0[1-9], 1 to 4 digits, 4
 *     digits, not starting with an 11-digit prefix above;
 *   - any separators between the groups (dots only here), but
 *     parentheses only as (AREA)NNNN-NNNN or AREA(NNNN)NNNN;
 *   - +81, then optionally (0), then the number without its leading
 *     0, as one group or three groups as above (+81-3-1234-5678,
 *     +81 90 1234 5678, +81(0)3-1234-5678, +81312345678).
 *   Value: the digits, +81 written as 0.
 * postal: NNN-NNNN with a dash and nothing else joined to it; after 〒
 *   (or 〶) or 郵便番号 (spaces and ':' between allowed), also NNNNNNN
 *   and NNN NNNN.  Value: the 7 digits.
 *
 * ADDRESS.  One of the 47 prefectures (北海道, 東京都, 京都府, 大阪府,
 * and the 43 ...県) followed, after at most one space, by a
 * municipality.  The municipality is read from the run of name
 * characters (at most 24) after the prefecture: kanji, 々, 〆,
 * katakana, ー, and
 * hiragana only at the start of the run or of a county's town, or
 * right after hiragana (さいたま市, あきる野市, 比企郡ときがわ町; and the
 * mixed names 伊豆の国, 南あわじ, 南さつま, 東みよし, 新ひだか, 東かがわ).
 * A run starting with a particle (の が に は を で と も へ や から まで
 * より) or a word of prose (内 全 知事 議 庁 民 警 営 政 税 各地 各市
 * 各区 各町 各村: 東京都内, 東京都知事, 県議会) is no name.  In that run,
 * the first of 郡 市 区 町 村 after at least one other character
 * decides:
 *   郡: a county and its town, N郡N(町|村), the town 1 to 5
 *     characters with no 区 or 郡 and 市 only just before its 町/村
 *     (余市郡余市町); when no town follows, 郡 is part of a name
 *     (大和郡山市).
 *   市: a city (市 followed by 郡 is part of a county's name), 市市
 *     taken whole (四日市市), then a ward N区 if one follows, N 1 to
 *     5 characters without 市 郡 区 (札幌市中央区, 名古屋市中村区).
 *   区: a ward (千代田区).
 *   町/村: a town or village, unless a 郡 or a 市 follows within 3
 *     characters without another of those 5 between: then it was part
 *     of a county's or a city's name (北村山郡, 東村山市, 十日町市).
 * After the municipality, the address goes on with a block: an
 * optional district name (up to 16 name characters, の and が only
 * between two of them: 丸の内, 霞が関, 西新宿二丁目) and numbers, at most
 * 48 bytes: digit groups, each followed by 丁目, 番地, 番 or 号 or not,
 * joined by a dash or の, holding at least one dash or one of those
 * marks (2-8-1, 1丁目2番3号, 1番地の1; not 5 or 5の3).  The district is
 * kept only when such numbers follow or it ends in 丁目.  Value: the
 * address as found, spaces dropped and dashes written '-'
 * (東京都新宿区西新宿2-8-1).
 *
 * EMAIL.  local@domain: the local part 1 to 64 of A-Z a-z 0-9 . _ % +
 * -, neither starting (leading dots are dropped) nor ending with a dot
 * nor holding two in a row; the domain two or more labels of A-Z a-z
 * 0-9 and -, each 1 to 63 long, not starting or ending with -, the
 * last 2 or more letters (or xn--...).  Value: lower case.  A number
 * inside an e-mail address is not counted.
 */
#include <string.h>

#include "facts/pii.h"

#define CHAIN_GROUPS 32		/* groups of a chain that are kept */
#define NUMBER_DIGITS 24	/* no kind has more digits than this */
#define RUN_CHARS 24		/* name characters after a prefecture */
#define BLOCK_BYTES 48		/* block numbers read after a district */

#define KANJI_GUN 0x90E1	/* 郡 */
#define KANJI_SHI 0x5E02	/* 市 */
#define KANJI_KU 0x533A		/* 区 */
#define KANJI_MACHI 0x753A	/* 町 */
#define KANJI_MURA 0x6751	/* 村 */

enum {
	J_SPACE = 1,
	J_DASH = 2,
	J_DOT = 4,
	J_OPEN = 8,
	J_CLOSE = 16,
};

/* A chain of digit groups and the joints between them. */
typedef struct {
	gsize off[CHAIN_GROUPS];	/* first byte of each group */
	guint len[CHAIN_GROUPS];	/* digits of each group */
	guint joint[CHAIN_GROUPS];	/* J_* between group i and i + 1 */
	int n;
	gboolean overflow;		/* more groups than kept */
	gsize end;			/* after the last digit */
} Chain;

/* What surrounds one stretch of a chain. */
typedef struct {
	gboolean plus;		/* +81... */
	gboolean lead;		/* (03)1234-5678: a paren opened before */
	gboolean tel;		/* TEL03-...: only a phone number */
	gboolean glued;		/* touches an identifier: nothing */
	gboolean postal;	/* after 〒 or 郵便番号 */
} Edge;

/* A stretch of a chain: its digits and their grouping. */
typedef struct {
	char d[NUMBER_DIGITS + 2];	/* room for a 0 in place of +81 */
	gsize n;
	guint len[CHAIN_GROUPS];
	guint joint[CHAIN_GROUPS];
	int k;
} Number;

static const char *const kind_names[MP_PII_KINDS] = {
	"phone", "postal", "address", "mynumber", "card", "email",
};

static const char *const prefectures[] = {
	"北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県",
	"茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県",
	"新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県",
	"静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県",
	"奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県",
	"徳島県", "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県",
	"熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
};

/* Municipality names that mix kanji and hiragana. */
static const char *const mixed_names[] = {
	"伊豆の国", "南あわじ", "南さつま", "東みよし", "新ひだか", "東かがわ",
};

/* What starts prose, not a name, right after a prefecture: particles
 * (東京都の, 大阪府では) and words (東京都内, 東京都知事, 県議会). */
static const char *const not_names[] = {
	"から", "まで", "より", "の", "が", "に", "は", "を", "で", "と",
	"も", "へ", "や", "内", "全", "知事", "議", "庁", "民", "警", "営",
	"政", "税", "各地", "各市", "各区", "各町", "各村",
};

/* hit_clear - free one hit's value */
static void
hit_clear(gpointer p)
{
	g_free(((MpPiiHit *)p)->value);
}

/* mp_pii_hits_new - an empty array of MpPiiHit that frees its values */
GArray *
mp_pii_hits_new(void)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(MpPiiHit));

	g_array_set_clear_func(a, hit_clear);
	return a;
}

/* mp_pii_name - the fact name of a kind */
const char *
mp_pii_name(MpPiiKind kind)
{
	return kind < MP_PII_KINDS ? kind_names[kind] : "?";
}

/* hit_add - append a find; value is taken */
static void
hit_add(GArray *hits, MpPiiKind kind, char *value, gsize off, gsize end)
{
	MpPiiHit h = { kind, value, off, end - off };

	g_array_append_val(hits, h);
}

/* mp_mynumber_valid - 12 ASCII digits whose last is the check digit */
gboolean
mp_mynumber_valid(const char *digits)
{
	guint sum = 0, r, n;

	if (strlen(digits) != 12 || strspn(digits, "0123456789") != 12)
		return FALSE;
	for (n = 1; n <= 11; n++)
		sum += (guint)(digits[11 - n] - '0') * (n <= 6 ? n + 1 : n - 5);
	r = sum % 11;
	return (guint)(digits[11] - '0') == (r <= 1 ? 0 : 11 - r);
}

/* mp_luhn_valid - ASCII digits passing the Luhn check */
gboolean
mp_luhn_valid(const char *digits)
{
	gsize n = strlen(digits), i;
	guint sum = 0;

	if (n == 0 || strspn(digits, "0123456789") != n)
		return FALSE;
	for (i = 0; i < n; i++) {
		guint v = (guint)(digits[n - 1 - i] - '0');

		if (i % 2 == 1 && (v *= 2) > 9)
			v -= 9;
		sum += v;
	}
	return sum % 10 == 0;
}

/* dash_at - the length of the dash-like character at t[i], or 0 */
static gsize
dash_at(const char *t, gsize len, gsize i)
{
	const guchar *u = (const guchar *)t + i;

	if (i >= len)
		return 0;
	if (u[0] == '-')
		return 1;
	if (len - i < 3)
		return 0;
	if ((u[0] == 0xE2 && u[1] == 0x80 && u[2] >= 0x90 && u[2] <= 0x95) ||
	    (u[0] == 0xE2 && u[1] == 0x88 && u[2] == 0x92) ||
	    (u[0] == 0xE3 && u[1] == 0x83 && u[2] == 0xBC) ||
	    (u[0] == 0xEF && u[1] == 0xBD && u[2] == 0xB0) ||
	    (u[0] == 0xEF && u[1] == 0xBC && u[2] == 0x8D))
		return 3;
	return 0;
}

/* space_at - whether t[i] is a space, adding J_SPACE to *f */
static gsize
space_at(const char *t, gsize len, gsize i, guint *f)
{
	if (i < len && t[i] == ' ') {
		*f |= J_SPACE;
		return 1;
	}
	return 0;
}

/* joint_at - the length of the separator at t[i] when a digit follows
 * it, its kind in *flags; 0 when there is none */
static gsize
joint_at(const char *t, gsize len, gsize i, guint *flags)
{
	gsize j = i, d;
	guint f = 0;

	j += space_at(t, len, j, &f);
	if (j < len && t[j] == ')') {
		f |= J_CLOSE;
		j++;
		j += space_at(t, len, j, &f);
	}
	if (f == 0 && j < len && t[j] == '.') {
		f |= J_DOT;
		j++;
	} else if (j < len && t[j] == '(') {
		f |= J_OPEN;
		j++;
	} else if ((d = dash_at(t, len, j)) > 0) {
		f |= J_DASH;
		j += d;
	}
	if (f & (J_DASH | J_OPEN))
		j += space_at(t, len, j, &f);
	if (f == 0 || j >= len || !g_ascii_isdigit(t[j]))
		return 0;
	*flags = f;
	return j - i;
}

/* chain_read - the chain of digit groups starting at t[i] */
static void
chain_read(const char *t, gsize len, gsize i, Chain *c)
{
	gsize j = i, jl;
	guint f;

	c->n = 0;
	c->overflow = FALSE;
	for (;;) {
		gsize start = j;

		while (j < len && g_ascii_isdigit(t[j]))
			j++;
		if (c->n < CHAIN_GROUPS) {
			c->off[c->n] = start;
			c->len[c->n] = (guint)(j - start);
			c->joint[c->n] = 0;
			c->n++;
		} else {
			c->overflow = TRUE;
		}
		if ((jl = joint_at(t, len, j, &f)) == 0)
			break;
		if (!c->overflow)
			c->joint[c->n - 1] = f;
		j += jl;
	}
	c->end = j;
}

/* ident_char - whether c belongs to an identifier a number touches */
static gboolean
ident_char(char c)
{
	return g_ascii_isalnum(c) || c == '_' || c == '@';
}

/* tel_before - whether TEL or FAX (any case) ends at t[p], on its own */
static gboolean
tel_before(const char *t, gsize p)
{
	if (p < 3 || (p > 3 && g_ascii_isalpha(t[p - 4])))
		return FALSE;
	return g_ascii_strncasecmp(t + p - 3, "tel", 3) == 0 ||
	    g_ascii_strncasecmp(t + p - 3, "fax", 3) == 0;
}

/* ends_with - whether the bytes before t[p] are s */
static gboolean
ends_with(const char *t, gsize p, const char *s)
{
	gsize n = strlen(s);

	return p >= n && memcmp(t + p - n, s, n) == 0;
}

/* postal_before - whether 〒, 〶 or 郵便番号 (then spaces or ':') ends
 * at t[p] */
static gboolean
postal_before(const char *t, gsize p)
{
	gsize q = p;

	while (q > 0 && p - q < 4 && (t[q - 1] == ' ' || t[q - 1] == ':'))
		q--;
	return ends_with(t, q, "〒") || ends_with(t, q, "〶") ||
	    ends_with(t, q, "郵便番号");
}

/* edge_left - what stands before a chain starting at t[i] */
static void
edge_left(const char *t, const Chain *c, gsize i, Edge *e)
{
	gsize p = i;

	memset(e, 0, sizeof(*e));
	if (p > 0 && (t[p - 1] == '(' || t[p - 1] == '+')) {
		e->plus = t[p - 1] == '+';
		e->lead = t[p - 1] == '(' && c->n > 1 &&
		    (c->joint[0] & J_CLOSE);
		p--;
	}
	if (p > 1 && (t[p - 1] == '-' || t[p - 1] == '.' ||
	    t[p - 1] == '/') && g_ascii_isalpha(t[p - 2]))
		p--;
	if (p > 0 && ident_char(t[p - 1])) {
		e->tel = tel_before(t, p);
		e->glued = !e->tel;
	}
	e->postal = postal_before(t, i);
}

/* number_take - the digits and grouping of groups [a, b) of c */
static gboolean
number_take(const char *t, const Chain *c, int a, int b, Number *num)
{
	int g;

	num->n = 0;
	num->k = b - a;
	for (g = a; g < b; g++) {
		if (num->n + c->len[g] > NUMBER_DIGITS)
			return FALSE;
		memcpy(num->d + num->n, t + c->off[g], c->len[g]);
		num->n += c->len[g];
		num->len[g - a] = c->len[g];
		num->joint[g - a] = g + 1 < b ? c->joint[g] : 0;
	}
	num->d[num->n] = '\0';
	return TRUE;
}

/* lens_are - whether the k group lengths are the ones listed */
static gboolean
lens_are(const Number *num, int k, guint l0, guint l1, guint l2)
{
	return num->k == k && num->len[0] == l0 && num->len[1] == l1 &&
	    (k < 3 || num->len[2] == l2);
}

/* joints_uniform - whether every joint is one space, or every one a
 * dash */
static gboolean
joints_uniform(const Number *num)
{
	int g;

	for (g = 0; g + 1 < num->k; g++)
		if (num->joint[g] != num->joint[0] ||
		    (num->joint[g] != J_SPACE && num->joint[g] != J_DASH))
			return FALSE;
	return TRUE;
}

/* between - whether the number d[0..w) is in [lo, hi] */
static gboolean
between(const char *d, int w, int lo, int hi)
{
	int v = 0, i;

	for (i = 0; i < w; i++)
		v = v * 10 + (d[i] - '0');
	return v >= lo && v <= hi;
}

/* card_prefix - whether the digits start as a card brand's of that
 * length do */
static gboolean
card_prefix(const char *d, gsize n)
{
	gboolean long_ok = n >= 16 && n <= 19;

	if (d[0] == '4')
		return n == 13 || n == 16 || n == 19;
	if (between(d, 2, 51, 55) || between(d, 4, 2221, 2720))
		return n == 16;
	if (between(d, 2, 34, 34) || between(d, 2, 37, 37))
		return n == 15;
	if (between(d, 4, 3528, 3589) || between(d, 4, 6011, 6011) ||
	    between(d, 3, 644, 649) || between(d, 2, 65, 65) ||
	    between(d, 2, 62, 62))
		return long_ok;
	if (between(d, 3, 300, 305) || between(d, 2, 36, 36) ||
	    between(d, 2, 38, 39))
		return n >= 14 && n <= 19;
	return FALSE;
}

/* card_layout - whether the grouping is one a card is written in */
static gboolean
card_layout(const Number *num)
{
	int g;

	if (num->k == 1)
		return TRUE;
	if (!joints_uniform(num))
		return FALSE;
	if (lens_are(num, 3, 4, 6, 5) || lens_are(num, 3, 4, 6, 4))
		return TRUE;
	for (g = 0; g + 1 < num->k; g++)
		if (num->len[g] != 4)
			return FALSE;
	return num->len[num->k - 1] >= 1 && num->len[num->k - 1] <= 4;
}

/* is_card - 13-19 digits, a card's grouping and prefix, Luhn */
static gboolean
is_card(const Number *num)
{
	return num->n >= 13 && num->n <= 19 && card_layout(num) &&
	    card_prefix(num->d, num->n) && mp_luhn_valid(num->d);
}

/* is_mynumber - 12 digits, as one group or 4-4-4, the check digit */
static gboolean
is_mynumber(const Number *num)
{
	if (num->n != 12)
		return FALSE;
	if (num->k != 1 && !(lens_are(num, 3, 4, 4, 4) &&
	    joints_uniform(num)))
		return FALSE;
	return mp_mynumber_valid(num->d);
}

/* mobile - whether the digits start 050, 070, 080 or 090 */
static gboolean
mobile(const char *d)
{
	return d[0] == '0' && d[2] == '0' &&
	    (d[1] == '5' || d[1] == '7' || d[1] == '8' || d[1] == '9');
}

/* prefix_11 - whether the digits start as an 11-digit number does */
static gboolean
prefix_11(const char *d)
{
	return mobile(d) || strncmp(d, "020", 3) == 0 ||
	    strncmp(d, "0800", 4) == 0;
}

/* phone_layout - whether the digits, grouped so, are a written
 * Japanese number (joints already checked) */
static gboolean
phone_layout(const Number *num)
{
	const char *d = num->d;

	if (num->n < 10 || d[0] != '0' || d[1] == '0')
		return FALSE;
	if (num->k == 1)
		return num->n == 10 ? !prefix_11(d) :
		    num->n == 11 && (mobile(d) || strncmp(d, "0800", 4) == 0);
	if (num->k != 3)
		return FALSE;
	if (mobile(d) && num->len[0] == 3)
		return lens_are(num, 3, 3, 4, 4);
	if (strncmp(d, "0800", 4) == 0 && num->len[0] == 4)
		return lens_are(num, 3, 4, 3, 4);
	if ((strncmp(d, "0120", 4) == 0 || strncmp(d, "0570", 4) == 0) &&
	    lens_are(num, 3, 4, 3, 3))
		return TRUE;
	return num->n == 10 && !prefix_11(d) && num->len[0] >= 2 &&
	    num->len[0] <= 5 && num->len[1] >= 1 && num->len[1] <= 4 &&
	    num->len[2] == 4;
}

/* parens - whether the joints' parentheses are (AREA)N-N or A(N)N,
 * or none at all */
static gboolean
parens(const Number *num, gboolean lead)
{
	guint p = J_OPEN | J_CLOSE;
	guint j0 = num->k > 1 ? num->joint[0] & p : 0;
	guint j1 = num->k > 2 ? num->joint[1] & p : 0;
	int g;

	for (g = 2; g + 1 < num->k; g++)
		if (num->joint[g] & p)
			return FALSE;
	if (lead)
		return num->k == 3 && j0 == J_CLOSE && j1 == 0;
	return (j0 == 0 && j1 == 0) ||
	    (num->k == 3 && j0 == J_OPEN && j1 == J_CLOSE);
}

/* national_glued - +81 written together with what follows
 * (+81312345678, +8190-1234-5678): 0 in place of 81 */
static gboolean
national_glued(Number *num)
{
	if (num->d[2] == '0')
		return FALSE;
	num->d[1] = '0';
	memmove(num->d, num->d + 1, num->n);
	num->n--;
	num->len[0]--;
	return TRUE;
}

/* national - turn +81 [(0)] REST into 0REST, its groups after 81 */
static gboolean
national(Number *num)
{
	guint p = J_OPEN | J_CLOSE;
	int skip = 1, g;
	gsize from = 2;

	if (num->len[0] < 2 || strncmp(num->d, "81", 2) != 0)
		return FALSE;
	if (num->len[0] > 2)
		return national_glued(num);
	if (num->k < 2)
		return FALSE;
	if ((num->joint[0] & p) == J_OPEN) {
		if (num->k < 3 || num->len[1] != 1 || num->d[2] != '0' ||
		    (num->joint[1] & p) != J_CLOSE)
			return FALSE;
		skip = 2;
		from = 3;
	} else if (num->joint[0] & p) {
		return FALSE;
	}
	if (num->d[from] == '0')
		return FALSE;
	num->d[0] = '0';
	memmove(num->d + 1, num->d + from, num->n - from + 1);
	num->n = num->n - from + 1;
	for (g = skip; g < num->k; g++) {
		num->len[g - skip] = num->len[g] + (g == skip);
		num->joint[g - skip] = num->joint[g];
	}
	num->k -= skip;
	return TRUE;
}

/* is_phone - a Japanese phone number, domestic or +81 */
static gboolean
is_phone(Number *num, const Edge *e)
{
	if (e->plus && !national(num))
		return FALSE;
	return parens(num, e->lead && !e->plus) && phone_layout(num);
}

/* is_postal - NNN-NNNN, or NNNNNNN and NNN NNNN after 〒 */
static gboolean
is_postal(const Number *num, const Edge *e)
{
	if (num->n != 7)
		return FALSE;
	if (e->postal && (num->k == 1 || (lens_are(num, 2, 3, 4, 0) &&
	    (num->joint[0] == J_SPACE || num->joint[0] == J_DASH))))
		return TRUE;
	return lens_are(num, 2, 3, 4, 0) && num->joint[0] == J_DASH;
}

/* number_kind - what groups [a, b) of c are, as a whole; FALSE when
 * nothing */
static gboolean
number_kind(const char *t, const Chain *c, int a, int b, const Edge *e,
    GArray *hits)
{
	Number num;
	MpPiiKind kind;

	if (e->glued || !number_take(t, c, a, b, &num))
		return FALSE;
	if (e->plus || e->tel) {
		if (!is_phone(&num, e))
			return FALSE;
		kind = MP_PII_PHONE;
	} else if (is_card(&num)) {
		kind = MP_PII_CARD;
	} else if (is_mynumber(&num)) {
		kind = MP_PII_MYNUMBER;
	} else if (is_postal(&num, e)) {
		kind = MP_PII_POSTAL;
	} else if (is_phone(&num, e)) {
		kind = MP_PII_PHONE;
	} else {
		return FALSE;
	}
	hit_add(hits, kind, g_strndup(num.d, num.n),
	    c->off[a] - (e->plus ? 1 : 0) - (e->lead ? 1 : 0),
	    c->off[b - 1] + c->len[b - 1]);
	return TRUE;
}

/* segment_end - the end of the groups from a on that no one-space
 * joint separates */
static int
segment_end(const Chain *c, int a)
{
	while (a + 1 < c->n && c->joint[a] != J_SPACE)
		a++;
	return a + 1;
}

/* segment_strong - whether groups [a, b) look like a number of their
 * own: more than one group (so other joints), or 5 digits or more */
static gboolean
segment_strong(const Chain *c, int a, int b)
{
	return b - a > 1 || c->len[a] >= 5;
}

/* piece_end - the end of the piece starting at group a: up to the
 * first one-space joint beside a strong segment */
static int
piece_end(const Chain *c, int a)
{
	int s = a, e = segment_end(c, a), next;

	while (e < c->n) {
		next = segment_end(c, e);
		if (segment_strong(c, s, e) || segment_strong(c, e, next))
			break;
		s = e;
		e = next;
	}
	return e;
}

/* number_pieces - the pieces of a chain, each as a whole */
static void
number_pieces(const char *t, gsize len, const Chain *c, const Edge *left,
    GArray *hits)
{
	gboolean right_glued = c->end < len && ident_char(t[c->end]);
	int a, b;

	for (a = 0; a < c->n; a = b) {
		Edge e;

		b = piece_end(c, a);
		memset(&e, 0, sizeof(e));
		if (a == 0)
			e = *left;
		else
			e.postal = postal_before(t, c->off[a]);
		e.lead = e.lead && b - a > 1;
		e.glued = e.glued || (b == c->n && right_glued);
		number_kind(t, c, a, b, &e, hits);
	}
}

/* number_scan - the chain at t[i]: what it is; returns its end */
static gsize
number_scan(const char *t, gsize len, gsize i, GArray *hits)
{
	Chain c;
	Edge e, whole;

	chain_read(t, len, i, &c);
	if (c.overflow || (i > 0 && g_ascii_isdigit(t[i - 1])))
		return c.end;
	edge_left(t, &c, i, &e);
	whole = e;
	whole.glued = e.glued || (c.end < len && ident_char(t[c.end]));
	if (!number_kind(t, &c, 0, c.n, &whole, hits) && !e.plus &&
	    piece_end(&c, 0) < c.n)
		number_pieces(t, len, &c, &e, hits);
	return c.end;
}

/* local_char - whether c may be in the local part of an address */
static gboolean
local_char(char c)
{
	return g_ascii_isalnum(c) || c == '.' || c == '_' || c == '%' ||
	    c == '+' || c == '-';
}

/* domain_end - the end of a domain starting at t[i], or i when it is
 * not one: labels of letters, digits and -, the last all letters */
static gsize
domain_end(const char *t, gsize len, gsize i)
{
	gsize j = i, label = i, labels = 0;

	for (;;) {
		label = j;
		while (j < len && (g_ascii_isalnum(t[j]) || t[j] == '-'))
			j++;
		if (j == label || j - label > 63 || t[label] == '-' ||
		    t[j - 1] == '-')
			return i;
		labels++;
		if (j + 1 < len && t[j] == '.' && g_ascii_isalnum(t[j + 1]))
			j++;
		else
			break;
	}
	if (labels < 2 || j - i > 253 || j - label < 2)
		return i;
	if (g_ascii_strncasecmp(t + label, "xn--", 4) == 0)
		return j;
	for (; label < j; label++)
		if (!g_ascii_isalpha(t[label]))
			return i;
	return j;
}

/* email_scan - the address around the '@' at t[at]; returns the end of
 * what was read */
static gsize
email_scan(const char *t, gsize len, gsize at, GArray *hits)
{
	gsize a = at, e, i;

	while (a > 0 && at - a <= 64 && local_char(t[a - 1]))
		a--;
	if (a > 0 && (local_char(t[a - 1]) || t[a - 1] == '@'))
		return at + 1;
	while (a < at && t[a] == '.')
		a++;
	if (a == at || at - a > 64 || t[at - 1] == '.')
		return at + 1;
	for (i = a; i + 1 < at; i++)
		if (t[i] == '.' && t[i + 1] == '.')
			return at + 1;
	if ((e = domain_end(t, len, at + 1)) <= at + 1 ||
	    (e < len && t[e] == '@'))
		return at + 1;
	hit_add(hits, MP_PII_EMAIL, g_ascii_strdown(t + a, (gssize)(e - a)),
	    a, e);
	return e;
}

/* Name characters of an address, as read one at a time. */
typedef struct {
	gunichar c[RUN_CHARS];
	gsize off[RUN_CHARS + 1];	/* off[i]: where c[i] starts */
	int n;
} Run;

/* is_hiragana - U+3041..U+3096 */
static gboolean
is_hiragana(gunichar c)
{
	return c >= 0x3041 && c <= 0x3096;
}

/* is_name - kanji, 々, 〆, katakana, ー: what place names are made of
 * besides hiragana */
static gboolean
is_name(gunichar c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
	    (c >= 0xF900 && c <= 0xFAFF) || c == 0x3005 || c == 0x3006 ||
	    (c >= 0x30A1 && c <= 0x30FA) || c == 0x30FC;
}

/* char_at - the character at t[i], its length in *n; 0 when none */
static gunichar
char_at(const char *t, gsize len, gsize i, gsize *n)
{
	gunichar c;

	if (i >= len)
		return 0;
	c = g_utf8_get_char_validated(t + i, (gssize)(len - i));
	if (c == (gunichar)-1 || c == (gunichar)-2)
		return 0;
	*n = (gsize)g_utf8_skip[(guchar)t[i]];
	return c;
}

/* starts_with_any - the length of the first of list that text at t[i]
 * starts with, or 0 */
static gsize
starts_with_any(const char *t, gsize len, gsize i, const char *const *list,
    gsize count)
{
	gsize k, n;

	for (k = 0; k < count; k++) {
		n = strlen(list[k]);
		if (len - i >= n && memcmp(t + i, list[k], n) == 0)
			return n;
	}
	return 0;
}

/* run_read - the name characters starting at t[i] */
static void
run_read(const char *t, gsize len, gsize i, Run *r)
{
	gsize mixed = starts_with_any(t, len, i, mixed_names,
	    G_N_ELEMENTS(mixed_names));
	gsize j = i, n;
	gunichar c;

	r->n = 0;
	r->off[0] = i;
	if (starts_with_any(t, len, i, not_names, G_N_ELEMENTS(not_names)))
		return;
	while (r->n < RUN_CHARS && (c = char_at(t, len, j, &n)) != 0) {
		gunichar prev = r->n > 0 ? r->c[r->n - 1] : 0;

		if (!is_name(c) && !(is_hiragana(c) && (r->n == 0 ||
		    is_hiragana(prev) || prev == KANJI_GUN ||
		    j < i + mixed)))
			break;
		r->c[r->n++] = c;
		j += n;
		r->off[r->n] = j;
	}
}

/* is_suffix - 郡 市 区 町 村 */
static gboolean
is_suffix(gunichar c)
{
	return c == KANJI_GUN || c == KANJI_SHI || c == KANJI_KU ||
	    c == KANJI_MACHI || c == KANJI_MURA;
}

/* county_end - after N郡 at r->c[i]: the end of its town, or 0 */
static int
county_end(const Run *r, int i)
{
	int k;

	for (k = i + 1; k < r->n && k <= i + 6; k++) {
		gunichar c = r->c[k];

		if ((c == KANJI_MACHI || c == KANJI_MURA) && k > i + 1)
			return k + 1;
		if (c == KANJI_GUN || c == KANJI_KU || (c == KANJI_SHI &&
		    !(k + 1 < r->n && (r->c[k + 1] == KANJI_MACHI ||
		    r->c[k + 1] == KANJI_MURA))))
			return 0;
	}
	return 0;
}

/* city_end - after N市 at r->c[i]: the end of the city and its ward
 * (a ward's name may hold 町 or 村: 名古屋市中村区) */
static int
city_end(const Run *r, int i)
{
	int end = i + 1, k;

	if (end < r->n && r->c[end] == KANJI_SHI)
		end++;
	for (k = end; k < r->n && k <= end + 5; k++) {
		if (r->c[k] == KANJI_KU && k > end)
			return k + 1;
		if (r->c[k] == KANJI_SHI || r->c[k] == KANJI_GUN ||
		    r->c[k] == KANJI_KU)
			break;
	}
	return end;
}

/* suffix_within - the index of c within 3 characters after r->c[i]
 * with no other suffix between, or 0 */
static int
suffix_within(const Run *r, int i, gunichar c)
{
	int k;

	for (k = i + 1; k < r->n && k <= i + 3; k++) {
		if (r->c[k] == c)
			return k;
		if (is_suffix(r->c[k]))
			return 0;
	}
	return 0;
}

/* municipality_end - the characters of r that name a municipality, or 0 */
static int
municipality_end(const Run *r)
{
	int i, k;

	for (i = 1; i < r->n; i++) {
		gunichar c = r->c[i];

		if (c == KANJI_GUN && (k = county_end(r, i)) > 0)
			return k;
		if (c == KANJI_SHI && !(i + 1 < r->n &&
		    r->c[i + 1] == KANJI_GUN))
			return city_end(r, i);
		if (c == KANJI_KU)
			return i + 1;
		if (c == KANJI_MACHI || c == KANJI_MURA) {
			if ((k = suffix_within(r, i, KANJI_SHI)) > 0)
				return city_end(r, k);
			if (suffix_within(r, i, KANJI_GUN) == 0)
				return i + 1;
		}
	}
	return 0;
}

/* district_end - the end of a district name at t[i] (丸の内, 西新宿) */
static gsize
district_end(const char *t, gsize len, gsize i)
{
	gsize j = i, n, m, chars = 0;
	gunichar c;

	while (chars < 16 && (c = char_at(t, len, j, &n)) != 0) {
		if (!is_name(c)) {
			gboolean joins = j > i && (c == 0x306E || c == 0x304C);

			if (!joins || !is_name(char_at(t, len, j + n, &m)))
				break;
		}
		j += n;
		chars++;
	}
	return j;
}

/* block_mark - the length of 丁目, 番地, 番 or 号 at t[i], or 0 */
static gsize
block_mark(const char *t, gsize len, gsize i)
{
	static const char *const marks[] = { "丁目", "番地", "番", "号" };

	return starts_with_any(t, len, i, marks, G_N_ELEMENTS(marks));
}

/* before_digit - n when t[i + n] is a digit, else 0 */
static gsize
before_digit(const char *t, gsize len, gsize i, gsize n)
{
	return n > 0 && i + n < len && g_ascii_isdigit(t[i + n]) ? n : 0;
}

/* block_end - the end of block numbers at t[i] (2-8-1, 1丁目2番3号,
 * 1番地の1), or i when there are none */
static gsize
block_end(const char *t, gsize len, gsize i)
{
	gsize j = i, end = i, n;
	gboolean marked = FALSE;

	while (j < len && j - i < BLOCK_BYTES && g_ascii_isdigit(t[j])) {
		while (j < len && g_ascii_isdigit(t[j]))
			j++;
		end = j;
		if ((n = block_mark(t, len, j)) > 0) {
			marked = TRUE;
			end = j += n;
		}
		if ((n = before_digit(t, len, j, dash_at(t, len, j))) > 0)
			marked = TRUE;
		else if (len - j > 3 && memcmp(t + j, "の", 3) == 0)
			n = before_digit(t, len, j, 3);
		j += n;
	}
	return marked ? end : i;
}

/* address_value - the address text, spaces dropped, dashes as '-' */
static char *
address_value(const char *t, gsize len, gsize from, gsize to)
{
	GString *v = g_string_sized_new(to - from);
	gsize i = from, d;

	while (i < to) {
		if (t[i] == ' ') {
			i++;
		} else if ((d = dash_at(t, len, i)) > 0) {
			g_string_append_c(v, '-');
			i += d;
		} else {
			g_string_append_c(v, t[i++]);
		}
	}
	return g_string_free(v, FALSE);
}

/* address_scan - an address whose prefecture ends with the 3 bytes at
 * t[i] (都 道 府 県) */
static void
address_scan(const char *t, gsize len, gsize i, GArray *hits)
{
	gsize k, start = 0, j = i + 3, d, b;
	gboolean found = FALSE;
	Run r;
	int m;

	for (k = 0; k < G_N_ELEMENTS(prefectures) && !found; k++) {
		gsize n = strlen(prefectures[k]);

		found = j >= n && memcmp(t + j - n, prefectures[k], n) == 0;
		start = j - n;
	}
	if (!found)
		return;
	if (j < len && t[j] == ' ')
		j++;
	run_read(t, len, j, &r);
	if ((m = municipality_end(&r)) == 0)
		return;
	j = r.off[m];
	d = district_end(t, len, j);
	if ((b = block_end(t, len, d)) > d)
		j = b;
	else if (d - j >= 6 && memcmp(t + d - 6, "丁目", 6) == 0)
		j = d;
	hit_add(hits, MP_PII_ADDRESS, address_value(t, len, start, j), start,
	    j);
}

/* prefecture_suffix - whether t[i] starts 都, 道, 府 or 県 */
static gboolean
prefecture_suffix(const char *t, gsize len, gsize i)
{
	static const char *const suffixes[] = { "都", "道", "府", "県" };

	return starts_with_any(t, len, i, suffixes,
	    G_N_ELEMENTS(suffixes)) > 0;
}

/* hit_cmp - by place in the text */
static gint
hit_cmp(gconstpointer a, gconstpointer b)
{
	const MpPiiHit *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* hits_move - the finds in order into hits, dropping those inside an
 * e-mail address (0312345678.x@example.jp) */
static void
hits_move(GArray *found, GArray *hits)
{
	GArray *mails = g_array_new(FALSE, FALSE, sizeof(MpPiiHit));
	guint i, e = 0;

	g_array_sort(found, hit_cmp);
	for (i = 0; i < found->len; i++) {
		MpPiiHit *h = &g_array_index(found, MpPiiHit, i);

		if (h->kind == MP_PII_EMAIL)
			g_array_append_val(mails, *h);
	}
	for (i = 0; i < found->len; i++) {
		MpPiiHit *h = &g_array_index(found, MpPiiHit, i);
		const MpPiiHit *m = NULL;

		for (; e < mails->len; e++) {
			m = &g_array_index(mails, MpPiiHit, e);
			if (m->offset + m->len > h->offset)
				break;
		}
		if (h->kind != MP_PII_EMAIL && e < mails->len &&
		    m->offset < h->offset + h->len)
			g_free(h->value);
		else
			g_array_append_val(hits, *h);
		h->value = NULL;
	}
	g_array_free(mails, TRUE);
	g_array_free(found, TRUE);
}

/* mp_pii_scan - append every find in text to hits */
void
mp_pii_scan(const char *text, gsize len, GArray *hits)
{
	GArray *found = mp_pii_hits_new();
	gsize i = 0;

	while (i < len) {
		guchar c = (guchar)text[i];

		if (g_ascii_isdigit(c)) {
			i = number_scan(text, len, i, found);
		} else if (c == '@') {
			i = email_scan(text, len, i, found);
		} else {
			if ((c == 0xE9 || c == 0xE5 || c == 0xE7) &&
			    prefecture_suffix(text, len, i))
				address_scan(text, len, i, found);
			i++;
		}
	}
	hits_move(found, hits);
}

/* stars - n asterisks appended to s */
static void
stars(GString *s, gsize n)
{
	while (n-- > 0)
		g_string_append_c(s, '*');
}

/* mp_pii_mask - value with all but a few characters hidden */
char *
mp_pii_mask(const MpPiiHit *hit)
{
	const char *v = hit->value;
	gsize n = strlen(v), k;
	GString *s = g_string_new(NULL);
	const char *at;

	switch (hit->kind) {
	case MP_PII_PHONE:
		/* no dashes: where they go depends on an area code the
		 * digits alone do not tell (03-1234-5678, 031-234-5678) */
		g_string_append_len(s, v, 2);
		stars(s, n - 6);
		g_string_append(s, v + n - 4);
		break;
	case MP_PII_POSTAL:
		g_string_append_len(s, v, 3);
		g_string_append(s, "-****");
		break;
	case MP_PII_ADDRESS:
		for (k = 0; k < G_N_ELEMENTS(prefectures); k++)
			if (g_str_has_prefix(v, prefectures[k]))
				g_string_append(s, prefectures[k]);
		g_string_append(s, "***");
		break;
	case MP_PII_EMAIL:
		at = strchr(v, '@');
		g_string_append_c(s, v[0]);
		g_string_append(s, "***");
		g_string_append(s, at != NULL ? at : "");
		break;
	default:
		stars(s, n - 4);
		g_string_append(s, v + n - 4);
	}
	return g_string_free(s, FALSE);
}
