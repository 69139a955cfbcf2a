/* schema.c - every section and key mp.conf may hold, and their types */
#include "schema.h"

#define GIB ((guint64)1024 * 1024 * 1024)

const MpKeySpec mp_schema[] = {
	{ "domains", "internal", MP_KEY_DOMAINS, 0, 0, NULL },
	{ "domains", "semi-internal", MP_KEY_DOMAINS, 0, 0, NULL },

	{ "limits", "message-bytes", MP_KEY_SIZE, 1024, 4 * GIB, NULL },
	{ "limits", "header-bytes", MP_KEY_SIZE, 1024, GIB, NULL },
	{ "limits", "mime-depth", MP_KEY_UINT, 1, 1000, NULL },

	{ "log", "syslog", MP_KEY_BOOL, 0, 0, NULL },

	{ "classify", "resent", MP_KEY_BOOL, 0, 0, NULL },

	{ "bccify", "threshold", MP_KEY_UINT, 1, 1000000, NULL },
	{ "bccify", "mode", MP_KEY_ENUM, 0, 0, "external|all|self-only" },
	{ "bccify", "bcc-header", MP_KEY_BOOL, 0, 0, NULL },
	{ "bccify", "trace", MP_KEY_BOOL, 0, 0, NULL },

	{ "orgsync", "org-conf", MP_KEY_PATH, 0, 0, NULL },
	{ "orgsync", "dir", MP_KEY_PATH, 0, 0, NULL },
	{ "orgsync", "keep", MP_KEY_UINT, 1, 1000, NULL },
	{ "orgsync", "max-drop", MP_KEY_UINT, 0, 100, NULL },
	{ "orgsync", "encoding", MP_KEY_STRING, 0, 0, NULL },
	/* column.NAME = header of that column in the export */
	{ "orgsync", "column.*", MP_KEY_STRING, 0, 0, NULL },

	{ "ccguard", "snapshot", MP_KEY_PATH, 0, 0, NULL },
	{ "ccguard", "exempt-senders", MP_KEY_LIST, 0, 0, NULL },

	{ NULL, NULL, 0, 0, 0, NULL },
};
