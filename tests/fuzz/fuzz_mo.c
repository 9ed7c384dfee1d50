/* fuzz_mo.c - the .mo reader (lib/po.h) never reads past its input, and
 * what it accepts is sorted and can be looked up. */
#include <stdint.h>
#include <string.h>

#include "lib/po.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct po_catalog cat;
	char err[256];

	arena_init(&a, (size_t)64 << 20);
	if (mo_parse("fuzz.mo", (const char *)data, size, &a, &cat, err, sizeof err) == 0) {
		for (size_t i = 0; i < cat.n; i++)
			if (po_lookup(&cat, cat.entries[i].id) != cat.entries[i].str)
				__builtin_trap();
	}
	arena_release(&a);
	return 0;
}
