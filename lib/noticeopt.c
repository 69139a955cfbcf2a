/* noticeopt.c - the password notice's options and [section] keys, as
 * mp-zipenc and mp-detach take them */
#include "noticeopt.h"
#include "secret.h"

#define N_NOTICE (MP_OPT_SENDER - MP_OPT_PASSWORD_LENGTH + 1)
G_STATIC_ASSERT(N_NOTICE <= MP_CONF_OPTS_MAX);
#define VALUE(o, opt) ((o)->conf.value[(opt) - MP_OPT_PASSWORD_LENGTH])

static const char *const names[N_NOTICE] = {
	"password-length", "password-file", "lang", "notify", "delay",
	"notice", "notice-maildir", "notice-cmd", "template-dir", "sender",
};
static const char *const keys[N_NOTICE] = {
	"password-length", "password-file", "lang", "notify", "delay",
	"notice", "notice-maildir", "notice-cmd", "template-dir", NULL,
};

/* mp_notice_opts_init - none given yet; section is the tool's group */
void
mp_notice_opts_init(MpNoticeOpts *o, const char *section)
{
	mp_conf_opts_init(&o->conf, section, MP_OPT_PASSWORD_LENGTH, N_NOTICE,
	    names, keys);
	o->password = NULL;
	o->templates = NULL;
	o->dest.file = o->dest.maildir = o->dest.command = NULL;
}

/* mp_notice_opts_clear - release the values, templates and password */
void
mp_notice_opts_clear(MpNoticeOpts *o)
{
	mp_conf_opts_clear(&o->conf);
	mp_secret_free(o->password);
	mp_notice_templates_free(o->templates);
	o->password = NULL;
	o->templates = NULL;
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

/* mp_notice_opts_choose - the defaults, then lang and notify */
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
	if ((v = VALUE(o, MP_OPT_LANG)) != NULL && !mp_lang_parse(v, &p->lang))
		return mp_conf_opts_bad_arg(&o->conf, MP_OPT_LANG,
		    "not ja or en", err);
	if ((v = VALUE(o, MP_OPT_NOTIFY)) != NULL &&
	    !mp_notify_parse(v, &p->notify))
		return mp_conf_opts_bad_arg(&o->conf, MP_OPT_NOTIFY,
		    "not sender or recipients", err);
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
	if ((status = mp_notice_templates_load(texts,
	    VALUE(o, MP_OPT_TEMPLATE_DIR), p->lang, &o->templates, err)) !=
	    MP_OK)
		return status;
	p->templates = o->templates;
	if (VALUE(o, MP_OPT_PASSWORD_FILE) != NULL &&
	    (status = mp_secret_read_file(VALUE(o, MP_OPT_PASSWORD_FILE),
	    &o->password, err)) != MP_OK)
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
	if (o->dest.file == NULL && o->dest.maildir == NULL &&
	    o->dest.command == NULL)
		return mp_fail(err, EX_CONFIG, "no place for the password "
		    "notice: give --notice, --notice-maildir or --notice-cmd, "
		    "or set one in [%s]", o->conf.section);
	return MP_OK;
}
