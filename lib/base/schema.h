/* schema.h - every section and key mp.conf may hold, and their types */
#ifndef MP_SCHEMA_H
#define MP_SCHEMA_H

#include "base/parse.h"

/*
 * The bounds of mp.conf's numbers, named so that a command checking the
 * same value from a flag uses the same ones.  mp.conf(5) gives each.
 */
/* the largest count a key or flag takes: a threshold, entries, downloads */
#define MP_COUNT_MAX 1000000
/* the largest size a key or flag takes */
#define MP_BYTES_MAX (4 * MP_GIB)
/* the smallest byte limit: message-bytes, header-bytes, max-bytes */
#define MP_BYTES_LIMIT_MIN MP_KIB
/* [limits] header-bytes at most: no real header block comes near */
#define MP_HEADER_BYTES_MAX MP_GIB
/* [limits] mime-depth at most */
#define MP_MIME_DEPTH_MAX 1000
/* [orgsync] keep: the most snapshots kept */
#define MP_ORGSYNC_KEEP_MAX 1000
/* a share in per cent, such as [orgsync] max-drop */
#define MP_PERCENT_MAX 100
/* [zipenc] compression-level: deflate's levels run 0 (store) to 9 */
#define MP_COMPRESSION_LEVEL_MAX 9
/* delay: the longest X-MP-Deliver-After of a notice, in seconds */
#define MP_DELAY_MAX ((guint64)G_MAXUINT32)
/* [detach] expires: how long a download link may work */
#define MP_EXPIRES_MIN MP_MINUTE
#define MP_EXPIRES_MAX (366 * MP_DAY)
/* [detach] max-failures: the most wrong passwords a client may try */
#define MP_FAILURES_MAX 1000
/* [detach] lock-time: the longest lock out */
#define MP_LOCK_TIME_MAX (30 * MP_DAY)

/* [hold] hold-time, approve-timeout, confirm-timeout, retry-for: the
 * longest a message may wait */
#define MP_HOLD_TIME_MAX (30 * MP_DAY)
/* [hold] purge-after: the longest a finished entry is kept */
#define MP_HOLD_KEEP_MAX (3660 * MP_DAY)
/* [gate] workers: the most worker processes of mp-gate */
#define MP_GATE_WORKERS_LIMIT 1000

typedef enum {
	MP_KEY_UINT,
	MP_KEY_SIZE,
	MP_KEY_BOOL,
	MP_KEY_ENUM,
	MP_KEY_STRING,
	MP_KEY_PATH,
	MP_KEY_LIST,
	MP_KEY_DOMAINS,
	MP_KEY_DURATION,	/* "90s", "30m", "12h", "7d", "2w" */
} MpKeyType;

typedef struct {
	const char *group;
	const char *key;
	MpKeyType type;
	guint64 min, max;	/* MP_KEY_UINT, MP_KEY_SIZE; seconds for
				 * MP_KEY_DURATION */
	const char *choices;	/* MP_KEY_ENUM: "a|b|c" */
} MpKeySpec;

/*
 * One table for all tools: mp.conf is shared, so every tool accepts every
 * tool's section, and a misspelt key is an error wherever it is read.
 * mp.conf(5) documents each entry.
 */
extern const MpKeySpec mp_schema[];

#endif
