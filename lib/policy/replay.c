/* replay.c - a policy over an archive: what each rule would have
 * caught, as a summary and as an HTML report */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "policy/replay.h"
#include "base/json.h"
#include "base/output.h"
#include "mail/charset.h"

/* recipients an example names; the rest are counted */
#define EXAMPLE_RCPTS 5
/* characters of a subject an example keeps */
#define EXAMPLE_SUBJECT_MAX 200
/* the progress line is redrawn at most this often (microseconds) */
#define PROGRESS_EVERY (G_USEC_PER_SEC / 4)
/* a chart has a bar for every day from the first to the last when they
 * are at most this many days apart; past that (a Date field from
 * another decade) a bar for every day that had mail */
#define CHART_SPAN_MAX 400
/* the chart's bars and plot, in pixels */
#define BAR_WIDTH 12
#define BAR_GAP 2
#define PLOT_HEIGHT 120
#define AXIS_LEFT 40
#define AXIS_BOTTOM 36

/* One message a rule caught, as the summary and the report show it. */
typedef struct {
	char *source;
	char *date;		/* "YYYY-MM-DD HH:MM", or NULL: unknown */
	char *subject;		/* decoded, or NULL: none */
	char *from;		/* or NULL: none */
	GPtrArray *rcpts;	/* the first EXAMPLE_RCPTS addresses */
	guint more;		/* recipients past those */
} Example;

/* What one rule caught. */
typedef struct {
	const MpRule *rule;
	guint64 count;
	guint64 unknown;	/* messages of no known day */
	GHashTable *days;	/* julian day -> messages */
	GPtrArray *examples;	/* Example * (MpReplay.examples owns them) */
} Tally;

/* The progress line on a terminal. */
typedef struct {
	gboolean on;
	gboolean drawn;		/* a line is on the screen */
	guint64 size;		/* mbox: bytes of the file */
	guint64 files;		/* Maildir: files in cur and new */
	guint64 bytes;		/* read so far */
	gint64 start, last;	/* monotonic microseconds */
} Progress;

struct MpReplay {
	const MpRules *rules;
	GTimeZone *tz;
	char *input;		/* the mbox or Maildir, or NULL */
	Tally *tallies;		/* one a rule, file order */
	GHashTable *by_rule;	/* const MpRule * -> Tally * */
	guint64 verdicts[MP_ACTIONS];
	guint64 total, failed, unknown;
	GHashTable *days;	/* julian day -> messages, every message */
	GPtrArray *examples;	/* Example *, owned */
	Progress prog;
};

/* The words of the report, in its two languages. */
typedef struct {
	const char *lang, *title, *input, *messages, *period, *verdict;
	const char *failed, *total, *rules, *none, *date, *subject, *sender;
	const char *rcpts, *unknown, *examples, *no_subject, *chart;
} Words;

static const Words words_ja = {
	"ja", "mp-policy 再生レポート", "対象", "通", "期間", "判定",
	"判定できず", "合計", "ルール", "該当するメッセージはありません。",
	"日時", "件名", "差出人", "宛先", "不明", "例", "(件名なし)",
	"日別の該当数",
};

static const Words words_en = {
	"en", "mp-policy replay report", "Replayed", "messages", "Period",
	"Verdict", "could not be judged", "total", "Rules",
	"No message was caught.", "Date", "Subject", "Sender", "Recipients",
	"unknown", "Examples", "(no subject)", "Messages caught per day",
};

static void example_free(gpointer p);
static void progress_step(MpReplay *rp, guint64 bytes);
static void progress_end(MpReplay *rp);

/* count_files - the messages of a Maildir: files in cur and new */
static guint64
count_files(const char *maildir)
{
	static const char *const subs[] = { "cur", "new" };
	guint64 n = 0;
	guint i;

	for (i = 0; i < G_N_ELEMENTS(subs); i++) {
		char *path = g_build_filename(maildir, subs[i], NULL);
		GDir *d = g_dir_open(path, 0, NULL);
		const char *name;

		while (d != NULL && (name = g_dir_read_name(d)) != NULL)
			if (name[0] != '.')
				n++;
		if (d != NULL)
			g_dir_close(d);
		g_free(path);
	}
	return n;
}

/* same_file - whether two descriptors are one file (one terminal) */
static gboolean
same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* progress_start - a progress line only for a batch on a terminal; not
 * when the records go to that terminal too: they would be written into
 * the line, and scrolling by they show the progress themselves */
