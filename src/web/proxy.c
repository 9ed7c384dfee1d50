/* proxy.c - see proxy.h. */
#include "proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* An address as a value: family and 4 or 16 bytes. */
struct addr {
	int family;
	unsigned char b[16];
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* addr_parse: s[0..len) (blanks around it allowed) as an IPv4 or IPv6
 * address; an IPv4-mapped IPv6 address becomes IPv4. */
static bool addr_parse(const char *s, size_t len, struct addr *out)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	char buf[PROXY_ADDR_MAX];

	while (len && is_blank(*s)) {
		s++;
		len--;
	}
	while (len && is_blank(s[len - 1]))
		len--;
	if (len == 0 || len >= sizeof buf || memchr(s, '\0', len))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, buf, out->b) == 1) {
		out->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, buf, out->b) != 1)
		return false;
	out->family = AF_INET6;
	if (memcmp(out->b, mapped, sizeof mapped) == 0) {
		memmove(out->b, out->b + 12, 4);
		memset(out->b + 4, 0, 12);
		out->family = AF_INET;
	}
	return true;
}

static bool addr_format(const struct addr *a, char *out, size_t outn)
{
	return outn > 0 && inet_ntop(a->family, a->b, out, (socklen_t)outn) != NULL;
}

static bool addr_trusted(const struct addr *a, const char *const *trusted, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct addr t;

		if (trusted[i] && addr_parse(trusted[i], strlen(trusted[i]), &t) &&
		    t.family == a->family && memcmp(t.b, a->b, sizeof t.b) == 0)
			return true;
	}
	return false;
}

int proxy_parse_list(const char *s, struct arena *a, const char *const **out, size_t *n,
		char *err, size_t errn)
{
	const char **list;
	size_t count = 0;
	const char *p = s ? s : "";

	*out = NULL;
	*n = 0;
	while (is_blank(*p))
		p++;
	if (!*p)
		return 0;
	list = arena_array(a, PROXY_TRUSTED_MAX, sizeof *list);
	if (!list) {
		snprintf(err, errn, "out of memory");
		return -1;
	}
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		struct addr ad;
		char text[PROXY_ADDR_MAX];

		if (!addr_parse(p, len, &ad) || ad.family != AF_INET) {
			while (len && is_blank(*p)) {
				p++;
				len--;
			}
			while (len && is_blank(p[len - 1]))
				len--;
			snprintf(err, errn, "\"%.*s\" is not an IPv4 address (expected a "
				 "comma-separated list such as 127.0.0.1, 10.0.0.5)",
				 (int)(len > 64 ? 64 : len), p);
			return -1;
		}
		if (count == PROXY_TRUSTED_MAX) {
			snprintf(err, errn, "more than %d addresses", PROXY_TRUSTED_MAX);
			return -1;
		}
		if (!addr_format(&ad, text, sizeof text) || !(list[count] = arena_strdup(a, text))) {
			snprintf(err, errn, "out of memory");
			return -1;
		}
		count++;
		if (!comma)
			break;
		p = comma + 1;
	}
	*out = list;
	*n = count;
	return 0;
}

bool proxy_is_trusted(const char *addr, const char *const *trusted, size_t n)
{
	struct addr a;

	return addr && n && addr_parse(addr, strlen(addr), &a) && addr_trusted(&a, trusted, n);
}

static void copy_out(const char *s, char *out, size_t outn)
{
	if (outn)
		snprintf(out, outn, "%s", s ? s : "unknown");
}

bool proxy_client_address(const char *peer, const char *xff, const char *const *trusted,
		size_t n, char *out, size_t outn)
{
	const char *end;
	struct addr a;

	copy_out(peer, out, outn);
	if (!xff || !proxy_is_trusted(peer, trusted, n))
		return false;
	end = xff + strlen(xff);
	while (end > xff && is_blank(end[-1]))
		end--;
	if (end == xff)
		return false; /* an empty header says nothing */
	/* From the right: each entry was appended by the hop before it. */
	for (;;) {
		const char *start = end;

		while (start > xff && start[-1] != ',')
			start--;
		if (!addr_parse(start, (size_t)(end - start), &a))
			return false; /* garbage: believe none of it */
		if (!addr_trusted(&a, trusted, n) || start == xff)
			break; /* the client; or the leftmost entry, a proxy itself */
		end = start - 1;
	}
	if (!addr_format(&a, out, outn)) {
		copy_out(peer, out, outn);
		return false;
	}
	return true;
}

bool proxy_forwarded_https(const char *peer, const char *proto, const char *const *trusted,
		size_t n)
{
	const char *last, *end;

	if (!proto || !proxy_is_trusted(peer, trusted, n))
		return false;
	last = strrchr(proto, ',');
	last = last ? last + 1 : proto;
	while (is_blank(*last))
		last++;
	end = last + strlen(last);
	while (end > last && is_blank(end[-1]))
		end--;
	return end - last == 5 && strncasecmp(last, "https", 5) == 0;
}
