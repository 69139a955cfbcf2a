/* schema.c - every section and key mp.conf may hold, and their types */
#include "base/schema.h"
#include "base/secret.h"

const MpKeySpec mp_schema[] = {
	{ "domains", "internal", MP_KEY_DOMAINS, 0, 0, NULL },
	{ "domains", "semi-internal", MP_KEY_DOMAINS, 0, 0, NULL },

	{ "limits", "message-bytes", MP_KEY_SIZE, MP_BYTES_LIMIT_MIN,
	    MP_BYTES_MAX, NULL },
	{ "limits", "header-bytes", MP_KEY_SIZE, MP_BYTES_LIMIT_MIN,
	    MP_HEADER_BYTES_MAX, NULL },
	{ "limits", "mime-depth", MP_KEY_UINT, 1, MP_MIME_DEPTH_MAX, NULL },

	{ "log", "syslog", MP_KEY_BOOL, 0, 0, NULL },

	/* checked in config.c: a zone the system knows */
	{ "general", "time-zone", MP_KEY_STRING, 0, 0, NULL },

	{ "classify", "resent", MP_KEY_BOOL, 0, 0, NULL },

	{ "bccify", "threshold", MP_KEY_UINT, 1, MP_COUNT_MAX, NULL },
	{ "bccify", "mode", MP_KEY_ENUM, 0, 0, "external|all|self-only" },
	{ "bccify", "bcc-header", MP_KEY_BOOL, 0, 0, NULL },
	{ "bccify", "trace", MP_KEY_BOOL, 0, 0, NULL },

	{ "orgsync", "org-conf", MP_KEY_PATH, 0, 0, NULL },
	{ "orgsync", "dir", MP_KEY_PATH, 0, 0, NULL },
	{ "orgsync", "keep", MP_KEY_UINT, 1, MP_ORGSYNC_KEEP_MAX, NULL },
	{ "orgsync", "max-drop", MP_KEY_UINT, 0, MP_PERCENT_MAX, NULL },
	{ "orgsync", "encoding", MP_KEY_STRING, 0, 0, NULL },
	/* column.NAME = header of that column in the export */
	{ "orgsync", "column.*", MP_KEY_STRING, 0, 0, NULL },

	{ "ccguard", "snapshot", MP_KEY_PATH, 0, 0, NULL },
	{ "ccguard", "exempt-senders", MP_KEY_LIST, 0, 0, NULL },

	{ "zipenc", "lang", MP_KEY_ENUM, 0, 0, "ja|en" },
	{ "zipenc", "cipher", MP_KEY_ENUM, 0, 0, "aes256|zipcrypto" },
	{ "zipenc", "names", MP_KEY_ENUM, 0, 0, "utf-8|cp932" },
	{ "zipenc", "compression-level", MP_KEY_UINT, 0,
	    MP_COMPRESSION_LEVEL_MAX, NULL },
	{ "zipenc", "password-length", MP_KEY_UINT, MP_SECRET_LENGTH_MIN,
	    MP_SECRET_LENGTH_MAX, NULL },
	{ "zipenc", "password-file", MP_KEY_PATH, 0, 0, NULL },
	{ "zipenc", "zip-name", MP_KEY_STRING, 0, 0, NULL },
	{ "zipenc", "notify", MP_KEY_ENUM, 0, 0, "sender|recipients" },
	{ "zipenc", "delay", MP_KEY_UINT, 0, MP_DELAY_MAX, NULL },
	{ "zipenc", "notice", MP_KEY_PATH, 0, 0, NULL },
	{ "zipenc", "notice-maildir", MP_KEY_PATH, 0, 0, NULL },
	{ "zipenc", "notice-cmd", MP_KEY_STRING, 0, 0, NULL },
	{ "zipenc", "template-dir", MP_KEY_PATH, 0, 0, NULL },
	{ "zipenc", "note-place", MP_KEY_ENUM, 0, 0, "body|part" },
	{ "zipenc", "max-bytes", MP_KEY_SIZE, MP_BYTES_LIMIT_MIN,
	    MP_BYTES_MAX, NULL },
	{ "zipenc", "max-entries", MP_KEY_UINT, 1, MP_COUNT_MAX, NULL },
	{ "zipenc", "on-limit", MP_KEY_ENUM, 0, 0, "reject|pass" },

	{ "detach", "store", MP_KEY_PATH, 0, 0, NULL },
	{ "detach", "base-url", MP_KEY_STRING, 0, 0, NULL },
	{ "detach", "expires", MP_KEY_DURATION, MP_EXPIRES_MIN,
	    MP_EXPIRES_MAX, NULL },
	{ "detach", "max-downloads", MP_KEY_UINT, 0, MP_COUNT_MAX, NULL },
	{ "detach", "min-size", MP_KEY_SIZE, 0, MP_BYTES_MAX, NULL },
	{ "detach", "lang", MP_KEY_ENUM, 0, 0, "ja|en" },
	{ "detach", "notify", MP_KEY_ENUM, 0, 0, "sender|recipients" },
	{ "detach", "delay", MP_KEY_UINT, 0, MP_DELAY_MAX, NULL },
	{ "detach", "notice", MP_KEY_PATH, 0, 0, NULL },
	{ "detach", "notice-maildir", MP_KEY_PATH, 0, 0, NULL },
	{ "detach", "notice-cmd", MP_KEY_STRING, 0, 0, NULL },
	{ "detach", "template-dir", MP_KEY_PATH, 0, 0, NULL },
	{ "detach", "note-place", MP_KEY_ENUM, 0, 0, "body|part" },
	{ "detach", "password-length", MP_KEY_UINT, MP_SECRET_LENGTH_MIN,
	    MP_SECRET_LENGTH_MAX, NULL },
	{ "detach", "password-file", MP_KEY_PATH, 0, 0, NULL },
	/* read by mp-download */
	{ "detach", "max-failures", MP_KEY_UINT, 1, MP_FAILURES_MAX, NULL },
	{ "detach", "entry-max-failures", MP_KEY_UINT, 1,
	    MP_COUNT_MAX, NULL },
	{ "detach", "lock-time", MP_KEY_DURATION, 1, MP_LOCK_TIME_MAX, NULL },

	{ "hold", "spool", MP_KEY_PATH, 0, 0, NULL },
	{ "hold", "hold-time", MP_KEY_DURATION, 0, MP_HOLD_TIME_MAX, NULL },
	{ "hold", "approvers", MP_KEY_LIST, 0, 0, NULL },
	{ "hold", "snapshot", MP_KEY_PATH, 0, 0, NULL },
	{ "hold", "approve-timeout", MP_KEY_DURATION, MP_MINUTE,
	    MP_HOLD_TIME_MAX, NULL },
	{ "hold", "approve-expiry", MP_KEY_ENUM, 0, 0, "discard|deliver" },
	{ "hold", "confirm-timeout", MP_KEY_DURATION, MP_MINUTE,
	    MP_HOLD_TIME_MAX, NULL },
	{ "hold", "sendmail", MP_KEY_STRING, 0, 0, NULL },
	{ "hold", "trace", MP_KEY_BOOL, 0, 0, NULL },
	{ "hold", "retry-for", MP_KEY_DURATION, 0, MP_HOLD_TIME_MAX, NULL },
	{ "hold", "purge-after", MP_KEY_DURATION, 0, MP_HOLD_KEEP_MAX, NULL },
	{ "hold", "base-url", MP_KEY_STRING, 0, 0, NULL },
	{ "hold", "override", MP_KEY_BOOL, 0, 0, NULL },
	{ "hold", "lang", MP_KEY_ENUM, 0, 0, "ja|en" },
	{ "hold", "notice", MP_KEY_PATH, 0, 0, NULL },
	{ "hold", "notice-maildir", MP_KEY_PATH, 0, 0, NULL },
	{ "hold", "notice-cmd", MP_KEY_STRING, 0, 0, NULL },
	{ "hold", "notice-from", MP_KEY_STRING, 0, 0, NULL },
	{ "hold", "template-dir", MP_KEY_PATH, 0, 0, NULL },

	{ "policy", "holidays", MP_KEY_PATH, 0, 0, NULL },
	{ "policy", "strip-tag", MP_KEY_BOOL, 0, 0, NULL },
	{ "policy", "snapshot", MP_KEY_PATH, 0, 0, NULL },
	{ "policy", "time", MP_KEY_ENUM, 0, 0, "now|date" },
	{ "policy", "lang", MP_KEY_ENUM, 0, 0, "ja|en" },
	{ "policy", "notice", MP_KEY_PATH, 0, 0, NULL },
	{ "policy", "notice-maildir", MP_KEY_PATH, 0, 0, NULL },
	{ "policy", "notice-cmd", MP_KEY_STRING, 0, 0, NULL },
	{ "policy", "template-dir", MP_KEY_PATH, 0, 0, NULL },

	/* [keywords NAME]: a list a rule counts (lib/facts/keywords.c) */
	{ "keywords *", "words", MP_KEY_STRING, 0, 0, NULL },
	{ "keywords *", "regex", MP_KEY_STRING, 0, 0, NULL },
	{ "keywords *", "words-file", MP_KEY_PATH, 0, 0, NULL },

	/* [rule NAME]: read and checked by lib/policy/rule.c, which names
	 * the file, section and key of what it refuses */
	{ "rule *", "if", MP_KEY_STRING, 0, 0, NULL },
	{ "rule *", "time", MP_KEY_STRING, 0, 0, NULL },
	{ "rule *", "sender", MP_KEY_STRING, 0, 0, NULL },
	{ "rule *", "except-sender", MP_KEY_STRING, 0, 0, NULL },
	{ "rule *", "recipient", MP_KEY_STRING, 0, 0, NULL },
	{ "rule *", "except-recipient", MP_KEY_STRING, 0, 0, NULL },
	{ "rule *", "header.*", MP_KEY_STRING, 0, 0, NULL },
	{ "rule *", "action", MP_KEY_STRING, 0, 0, NULL },
	{ "rule *", "for", MP_KEY_STRING, 0, 0, NULL },
	{ "rule *", "reason", MP_KEY_STRING, 0, 0, NULL },
	{ "rule *", "reason.en", MP_KEY_STRING, 0, 0, NULL },

	{ NULL, NULL, 0, 0, 0, NULL },
};