static void
progress_start(Progress *p, const char *mbox, const char *maildir,
    gboolean progress)
{
	GStatBuf st;

	if (!progress || (mbox == NULL && maildir == NULL) ||
	    !isatty(STDERR_FILENO) || same_file(STDOUT_FILENO, STDERR_FILENO))
		return;
	if (mbox != NULL && g_stat(mbox, &st) == 0)
		p->size = (guint64)st.st_size;
	if (maildir != NULL)
		p->files = count_files(maildir);
	p->on = TRUE;
	p->start = g_get_monotonic_time();
}

/* mp_replay_new - empty counts for every rule, and the progress line */
MpReplay *
mp_replay_new(const MpRules *rules, GTimeZone *tz, const char *mbox,
    const char *maildir, gboolean progress)
{
	MpReplay *rp = g_new0(MpReplay, 1);
	guint i;

	rp->rules = rules;
	rp->tz = g_time_zone_ref(tz);
	rp->input = g_strdup(mbox != NULL ? mbox : maildir);
	rp->tallies = g_new0(Tally, rules->rules->len);
	rp->by_rule = g_hash_table_new(NULL, NULL);
	rp->days = g_hash_table_new(NULL, NULL);
	rp->examples = g_ptr_array_new_with_free_func(example_free);
	for (i = 0; i < rules->rules->len; i++) {
		Tally *t = &rp->tallies[i];

		t->rule = rules->rules->pdata[i];
		t->days = g_hash_table_new(NULL, NULL);
		t->examples = g_ptr_array_new();
		g_hash_table_insert(rp->by_rule, (gpointer)(gsize)t->rule, t);
	}
	progress_start(&rp->prog, mbox, maildir, progress);
	return rp;
}

/* mp_replay_free - release the counts, clearing the progress line */
void
mp_replay_free(MpReplay *rp)
{
	guint i;

	if (rp == NULL)
		return;
	progress_end(rp);
	for (i = 0; i < rp->rules->rules->len; i++) {
		g_hash_table_destroy(rp->tallies[i].days);
		g_ptr_array_free(rp->tallies[i].examples, TRUE);
	}
	g_free(rp->tallies);
	g_hash_table_destroy(rp->by_rule);
	g_hash_table_destroy(rp->days);
	g_ptr_array_free(rp->examples, TRUE);
	g_time_zone_unref(rp->tz);
	g_free(rp->input);
	g_free(rp);
}

/* example_free - release one example */
static void
example_free(gpointer p)
{
	Example *ex = p;

	g_free(ex->source);
	g_free(ex->date);
	g_free(ex->subject);
	g_free(ex->from);
	g_ptr_array_free(ex->rcpts, TRUE);
	g_free(ex);
}

/* clean - text fit to print on one line: valid UTF-8, control
 * characters as spaces (NULL stays NULL) */
