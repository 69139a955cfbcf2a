/* secret.c - passwords and tokens from libsodium's CSPRNG */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "base/secret.h"

/* mp_secret_init - start libsodium; fails only if it cannot */
int
mp_secret_init(GError **err)
{
	/* sodium_init() returns 1 when already done: not an error */
	if (sodium_init() < 0)
		return mp_fail(err, EX_TEMPFAIL,
		    "cannot initialise libsodium's random number generator");
	return MP_OK;
}

/*
 * mp_secret_password - a random password of length characters
 *
 * randombytes_uniform() draws without modulo bias, so every character
 * of the alphabet is equally likely and the entropy is exactly
 * length * log2(57).
 */
char *
mp_secret_password(guint length)
{
	static const char alphabet[] = MP_SECRET_ALPHABET;
	char *p = g_malloc(length + 1);
	guint i;

	for (i = 0; i < length; i++)
		p[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	p[length] = '\0';
	return p;
}

/* mp_secret_bits - the entropy of a password of length characters */
double
mp_secret_bits(guint length)
{
	return length * log2((double)(sizeof MP_SECRET_ALPHABET - 1));
}

/* mp_secret_token - lower-case hex of nbytes random bytes */
char *
mp_secret_token(gsize nbytes)
{
	guchar *raw = g_malloc(nbytes);
	char *hex = g_malloc(nbytes * 2 + 1);

	randombytes_buf(raw, nbytes);
	sodium_bin2hex(hex, nbytes * 2 + 1, raw, nbytes);
	sodium_memzero(raw, nbytes);
	g_free(raw);
	return hex;
}

/*
 * mp_secret_read_file - the password on the first line of a file
 *
 * The line ending is not part of the password.  Control characters are
 * refused: they cannot be typed into an unzip dialog, so a file holding
 * them is a mistake (a binary key file, a CR from an editor).
 */
int
mp_secret_read_file(const char *path, char **out, GError **err)
{
	char buf[MP_SECRET_FILE_BYTES_MAX + 2];
	gsize len = 0, i;
	ssize_t n;
	int fd, status = MP_OK;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mp_fail(err, EX_CONFIG, "password file: %s: %s", path,
		    g_strerror(errno));
	while (len < sizeof buf &&
	    (n = read(fd, buf + len, sizeof buf - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			status = mp_fail(err, EX_IOERR, "password file: %s: %s",
			    path, g_strerror(errno));
			break;
		}
		len += (gsize)n;
	}
	close(fd);
	if (status == MP_OK) {
		for (i = 0; i < len && buf[i] != '\n'; i++)
			;
		if (i == len && len == sizeof buf)
			status = mp_fail(err, EX_CONFIG, "password file: %s: "
			    "first line longer than %d bytes", path,
			    MP_SECRET_FILE_BYTES_MAX);
		len = i;
		if (len > 0 && buf[len - 1] == '\r')
			len--;
	}
	for (i = 0; status == MP_OK && i < len; i++)
		if ((guchar)buf[i] < 0x20 || buf[i] == 0x7f)
			status = mp_fail(err, EX_CONFIG, "password file: %s: "
			    "control character in the password", path);
	if (status == MP_OK && len == 0)
		status = mp_fail(err, EX_CONFIG,
		    "password file: %s: the first line is empty", path);
	if (status == MP_OK && !g_utf8_validate(buf, (gssize)len, NULL))
		status = mp_fail(err, EX_CONFIG,
		    "password file: %s: not UTF-8 text", path);
	if (status == MP_OK)
		*out = g_strndup(buf, len);
	sodium_memzero(buf, sizeof buf);
	return status;
}

/* mp_secret_free - wipe a secret string from memory and free it */
void
mp_secret_free(char *secret)
{
	if (secret == NULL)
		return;
	sodium_memzero(secret, strlen(secret));
	g_free(secret);
}
