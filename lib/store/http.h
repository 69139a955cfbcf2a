/* http.h - the HTTP of a CGI program (RFC 3875), whatever it serves */
#ifndef MP_HTTP_H
#define MP_HTTP_H

#include "base/mp.h"

/*
 * QUERY_STRING is read as at most this many fields (split at "&"), the
 * last holding whatever follows: mp_cgi_name finds KEY= in the first
 * MP_HTTP_QUERY_FIELDS_MAX - 1 of them, and in the last only when no
 * field follows it.
 */
#define MP_HTTP_QUERY_FIELDS_MAX 16
/* the most decimals of a qvalue ("0.125"; RFC 9110) */
#define MP_HTTP_QVALUE_DECIMALS 3
/* the most characters of one part of a language range ("ja-JP"; RFC
 * 4647) */
#define MP_HTTP_SUBTAG_MAX 8

/* mp_http_reason - the reason phrase of a status we answer with */
const char *mp_http_reason(int status);

/* mp_http_common_headers - the Status line and what every answer
 * says: no caching, no sniffing, no framing, no referrer */
void mp_http_common_headers(GString *head, int status);

/* mp_html_escape - text safe between tags and in quoted attributes */
char *mp_html_escape(const char *s);

/* mp_content_disposition - "attachment; filename=...; filename*=..."
 * (RFC 6266 with an RFC 5987 UTF-8 name and an ASCII fallback) */
char *mp_content_disposition(const char *utf8_name);

/* mp_prefers_japanese - what Accept-Language says of ja against en */
gboolean mp_prefers_japanese(const char *accept_language, gboolean def);

/* mp_cgi_name - what a request names: the rest of PATH_INFO "/NAME",
 * else the value of KEY=NAME in QUERY_STRING; NULL when neither */
char *mp_cgi_name(const char *path_info, const char *query,
    const char *key);

/* mp_form_urlencoded - whether a Content-Type is that of a form,
 * application/x-www-form-urlencoded */
gboolean mp_form_urlencoded(const char *content_type);

/*
 * mp_form_fields - the values of the n fields names[] of a urlencoded
 * body into values[] (NULL for a field not given); FALSE, and every
 * value wiped and freed, when a value does not decode or a field is
 * given twice.  Free them with mp_form_values_free.
 */
gboolean mp_form_fields(const char *body, gsize len,
    const char *const *names, char **values, guint n);

/* mp_form_values_free - wipe and free what mp_form_fields gave */
void mp_form_values_free(char **values, guint n);

#endif
