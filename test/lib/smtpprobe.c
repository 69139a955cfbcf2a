/*
 * smtpprobe.c - mp's SMTP reading on its own, for test/smtp.bats.
 *
 *   smtpprobe            each line of standard input (its LF, and a CR
 *                        before it, taken off) read as a command: a
 *                        JSON object per line, {"verb", "domain",
 *                        "path", "params": [[NAME, VALUE|null], ...]}
 *                        or {"refused": CODE, "status", "text"}
 *   smtpprobe data MAX   standard input as the lines of DATA (CRLF):
 *                        the message, then on standard error "end" or
 *                        "no end", and "too big" when over MAX
 *   smtpprobe stuff      standard input (LF lines) as DATA sends it
 *   smtpprobe xtext-decode TEXT, xtext-encode TEXT
 *   smtpprobe orcpt VALUE  the address an ORCPT value names
 *   smtpprobe session MAX  standard input (CRLF lines) as what a client
 *                        sends in one session: the replies, and for
 *                        each whole message a line "= " and its
 *                        transaction as JSON (sender, params, rcpts,
 *                        xforward, message), answered 250
 *   smtpprobe send [--timeout N] [--repeat N] NEXT
 *                        standard input as an envelope, lines "MAIL
 *                        <SENDER> [PARAM...]", "RCPT <ADDRESS>
 *                        [PARAM...]", "XFORWARD NAME=VALUE...", then
 *                        "DATA" and the message (LF lines) to the end,
 *                        handed to the next hop NEXT (lib/gate/client.c)
 *                        N times over one client: for each, a line
 *                        "CODE STATUS TEXT" per recipient and "last CODE
 *                        STATUS TEXT" (STATUS "-" when there is none)
 *   smtpprobe send-twice [--timeout N] NEXT  the same, twice
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gate/client.h"

/* input - all of standard input */
static GString *
input(void)
{
	GString *s = g_string_new(NULL);
	char buf[65536];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		g_string_append_len(s, buf, (gssize)n);
	return s;
}

/* str - a JSON string of bytes that may not be UTF-8 */
static json_t *
str(const char *s)
{
	return s == NULL ? json_null() : json_stringn_nocheck(s, strlen(s));
}

/* command - one line read and printed */
static void
command(const char *line, gsize len)
{
	MpSmtpCommand cmd;
	MpSmtpRefusal why;
	json_t *o = json_object();
	char *text;
	guint i;

	if (mp_smtp_parse(line, len, &cmd, &why)) {
		json_t *ps = json_array();

		json_object_set_new(o, "verb", json_string(
		    mp_smtp_verb_name(cmd.verb)));
		json_object_set_new(o, "domain", str(cmd.domain));
		json_object_set_new(o, "path", str(cmd.path));
		for (i = 0; cmd.params != NULL && i < cmd.params->len; i++) {
			const MpSmtpParam *p = cmd.params->pdata[i];

			json_array_append_new(ps, json_pack("[oo]",
			    str(p->name), str(p->value)));
		}
		json_object_set_new(o, "params", ps);
	} else {
		json_object_set_new(o, "refused", json_integer(why.code));
		json_object_set_new(o, "status", json_string(why.status));
		json_object_set_new(o, "text", json_string(why.text));
	}
	mp_smtp_command_clear(&cmd);
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	puts(text);
	free(text);
	json_decref(o);
}

/* params_json - [[NAME, VALUE|null], ...] */
static json_t *
params_json(const GPtrArray *a)
{
	json_t *ps = json_array();
	guint i;

	for (i = 0; i < a->len; i++) {
		const MpSmtpParam *p = a->pdata[i];

		json_array_append_new(ps, json_pack("[oo]", str(p->name),
		    str(p->value)));
	}
	return ps;
}

