/* schema.h - every section and key mp.conf may hold, and their types */
#ifndef MP_SCHEMA_H
#define MP_SCHEMA_H

#include <glib.h>

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
