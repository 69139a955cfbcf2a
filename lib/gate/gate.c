/* gate.c - what mp-gate does with one message */
#include <string.h>

#include "gate/gate.h"

/* the [gate] keys: flag, key, default; bounds are the schema's */
const MpOptSpec mp_gate_opts[] = {
	{ .id = MP_GATE_OPT_LISTEN, .name = "listen",
	  .has_arg = required_argument, .key = "listen",
	  .def = MP_GATE_LISTEN_DEFAULT },
	{ .id = MP_GATE_OPT_NEXT, .name = "next",
	  .has_arg = required_argument, .key = "next",
	  .def = MP_GATE_NEXT_DEFAULT },
	{ .id = MP_GATE_OPT_WORKERS, .name = "workers",
	  .has_arg = required_argument, .key = "workers",
	  .def = G_STRINGIFY(MP_GATE_WORKERS_DEFAULT) },
	{ .id = MP_GATE_OPT_MAX_SIZE, .name = "max-size",
	  .has_arg = required_argument, .key = "max-size",
	  .def = G_STRINGIFY(MP_GATE_MAX_SIZE_DEFAULT) },
	{ .id = MP_GATE_OPT_MAX_USE, .name = "max-use",
	  .has_arg = required_argument, .key = "max-use",
	  .def = G_STRINGIFY(MP_GATE_MAX_USE_DEFAULT) },
	{ .id = MP_GATE_OPT_COMMAND_TIMEOUT, .name = "command-timeout",
	  .has_arg = required_argument, .key = "command-timeout",
	  .def = G_STRINGIFY(MP_GATE_COMMAND_TIMEOUT_DEFAULT) "s" },
	{ .id = MP_GATE_OPT_DATA_TIMEOUT, .name = "data-timeout",
	  .has_arg = required_argument, .key = "data-timeout",
	  .def = G_STRINGIFY(MP_GATE_DATA_TIMEOUT_DEFAULT) "s" },
	{ .id = MP_GATE_OPT_NEXT_TIMEOUT, .name = "next-timeout",
	  .has_arg = required_argument, .key = "next-timeout",
	  .def = G_STRINGIFY(MP_GATE_NEXT_TIMEOUT_DEFAULT) "s" },
	{ .id = MP_GATE_OPT_HOSTNAME, .name = "hostname",
	  .has_arg = required_argument, .key = "hostname" },
	{ .id = MP_GATE_OPT_AUTH_MISMATCH, .name = "auth-mismatch",
	  .has_arg = required_argument, .key = "auth-mismatch",
	  .def = MP_GATE_AUTH_MISMATCH_DEFAULT },
	{ .id = MP_GATE_OPT_NULL_SENDER, .name = "null-sender",
	  .has_arg = required_argument, .key = "null-sender",
	  .def = MP_GATE_NULL_SENDER_DEFAULT },
	{ .id = MP_GATE_OPT_SNAPSHOT, .name = "snapshot",
	  .has_arg = required_argument, .key = "snapshot" },
	MP_OPT_END,
};

/* mp_gate_main - the configuration, then the server */
int
mp_gate_main(const MpGateArgs *a, MpOpts *o, GError **err)
{
	(void)a;
	(void)o;
	return mp_fail(err, EX_SOFTWARE, "not built yet");
}
