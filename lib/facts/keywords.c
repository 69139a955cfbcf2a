/* keywords.c - [keywords NAME]: lists of words and a regular expression
 * that a policy counts in the text of a message */
#include <string.h>

#include "facts/facts.h"

typedef struct {
	char *name;
	GRegex *words;		/* the words, escaped, longest first, as
				 * one alternation; NULL: none */
	GRegex *regex;		/* regex =, or NULL */
} List;

struct MpKeywords {
	GPtrArray *lists;	/* List *, in file order */
	char **names;		/* NULL-terminated */
};

#define GROUP_PREFIX "keywords "

/* list_free - one list and its patterns */
static void
list_free(gpointer p)
{
	List *l = p;

	g_free(l->name);
	if (l->words != NULL)
		g_regex_unref(l->words);
	if (l->regex != NULL)
		g_regex_unref(l->regex);
	g_free(l);
}

/* fold - a word as the text it is looked for in is made: NFKC, then
 * case-folded */
static char *
fold(const char *word)
{
	char *n = mp_text_normalize(word, -1), *f;

	g_strstrip(n);
	f = g_utf8_casefold(n, -1);
	g_free(n);
	return f;
}

/* word_add - one word of words = or words-file, folded, once */
static void
word_add(GPtrArray *words, GHashTable *seen, const char *raw)
{
	char *w = fold(raw);

	if (*w == '\0' || g_hash_table_contains(seen, w)) {
		g_free(w);
		return;
	}
	g_hash_table_add(seen, w);
	g_ptr_array_add(words, w);
}

/* words_file - the words of a words-file: one a line, # comments */
static int
words_file(const MpConfig *cfg, const char *group, GPtrArray *words,
    GHashTable *seen, GError **err)
{
	char *path = mp_config_string(cfg, group, "words-file", NULL);
	char *text = NULL, **lines, *where;
	GError *why = NULL;
	guint i;
	int status = MP_OK;

	if (path == NULL)
		return MP_OK;
	if (!g_file_get_contents(path, &text, NULL, &why)) {
		where = mp_config_where(cfg, group, "words-file");
		status = mp_fail(err, EX_CONFIG, "[%s] words-file: %s %s", group,
		    why->message, where);
		g_free(where);
		g_error_free(why);
		g_free(path);
		return status;
	}
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		char *l = g_strstrip(lines[i]);

		if (*l != '#')
			word_add(words, seen, l);
	}
	g_strfreev(lines);
	g_free(text);
	g_free(path);
	return MP_OK;
}

/* by_length - longer words first, so that the alternation prefers
 * "極秘資料" to "極秘" where both start */
