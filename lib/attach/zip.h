/* zip.h - a password-protected ZIP written by libarchive, checked */
#ifndef MP_ZIP_H
#define MP_ZIP_H

#include "base/mp.h"
#include "base/spool.h"

typedef enum {
	MP_ZIP_AES256,		/* WinZip AES-256: 7-Zip, macOS, not Explorer */
	MP_ZIP_ZIPCRYPTO,	/* traditional PKWARE: everyone, and weak */
} MpZipCipher;

typedef enum {
	MP_ZIP_NAMES_UTF8,	/* UTF-8 with the language encoding flag */
	MP_ZIP_NAMES_CP932,	/* raw CP932 for old Japanese Windows */
} MpZipNames;

#define MP_ZIP_LEVEL_DEFAULT 6	/* zlib's own default */

typedef struct {
	MpZipCipher cipher;
	MpZipNames names;
	int level;		/* deflate level 0-9; 0 stores */
	gint64 mtime;		/* time stamp of every entry (Unix time) */
} MpZipOpts;

typedef struct {
	const char *name;	/* UTF-8 file name, no directory */
	const MpSpool *file;	/* its data */
} MpZipEntry;

/* mp_zip_cipher_parse - "aes256" or "zipcrypto" */
gboolean mp_zip_cipher_parse(const char *s, MpZipCipher *out);

/* mp_zip_cipher_name - "aes256" or "zipcrypto" */
const char *mp_zip_cipher_name(MpZipCipher c);

/* mp_zip_names_parse - "utf-8" or "cp932" */
gboolean mp_zip_names_parse(const char *s, MpZipNames *out);

/* mp_zip_build - entries as one encrypted ZIP in a spool, checked */
int mp_zip_build(const MpZipEntry *entries, guint n, const char *password,
    const MpZipOpts *opts, MpSpool **out, GError **err);

/* mp_zip_check_encrypted - all n entries are there, none in the clear */
int mp_zip_check_encrypted(const MpSpool *zip, guint n, GError **err);

#endif
