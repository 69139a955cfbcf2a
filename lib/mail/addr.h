/* addr.h - the addresses of To/Cc/Bcc fields, with where their text is */
#ifndef MP_ADDR_H
#define MP_ADDR_H

#include "base/domains.h"
#include "mail/message.h"

typedef enum {
	MP_RCPT_TO,
	MP_RCPT_CC,
	MP_RCPT_BCC,
	MP_RCPT_RESENT_TO,
	MP_RCPT_RESENT_CC,
	MP_RCPT_RESENT_BCC,
	MP_RCPT_ENVELOPE,
} MpRcptField;

/*
 * One address.  start/end give the exact text of the list item it came
 * from ("Name" <a@b>, a@b (c), ...), as absolute offsets into the
 * message, so a rewriter can keep or drop that text unchanged.  Items
 * whose text holds no address at all (a comment alone) have addr NULL.
 * An item that tries to be an address but breaks its syntax (a quote or
 * comment that never ends, an unbalanced '<', an empty local part, two
 * '@') is unreadable: addr NULL, unreadable set, raw its text.  A mail
 * server may still deliver to what it makes of such text, so every tool
 * counts it as external.
 */
typedef struct {
	char *addr;		/* addr-spec, UTF-8, as written */
	char *name;		/* decoded display name, UTF-8, "" if none;
				 * NULL unless mp_addr_parser_want_names */
	char *domain;		/* canonical domain (lower case, IDNA ASCII) */
	char *raw;		/* unreadable only: the item's text, UTF-8 */
	gboolean unreadable;
	gsize start, end;
	int group;		/* index into MpAddrField.groups, or -1 */
} MpAddr;

/* A group ("Team: a@b, c@d;"): [start, end) is all of it. */
typedef struct {
	gsize start, end;
	gsize colon;		/* offset just after the ':' */
	gboolean closed;	/* ended by ';' */
} MpGroup;

/* The addresses of one header field occurrence. */
typedef struct {
	guint field;		/* index into MpMessage.fields */
	MpRcptField kind;
	GArray *addrs;		/* of MpAddr */
	GArray *groups;		/* of MpGroup */
} MpAddrField;

typedef struct MpAddrParser MpAddrParser;

/* mp_addr_parser_new - GMime address parsing set up for real-world mail */
MpAddrParser *mp_addr_parser_new(void);
void mp_addr_parser_free(MpAddrParser *ap);

/* mp_addr_parser_want_names - fill MpAddr.name from now on */
void mp_addr_parser_want_names(MpAddrParser *ap, gboolean names);

/* mp_addr_field_parse - split and read one address field of msg */
MpAddrField *mp_addr_field_parse(MpAddrParser *ap, const MpMessage *msg,
    guint field, MpRcptField kind);
void mp_addr_field_free(MpAddrField *af);

/* mp_addr_fields - every To/Cc/Bcc (and Resent-* if asked) field */
GPtrArray *mp_addr_fields(MpAddrParser *ap, const MpMessage *msg,
    gboolean resent);

/* mp_addr_parse_one - read a single address given as text (-r, --sender);
 * FALSE for text that is not exactly one readable address */
gboolean mp_addr_parse_one(MpAddrParser *ap, const char *text, MpAddr *out);
void mp_addr_clear(MpAddr *a);

/* mp_addr_check_arg - an address given on the command line (NULL:
 * none) must read as one address: else 64, "LABEL: not an address:
 * VALUE" */
int mp_addr_check_arg(MpAddrParser *ap, const char *label,
    const char *value, GError **err);

/* mp_message_sender - the first From mailbox; FALSE if there is none or
 * it is unreadable (then out->unreadable and out->raw are set) */
gboolean mp_message_sender(MpAddrParser *ap, const MpMessage *msg,
    MpAddr *out);

/* mp_addr_item_key - the key an item is counted by: the address key, or
 * for an unreadable item one made from its text; NULL for neither */
char *mp_addr_item_key(const MpAddr *a);


/* mp_addr_key - the form addresses are compared in: canonical domain */
char *mp_addr_key(const char *addr);

/* mp_rcpt_field_name - "to", "cc", ... as in the JSON output */
const char *mp_rcpt_field_name(MpRcptField kind);

#endif
