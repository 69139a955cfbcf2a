/* fname.h - attachment file names that show what they are */
#ifndef MP_FNAME_H
#define MP_FNAME_H

#include <glib.h>

/*
 * mp_fname_neutralise - name (UTF-8) without the characters that
 * change how the rest of it shows: controls (C0, DEL, C1), format
 * characters (Unicode category Cf: bidirectional overrides, embeddings
 * and isolates, zero-width characters, the byte order mark, ...) and
 * the line and paragraph separators.  Invalid UTF-8 becomes U+FFFD
 * first.  GLib only, so any layer may use it.
 */
char *mp_fname_neutralise(const char *name);

#endif