/* session - a client's lines through one session */
static void
session(const GString *in, gsize max)
{
	const char *p = in->str, *end = in->str + in->len;
	MpSmtpSession s;

	mp_smtp_session_init(&s, "gate.example", max);
	while (p < end) {
		const char *nl = memmem(p, (gsize)(end - p), "\r\n", 2);
		const char *stop = nl != NULL ? nl : end;
		MpSmtpEvent ev = mp_smtp_session_line(&s, p, (gsize)(stop - p));

		p = nl != NULL ? nl + 2 : end;
		fwrite(s.out->str, 1, s.out->len, stdout);
		g_string_truncate(s.out, 0);
		if (ev == MP_SMTP_MESSAGE) {
			json_t *o = json_object(), *rs = json_array();
			char *text;
			guint i;

			json_object_set_new(o, "sender", str(s.t.sender));
			json_object_set_new(o, "params", params_json(s.t.params));
			for (i = 0; i < s.t.rcpts->len; i++) {
				const MpSmtpRcpt *r = s.t.rcpts->pdata[i];

				json_array_append_new(rs, json_pack("[oo]",
				    str(r->address), params_json(r->params)));
			}
			json_object_set_new(o, "rcpts", rs);
			json_object_set_new(o, "xforward",
			    params_json(s.t.xforward));
			json_object_set_new(o, "message", json_stringn_nocheck(
			    s.t.data.text->str, s.t.data.text->len));
			text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
			printf("= %s\n", text);
			free(text);
			json_decref(o);
			mp_smtp_session_answer(&s, 250, "2.0.0", "Ok: queued");
			fwrite(s.out->str, 1, s.out->len, stdout);
			g_string_truncate(s.out, 0);
		} else if (ev == MP_SMTP_CLOSE) {
			break;
		}
	}
	mp_smtp_session_clear(&s);
}

/* envelope_command - one line of an envelope file read as the command
 * it names, kept in cmds; NULL when it is none */
static MpSmtpCommand *
envelope_command(const char *line, GPtrArray *cmds)
{
	MpSmtpCommand *cmd = g_new0(MpSmtpCommand, 1);
	MpSmtpRefusal why;
	const char *rest = strchr(line, ' ');
	char *full;
	gboolean ok;

	if (g_str_has_prefix(line, "MAIL ") || g_str_has_prefix(line,
	    "RCPT ")) {
		const char *to = line[0] == 'M' ? "FROM:" : "TO:";
		const char *path = rest + 1;
		int n = (int)strcspn(path, " ");

		/* the path with or without its angle brackets */
		if (*path == '<')
			full = g_strdup_printf("%.4s %s%s", line, to, path);
		else
			full = g_strdup_printf("%.4s %s<%.*s>%s", line, to, n,
			    path, path + n);
	} else {
		full = g_strdup(line);
	}
	ok = mp_smtp_parse(full, strlen(full), cmd, &why);
	if (!ok)
		fprintf(stderr, "smtpprobe: %s: %d %s %s\n", full, why.code,
		    why.status, why.text);
	g_free(full);
	if (!ok) {
		g_free(cmd);
		return NULL;
	}
	g_ptr_array_add(cmds, cmd);
	return cmd;
}

/* print_reply - "CODE STATUS TEXT" */
static void
print_reply(const char *prefix, const MpSmtpReply *r)
{
	printf("%s%d %s %s\n", prefix, r->code,
	    r->status[0] != '\0' ? r->status : "-", r->text != NULL ?
	    r->text : "");
}

/* send_envelope - an envelope and its message handed to next, times over */
static int
send_envelope(GString *in, const char *next_name, guint timeout, guint times)
{
	GPtrArray *cmds = g_ptr_array_new(), *rcpts = g_ptr_array_new();
	GPtrArray *xforward = g_ptr_array_new();
	MpGateOutgoing o = { .sender = NULL };
	MpGateNext next = { .timeout = timeout, .helo = "probe.example" };
	MpGateClient *c;
	const char *p = in->str, *end = in->str + in->len;
	guint i, k;
	int status = 0;

	if (!mp_gate_next_parse(next_name, &next)) {
		fprintf(stderr, "smtpprobe: %s: not a next hop\n", next_name);
		return 64;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (gsize)(end - p));
		char *line = g_strndup(p, nl != NULL ? (gsize)(nl - p) :
		    (gsize)(end - p));
		MpSmtpCommand *cmd;

		p = nl != NULL ? nl + 1 : end;
		if (strcmp(line, "DATA") == 0) {
			g_free(line);
			break;
		}
		cmd = envelope_command(line, cmds);
		g_free(line);
		if (cmd == NULL) {
			status = 65;
			goto done;
		}
		if (cmd->verb == MP_SMTP_MAIL) {
			o.sender = cmd->path;
			o.mail_params = cmd->params;
		} else if (cmd->verb == MP_SMTP_RCPT) {
			MpSmtpRcpt *r = g_new0(MpSmtpRcpt, 1);

			r->address = cmd->path;
			r->params = cmd->params;
			g_ptr_array_add(rcpts, r);
		} else {
			for (k = 0; k < cmd->params->len; k++)
				g_ptr_array_add(xforward,
				    cmd->params->pdata[k]);
		}
	}
	if (o.sender == NULL) {
		fputs("smtpprobe: no MAIL in the envelope\n", stderr);
		status = 65;
		goto done;
	}
	o.rcpts = (MpSmtpRcpt *const *)rcpts->pdata;
	o.nrcpts = rcpts->len;
	o.xforward = xforward;
	o.text = p;
	o.len = (gsize)(end - p);
	c = mp_gate_client_new(&next);
	for (i = 0; i < times; i++) {
		MpGateSent res;

		mp_gate_client_send(c, &o, &res);
		for (k = 0; k < res.nrcpts; k++)
			print_reply("", &res.rcpt[k]);
		print_reply("last ", &res.last);
		mp_gate_sent_clear(&res);
	}
	mp_gate_client_free(c);
	if (fflush(stdout) != 0 || ferror(stdout))
		status = 74;
