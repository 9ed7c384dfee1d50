/* proxy.h - who the client is when yingcai runs behind a reverse proxy.
 *
 * Behind nginx every connection comes from the proxy's address, so the
 * login throttle (keyed by client address) and the access log would see one
 * client.  A proxy the configuration trusts (`trusted_proxies`) says who it
 * serves in X-Forwarded-For ("client, proxy1, proxy2": each hop appends the
 * address it received the request from) and how in X-Forwarded-Proto.
 *
 * The rule: only a peer that is a trusted proxy is believed.  Its
 * X-Forwarded-For is read from the right (the entries nearest to us were
 * written by proxies we trust), skipping entries that are themselves
 * trusted proxies; the first other entry is the client.  Anything to the
 * left of it was written by the client and is never read.  An entry that is
 * not an IP address (inet_pton) makes the whole header worthless: the peer's
 * own address is used.  Everything here is pure (no I/O, no globals), so the
 * unit tests cover it fully.
 *
 * Trusted proxies are IPv4 addresses (yingcai listens on IPv4); client
 * entries may be IPv4 or IPv6.  Addresses are compared as binary values and
 * written out in inet_ntop's canonical form (an IPv4-mapped IPv6 address is
 * treated as its IPv4 address).
 */
#ifndef YC_PROXY_H
#define YC_PROXY_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/arena.h"

#define PROXY_TRUSTED_MAX 32 /* addresses in trusted_proxies at most */
#define PROXY_ADDR_MAX 46    /* INET6_ADDRSTRLEN: an address as text, with NUL */

/* proxy_parse_list: "10.0.0.1, 10.0.0.2" (commas, optional blanks) into an
 * arena array of canonical IPv4 strings in *out, their count in *n.  An
 * empty or blank string is an empty list.  On an entry that is not an IPv4
 * address, or more than PROXY_TRUSTED_MAX entries, returns -1 and writes
 * the reason into err (size errn); 0 otherwise.  Out of memory is -1 too. */
int proxy_parse_list(const char *s, struct arena *a, const char *const **out, size_t *n,
		char *err, size_t errn);

/* proxy_is_trusted: addr (an address as text) is one of trusted[0..n). */
bool proxy_is_trusted(const char *addr, const char *const *trusted, size_t n);

/* proxy_client_address: the client's address into out (size outn, at least
 * PROXY_ADDR_MAX).  peer is the address the connection came from; xff the
 * X-Forwarded-For value (all such headers joined with ","), or NULL.
 * Returns true when the address was taken from xff; false when out is the
 * peer (an untrusted peer, no or empty header, or an invalid entry). */
bool proxy_client_address(const char *peer, const char *xff, const char *const *trusted,
		size_t n, char *out, size_t outn);

/* proxy_forwarded_https: a trusted peer says the client's connection is
 * HTTPS: the last comma-separated element of proto (X-Forwarded-Proto) is
 * "https" (any case).  False for an untrusted peer or a NULL proto. */
bool proxy_forwarded_https(const char *peer, const char *proto, const char *const *trusted,
		size_t n);

#endif
