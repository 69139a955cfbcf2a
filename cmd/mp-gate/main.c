/* mp-gate - the SMTP content filter for Postfix: the policy and its
 * actions applied to each message between two Postfix smtpds */
#include <stdio.h>
#include <stdlib.h>

#include "base/diag.h"
#include "cli/cli.h"
#include "gate/gate.h"

#define USAGE \
	"usage: mp-gate [-c file] [--check] [--listen address] " \
	"[--next address]\n" \
	"               [--workers n] [--max-size size] [--max-use n]\n" \
	"               [--command-timeout duration] " \
	"[--data-timeout duration]\n" \
	"               [--next-timeout duration] [--hostname name]\n" \
	"               [--auth-mismatch reject | policy] " \
	"[--null-sender check | policy]\n" \
	"               [--snapshot file] [--log-stderr]\n"

enum { OPT_CHECK = MP_OPT_FIRST_OWN + 0x40, OPT_LOG_STDERR };

static const struct option shared[] = {
	MP_CLI_PLAIN_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

/* what mp-gate is asked besides the [gate] keys */
static const MpOptSpec table[] = {
	{ .id = OPT_CHECK, .name = "check", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	{ .id = OPT_LOG_STDERR, .name = "log-stderr", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	MP_OPT_END,
};

int
main(int argc, char **argv)
{
	const MpCliSyntax syn = { "mp-gate", USAGE, "c:h", shared, NULL,
	    NULL };
	MpOpts own, keys, *tables[2] = { &own, &keys };
	MpCliOpts cli;
	MpGateArgs a = { 0 };
	GError *err = NULL;
	int status;

	mp_cli_init(&cli);
	mp_opts_init(&own, "gate", table);
	mp_opts_init(&keys, "gate", mp_gate_opts);
	if ((status = mp_cli_parse(&syn, NULL, &cli, tables, 2, &argc,
	    &argv)) != -1)
		goto out;
	if (argc != 0) {
		fputs(USAGE, stderr);
		status = EX_USAGE;
		goto out;
	}
	mp_diag_open("mp-gate", TRUE);
	mp_diag_info_stderr(mp_opts_given(&own, OPT_LOG_STDERR));
	a.config = cli.config;
	a.check = mp_opts_given(&own, OPT_CHECK);
	if ((status = mp_gate_main(&a, &keys, &err)) != MP_OK && err != NULL)
		mp_diag_error(TRUE, NULL, "%s", err->message);
out:
	g_clear_error(&err);
	mp_opts_clear(&keys);
	mp_opts_clear(&own);
	mp_cli_clear(&cli);
	return status;
}
