/* entry.c - a store entry in memory: its id, files and state, and the
 * networks wrong passwords are counted for */
#include <arpa/inet.h>
#include <string.h>

#include "store/store-int.h"

/* mp_store_id_new - a fresh random entry id */
char *
mp_store_id_new(void)
{
	guchar raw[MP_STORE_ID_BYTES];
	char *id = g_malloc(MP_STORE_ID_CHARS + 1);

	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(id, MP_STORE_ID_CHARS + 1, raw, sizeof raw,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return id;
}

/* mp_store_id_valid - whether s has the form of an id */
gboolean
mp_store_id_valid(const char *s)
{
	gsize i;

	if (s == NULL)
		return FALSE;
	for (i = 0; s[i] != '\0'; i++)
		if (i >= MP_STORE_ID_CHARS || !(g_ascii_isalnum(s[i]) ||
		    s[i] == '-' || s[i] == '_'))
			return FALSE;
	return i == MP_STORE_ID_CHARS;
}

/* file_free - release an MpStoreFile */
static void
file_free(gpointer p)
{
	MpStoreFile *f = p;

	g_free(f->name);
	g_free(f->type);
	g_free(f);
}

/* client_free - release an MpStoreClient */
static void
client_free(gpointer p)
{
	MpStoreClient *c = p;

	g_free(c->network);
	g_free(c);
}

/* store_entry_alloc - an entry with nothing in it */
MpStoreEntry *
store_entry_alloc(void)
{
	MpStoreEntry *e = g_new0(MpStoreEntry, 1);

	e->recipients = g_ptr_array_new_with_free_func(g_free);
	e->files = g_ptr_array_new_with_free_func(file_free);
	e->clients = g_ptr_array_new_with_free_func(client_free);
	return e;
}

/* mp_store_entry_new - an empty entry with a fresh id, created now */
MpStoreEntry *
mp_store_entry_new(void)
{
	MpStoreEntry *e = store_entry_alloc();

	e->id = mp_store_id_new();
	e->created = g_get_real_time() / G_USEC_PER_SEC;
	e->kdf_ops = MP_STORE_KDF_OPSLIMIT;
	e->kdf_mem = MP_STORE_KDF_MEMLIMIT;
	return e;
}

/* mp_store_entry_free - release an entry (NULL: nothing) */
void
mp_store_entry_free(MpStoreEntry *e)
{
	if (e == NULL)
		return;
	g_free(e->id);
	g_free(e->sender);
	g_free(e->message_id);
	g_ptr_array_free(e->recipients, TRUE);
	g_ptr_array_free(e->files, TRUE);
	g_ptr_array_free(e->clients, TRUE);
	if (e->check != NULL)
		g_bytes_unref(e->check);
	g_free(e);
}

/* mp_store_entry_add_file - describe one file (size and sha256 of data) */
void
mp_store_entry_add_file(MpStoreEntry *e, const char *name, const char *type,
    GBytes *data)
{
	MpStoreFile *f = g_new0(MpStoreFile, 1);
	gsize len;
	const guchar *d = g_bytes_get_data(data, &len);
	char *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, d, len);

	f->name = g_strdup(name);
	f->type = g_strdup(type);
	f->size = len;
	g_strlcpy(f->sha256, hex, sizeof f->sha256);
	g_free(hex);
	g_ptr_array_add(e->files, f);
}

/* mp_store_entry_bytes - the plaintext size of all its files */
guint64
mp_store_entry_bytes(const MpStoreEntry *e)
{
	guint64 n = 0;
	guint i;

	for (i = 0; i < e->files->len; i++)
		n += ((const MpStoreFile *)e->files->pdata[i])->size;
	return n;
}

/* mp_store_state - what a download would meet now, before a password */
MpStoreState
mp_store_state(const MpStoreEntry *e, gint64 now)
{
	if (e->revoked != 0)
		return MP_STORE_REVOKED;
	if (now >= e->expires)
		return MP_STORE_EXPIRED;
	if (e->max_downloads > 0 && e->downloads >= e->max_downloads)
		return MP_STORE_USED_UP;
	if (e->locked_until > now)
		return MP_STORE_LOCKED;
	return MP_STORE_OK;
}

