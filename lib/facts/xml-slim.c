/* xml-slim.c - link-time stand-ins for the ICU calls of libxml2 */
#include <stddef.h>
#include <stdlib.h>

/*
 * The tools that read attachments' text link libxml2 statically, as
 * they link GMime (see lib/mail/gmime-slim.c): a filter starts once per
 * message.  Debian's libxml2.a converts charsets with iconv first and
 * asks ICU only for a name iconv does not know; linking ICU for that
 * would add its 30 MB data library to every binary.  These stand-ins
 * make ICU know no charset at all, so such a document reads as one
 * libxml2 cannot decode (an OOXML part is UTF-8 or UTF-16, which
 * libxml2 reads itself).  The names carry ICU's version (72 in Debian
 * 12): a libxml2 built against another ICU fails to link, loudly.
 *
 * Only the static and mixed builds link this file; LINK=dynamic uses
 * the shared libxml2 with the real ICU.
 */

typedef struct UConverter UConverter;

/* U_FILE_ACCESS_ERROR: "the converter data could not be found" */
#define MP_ICU_NO_CONVERTER 4

UConverter *ucnv_open_72(const char *name, int *status);
void ucnv_close_72(UConverter *conv);
void ucnv_convertEx_72(void);
void ucnv_setFromUCallBack_72(void);
void ucnv_setToUCallBack_72(void);
void UCNV_FROM_U_CALLBACK_STOP_72(void);
void UCNV_TO_U_CALLBACK_STOP_72(void);

/* ucnv_open_72 - no converter for any name */
UConverter *
ucnv_open_72(const char *name, int *status)
{
	(void)name;
	*status = MP_ICU_NO_CONVERTER;
	return NULL;
}

/* ucnv_close_72 - libxml2 closes what it failed to open */
void
ucnv_close_72(UConverter *conv)
{
	(void)conv;
}

/* the rest is reached only with a converter, which never exists */
void ucnv_convertEx_72(void) { abort(); }
void ucnv_setFromUCallBack_72(void) { abort(); }
void ucnv_setToUCallBack_72(void) { abort(); }
void UCNV_FROM_U_CALLBACK_STOP_72(void) { abort(); }
void UCNV_TO_U_CALLBACK_STOP_72(void) { abort(); }
