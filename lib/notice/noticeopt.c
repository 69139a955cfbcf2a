/* noticeopt.c - the password notice's options and [section] keys, as
 * mp-zipenc and mp-detach take them */
#include <errno.h>
#include <sys/stat.h>

#include "notice/noticeopt.h"
#include "base/secret.h"

/* the notice's options over the tool's section: each key has its
 * flag, and --sender has no key */
static const MpOptSpec notice_opts[] = {
	{ .id = MP_OPT_PASSWORD_LENGTH, .name = "password-length",
	  .has_arg = required_argument, .key = "password-length",
	  .def = G_STRINGIFY(MP_SECRET_LENGTH_DEFAULT) },
	{ .id = MP_OPT_PASSWORD_FILE, .name = "password-file",
	  .has_arg = required_argument, .key = "password-file" },
	{ .id = MP_OPT_LANG, .name = "lang", .has_arg = required_argument,
	  .key = "lang", .def = MP_NOTICE_LANG_DEFAULT },
	{ .id = MP_OPT_NOTIFY, .name = "notify", .has_arg = required_argument,
	  .key = "notify", .def = MP_NOTICE_NOTIFY_DEFAULT },
	{ .id = MP_OPT_DELAY, .name = "delay", .has_arg = required_argument,
	  .key = "delay", .def = G_STRINGIFY(MP_NOTICE_DELAY_DEFAULT) },
	{ .id = MP_OPT_NOTICE, .name = "notice", .has_arg = required_argument,
	  .key = "notice" },
	{ .id = MP_OPT_NOTICE_MAILDIR, .name = "notice-maildir",
	  .has_arg = required_argument, .key = "notice-maildir" },
	{ .id = MP_OPT_NOTICE_CMD, .name = "notice-cmd",
	  .has_arg = required_argument, .key = "notice-cmd" },
	{ .id = MP_OPT_TEMPLATE_DIR, .name = "template-dir",
	  .has_arg = required_argument, .key = "template-dir" },
	{ .id = MP_OPT_NOTE_PLACE, .name = "note-place",
	  .has_arg = required_argument, .key = "note-place",
	  .def = MP_NOTICE_NOTE_PLACE_DEFAULT },
	{ .id = MP_OPT_SENDER, .name = "sender",
	  .has_arg = required_argument },
	MP_OPT_END,
};

/* mp_notice_opts_init - none given yet; section is the tool's group */
void
mp_notice_opts_init(MpNoticeOpts *o, const char *section)
{
	mp_opts_init(&o->opts, section, notice_opts);
	o->sender = NULL;
	o->password = NULL;
	o->templates = NULL;
	o->tz = NULL;
	o->dest.file = o->dest.maildir = o->dest.command = NULL;
}

/* mp_notice_opts_clear - release the values, templates and password */
void
mp_notice_opts_clear(MpNoticeOpts *o)
{
	mp_opts_clear(&o->opts);
	mp_secret_free(o->password);
	mp_notice_templates_free(o->templates);
	if (o->tz != NULL)
		g_time_zone_unref(o->tz);
	g_free(o->sender);
	o->sender = NULL;
	o->password = NULL;
	o->templates = NULL;
	o->tz = NULL;
}

/* mp_notice_opts_given - whether any notice option was given */
gboolean
mp_notice_opts_given(const MpNoticeOpts *o)
{
	return mp_opts_given_except(&o->opts, 0);
}

/* mp_notice_opts_conflict - --password-length with --password-file */
gboolean
mp_notice_opts_conflict(const MpNoticeOpts *o)
{
	return mp_opts_given(&o->opts, MP_OPT_PASSWORD_LENGTH) &&
	    mp_opts_given(&o->opts, MP_OPT_PASSWORD_FILE);
}

/*
 * mp_notice_opts_policy - lang, notify, note-place, password-length,
 * delay and the time zone into p.  The values were checked against the
 * schema (flags by mp_opts_read, keys when mp.conf was read), so each
 * parses; the fallbacks are the defaults all the same.
 */
void
mp_notice_opts_policy(MpNoticeOpts *o, const MpConfig *cfg,
    MpNoticePolicy *p)
{
	const MpOpts *t = &o->opts;

	if (!mp_lang_parse(mp_opts_value(t, MP_OPT_LANG), &p->lang))
		p->lang = MP_LANG_JA;
	if (!mp_notify_parse(mp_opts_value(t, MP_OPT_NOTIFY), &p->notify))
		p->notify = MP_NOTIFY_SENDER;
	if (!mp_note_place_parse(mp_opts_value(t, MP_OPT_NOTE_PLACE),
	    &p->note_place))
		p->note_place = MP_NOTE_BODY;
	p->password_length = (guint)mp_opts_uint(t, MP_OPT_PASSWORD_LENGTH,
	    MP_SECRET_LENGTH_DEFAULT);
	p->delay = mp_opts_uint(t, MP_OPT_DELAY, MP_NOTICE_DELAY_DEFAULT);
	if (o->tz == NULL)
		o->tz = mp_config_time_zone(cfg);
	p->tz = o->tz;
}

