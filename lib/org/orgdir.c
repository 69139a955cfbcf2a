/* orgdir.c - the snapshot directory: its file names and generations */
#include <string.h>
#include <time.h>

#include "org/orgsnap-int.h"

/* The prefix and suffix around GEN of each kind of file, by kind. */
static const struct {
	const char *prefix, *suffix;
} names[] = {
	[MP_ORGSNAP_FILE_CDB] = { "org-", ".cdb" },
	[MP_ORGSNAP_FILE_CHANGES] = { "org-", ".changes" },
	[MP_ORGSNAP_FILE_TMP] = { ".org-", ".cdb.tmp" },
};

/* mp_orgsnap_name - the name of gen's file of a kind */
char *
mp_orgsnap_name(MpOrgSnapFile kind, const char *gen)
{
	return g_strconcat(names[kind].prefix, gen, names[kind].suffix, NULL);
}

/* mp_orgsnap_path - dir/ and that name */
char *
mp_orgsnap_path(const char *dir, MpOrgSnapFile kind, const char *gen)
{
	return g_strconcat(dir, "/", names[kind].prefix, gen,
	    names[kind].suffix, NULL);
}

/* mp_orgsnap_gen_of - the generation a name of a kind is of, or NULL */
char *
mp_orgsnap_gen_of(MpOrgSnapFile kind, const char *name)
{
	gsize pl = strlen(names[kind].prefix), sl = strlen(names[kind].suffix);
	gsize len = strlen(name);

	if (len < pl + sl || !g_str_has_prefix(name, names[kind].prefix) ||
	    !g_str_has_suffix(name, names[kind].suffix))
		return NULL;
	return g_strndup(name + pl, len - pl - sl);
}

/* mp_orgsnap_current_path - DIR/current */
char *
mp_orgsnap_current_path(const char *dir)
{
	return g_build_filename(dir, MP_ORGSNAP_CURRENT, NULL);
}

/* mp_orgsnap_new_generation - a name that sorts by time, not taken yet */
char *
mp_orgsnap_new_generation(const char *dir)
{
	char stamp[ORGSNAP_STAMP_SIZE], *gen = NULL, *path;
	time_t t = time(NULL);
	struct tm tm;
	int n;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, ORGSNAP_GEN_FORMAT, &tm);
	for (n = 0;; n++) {
		g_free(gen);
		gen = n == 0 ? g_strdup(stamp) : g_strdup_printf("%s-%02d", stamp,
		    n);
		path = mp_orgsnap_path(dir, MP_ORGSNAP_FILE_CDB, gen);
		if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
			g_free(path);
			return gen;
		}
		g_free(path);
	}
}

/* mp_orgsnap_generations - the generation files in dir, oldest first */
GPtrArray *
mp_orgsnap_generations(const char *dir)
{
	GPtrArray *gens = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	char *gen;

	while (d != NULL && (name = g_dir_read_name(d)) != NULL)
		if ((gen = mp_orgsnap_gen_of(MP_ORGSNAP_FILE_CDB, name)) != NULL)
			g_ptr_array_add(gens, gen);
	if (d != NULL)
		g_dir_close(d);
	g_ptr_array_sort(gens, mp_str_ptr_cmp);
	return gens;
}

/* mp_orgsnap_current - the generation `current` points at, or NULL */
char *
mp_orgsnap_current(const char *dir)
{
	char *link = mp_orgsnap_current_path(dir);
	char *target = g_file_read_link(link, NULL), *gen = NULL;

	if (target != NULL)
		gen = mp_orgsnap_gen_of(MP_ORGSNAP_FILE_CDB, target);
	g_free(target);
	g_free(link);
	return gen;
}
