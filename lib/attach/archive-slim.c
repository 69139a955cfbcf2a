/* archive-slim.c - link-time stand-ins for libarchive parts mp never uses */
#include <errno.h>
#include <stddef.h>

#include <archive.h>
#include <archive_entry.h>

/*
 * mp-zipenc links libarchive statically, as the other tools link GMime
 * (see gmime-slim.c): a filter starts once per message.  Two members of
 * Debian's libarchive.a stand in the way, and these definitions keep
 * the linker from pulling them in:
 *
 * - archive_write_set_format.o holds one helper the ZIP writer calls
 *   (only to refuse a file type other than a regular file) next to the
 *   table of every writer libarchive has; that table drags in the XAR
 *   writer, libxml2 and ICU (tens of megabytes).  mp writes regular
 *   files only, so the stand-in just sets the same error.
 * - the ZIP reader can inflate Zstandard entries, and Debian ships no
 *   static libzstd.  mp reads archive headers only (to tell whether an
 *   attachment is already encrypted) and never entry data; a Zstandard
 *   entry it would read fails as "cannot allocate", which the reader
 *   already handles.
 *
 * Only the static and mixed builds link this file; LINK=dynamic uses
 * the real shared libarchive.  If a new libarchive needs either member
 * for another reason, the link fails with a duplicate definition: loud,
 * not silent.
 */

typedef struct ZSTD_DCtx_s ZSTD_DStream;
typedef struct {
	const void *src;
	size_t size, pos;
} ZSTD_inBuffer;
typedef struct {
	void *dst;
	size_t size, pos;
} ZSTD_outBuffer;

void __archive_write_entry_filetype_unsupported(struct archive *a,
    struct archive_entry *entry, const char *format);
size_t ZSTD_DStreamOutSize(void);
ZSTD_DStream *ZSTD_createDStream(void);
size_t ZSTD_freeDStream(ZSTD_DStream *zds);
size_t ZSTD_initDStream(ZSTD_DStream *zds);
size_t ZSTD_decompressStream(ZSTD_DStream *zds, ZSTD_outBuffer *output,
    ZSTD_inBuffer *input);
unsigned ZSTD_isError(size_t code);
const char *ZSTD_getErrorName(size_t code);

/* zstd's error codes are the top 120 values of size_t */
#define ZSTD_ERROR ((size_t)-1)

/* __archive_write_entry_filetype_unsupported - the ZIP writer's refusal */
void
__archive_write_entry_filetype_unsupported(struct archive *a,
    struct archive_entry *entry, const char *format)
{
	archive_set_error(a, EINVAL, "%s: %s format cannot archive this "
	    "file type", archive_entry_pathname(entry), format);
}

/* ZSTD_DStreamOutSize - a buffer size, never used */
size_t
ZSTD_DStreamOutSize(void)
{
	return 128 * 1024;
}

/* ZSTD_createDStream - no Zstandard: allocation "fails" */
ZSTD_DStream *
ZSTD_createDStream(void)
{
	return NULL;
}

/* ZSTD_freeDStream - nothing was allocated */
size_t
ZSTD_freeDStream(ZSTD_DStream *zds)
{
	(void)zds;
	return 0;
}

/* ZSTD_initDStream - an error */
size_t
ZSTD_initDStream(ZSTD_DStream *zds)
{
	(void)zds;
	return ZSTD_ERROR;
}

/* ZSTD_decompressStream - an error */
size_t
ZSTD_decompressStream(ZSTD_DStream *zds, ZSTD_outBuffer *output,
    ZSTD_inBuffer *input)
{
	(void)zds;
	(void)output;
	(void)input;
	return ZSTD_ERROR;
}

/* ZSTD_isError - whether code is one of zstd's error codes */
unsigned
ZSTD_isError(size_t code)
{
	return code > (size_t)-120;
}

/* ZSTD_getErrorName - the one error there is */
const char *
ZSTD_getErrorName(size_t code)
{
	(void)code;
	return "Zstandard is not linked into mp";
}