static gint
by_length(gconstpointer a, gconstpointer b)
{
	gsize la = strlen(*(const char *const *)a);
	gsize lb = strlen(*(const char *const *)b);

	return la < lb ? 1 : la > lb ? -1 :
	    strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* compile - a pattern of group's key, or 78 naming file, section and
 * key */
static int
compile(const MpConfig *cfg, const char *group, const char *key,
    const char *pattern, GRegex **out, GError **err)
{
	GError *why = NULL;
	char *where;
	int status;

	*out = g_regex_new(pattern, G_REGEX_OPTIMIZE, 0, &why);
	if (*out != NULL)
		return MP_OK;
	where = mp_config_where(cfg, group, key);
	status = mp_fail(err, EX_CONFIG, "[%s] %s: not a regular expression: "
	    "%s %s", group, key, why->message, where);
	g_free(where);
	g_error_free(why);
	return status;
}

/*
 * words_regex - the words of a list as one pattern.  One alternation
 * of literals lets PCRE2 find every word in one pass over the text,
 * where a loop of strstr would pass over it once per word.
 */
static int
words_regex(const MpConfig *cfg, const char *group, GPtrArray *words,
    GRegex **out, GError **err)
{
	GString *p = g_string_new(NULL);
	guint i;
	int status;

	*out = NULL;
	if (words->len == 0) {
		g_string_free(p, TRUE);
		return MP_OK;
	}
	g_ptr_array_sort(words, by_length);
	for (i = 0; i < words->len; i++) {
		char *e = g_regex_escape_string(words->pdata[i], -1);

		g_string_append_printf(p, "%s%s", i > 0 ? "|" : "", e);
		g_free(e);
	}
	status = compile(cfg, group, "words", p->str, out, err);
	g_string_free(p, TRUE);
	return status;
}

/* list_load - one [keywords NAME] section */
static int
list_load(const MpConfig *cfg, const char *group, List *l, GError **err)
{
	GPtrArray *words = g_ptr_array_new();
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	char *text = mp_config_string(cfg, group, "words", NULL), **items;
	char *regex = mp_config_string(cfg, group, "regex", NULL);
	int status;
	guint i;

	items = g_strsplit(text != NULL ? text : "", ",", -1);
	for (i = 0; items[i] != NULL; i++)
		word_add(words, seen, items[i]);
	g_strfreev(items);
	status = words_file(cfg, group, words, seen, err);
	if (status == MP_OK)
		status = words_regex(cfg, group, words, &l->words, err);
	if (status == MP_OK && regex != NULL && *regex != '\0')
		status = compile(cfg, group, "regex", regex, &l->regex, err);
	g_ptr_array_free(words, TRUE);
	g_hash_table_destroy(seen);
	g_free(text);
	g_free(regex);
	return status;
}

/* mp_keywords_load - every [keywords NAME] of mp.conf, compiled */
int
mp_keywords_load(const MpConfig *cfg, MpKeywords **out, GError **err)
{
	MpKeywords *kw = g_new0(MpKeywords, 1);
	char **groups = g_key_file_get_groups(cfg->kf, NULL);
	guint i;
	int status = MP_OK;

	*out = NULL;
	kw->lists = g_ptr_array_new_with_free_func(list_free);
	for (i = 0; groups[i] != NULL && status == MP_OK; i++) {
		List *l;

		if (!g_str_has_prefix(groups[i], GROUP_PREFIX))
			continue;
		l = g_new0(List, 1);
		l->name = g_strdup(g_strstrip(groups[i] +
		    strlen(GROUP_PREFIX)));
		g_ptr_array_add(kw->lists, l);
		status = list_load(cfg, groups[i], l, err);
	}
	g_strfreev(groups);
	kw->names = g_new0(char *, kw->lists->len + 1);
	for (i = 0; i < kw->lists->len; i++)
		kw->names[i] = ((List *)kw->lists->pdata[i])->name;
	if (status != MP_OK)
		mp_keywords_free(kw);
	else
		*out = kw;
	return status;
}

/* mp_keywords_free - the lists and their patterns */
void
mp_keywords_free(MpKeywords *kw)
{
	if (kw == NULL)
		return;
	g_ptr_array_free(kw->lists, TRUE);
	g_free(kw->names);
	g_free(kw);
}

/* mp_keywords_index - the index of the list called name, or -1 */
int
mp_keywords_index(const MpKeywords *kw, const char *name)
{
	guint i;

	for (i = 0; kw != NULL && i < kw->lists->len; i++)
		if (strcmp(((List *)kw->lists->pdata[i])->name, name) == 0)
			return (int)i;
	return -1;
}

/* mp_keywords_has - whether a list of that name was configured */
gboolean
mp_keywords_has(const MpKeywords *kw, const char *name)
{
	return mp_keywords_index(kw, name) >= 0;
}

/* mp_keywords_names - the names of the lists, in file order */
const char *const *
mp_keywords_names(const MpKeywords *kw)
{
	static const char *const none[] = { NULL };

	return kw != NULL ? (const char *const *)kw->names : none;
}

/*
 * fold_text - text case-folded as g_utf8_casefold folds it.  Folding
 * is per character, so ASCII (most of the text of most mail) is
 * lowered in place and only the runs of other characters go through
 * GLib's tables, which cost several times more per character.
 */
static char *
fold_text(const char *text, gsize len)
{
	GString *out = g_string_sized_new(len + 1);
	const char *p = text, *end = text + len, *q;

	while (p < end) {
		for (q = p; q < end && !((guchar)*q & 0x80); q++)
			g_string_append_c(out, g_ascii_tolower(*q));
		for (p = q; q < end && ((guchar)*q & 0x80); q++)
			;
		if (q > p) {
			char *f = g_utf8_casefold(p, q - p);

			g_string_append(out, f);
			g_free(f);
		}
		p = q;
	}
	return g_string_free(out, FALSE);
}

/* matches - each non-empty match of re in text to sink */
static void
matches(GRegex *re, guint list, const char *text, gsize len,
    MpKeywordSink sink, gpointer data)
{
	GMatchInfo *mi = NULL;
	int s, e;

	g_regex_match_full(re, text, (gssize)len, 0, 0, &mi, NULL);
	while (g_match_info_matches(mi)) {
		if (g_match_info_fetch_pos(mi, 0, &s, &e) && e > s)
			sink(list, text + s, (gsize)(e - s), (gsize)s, data);
		g_match_info_next(mi, NULL);
	}
	g_match_info_free(mi);
}

/*
 * mp_keywords_scan - every occurrence of every list in text (UTF-8,
 * NFKC-normalised): the words, non-overlapping and longest first, in
 * the case-folded text (offsets are into that); the regex in the text
 * as it is
 */
void
mp_keywords_scan(const MpKeywords *kw, const char *text, gsize len,
    MpKeywordSink sink, gpointer data)
{
	char *folded = NULL;
	guint i;

	for (i = 0; kw != NULL && i < kw->lists->len; i++) {
		List *l = kw->lists->pdata[i];

		if (l->words != NULL) {
			if (folded == NULL)
				folded = fold_text(text, len);
			matches(l->words, i, folded, strlen(folded), sink, data);
		}
		if (l->regex != NULL)
			matches(l->regex, i, text, len, sink, data);
	}
	g_free(folded);
}
