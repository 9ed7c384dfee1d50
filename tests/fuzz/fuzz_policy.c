/* fuzz_policy.c - libFuzzer target for the policy loader (policy/load.h).
 *
 * The first byte chooses the kind of policy file (its value modulo 6:
 * calendar, wages, catalog, two-zones, zgc, urgent); the rest is the YAML
 * text.  Whatever the input, loading must not crash, leak or read out of
 * bounds, every error must come out as lines of text, and a document that
 * loads must also pass through the cross-file checks.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "policy/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const kinds[] = {
		"calendar", "wages", "catalog", "two-zones", "zgc", "urgent"};
	struct arena a;
	struct policy_bundle b;
	struct strbuf errors = STRBUF_INIT(1 << 20);
	int n;

	if (size < 1)
		return 0;
	memset(&b, 0, sizeof b);
	arena_init(&a, (size_t)64 << 20);
	n = policy_load_buffer(kinds[data[0] % 6], "fuzz.yaml", (const char *)data + 1,
			       size - 1, &a, &b, &errors);
	if (n == 0)
		n = policy_validate_bundle(&b, &errors);
	/* every reported error is a line */
	if (n > 0 && !errors.failed && (errors.len == 0 || errors.buf[errors.len - 1] != '\n'))
		__builtin_trap();
	strbuf_release(&errors);
	arena_release(&a);
	return 0;
}
