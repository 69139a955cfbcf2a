/* verdict.c - commands that judge each message: a record, or -a's field */
#include <stdio.h>
#include <string.h>

#include "cli/verdict.h"
#include "cli/record.h"
#include "mail/edit.h"
#include "base/output.h"

static int cmp_str(gconstpointer a, gconstpointer b);
static int print_summary(const MpVerdict *v, GError **err);

/* mp_verdict_init - the field -a adds and the maker of --json records */
void
mp_verdict_init(MpVerdict *v, const char *field, MpVerdictJsonFunc record)
{
	v->field = field;
	v->record = record;
	v->reasons = g_hash_table_new(g_str_hash, g_str_equal);
	v->envelope = g_ptr_array_new();
}

/* mp_verdict_clear - release what mp_verdict_init made */
void
mp_verdict_clear(MpVerdict *v)
{
	if (v->reasons != NULL)
		g_hash_table_destroy(v->reasons);
	v->reasons = NULL;
	if (v->envelope != NULL)
		g_ptr_array_free(v->envelope, TRUE);
	v->envelope = NULL;
}

/* mp_verdict_take_recipient - each -r adds one envelope recipient */
gboolean
mp_verdict_take_recipient(gpointer data, int id, const char *arg)
{
	MpVerdict *v = data;

	if (id != 'r')
		return FALSE;
	g_ptr_array_add(v->envelope, (gpointer)(gsize)arg);
	return TRUE;
}

/* mp_verdict_envelope - the -r addresses, NULL-terminated */
char *const *
mp_verdict_envelope(MpVerdict *v)
{
	if (v->envelope->len == 0 ||
	    g_ptr_array_index(v->envelope, v->envelope->len - 1) != NULL)
		g_ptr_array_add(v->envelope, NULL);
	return (char *const *)v->envelope->pdata;
}

/* mp_verdict_usable - -a, --json and --summary; FALSE if they conflict */
gboolean
mp_verdict_usable(gpointer data)
{
	MpVerdict *v = data;
	MpCli *cli = &v->cli;

	v->annotate = mp_opts_given(&cli->own, 'a');
	v->json = mp_opts_given(&cli->own, MP_OPT_JSON);
	v->summary = mp_opts_given(&cli->own, MP_VERDICT_OPT_SUMMARY);
	cli->run.json_error = v->json ? mp_json_error_record : NULL;
	/* a record needs the header only; -a prints the whole message */
	cli->opts.head_only = !v->annotate;
	return !(v->annotate && (v->json || cli->run.batch || v->summary));
}

/* mp_verdict_count - one more message judged */
void
mp_verdict_count(MpVerdict *v, gboolean refuse, const char *reason)
{
	v->total++;
	if (refuse)
		v->refused++;
	g_hash_table_insert(v->reasons, (gpointer)(gsize)reason,
	    GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(v->reasons,
	    reason)) + 1));
}

/* mp_verdict_put - the message with the field, or its record */
int
mp_verdict_put(MpVerdict *v, const MpSource *src, const MpMessage *msg,
    gconstpointer result, const char *value, const char *line)
{
	GError *err = NULL;
	char *label;
	int r;

	if (v->annotate) {
		GString *out = mp_header_set(msg, v->field, value);

		r = mp_stdio_put(stdout, out->str, out->len, &err);
		g_string_free(out, TRUE);
	} else if (v->json) {
		r = mp_json_put(stdout, v->record(src, result), &err);
	} else if (src->kind == MP_SOURCE_STDIN && !v->cli.run.batch) {
		r = mp_stdio_printf(stdout, &err, "%s\n", line);
	} else {
		label = mp_source_label(src);
		r = mp_stdio_printf(stdout, &err, "%s: %s\n", label, line);
		g_free(label);
	}
	return mp_run_output(&v->cli.run, r, err);
}

/* mp_verdict_finish - the summary, standard output, the exit status */
int
mp_verdict_finish(gpointer data, int status, GError *err)
{
	MpVerdict *v = data;

	if (status == MP_OK && v->summary)
		status = print_summary(v, &err);
	status = mp_run_finish(&v->cli.run, status, err);
	if (status == MP_OK && v->refused > 0 && !v->annotate)
		status = MP_STOP;
	return status;
}

/* cmp_str - strcmp for g_ptr_array_sort */
static int
cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* print_summary - totals after a batch: how many refused, and why */
static int
print_summary(const MpVerdict *v, GError **err)
{
	GList *keys = g_hash_table_get_keys(v->reasons), *l;
	GPtrArray *sorted = g_ptr_array_new();
	GString *s = g_string_new(NULL);
	json_t *o = json_object(), *by = json_object();
	int st;
	guint i;

	for (l = keys; l != NULL; l = l->next)
		g_ptr_array_add(sorted, l->data);
	g_list_free(keys);
	g_ptr_array_sort(sorted, cmp_str);
	g_string_printf(s, "total=%u pass=%u refuse=%u", v->total,
	    v->total - v->refused, v->refused);
	for (i = 0; i < sorted->len; i++) {
		guint n = GPOINTER_TO_UINT(g_hash_table_lookup(v->reasons,
		    sorted->pdata[i]));

		g_string_append_printf(s, " %s=%u", (char *)sorted->pdata[i], n);
		json_object_set_new(by, sorted->pdata[i], json_integer(n));
	}
	if (v->json) {
		json_t *sum = json_object();

		json_object_set_new(sum, "total", json_integer(v->total));
		json_object_set_new(sum, "pass",
		    json_integer(v->total - v->refused));
		json_object_set_new(sum, "refuse", json_integer(v->refused));
		json_object_set_new(sum, "reasons", by);
		json_object_set_new(o, "summary", sum);
		st = mp_json_put(stdout, o, err);
	} else {
		json_decref(by);
		json_decref(o);
		st = mp_stdio_printf(stdout, err, "summary: %s\n", s->str);
	}
	g_string_free(s, TRUE);
	g_ptr_array_free(sorted, TRUE);
	return st;
}
