/* gmime-slim.c - link-time stand-ins for GMime back-ends mp never uses */
#include <stddef.h>

#include <glib-object.h>

/*
 * mp links GMime and GLib statically: dynamic loading of GMime's twenty
 * shared libraries costs milliseconds per process, and a filter runs
 * once per message.  g_mime_init() names the OpenPGP and S/MIME contexts
 * (gpgme, which Debian ships only as a shared library) and the GIO stream
 * (which drags in libmount, libselinux and libblkid).  mp reads and
 * writes MIME but never signs, encrypts or verifies, and never streams
 * through GIO, so these definitions stand in for the archive members
 * that hold them; the linker then leaves those members, and their
 * libraries, out.  GMime code that asks for a crypto context gets NULL,
 * which it already handles as "no context for this protocol".
 *
 * Only the static build (the default) links this file; LINK=dynamic
 * builds use the real libraries.
 */

GType g_mime_stream_gio_get_type(void);
void *g_mime_gpg_context_new(void);
GType g_mime_gpg_context_get_type(void);
void *g_mime_pkcs7_context_new(void);
GType g_mime_pkcs7_context_get_type(void);
const char *gpgme_check_version_internal(const char *req, size_t offset);

/* g_mime_stream_gio_get_type - no GIO streams: an invalid type */
GType
g_mime_stream_gio_get_type(void)
{
	return G_TYPE_INVALID;
}

/* g_mime_gpg_context_new - no OpenPGP context */
void *
g_mime_gpg_context_new(void)
{
	return NULL;
}

/* g_mime_gpg_context_get_type - no OpenPGP context type */
GType
g_mime_gpg_context_get_type(void)
{
	return G_TYPE_INVALID;
}

/* g_mime_pkcs7_context_new - no S/MIME context */
void *
g_mime_pkcs7_context_new(void)
{
	return NULL;
}

/* g_mime_pkcs7_context_get_type - no S/MIME context type */
GType
g_mime_pkcs7_context_get_type(void)
{
	return G_TYPE_INVALID;
}

/* gpgme_check_version_internal - g_mime_init()'s gpgme start-up call */
const char *
gpgme_check_version_internal(const char *req, size_t offset)
{
	(void)req;
	(void)offset;
	return NULL;
}
