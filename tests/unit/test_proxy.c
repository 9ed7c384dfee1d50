/* test_proxy.c - the client address behind a trusted reverse proxy
 * (web/proxy.h) and the `trusted_proxies` configuration key (web/site.h).
 *
 * What a user would notice if these failed: behind nginx every visitor
 * shares one login throttle (the proxy's address), or anyone can pick the
 * address the throttle counts against by sending X-Forwarded-For.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "web/proxy.h"
#include "web/site.h"

static const char *const one[] = {"127.0.0.1"};
static const char *const two[] = {"10.0.0.5", "127.0.0.1"};

/* client: the address proxy_client_address finds; *from_header whether it
 * came from the header. */
static const char *client(const char *peer, const char *xff, const char *const *t, size_t n,
		bool *from_header)
{
	static char out[PROXY_ADDR_MAX];
	bool h;

	memset(out, 'x', sizeof out);
	h = proxy_client_address(peer, xff, t, n, out, sizeof out);
	if (from_header)
		*from_header = h;
	return out;
}

static void test_untrusted_peer_header_ignored(void **state)
{
	bool h = true;

	(void)state;
	/* A client talking to the server directly chooses nothing. */
	assert_string_equal(client("192.0.2.7", "203.0.113.9", one, 1, &h), "192.0.2.7");
	assert_false(h);
	assert_string_equal(client("192.0.2.7", "203.0.113.9, 127.0.0.1", one, 1, &h), "192.0.2.7");
	assert_false(h);
	/* No trusted proxies configured (the default): nobody is believed. */
	assert_string_equal(client("127.0.0.1", "203.0.113.9", NULL, 0, &h), "127.0.0.1");
	assert_false(h);
}

static void test_trusted_peer_single_hop(void **state)
{
	bool h = false;

	(void)state;
	assert_string_equal(client("127.0.0.1", "203.0.113.9", one, 1, &h), "203.0.113.9");
	assert_true(h);
	/* Blanks around entries, as proxies write them. */
	assert_string_equal(client("127.0.0.1", "  203.0.113.9\t ", one, 1, &h), "203.0.113.9");
	assert_true(h);
}

static void test_rightmost_untrusted_entry(void **state)
{
	(void)state;
	/* nginx's $proxy_add_x_forwarded_for appends the address it saw to
	 * what the client sent: the client's own entries are to the left and
	 * never read. */
	assert_string_equal(client("127.0.0.1", "6.6.6.6, 198.51.100.4", one, 1, NULL),
			    "198.51.100.4");
	assert_string_equal(client("127.0.0.1", "not-an-address, 198.51.100.4", one, 1, NULL),
			    "198.51.100.4");
	/* Hops that are trusted proxies are skipped. */
	assert_string_equal(client("127.0.0.1", "6.6.6.6, 198.51.100.4, 10.0.0.5", two, 2, NULL),
			    "198.51.100.4");
	assert_string_equal(client("10.0.0.5", "198.51.100.4,127.0.0.1,10.0.0.5", two, 2, NULL),
			    "198.51.100.4");
	/* An untrusted hop between trusted ones: it is the client. */
	assert_string_equal(client("127.0.0.1", "198.51.100.4, 192.0.2.1, 10.0.0.5", two, 2, NULL),
			    "192.0.2.1");
}

static void test_every_entry_trusted(void **state)
{
	bool h = false;

	(void)state;
	/* A request the proxy host made itself: the leftmost entry. */
	assert_string_equal(client("127.0.0.1", "10.0.0.5, 127.0.0.1", two, 2, &h), "10.0.0.5");
	assert_true(h);
	assert_string_equal(client("127.0.0.1", "127.0.0.1", one, 1, &h), "127.0.0.1");
	assert_true(h);
}

static void test_invalid_entries_ignore_header(void **state)
{
	static const char *const bad[] = {
		"", " ", ",", "203.0.113.9,", "203.0.113.9, ", ",203.0.113.9, ", "unknown",
		"203.0.113.9:4711", "203.0.113.999", "203.0.113", "1.2.3.4.5", "0x7f.0.0.1",
		"[2001:db8::1]", "2001:db8::1%eth0", "203.0.113.9 198.51.100.4",
		"203.0.113.9;198.51.100.4", "203.0.113.9, , 127.0.0.1", "for=203.0.113.9",
		"203.0.113.9, 127.0.0.1, garbage", "1111111111111111111111111111111111111111111111111",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		bool h = true;
		const char *got = client("127.0.0.1", bad[i], one, 1, &h);

		if (strcmp(got, "127.0.0.1") != 0 || h)
			fail_msg("X-Forwarded-For \"%s\" gave \"%s\" (from the header: %d), "
				 "expected the peer", bad[i], got, h);
	}
	/* No header at all. */
	assert_string_equal(client("127.0.0.1", NULL, one, 1, NULL), "127.0.0.1");
}

