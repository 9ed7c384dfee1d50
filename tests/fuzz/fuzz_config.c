/* fuzz_config.c - the server configuration reader (key = value lines) and
 * the form decoder (application/x-www-form-urlencoded) never crash. */
#include <stdint.h>
#include <string.h>

#include "web/http.h"
#include "web/site.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct site_config c;
	struct kv *kv;
	char err[512];
	int n;

	arena_init(&a, (size_t)64 << 20);
	site_config_defaults(&c);
	site_config_parse(&c, &a, "fuzz.conf", (const char *)data, size, err, sizeof err);
	n = http_parse_urlencoded(&a, (const char *)data, size, &kv, 256);
	for (int i = 0; i < n; i++)
		if (!kv[i].key || !kv[i].value)
			__builtin_trap();
	arena_release(&a);
	return 0;
}
