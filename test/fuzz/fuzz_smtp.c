/* fuzz_smtp.c - libFuzzer harness: SMTP command lines and DATA */
#include <stdint.h>
#include <string.h>

#include "gate/session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Each line of the input read as a command, as mp-gate reads what a
 * client sends; the parameters looked up and xtext decoded again; the
 * same lines fed to DATA's reader with a small limit, and what it kept
 * stuffed again; and all of them as one session.  The sanitizers report what goes wrong; a command
 * read must also hold what the parser promises (checked here: the
 * bats suites check the rest).
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	MpSmtpData d;
	MpSmtpSession s;
	GString *stuffed;

	mp_smtp_data_init(&d, 4096);
	mp_smtp_session_init(&s, "fuzz.example", 4096);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl != NULL ? nl : end;
		gsize len = (gsize)(stop - p);
		MpSmtpCommand cmd;
		MpSmtpRefusal why;
		guint i;

		if (len > 0 && stop[-1] == '\r')
			len--;
		if (mp_smtp_parse(p, len, &cmd, &why)) {
			if ((cmd.verb == MP_SMTP_MAIL ||
			    cmd.verb == MP_SMTP_RCPT) && cmd.path == NULL)
				__builtin_trap();
			for (i = 0; cmd.params != NULL && i < cmd.params->len;
			    i++) {
				const MpSmtpParam *x = cmd.params->pdata[i];
				char *e;

				if (x->value == NULL)
					continue;
				e = mp_xtext_encode(x->value);
				g_free(mp_xtext_decode(e));
				g_free(e);
				g_free(mp_orcpt_address(x->value));
			}
			mp_smtp_param(&cmd, "SIZE", NULL);
		} else if (why.code < 500 || why.code > 555) {
			__builtin_trap();
		}
		mp_smtp_command_clear(&cmd);
		mp_smtp_data_line(&d, p, len);
		/* and the same line as the next of one session */
		if (mp_smtp_session_line(&s, p, len) == MP_SMTP_MESSAGE)
			mp_smtp_session_answer(&s, 250, "2.0.0", "Ok");
		p = nl != NULL ? nl + 1 : end;
	}
	stuffed = mp_smtp_data_stuff(d.text->str, d.text->len);
	g_string_free(stuffed, TRUE);
	mp_smtp_data_clear(&d);
	mp_smtp_session_clear(&s);
	return 0;
}