static char *
clean(const char *s)
{
	char *v, *p;

	if (s == NULL)
		return NULL;
	v = g_utf8_make_valid(s, -1);
	for (p = v; *p != '\0'; p++)
		if ((guchar)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return v;
}

/* example_subject - the decoded Subject, cut to EXAMPLE_SUBJECT_MAX
 * characters, or NULL */
static char *
example_subject(const MpMessage *msg)
{
	char *raw = mp_message_header(msg, "Subject"), *dec, *s;

	if (raw == NULL)
		return NULL;
	dec = mp_decode_header_text(raw, strlen(raw), FALSE);
	s = clean(dec);
	if (g_utf8_strlen(s, -1) > EXAMPLE_SUBJECT_MAX) {
		char *cut = g_utf8_substring(s, 0, EXAMPLE_SUBJECT_MAX);

		g_free(s);
		s = g_strconcat(cut, "…", NULL);
		g_free(cut);
	}
	g_free(raw);
	g_free(dec);
	return s;
}

/* example_rcpts - the first EXAMPLE_RCPTS distinct recipients, the
 * others counted */
static void
example_rcpts(Example *ex, MpFacts *facts)
{
	const MpClassification *c;
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	GError *err = NULL;
	guint i;

	if (mp_facts_recipients(facts, &c, &err) != MP_OK) {
		g_clear_error(&err);
		g_hash_table_destroy(seen);
		return;
	}
	for (i = 0; i < c->rcpts->len; i++) {
		const MpRecipient *r = &g_array_index(c->rcpts, MpRecipient, i);
		const char *a = r->addr != NULL ? r->addr : r->raw;

		if (a == NULL || !g_hash_table_add(seen, (gpointer)(gsize)a))
			continue;
		if (ex->rcpts->len < EXAMPLE_RCPTS)
			g_ptr_array_add(ex->rcpts, clean(a));
		else
			ex->more++;
	}
	g_hash_table_destroy(seen);
}

/* example_new - what an example shows of a message: never its body */
static Example *
example_new(const MpSource *src, const MpMessage *msg, MpJudgement *j,
    GDateTime *t)
{
	Example *ex = g_new0(Example, 1);
	char *label = mp_source_label(src);

	ex->source = clean(label);
	ex->date = t != NULL ? g_date_time_format(t, "%Y-%m-%d %H:%M") : NULL;
	ex->subject = example_subject(msg);
	ex->from = clean(mp_facts_from(j->facts));
	ex->rcpts = g_ptr_array_new_with_free_func(g_free);
	example_rcpts(ex, j->facts);
	g_free(label);
	return ex;
}

/* message_time - the sending time (a ref the facts keep), or NULL when
 * it cannot be had: that message counts under "unknown" */
static GDateTime *
message_time(MpFacts *facts)
{
	GDateTime *t = NULL;
	GError *err = NULL;

	if (mp_facts_time(facts, &t, &err) != MP_OK) {
		g_clear_error(&err);
		return NULL;
	}
	return t;
}

/* julian_day - t's day as a julian day number (0: no t) */
static guint
julian_day(GDateTime *t)
{
	GDate d;
	int y, m, day;

	if (t == NULL)
		return 0;
	g_date_time_get_ymd(t, &y, &m, &day);
	g_date_clear(&d, 1);
	if (!g_date_valid_dmy(day, m, y))
		return 0;
	g_date_set_dmy(&d, day, m, y);
	return g_date_get_julian(&d);
}

/* day_add - one more message on day (0: unknown) */
static void
day_add(GHashTable *days, guint64 *unknown, guint day)
{
	gpointer key = GUINT_TO_POINTER(day);

	if (day == 0)
		(*unknown)++;
	else
		g_hash_table_insert(days, key, GUINT_TO_POINTER(
		    GPOINTER_TO_UINT(g_hash_table_lookup(days, key)) + 1));
}

/* day_count - messages on day */
static guint
day_count(GHashTable *days, guint day)
{
	return GPOINTER_TO_UINT(g_hash_table_lookup(days, GUINT_TO_POINTER(day)));
}

/* mp_replay_add - one message judged: its verdict, its rules, its day,
 * an example for a rule that has too few */
void
mp_replay_add(MpReplay *rp, const MpSource *src, const MpMessage *msg,
    MpJudgement *j)
{
	GDateTime *t = message_time(j->facts);
	guint day = julian_day(t), i;
	Example *ex = NULL;

	rp->total++;
	rp->verdicts[j->d.verdict]++;
	day_add(rp->days, &rp->unknown, day);
	for (i = 0; i < j->d.matched->len; i++) {
		Tally *tl = g_hash_table_lookup(rp->by_rule,
		    j->d.matched->pdata[i]);

		if (tl == NULL)
			continue;
		tl->count++;
		day_add(tl->days, &tl->unknown, day);
		if (tl->examples->len >= MP_REPLAY_REPORT_EXAMPLES)
			continue;
		if (ex == NULL) {
			ex = example_new(src, msg, j, t);
			g_ptr_array_add(rp->examples, ex);
		}
		g_ptr_array_add(tl->examples, ex);
	}
	progress_step(rp, src->kind == MP_SOURCE_MBOX ?
	    src->offset + msg->size : rp->prog.bytes + msg->size);
}

/* mp_replay_failed - one message that could not be judged */
void
mp_replay_failed(MpReplay *rp, const MpSource *src)
{
	rp->total++;
	rp->failed++;
	progress_step(rp, src->kind == MP_SOURCE_MBOX ? src->offset :
	    rp->prog.bytes);
}

/* clock_text - seconds as "M:SS" or "H:MM:SS" */
static char *
clock_text(guint64 s)
{
	if (s >= 3600)
		return g_strdup_printf("%" G_GUINT64_FORMAT ":%02u:%02u",
		    s / 3600, (guint)(s / 60 % 60), (guint)(s % 60));
	return g_strdup_printf("%u:%02u", (guint)(s / 60), (guint)(s % 60));
}

/* progress_draw - "replay: N messages, X MB/s, P%, M:SS left" */
static void
progress_draw(MpReplay *rp, gint64 now)
{
	Progress *p = &rp->prog;
	double secs = (double)(now - p->start) / G_USEC_PER_SEC;
	double done = -1, rate;
	GString *s = g_string_new("\r\033[Kreplay: ");
	guint64 msgs = rp->total;

	if (secs <= 0)
		secs = 1e-6;
	rate = (double)p->bytes / 1e6 / secs;
	g_string_append_printf(s, "%" G_GUINT64_FORMAT, msgs);
	if (p->files > 0)
		g_string_append_printf(s, " of %" G_GUINT64_FORMAT, p->files);
	g_string_append_printf(s, " messages, %.1f MB/s", rate);
	if (p->size > 0)
		done = MIN(1.0, (double)p->bytes / (double)p->size);
	else if (p->files > 0)
		done = MIN(1.0, (double)msgs / (double)p->files);
	if (done >= 0)
		g_string_append_printf(s, ", %.0f%%", done * 100);
	if (done > 0) {
		char *left = clock_text((guint64)(secs / done - secs + 0.5));

		g_string_append_printf(s, ", %s left", left);
		g_free(left);
	}
	fputs(s->str, stderr);
	fflush(stderr);
	g_string_free(s, TRUE);
	p->drawn = TRUE;
	p->last = now;
}

/* progress_step - bytes read so far; redraw when it is time */
static void
progress_step(MpReplay *rp, guint64 bytes)
{
	Progress *p = &rp->prog;
	gint64 now;

	p->bytes = bytes;
	if (!p->on)
		return;
	now = g_get_monotonic_time();
	if (!p->drawn || now - p->last >= PROGRESS_EVERY)
		progress_draw(rp, now);
}

/* progress_end - the progress line cleared: the replay is over */
static void
progress_end(MpReplay *rp)
{
	if (rp->prog.drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	rp->prog.on = FALSE;
	rp->prog.drawn = FALSE;
}

/* julian_text - "YYYY-MM-DD" of a julian day */
static char *
julian_text(guint day)
{
	GDate d;

	g_date_clear(&d, 1);
	g_date_set_julian(&d, day);
	return g_strdup_printf("%04u-%02u-%02u", g_date_get_year(&d),
	    g_date_get_month(&d), g_date_get_day(&d));
}

/* cmp_uint - for sorting julian days */
static int
cmp_uint(gconstpointer a, gconstpointer b)
{
	guint x = *(const guint *)a, y = *(const guint *)b;

	return x < y ? -1 : x > y;
}

/* chart_days - the days a chart has a bar for, in order: every day
 * from the first message's to the last's, or when they are too far
 * apart every day that had mail */
static GArray *
chart_days(const MpReplay *rp)
{
	GArray *days = g_array_new(FALSE, FALSE, sizeof(guint));
	GHashTableIter it;
	gpointer key;
	guint d;

	g_hash_table_iter_init(&it, rp->days);
	while (g_hash_table_iter_next(&it, &key, NULL)) {
		d = GPOINTER_TO_UINT(key);
		g_array_append_val(days, d);
	}
	g_array_sort(days, cmp_uint);
	if (days->len > 1) {
		guint first = g_array_index(days, guint, 0);
		guint last = g_array_index(days, guint, days->len - 1);

		if (last - first < CHART_SPAN_MAX) {
			g_array_set_size(days, 0);
			for (d = first; d <= last; d++)
				g_array_append_val(days, d);
		}
	}
	return days;
}

/* example_rcpt_text - the recipients joined by sep, "+N" for the rest */
static char *
example_rcpt_text(const Example *ex, const char *sep)
{
	GString *s = g_string_new(NULL);
	guint i;

	for (i = 0; i < ex->rcpts->len; i++)
		g_string_append_printf(s, "%s%s", i > 0 ? sep : "",
		    (char *)ex->rcpts->pdata[i]);
	if (ex->more > 0)
		g_string_append_printf(s, "%s+%u", ex->rcpts->len > 0 ? sep : "",
		    ex->more);
	return g_string_free(s, FALSE);
}

/* the verdicts the totals name, in this order */
static const MpAction verdicts_shown[] = {
	MP_ACT_PASS, MP_ACT_REJECT, MP_ACT_APPROVE, MP_ACT_CONFIRM,
	MP_ACT_HOLD, MP_ACT_STAGGER,
};

/* summary_text - the summary as lines of text */
static char *
summary_text(const MpReplay *rp)
{
	GString *s = g_string_new(NULL);
	guint i, k;

	g_string_append_printf(s, "summary: total=%" G_GUINT64_FORMAT, rp->total);
	for (i = 0; i < G_N_ELEMENTS(verdicts_shown); i++)
		g_string_append_printf(s, " %s=%" G_GUINT64_FORMAT,
		    mp_action_name(verdicts_shown[i]),
		    rp->verdicts[verdicts_shown[i]]);
	g_string_append_printf(s, " failed=%" G_GUINT64_FORMAT "\n", rp->failed);
	for (i = 0; i < rp->rules->rules->len; i++) {
		const Tally *t = &rp->tallies[i];

		g_string_append_printf(s, "rule %s: %" G_GUINT64_FORMAT "\n",
		    t->rule->name, t->count);
		for (k = 0; k < t->examples->len && k < MP_REPLAY_EXAMPLES;
		    k++) {
			const Example *ex = t->examples->pdata[k];
			char *to = example_rcpt_text(ex, ",");

			g_string_append_printf(s, "  %s: date=%s from=%s to=%s "
			    "subject=%s\n", ex->source, ex->date != NULL ?
			    ex->date : "unknown", ex->from != NULL ? ex->from :
			    "", to, ex->subject != NULL ? ex->subject : "");
			g_free(to);
		}
	}
	return g_string_free(s, FALSE);
}

/* example_json - {source, date, subject, from, recipients, more} */
static json_t *
example_json(const Example *ex)
{
	json_t *o = json_object(), *to = json_array();
	guint i;

	json_object_set_new(o, "source", mp_json_str(ex->source));
	json_object_set_new(o, "date", mp_json_str(ex->date));
	json_object_set_new(o, "subject", mp_json_str(ex->subject));
	json_object_set_new(o, "from", mp_json_str(ex->from));
	for (i = 0; i < ex->rcpts->len; i++)
		json_array_append_new(to, mp_json_str(ex->rcpts->pdata[i]));
	json_object_set_new(o, "recipients", to);
	json_object_set_new(o, "more_recipients", json_integer(ex->more));
	return o;
}

/* tally_json - {rule, action, count, days, examples} */
static json_t *
tally_json(const Tally *t, const GArray *days)
{
	json_t *o = json_object(), *by = json_object(), *exs = json_array();
	guint i;

	json_object_set_new(o, "rule", mp_json_str(t->rule->name));
	json_object_set_new(o, "action", mp_json_str(t->rule->action_text));
	json_object_set_new(o, "count", json_integer((json_int_t)t->count));
	for (i = 0; i < days->len; i++) {
		guint d = g_array_index(days, guint, i), n = day_count(t->days, d);
		char *text;

		if (n == 0)
			continue;
		text = julian_text(d);
		json_object_set_new(by, text, json_integer(n));
		g_free(text);
	}
	if (t->unknown > 0)
		json_object_set_new(by, "unknown",
		    json_integer((json_int_t)t->unknown));
	json_object_set_new(o, "days", by);
	for (i = 0; i < t->examples->len && i < MP_REPLAY_EXAMPLES; i++)
		json_array_append_new(exs, example_json(t->examples->pdata[i]));
	json_object_set_new(o, "examples", exs);
	return o;
}

/* summary_json - {"summary": {total, VERDICT..., failed, rules}} */
static json_t *
summary_json(const MpReplay *rp)
{
	json_t *o = json_object(), *sum = json_object(), *rules = json_array();
	GArray *days = chart_days(rp);
	guint i;

	json_object_set_new(sum, "total", json_integer((json_int_t)rp->total));
	for (i = 0; i < G_N_ELEMENTS(verdicts_shown); i++)
		json_object_set_new(sum, mp_action_name(verdicts_shown[i]),
		    json_integer((json_int_t)rp->verdicts[verdicts_shown[i]]));
	json_object_set_new(sum, "failed", json_integer((json_int_t)rp->failed));
	for (i = 0; i < rp->rules->rules->len; i++)
		json_array_append_new(rules, tally_json(&rp->tallies[i], days));
	json_object_set_new(sum, "rules", rules);
	json_object_set_new(o, "summary", sum);
	g_array_free(days, TRUE);
	return o;
}

/* mp_replay_summary - the counts and examples on standard output */
int
mp_replay_summary(MpReplay *rp, gboolean json, GError **err)
{
	char *text;
	int st;

	progress_end(rp);
	if (json)
		return mp_json_put(stdout, summary_json(rp), err);
	text = summary_text(rp);
	st = mp_stdio_put(stdout, text, strlen(text), err);
	g_free(text);
	return st;
}

/* put - text into the page, escaped */
static void
put(GString *s, const char *text)
{
	char *e = g_markup_escape_text(text, -1);

	g_string_append(s, e);
	g_free(e);
}

/* put_tag - <tag>text</tag>, the text escaped */
static void
put_tag(GString *s, const char *tag, const char *text)
{
	g_string_append_printf(s, "<%s>", tag);
	put(s, text);
	g_string_append_printf(s, "</%s>", tag);
}

static const char report_style[] =
	"body{font-family:system-ui,-apple-system,\"Segoe UI\","
	"\"Hiragino Sans\",\"Noto Sans JP\",Meiryo,sans-serif;color:#222;"
	"max-width:72em;margin:2em auto;padding:0 1em;line-height:1.5}"
	"h1{font-size:1.6em}h3{font-size:1.25em;margin-bottom:.2em}"
	"table{border-collapse:collapse;margin:.5em 0}"
	"th,td{border:1px solid #ccc;padding:.2em .6em;text-align:left;"
	"vertical-align:top}td.n{text-align:right}th{background:#f2f2f2}"
	"section.rule{border-top:2px solid #999;margin-top:2em}"
	".action{font-size:.8em;background:#e8e8e8;border-radius:3px;"
	"padding:0 .4em;margin-left:.6em;font-weight:normal}"
	".conds{color:#555;font-family:monospace;margin:0}"
	".count strong{font-size:1.4em}.chart{overflow-x:auto}"
	"rect.bar{fill:#3a6ea5}svg text{font-size:10px;fill:#555}"
	"td.subject{max-width:30em;overflow-wrap:anywhere}"
	"td.rcpts{max-width:24em;overflow-wrap:anywhere}";

/* report_head - the page's head, title and what was replayed */
static void
report_head(GString *s, const MpReplay *rp, const Words *w,
    const GArray *days)
{
	g_string_append_printf(s, "<!DOCTYPE html>\n<html lang=\"%s\">\n"
	    "<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n", w->lang);
	put_tag(s, "title", w->title);
	g_string_append_printf(s, "\n<style>%s</style>\n</head>\n<body>\n",
	    report_style);
	put_tag(s, "h1", w->title);
	g_string_append(s, "\n<p class=\"input\">");
	if (rp->input != NULL) {
		char *name = clean(rp->input);

		put(s, w->input);
		g_string_append(s, ": <code>");
		put(s, name);
		g_string_append(s, "</code>, ");
		g_free(name);
	}
	g_string_append_printf(s, "<span class=\"total\">%" G_GUINT64_FORMAT
	    "</span> ", rp->total);
	put(s, w->messages);
	if (days->len > 0) {
		char *a = julian_text(g_array_index(days, guint, 0));
		char *b = julian_text(g_array_index(days, guint, days->len - 1));

		g_string_append_printf(s, "; %s: %s – %s", w->period, a, b);
		g_free(a);
		g_free(b);
	}
	g_string_append(s, "</p>\n");
}

/* total_row - one row of the totals table */
static void
total_row(GString *s, const char *cls, const char *name, guint64 n)
{
	g_string_append_printf(s, "<tr class=\"%s\"><th>", cls);
	put(s, name);
	g_string_append_printf(s, "</th><td class=\"n\">%" G_GUINT64_FORMAT
	    "</td></tr>\n", n);
}

/* report_totals - messages per verdict */
static void
report_totals(GString *s, const MpReplay *rp, const Words *w)
{
	guint i;

	g_string_append(s, "<table class=\"totals\">\n<tr><th>");
	put(s, w->verdict);
	g_string_append(s, "</th><th>");
	put(s, w->messages);
	g_string_append(s, "</th></tr>\n");
	for (i = 0; i < G_N_ELEMENTS(verdicts_shown); i++)
		total_row(s, mp_action_name(verdicts_shown[i]),
		    mp_action_name(verdicts_shown[i]),
		    rp->verdicts[verdicts_shown[i]]);
	total_row(s, "failed", w->failed, rp->failed);
	total_row(s, "total", w->total, rp->total);
	g_string_append(s, "</table>\n");
}

/* cond - "key = value" of a rule, as written, when given */
static void
cond(GString *s, const char *key, const char *value)
{
	if (value == NULL)
		return;
	g_string_append(s, "<p class=\"conds\">");
	put(s, key);
	g_string_append(s, " = ");
	put(s, value);
	g_string_append(s, "</p>\n");
}

/* report_conds - what a rule asks, as mp.conf writes it */
static void
report_conds(GString *s, const MpRule *r)
{
	guint i;

	cond(s, "if", r->if_text);
	cond(s, "time", r->time_text);
	cond(s, "sender", r->sender != NULL ? r->sender->text : NULL);
	cond(s, "except-sender", r->except_sender != NULL ?
	    r->except_sender->text : NULL);
	cond(s, "recipient", r->recipient != NULL ? r->recipient->text : NULL);
	cond(s, "except-recipient", r->except_recipient != NULL ?
	    r->except_recipient->text : NULL);
	for (i = 0; r->headers != NULL && i < r->headers->len; i++) {
		const MpHeaderCond *h = r->headers->pdata[i];
		char *key = g_strconcat("header.", h->field, NULL);

		cond(s, key, h->text);
		g_free(key);
	}
}

/* chart_bar - one day's bar, its label under the axis */
static void
chart_bar(GString *s, guint i, const char *day, guint n, guint max)
{
	guint x = AXIS_LEFT + BAR_GAP + i * (BAR_WIDTH + BAR_GAP);
	guint h = n == 0 ? 0 : MAX(1, (guint)((guint64)n * PLOT_HEIGHT / max));
	guint lx = x + BAR_WIDTH / 2, ly = PLOT_HEIGHT + 14;

	g_string_append_printf(s, "<rect class=\"bar\" data-day=\"%s\" "
	    "data-count=\"%u\" x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\">"
	    "<title>%s: %u</title></rect>", day, n, x, PLOT_HEIGHT - h + 10,
	    BAR_WIDTH, h, day, n);
	g_string_append_printf(s, "<text x=\"%u\" y=\"%u\" text-anchor=\"end\" "
	    "transform=\"rotate(-60 %u %u)\">%s</text>\n", lx, ly, lx, ly,
	    strlen(day) == 10 ? day + 5 : day);
}

/* report_chart - an SVG bar chart of a rule's messages by day; the
 * last bar, when some message's day was unknown, is those */
static void
report_chart(GString *s, const Tally *t, const GArray *days,
    gboolean unknown, const Words *w)
{
	guint n = days->len + (unknown ? 1 : 0), max = 1, i;
	guint width = AXIS_LEFT + BAR_GAP + n * (BAR_WIDTH + BAR_GAP) + 10;
	guint height = PLOT_HEIGHT + 10 + AXIS_BOTTOM;

	for (i = 0; i < days->len; i++)
		max = MAX(max, day_count(t->days, g_array_index(days, guint, i)));
	max = MAX(max, (guint)t->unknown);
	g_string_append_printf(s, "<div class=\"chart\"><svg xmlns=\"http://"
	    "www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" viewBox=\"0 0 "
	    "%u %u\" role=\"img\">", width, height, width, height);
	put_tag(s, "title", w->chart);
	g_string_append_printf(s, "\n<line x1=\"%u\" y1=\"%u\" x2=\"%u\" "
	    "y2=\"%u\" stroke=\"#888\"/>", AXIS_LEFT, PLOT_HEIGHT + 10,
	    width - 10, PLOT_HEIGHT + 10);
	g_string_append_printf(s, "<text x=\"%u\" y=\"14\" text-anchor=\"end\">"
	    "%u</text><text x=\"%u\" y=\"%u\" text-anchor=\"end\">0</text>\n",
	    AXIS_LEFT - 4, max, AXIS_LEFT - 4, PLOT_HEIGHT + 10);
	for (i = 0; i < days->len; i++) {
		guint d = g_array_index(days, guint, i);
		char *text = julian_text(d);

		chart_bar(s, i, text, day_count(t->days, d), max);
		g_free(text);
	}
	if (unknown) {
		char *label = g_markup_escape_text(w->unknown, -1);

		chart_bar(s, days->len, label, (guint)t->unknown, max);
		g_free(label);
	}
	g_string_append(s, "</svg></div>\n");
}

/* report_example - one row: date, subject, sender, recipients */
static void
report_example(GString *s, const Example *ex, const Words *w)
{
	char *to = example_rcpt_text(ex, ", ");

	g_string_append(s, "<tr><td class=\"date\">");
	put(s, ex->date != NULL ? ex->date : w->unknown);
	g_string_append(s, "</td><td class=\"subject\">");
	if (ex->subject != NULL)
		put(s, ex->subject);
	else
		put_tag(s, "em", w->no_subject);
	g_string_append(s, "</td><td class=\"sender\">");
	put(s, ex->from != NULL ? ex->from : "");
	g_string_append(s, "</td><td class=\"rcpts\">");
	put(s, to);
	g_string_append(s, "</td></tr>\n");
	g_free(to);
}

/* report_examples - the rule's examples as a table */
static void
report_examples(GString *s, const Tally *t, const Words *w)
{
	guint i;

	if (t->examples->len == 0) {
		g_string_append(s, "<p class=\"none\">");
		put(s, w->none);
		g_string_append(s, "</p>\n");
		return;
	}
	put_tag(s, "h4", w->examples);
	g_string_append(s, "\n<table class=\"examples\">\n<tr>");
	put_tag(s, "th", w->date);
	put_tag(s, "th", w->subject);
	put_tag(s, "th", w->sender);
	put_tag(s, "th", w->rcpts);
	g_string_append(s, "</tr>\n");
	for (i = 0; i < t->examples->len && i < MP_REPLAY_REPORT_EXAMPLES; i++)
		report_example(s, t->examples->pdata[i], w);
	g_string_append(s, "</table>\n");
}

/* report_rule - a rule's section: its count, chart and examples */
static void
report_rule(GString *s, const MpReplay *rp, guint i, const GArray *days,
    const Words *w)
{
	const Tally *t = &rp->tallies[i];

	g_string_append_printf(s, "<section class=\"rule\" id=\"rule-%u\" "
	    "data-rule=\"", i + 1);
	put(s, t->rule->name);
	g_string_append_printf(s, "\" data-count=\"%" G_GUINT64_FORMAT "\">\n"
	    "<h3>", t->count);
	put(s, t->rule->name);
	g_string_append(s, "<span class=\"action\">");
	put(s, t->rule->action_text);
	g_string_append(s, "</span></h3>\n");
	report_conds(s, t->rule);
	g_string_append_printf(s, "<p class=\"count\"><strong>%"
	    G_GUINT64_FORMAT "</strong> ", t->count);
	g_string_append_printf(s, "/ %" G_GUINT64_FORMAT " ", rp->total);
	put(s, w->messages);
	if (rp->total > 0)
		g_string_append_printf(s, " (%.1f%%)",
		    100.0 * (double)t->count / (double)rp->total);
	g_string_append(s, "</p>\n");
	report_chart(s, t, days, rp->unknown > 0, w);
	report_examples(s, t, w);
	g_string_append(s, "</section>\n");
}

/* report_html - the whole page */
static GString *
report_html(const MpReplay *rp)
{
	const Words *w = rp->rules->en ? &words_en : &words_ja;
	GString *s = g_string_new(NULL);
	GArray *days = chart_days(rp);
	guint i;

	report_head(s, rp, w, days);
	report_totals(s, rp, w);
	put_tag(s, "h2", w->rules);
	g_string_append_c(s, '\n');
	for (i = 0; i < rp->rules->rules->len; i++)
		report_rule(s, rp, i, days, w);
	g_string_append(s, "</body>\n</html>\n");
	g_array_free(days, TRUE);
	return s;
}

/* mp_replay_report - the page, written whole or not at all */
int
mp_replay_report(MpReplay *rp, const char *path, GError **err)
{
	GString *s;
	int st;

	progress_end(rp);
	s = report_html(rp);
	st = mp_write_file_atomic(path, s->str, s->len, 0644, err);
	g_string_free(s, TRUE);
	return st;
}
