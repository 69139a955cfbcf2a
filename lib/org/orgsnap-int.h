/*
 * orgsnap-int.h - what the snapshot's reader (orgsnap.c), its directory
 * (orgdir.c), the change set (orgdiff.c) and publishing (orgpub.c)
 * share; nothing outside lib/org/ includes it
 */
#ifndef MP_ORGSNAP_INT_H
#define MP_ORGSNAP_INT_H

#include <zlib.h>

#include "org/orgsnap.h"

/*
 * Records, all text, one "name=value" per line (tabs separate parts),
 * under keys of a one-letter kind and a colon:
 *   "m:"        MP_ORGSNAP_MAGIC, then generation, created, people, ...
 *   "p:ADDRKEY" email, id, name, exempt, div*, post*, sup*
 *   "g:UNIT"    level, sup*, mem*
 *   "r:N"       the text of a superior's reason N
 * Text keeps the file easy to inspect (cdb -d) and costs microseconds to
 * read for the one or two people a message needs.
 */
#define ORGSNAP_KEY_META "m:"
#define ORGSNAP_KEY_PERSON "p:"
#define ORGSNAP_KEY_GROUP "g:"
#define ORGSNAP_KEY_REASON "r:"
#define ORGSNAP_KEY_KIND_LEN 2	/* "p:": the kind and its colon */
/* The tab-separated parts of a "post=" line, in order. */
enum {
	ORGSNAP_POST_UNIT, ORGSNAP_POST_TITLE, ORGSNAP_POST_KIND,
	ORGSNAP_POST_PATTERN, ORGSNAP_POST_ROLE, ORGSNAP_POST_FIELDS
};

/*
 * tinycdb's layout: a header of ORGSNAP_CDB_BUCKETS pairs (position,
 * length of a hash table), records that start with a pair (key length,
 * data length), hash tables of pairs (hash, record position); each
 * number is 32 bits, little-endian.
 */
#define ORGSNAP_U32 4		/* bytes of a number in the file */
#define ORGSNAP_CDB_PAIR (2 * ORGSNAP_U32)
#define ORGSNAP_CDB_BUCKET_BITS 8	/* of the hash, that pick a bucket */
#define ORGSNAP_CDB_BUCKETS (1 << ORGSNAP_CDB_BUCKET_BITS)
#define ORGSNAP_CDB_HEADER (ORGSNAP_CDB_BUCKETS * ORGSNAP_CDB_PAIR)

/* The trailer, MP_ORGSNAP_TRAILER bytes: where each field starts. */
enum {
	ORGSNAP_T_MAGIC = 0,	/* MP_ORGSNAP_SUM_MAGIC */
	ORGSNAP_T_LEN_LO = 8,	/* the cdb's length, low 32 bits */
	ORGSNAP_T_LEN_HI = 12,	/* and high */
	ORGSNAP_T_BLOCK = 16,	/* MP_ORGSNAP_BLOCK */
	ORGSNAP_T_NBLOCKS = 20,	/* sums in the table */
	ORGSNAP_T_TABLE_SUM = 24,	/* CRC-32 of the table */
	ORGSNAP_T_SELF_SUM = 28,	/* CRC-32 of the trailer before it */
};
#define ORGSNAP_SUM_MAGIC_LEN 8	/* MP_ORGSNAP_SUM_MAGIC holds NULs */

/* Initial sizes of the buffers a record is built in (they grow). */
#define ORGSNAP_RECORD_HINT 4096
#define ORGSNAP_KEY_HINT 256

/* le32 - the little-endian number at p */
static inline guint32
le32(const guchar *p)
{
	return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 |
	    (guint32)p[3] << 24;
}

/* put_le32 - n little-endian at p */
static inline void
put_le32(guchar *p, guint32 n)
{
	p[0] = n & 0xff;
	p[1] = (n >> 8) & 0xff;
	p[2] = (n >> 16) & 0xff;
	p[3] = n >> 24;
}

/* crc - the CRC-32 of len bytes at p (zlib takes at most 4 GB a call) */
static inline guint32
crc(const guchar *p, gsize len)
{
	return (guint32)crc32(0L, p, (uInt)len);
}

/*
 * The snapshot directory's files.  Every name is made and read by the
 * functions of orgdir.c, nowhere else:
 *   org-GEN.cdb        a generation (MP_ORGSNAP_FILE_CDB)
 *   org-GEN.changes    its change set against the one before it
 *   .org-GEN.cdb.tmp   a generation being written
 *   current            the symbolic link to the generation in force
 *   .current.tmp       that link being made
 *   .lock              held while publishing or rolling back
 */
typedef enum {
	MP_ORGSNAP_FILE_CDB,
	MP_ORGSNAP_FILE_CHANGES,
	MP_ORGSNAP_FILE_TMP,
} MpOrgSnapFile;

#define ORGSNAP_CURRENT_TMP ".current.tmp"
/* Modes: the filter's account reads the snapshot, whatever the umask. */
#define ORGSNAP_FILE_MODE 0644
#define ORGSNAP_DIR_MODE 0755
#define ORGSNAP_LOCK ".lock"
/* A generation's name: the time of its publication, then -NN if taken. */
#define ORGSNAP_GEN_FORMAT "%Y%m%dT%H%M%SZ"
#define ORGSNAP_STAMP_SIZE 32	/* room for ORGSNAP_GEN_FORMAT, or the
				 * meta record's created time, and a NUL */

/* mp_orgsnap_name - the name of gen's file of a kind */
char *mp_orgsnap_name(MpOrgSnapFile kind, const char *gen);

/* mp_orgsnap_path - dir/ and that name */
char *mp_orgsnap_path(const char *dir, MpOrgSnapFile kind, const char *gen);

/* mp_orgsnap_gen_of - the generation a name of a kind is of, or NULL */
char *mp_orgsnap_gen_of(MpOrgSnapFile kind, const char *name);

/* mp_orgsnap_new_generation - a name that sorts by time, not taken yet */
char *mp_orgsnap_new_generation(const char *dir);

/* mp_orgsnap_diff - the change set from prev (NULL: nothing) to org */
void mp_orgsnap_diff(MpOrgSnap *prev, const MpOrg *org, MpChanges *changes);

#endif