/* network_text - "ADDRESS/PREFIX": the network of the address a (len
 * bytes of family af), its host part cleared */
static char *
network_text(int af, guchar *a, gsize len, guint prefix)
{
	char text[INET6_ADDRSTRLEN];

	memset(a + prefix / 8, 0, len - prefix / 8);
	inet_ntop(af, a, text, sizeof text);
	return g_strdup_printf("%s/%u", text, prefix);
}

/*
 * mp_store_client_network - the network a client address counts for.
 * Wrong passwords are counted per network, not per address: a client
 * gets a whole IPv6 /64 (and changes addresses in it), and often more
 * than one IPv4 address of a /24.  An IPv4-mapped IPv6 address counts
 * as the IPv4 one.  Anything else (no REMOTE_ADDR, a Unix socket) is
 * one network, "unknown".
 */
char *
mp_store_client_network(const char *addr)
{
	guchar a[sizeof(struct in6_addr)];
	/* ::ffff:0:0/96, before an IPv4-mapped address */
	static const guchar mapped[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	G_STATIC_ASSERT(MP_STORE_CLIENT_PREFIX_V6 % 8 == 0);
	G_STATIC_ASSERT(MP_STORE_CLIENT_PREFIX_V4 % 8 == 0);
	G_STATIC_ASSERT(sizeof mapped + sizeof(struct in_addr) == sizeof a);
	if (addr != NULL && inet_pton(AF_INET6, addr, a) == 1 &&
	    memcmp(a, mapped, sizeof mapped) != 0)
		return network_text(AF_INET6, a, sizeof a,
		    MP_STORE_CLIENT_PREFIX_V6);
	if (addr != NULL && (inet_pton(AF_INET, addr, a) == 1 ||
	    (inet_pton(AF_INET6, addr, a) == 1 &&
	    (memmove(a, a + sizeof mapped, sizeof(struct in_addr)), TRUE))))
		return network_text(AF_INET, a, sizeof(struct in_addr),
		    MP_STORE_CLIENT_PREFIX_V4);
	return g_strdup("unknown");
}

/* store_find_client - the network's record, or NULL */
MpStoreClient *
store_find_client(const MpStoreEntry *e, const char *network)
{
	guint i;

	for (i = 0; i < e->clients->len; i++) {
		MpStoreClient *c = e->clients->pdata[i];

		if (strcmp(c->network, network) == 0)
			return c;
	}
	return NULL;
}

/* mp_store_client - the network's record in the entry, or NULL */
const MpStoreClient *
mp_store_client(const MpStoreEntry *e, const char *network)
{
	return store_find_client(e, network);
}

/* mp_store_state_for - mp_store_state, and MP_STORE_LOCKED while the
 * network is locked out */
MpStoreState
mp_store_state_for(const MpStoreEntry *e, const char *network, gint64 now)
{
	MpStoreState st = mp_store_state(e, now);
	const MpStoreClient *c = store_find_client(e, network);

	if (st == MP_STORE_OK && c != NULL && c->locked_until > now)
		return MP_STORE_LOCKED;
	return st;
}

/* mp_store_locked_until - when the lock that keeps network out ends */
gint64
mp_store_locked_until(const MpStoreEntry *e, const char *network,
    gint64 now)
{
	const MpStoreClient *c = store_find_client(e, network);
	gint64 t = e->locked_until;

	if (c != NULL && c->locked_until > t)
		t = c->locked_until;
	return t > now ? t : 0;
}

/* mp_store_state_name - "active", "expired", ... for lists and logs */
const char *
mp_store_state_name(MpStoreState s)
{
	static const char *const name[] = {
		[MP_STORE_OK] = "active",
		[MP_STORE_UNKNOWN] = "unknown",
		[MP_STORE_REVOKED] = "revoked",
		[MP_STORE_EXPIRED] = "expired",
		[MP_STORE_USED_UP] = "used-up",
		[MP_STORE_LOCKED] = "locked",
		[MP_STORE_WRONG_PASSWORD] = "wrong-password",
	};

	return name[s];
}

