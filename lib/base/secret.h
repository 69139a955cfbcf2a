/* secret.h - passwords and tokens from libsodium's CSPRNG */
#ifndef MP_SECRET_H
#define MP_SECRET_H

#include "base/mp.h"

/*
 * Passwords are read aloud over the phone and typed from a printout, so
 * the alphabet leaves out the characters people confuse: 0 O 1 l I.
 * That leaves 57 characters, log2(57) = 5.83 bits each: the default
 * length of 16 gives 93 bits, 14 is the shortest over 80, and the
 * shortest allowed (8, 46 bits) is for sites whose recipients type it.
 */
#define MP_SECRET_ALPHABET \
	"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
#define MP_SECRET_LENGTH_DEFAULT 16
#define MP_SECRET_LENGTH_MIN 8
#define MP_SECRET_LENGTH_MAX 128
/* a password file holds one line; longer is not a password */
#define MP_SECRET_FILE_BYTES_MAX 1024

/* mp_secret_init - start libsodium; fails only if it cannot */
int mp_secret_init(GError **err);

/* mp_secret_password - a random password of length characters */
char *mp_secret_password(guint length);

/* mp_secret_bits - the entropy of a password of length characters */
double mp_secret_bits(guint length);

/* mp_secret_token - lower-case hex of nbytes random bytes */
char *mp_secret_token(gsize nbytes);

/* mp_secret_read_file - the password on the first line of a file */
int mp_secret_read_file(const char *path, char **out, GError **err);

/* mp_secret_free - wipe a secret string from memory and free it */
void mp_secret_free(char *secret);

#endif