/*
 * need_kind - the path of option opt, when set, is a directory (S_IFDIR)
 * or a regular file (S_IFREG); else a configuration error, 78
 */
static int
need_kind(const MpNoticeOpts *o, int opt, const char *what, mode_t kind,
    GError **err)
{
	const char *path = mp_opts_value(&o->opts, opt);
	struct stat st;

	if (path == NULL)
		return MP_OK;
	if (stat(path, &st) != 0)
		return mp_fail(err, EX_CONFIG, "%s: %s: %s", what, path,
		    g_strerror(errno));
	if ((st.st_mode & S_IFMT) != kind)
		return mp_fail(err, EX_CONFIG, "%s: %s: %s", what, path,
		    kind == S_IFDIR ? "not a directory" :
		    S_ISDIR(st.st_mode) ? "a directory, not a file" :
		    "not a regular file");
	return MP_OK;
}

/*
 * mp_notice_opts_load - --sender checked, the templates and the
 * password file read, the destinations set: a mistake in any of them
 * stops the tool before it reads a message
 */
int
mp_notice_opts_load(MpNoticeOpts *o, MpAddrParser *ap,
    const MpNoticeTexts *texts, MpNoticePolicy *p, GError **err)
{
	const char *v;
	int status;

	if ((v = mp_opts_value(&o->opts, MP_OPT_SENDER)) != NULL) {
		MpAddr a;

		if (!mp_addr_parse_one(ap, v, &a))
			return mp_opts_bad_arg(&o->opts, MP_OPT_SENDER,
			    "not an address", err);
		g_free(o->sender);
		o->sender = g_strdup(a.addr);
		mp_addr_clear(&a);
		p->sender = o->sender;
	}
	/* a template directory that is not there would silently give the
	 * built-in texts: a typo must not change what every notice says */
	if ((status = need_kind(o, MP_OPT_TEMPLATE_DIR, "template directory",
	    S_IFDIR, err)) != MP_OK ||
	    (status = mp_notice_templates_load(texts, mp_opts_value(&o->opts,
	    MP_OPT_TEMPLATE_DIR), p->lang, &o->templates, err)) != MP_OK)
		return status;
	p->templates = o->templates;
	v = mp_opts_value(&o->opts, MP_OPT_PASSWORD_FILE);
	if ((status = need_kind(o, MP_OPT_PASSWORD_FILE, "password file",
	    S_IFREG, err)) != MP_OK || (v != NULL &&
	    (status = mp_secret_read_file(v, &o->password, err)) != MP_OK))
		return status;
	p->password = o->password;
	o->dest.file = mp_opts_value(&o->opts, MP_OPT_NOTICE);
	o->dest.maildir = mp_opts_value(&o->opts, MP_OPT_NOTICE_MAILDIR);
	o->dest.command = mp_opts_value(&o->opts, MP_OPT_NOTICE_CMD);
	return MP_OK;
}

/* mp_notice_opts_need_dest - fail unless the notice can go somewhere:
 * the password must not be lost, so refuse before reading mail */
int
mp_notice_opts_need_dest(const MpNoticeOpts *o, GError **err)
{
	static const char *const sub[] = { "tmp", "new" };
	guint i;

	if (o->dest.file == NULL && o->dest.maildir == NULL &&
	    o->dest.command == NULL)
		return mp_fail(err, EX_CONFIG, "no place for the password "
		    "notice: give --notice, --notice-maildir or --notice-cmd, "
		    "or set one in [%s]", o->opts.section);
	/* a Maildir that is not there fails every message; say so once */
	for (i = 0; o->dest.maildir != NULL && i < G_N_ELEMENTS(sub); i++) {
		char *d = g_build_filename(o->dest.maildir, sub[i], NULL);
		gboolean ok = g_file_test(d, G_FILE_TEST_IS_DIR);

		g_free(d);
		if (!ok)
			return mp_fail(err, EX_CONFIG, "notice Maildir: %s: "
			    "not a Maildir (no %s/ directory)",
			    o->dest.maildir, sub[i]);
	}
	return MP_OK;
}