static void test_ipv6_and_canonical_form(void **state)
{
	(void)state;
	assert_string_equal(client("127.0.0.1", "2001:DB8:0:0::1", one, 1, NULL), "2001:db8::1");
	/* An IPv4-mapped IPv6 address is its IPv4 address, for trust too. */
	assert_string_equal(client("127.0.0.1", "::ffff:198.51.100.4", one, 1, NULL),
			    "198.51.100.4");
	assert_string_equal(client("127.0.0.1", "198.51.100.4, ::ffff:127.0.0.1", one, 1, NULL),
			    "198.51.100.4");
	assert_true(proxy_is_trusted("::ffff:127.0.0.1", one, 1));
	assert_false(proxy_is_trusted("::1", one, 1));
	assert_false(proxy_is_trusted("unknown", one, 1));
	assert_false(proxy_is_trusted(NULL, one, 1));
}

static void test_small_output_buffer(void **state)
{
	char out[8];

	(void)state;
	/* Never written past its end; the peer (cut) rather than a cut address. */
	assert_false(proxy_client_address("127.0.0.1", "2001:db8::abcd:1", one, 1, out, sizeof out));
	assert_int_equal(strlen(out), sizeof out - 1);
}

static void test_forwarded_https(void **state)
{
	(void)state;
	assert_true(proxy_forwarded_https("127.0.0.1", "https", one, 1));
	assert_true(proxy_forwarded_https("127.0.0.1", "HTTPS", one, 1));
	assert_true(proxy_forwarded_https("127.0.0.1", "http, https ", one, 1));
	assert_false(proxy_forwarded_https("127.0.0.1", "http", one, 1));
	assert_false(proxy_forwarded_https("127.0.0.1", "https, http", one, 1));
	assert_false(proxy_forwarded_https("127.0.0.1", "httpsx", one, 1));
	assert_false(proxy_forwarded_https("127.0.0.1", "", one, 1));
	assert_false(proxy_forwarded_https("127.0.0.1", NULL, one, 1));
	/* Only a trusted proxy is believed. */
	assert_false(proxy_forwarded_https("192.0.2.7", "https", one, 1));
	assert_false(proxy_forwarded_https("127.0.0.1", "https", NULL, 0));
}

static void test_parse_list(void **state)
{
	struct arena a;
	const char *const *t;
	size_t n = 99;
	char err[256] = "";

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(proxy_parse_list("", &a, &t, &n, err, sizeof err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(proxy_parse_list("  ", &a, &t, &n, err, sizeof err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(proxy_parse_list("127.0.0.1", &a, &t, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(t[0], "127.0.0.1");
	assert_int_equal(proxy_parse_list(" 10.0.0.5 ,127.0.0.1,\t192.168.1.2", &a, &t, &n, err,
					  sizeof err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(t[0], "10.0.0.5");
	assert_string_equal(t[2], "192.168.1.2");

	assert_int_equal(proxy_parse_list("127.0.0.1, localhost", &a, &t, &n, err, sizeof err), -1);
	assert_non_null(strstr(err, "\"localhost\" is not an IPv4 address"));
	assert_int_equal(proxy_parse_list("::1", &a, &t, &n, err, sizeof err), -1);
	assert_int_equal(proxy_parse_list("127.0.0.1,", &a, &t, &n, err, sizeof err), -1);
	assert_int_equal(proxy_parse_list("10.0.0.0/8", &a, &t, &n, err, sizeof err), -1);
	{
		char many[40 * 16] = "";
		size_t len = 0;

		for (int i = 0; i <= PROXY_TRUSTED_MAX; i++)
			len += (size_t)snprintf(many + len, sizeof many - len, "%s10.0.0.%d",
						i ? "," : "", i + 1);
		assert_int_equal(proxy_parse_list(many, &a, &t, &n, err, sizeof err), -1);
		assert_non_null(strstr(err, "more than"));
	}
	arena_release(&a);
}

static void test_config_key(void **state)
{
	struct site_config c;
	struct arena a;
	char err[512] = "";
	const char *good = "threads = 2\ntrusted_proxies = 127.0.0.1, 10.0.0.5\n";
	const char *bad = "threads = 2\ntrusted_proxies = 127.0.0.1 10.0.0.5\n";

	(void)state;
	arena_init(&a, 0);
	site_config_defaults(&c);
	assert_string_equal(c.trusted_proxies, "");
	assert_int_equal(c.ntrusted, 0);
	assert_int_equal(site_config_parse(&c, &a, "t.conf", good, strlen(good), err, sizeof err), 0);
	assert_int_equal(c.ntrusted, 2);
	assert_true(proxy_is_trusted("10.0.0.5", c.trusted, c.ntrusted));
	assert_string_equal(c.trusted_proxies, "127.0.0.1, 10.0.0.5");

	site_config_defaults(&c);
	assert_int_equal(site_config_parse(&c, &a, "t.conf", bad, strlen(bad), err, sizeof err), -1);
	assert_non_null(strstr(err, "t.conf:2: trusted_proxies:"));
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_untrusted_peer_header_ignored),
		cmocka_unit_test(test_trusted_peer_single_hop),
		cmocka_unit_test(test_rightmost_untrusted_entry),
		cmocka_unit_test(test_every_entry_trusted),
		cmocka_unit_test(test_invalid_entries_ignore_header),
		cmocka_unit_test(test_ipv6_and_canonical_form),
		cmocka_unit_test(test_small_output_buffer),
		cmocka_unit_test(test_forwarded_https),
		cmocka_unit_test(test_parse_list),
		cmocka_unit_test(test_config_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
