/* noticeopt.c - the password notice's options and [section] keys, as
 * mp-zipenc and mp-detach take them */
#include <errno.h>
#include <sys/stat.h>

#include "notice/noticeopt.h"
#include "base/secret.h"

#define N_NOTICE (MP_OPT_SENDER - MP_OPT_PASSWORD_LENGTH + 1)
G_STATIC_ASSERT(N_NOTICE <= MP_CONF_OPTS_MAX);
#define VALUE(o, opt) ((o)->conf.value[(opt) - MP_OPT_PASSWORD_LENGTH])

static const char *const names[N_NOTICE] = {
	"password-length", "password-file", "lang", "notify", "delay",
	"notice", "notice-maildir", "notice-cmd", "template-dir", "note-place",
	"sender",
};
static const char *const keys[N_NOTICE] = {
	"password-length", "password-file", "lang", "notify", "delay",
	"notice", "notice-maildir", "notice-cmd", "template-dir", "note-place",
	NULL,
};

/* mp_notice_opts_init - none given yet; section is the tool's group */
void
mp_notice_opts_init(MpNoticeOpts *o, const char *section)
{
	mp_conf_opts_init(&o->conf, section, MP_OPT_PASSWORD_LENGTH, N_NOTICE,
	    names, keys);
	o->password = NULL;
	o->templates = NULL;
	o->tz = NULL;
	o->dest.file = o->dest.maildir = o->dest.command = NULL;
}

/* mp_notice_opts_clear - release the values, templates and password */
void
mp_notice_opts_clear(MpNoticeOpts *o)
{
	mp_conf_opts_clear(&o->conf);
	mp_secret_free(o->password);
	mp_notice_templates_free(o->templates);
	if (o->tz != NULL)
		g_time_zone_unref(o->tz);
	o->password = NULL;
	o->templates = NULL;
	o->tz = NULL;
}

/* mp_notice_option - take a notice option; FALSE if opt is not one */
gboolean
mp_notice_option(MpNoticeOpts *o, int opt, const char *arg)
{
	return mp_conf_option(&o->conf, opt, arg);
}

/* mp_notice_opts_given - whether any notice option was given */
gboolean
mp_notice_opts_given(const MpNoticeOpts *o)
{
	return mp_conf_opts_given(&o->conf, -1);
}

/* mp_notice_opts_conflict - --password-length with --password-file */
gboolean
mp_notice_opts_conflict(const MpNoticeOpts *o)
{
	return mp_conf_opts_arg(&o->conf, MP_OPT_PASSWORD_LENGTH) != NULL &&
	    mp_conf_opts_arg(&o->conf, MP_OPT_PASSWORD_FILE) != NULL;
}

/* mp_notice_opts_choose - the defaults, then lang, notify and
 * note-place */
int
mp_notice_opts_choose(MpNoticeOpts *o, const MpConfig *cfg,
    MpNoticePolicy *p, GError **err)
{
	const char *v;

	mp_conf_opts_read(&o->conf, cfg);
	p->password_length = MP_SECRET_LENGTH_DEFAULT;
	p->lang = MP_LANG_JA;
	p->notify = MP_NOTIFY_SENDER;
	p->delay = MP_NOTICE_DELAY_DEFAULT;
	if (o->tz == NULL)
		o->tz = mp_config_time_zone(cfg);
	p->tz = o->tz;
	if ((v = VALUE(o, MP_OPT_LANG)) != NULL && !mp_lang_parse(v, &p->lang))
		return mp_conf_opts_bad_arg(&o->conf, MP_OPT_LANG,
		    "not ja or en", err);
	if ((v = VALUE(o, MP_OPT_NOTIFY)) != NULL &&
	    !mp_notify_parse(v, &p->notify))
		return mp_conf_opts_bad_arg(&o->conf, MP_OPT_NOTIFY,
		    "not sender or recipients", err);
	p->note_place = MP_NOTE_BODY;
	if ((v = VALUE(o, MP_OPT_NOTE_PLACE)) != NULL &&
	    !mp_note_place_parse(v, &p->note_place))
		return mp_conf_opts_bad_arg(&o->conf, MP_OPT_NOTE_PLACE,
		    "not body or part", err);
	return MP_OK;
}

/* mp_notice_opts_password_length - password-length, 8 to 128 */
int
mp_notice_opts_password_length(const MpNoticeOpts *o, MpNoticePolicy *p,
    GError **err)
{
	guint64 n = p->password_length;
	int status;

	if ((status = mp_conf_opts_number(&o->conf, MP_OPT_PASSWORD_LENGTH,
	    MP_NUMBER_COUNT, MP_SECRET_LENGTH_MIN, MP_SECRET_LENGTH_MAX, &n,
	    err)) != MP_OK)
		return status;
	p->password_length = (guint)n;
	return MP_OK;
}

/* mp_notice_opts_delay - delay, in seconds */
int
mp_notice_opts_delay(const MpNoticeOpts *o, MpNoticePolicy *p,
    GError **err)
{
	return mp_conf_opts_number(&o->conf, MP_OPT_DELAY, MP_NUMBER_COUNT, 0,
	    G_MAXUINT32, &p->delay, err);
}

/*
 * need_kind - the path of option opt, when set, is a directory (S_IFDIR)
 * or a regular file (S_IFREG); else a configuration error, 78
 */
static int
need_kind(const MpNoticeOpts *o, int opt, const char *what, mode_t kind,
    GError **err)
{
	const char *path = VALUE(o, opt);
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

	if ((v = VALUE(o, MP_OPT_SENDER)) != NULL) {
		MpAddr a;

		if (!mp_addr_parse_one(ap, v, &a))
			return mp_conf_opts_bad_arg(&o->conf, MP_OPT_SENDER,
			    "not an address", err);
		g_free(VALUE(o, MP_OPT_SENDER));
		VALUE(o, MP_OPT_SENDER) = g_strdup(a.addr);
		mp_addr_clear(&a);
		p->sender = VALUE(o, MP_OPT_SENDER);
	}
	/* a template directory that is not there would silently give the
	 * built-in texts: a typo must not change what every notice says */
	if ((status = need_kind(o, MP_OPT_TEMPLATE_DIR, "template directory",
	    S_IFDIR, err)) != MP_OK ||
	    (status = mp_notice_templates_load(texts,
	    VALUE(o, MP_OPT_TEMPLATE_DIR), p->lang, &o->templates, err)) !=
	    MP_OK)
		return status;
	p->templates = o->templates;
	if ((status = need_kind(o, MP_OPT_PASSWORD_FILE, "password file",
	    S_IFREG, err)) != MP_OK ||
	    (VALUE(o, MP_OPT_PASSWORD_FILE) != NULL &&
	    (status = mp_secret_read_file(VALUE(o, MP_OPT_PASSWORD_FILE),
	    &o->password, err)) != MP_OK))
		return status;
	p->password = o->password;
	o->dest.file = VALUE(o, MP_OPT_NOTICE);
	o->dest.maildir = VALUE(o, MP_OPT_NOTICE_MAILDIR);
	o->dest.command = VALUE(o, MP_OPT_NOTICE_CMD);
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
		    "or set one in [%s]", o->conf.section);
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