done:
	for (i = 0; i < cmds->len; i++) {
		mp_smtp_command_clear(cmds->pdata[i]);
		g_free(cmds->pdata[i]);
	}
	for (i = 0; i < rcpts->len; i++)
		g_free(rcpts->pdata[i]);
	g_ptr_array_free(cmds, TRUE);
	g_ptr_array_free(rcpts, TRUE);
	g_ptr_array_free(xforward, TRUE);
	mp_gate_next_clear(&next);
	return status;
}

/* send_main - smtpprobe send|send-twice [--timeout N] [--repeat N] NEXT */
static int
send_main(int argc, char **argv)
{
	guint timeout = 0, times = strcmp(argv[1], "send-twice") == 0 ? 2 : 1;
	GString *in;
	int i, status;

	for (i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--timeout") == 0)
			timeout = (guint)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--repeat") == 0)
			times = (guint)strtoul(argv[i + 1], NULL, 10);
		else
			break;
	}
	if (i != argc - 1) {
		fputs("usage: smtpprobe send|send-twice [--timeout N] "
		    "[--repeat N] NEXT\n", stderr);
		return 64;
	}
	in = input();
	status = send_envelope(in, argv[i], timeout, times);
	g_string_free(in, TRUE);
	return status;
}

int
main(int argc, char **argv)
{
	GString *in;
	const char *p, *end;

	if (argc == 3 && strcmp(argv[1], "xtext-decode") == 0) {
		char *d = mp_xtext_decode(argv[2]);

		if (d == NULL)
			return 1;
		fputs(d, stdout);
		g_free(d);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "orcpt") == 0) {
		char *a = mp_orcpt_address(argv[2]);

		if (a == NULL)
			return 1;
		fputs(a, stdout);
		g_free(a);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "xtext-encode") == 0) {
		char *e = mp_xtext_encode(argv[2]);

		fputs(e, stdout);
		g_free(e);
		return 0;
	}
	if (argc >= 3 && (strcmp(argv[1], "send") == 0 ||
	    strcmp(argv[1], "send-twice") == 0))
		return send_main(argc, argv);
	in = input();
	end = in->str + in->len;
	if (argc == 2 && strcmp(argv[1], "stuff") == 0) {
		GString *out = mp_smtp_data_stuff(in->str, in->len);

		fwrite(out->str, 1, out->len, stdout);
		g_string_free(out, TRUE);
	} else if (argc == 3 && strcmp(argv[1], "session") == 0) {
		session(in, (gsize)strtoull(argv[2], NULL, 10));
	} else if (argc == 3 && strcmp(argv[1], "data") == 0) {
		MpSmtpData d;
		gboolean done = FALSE;

		mp_smtp_data_init(&d, (gsize)strtoull(argv[2], NULL, 10));
		for (p = in->str; p < end && !done; ) {
			const char *nl = memmem(p, (gsize)(end - p), "\r\n", 2);
			const char *stop = nl != NULL ? nl : end;

			done = mp_smtp_data_line(&d, p, (gsize)(stop - p));
			p = nl != NULL ? nl + 2 : end;
		}
		fwrite(d.text->str, 1, d.text->len, stdout);
		fprintf(stderr, "%s%s\n", done ? "end" : "no end",
		    mp_smtp_data_too_big(&d) ? " too big" : "");
		mp_smtp_data_clear(&d);
	} else if (argc == 1) {
		for (p = in->str; p < end; ) {
			const char *nl = memchr(p, '\n', (gsize)(end - p));
			const char *stop = nl != NULL ? nl : end;

			if (stop > p && stop[-1] == '\r')
				stop--;
			command(p, (gsize)(stop - p));
			p = nl != NULL ? nl + 1 : end;
		}
	} else {
		fputs("usage: smtpprobe [data MAX | stuff | xtext-decode TEXT | "
		    "xtext-encode TEXT | orcpt VALUE | session MAX | "
		    "send [--timeout N] [--repeat N] NEXT | send-twice NEXT]\n",
		    stderr);
		return 64;
	}
	g_string_free(in, TRUE);
	return 0;
}
