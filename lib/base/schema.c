/* schema.c - every section and key mp.conf may hold, and their types */
#include "base/schema.h"

#define GIB ((guint64)1024 * 1024 * 1024)
#define DAY ((guint64)24 * 60 * 60)

const MpKeySpec mp_schema[] = {
	{ "domains", "internal", MP_KEY_DOMAINS, 0, 0, NULL },
	{ "domains", "semi-internal", MP_KEY_DOMAINS, 0, 0, NULL },

	{ "limits", "message-bytes", MP_KEY_SIZE, 1024, 4 * GIB, NULL },
	{ "limits", "header-bytes", MP_KEY_SIZE, 1024, GIB, NULL },
	{ "limits", "mime-depth", MP_KEY_UINT, 1, 1000, NULL },

	{ "log", "syslog", MP_KEY_BOOL, 0, 0, NULL },

	/* checked in config.c: a zone the system knows */
	{ "general", "time-zone", MP_KEY_STRING, 0, 0, NULL },

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

	{ "zipenc", "lang", MP_KEY_ENUM, 0, 0, "ja|en" },
	{ "zipenc", "cipher", MP_KEY_ENUM, 0, 0, "aes256|zipcrypto" },
	{ "zipenc", "names", MP_KEY_ENUM, 0, 0, "utf-8|cp932" },
	{ "zipenc", "compression-level", MP_KEY_UINT, 0, 9, NULL },
	{ "zipenc", "password-length", MP_KEY_UINT, 8, 128, NULL },
	{ "zipenc", "password-file", MP_KEY_PATH, 0, 0, NULL },
	{ "zipenc", "zip-name", MP_KEY_STRING, 0, 0, NULL },
	{ "zipenc", "notify", MP_KEY_ENUM, 0, 0, "sender|recipients" },
	{ "zipenc", "delay", MP_KEY_UINT, 0, 4294967295u, NULL },
	{ "zipenc", "notice", MP_KEY_PATH, 0, 0, NULL },
	{ "zipenc", "notice-maildir", MP_KEY_PATH, 0, 0, NULL },
	{ "zipenc", "notice-cmd", MP_KEY_STRING, 0, 0, NULL },
	{ "zipenc", "template-dir", MP_KEY_PATH, 0, 0, NULL },
	{ "zipenc", "note-place", MP_KEY_ENUM, 0, 0, "body|part" },
	{ "zipenc", "max-bytes", MP_KEY_SIZE, 1024, 4 * GIB, NULL },
	{ "zipenc", "max-entries", MP_KEY_UINT, 1, 1000000, NULL },
	{ "zipenc", "on-limit", MP_KEY_ENUM, 0, 0, "reject|pass" },

	{ "detach", "store", MP_KEY_PATH, 0, 0, NULL },
	{ "detach", "base-url", MP_KEY_STRING, 0, 0, NULL },
	{ "detach", "expires", MP_KEY_DURATION, 60, 366 * DAY, NULL },
	{ "detach", "max-downloads", MP_KEY_UINT, 0, 1000000, NULL },
	{ "detach", "min-size", MP_KEY_SIZE, 0, 4 * GIB, NULL },
	{ "detach", "lang", MP_KEY_ENUM, 0, 0, "ja|en" },
	{ "detach", "notify", MP_KEY_ENUM, 0, 0, "sender|recipients" },
	{ "detach", "delay", MP_KEY_UINT, 0, 4294967295u, NULL },
	{ "detach", "notice", MP_KEY_PATH, 0, 0, NULL },
	{ "detach", "notice-maildir", MP_KEY_PATH, 0, 0, NULL },
	{ "detach", "notice-cmd", MP_KEY_STRING, 0, 0, NULL },
	{ "detach", "template-dir", MP_KEY_PATH, 0, 0, NULL },
	{ "detach", "note-place", MP_KEY_ENUM, 0, 0, "body|part" },
	{ "detach", "password-length", MP_KEY_UINT, 8, 128, NULL },
	{ "detach", "password-file", MP_KEY_PATH, 0, 0, NULL },
	/* read by mp-download */
	{ "detach", "max-failures", MP_KEY_UINT, 1, 1000, NULL },
	{ "detach", "entry-max-failures", MP_KEY_UINT, 1, 1000000, NULL },
	{ "detach", "lock-time", MP_KEY_DURATION, 1, 30 * DAY, NULL },

	{ NULL, NULL, 0, 0, 0, NULL },
};
