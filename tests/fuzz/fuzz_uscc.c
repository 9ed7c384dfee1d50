/* fuzz_uscc.c - the unified social credit code checker never crashes, and
 * a code it accepts keeps its check character. */
#include <stdint.h>
#include <string.h>

#include "core/uscc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[USCC_REASON_MAX];
	size_t bad;

	if (uscc_check((const char *)data, size, &bad) == USCC_OK &&
	    (size != USCC_LEN || uscc_check_char((const char *)data) != (char)data[17]))
		__builtin_trap();
	uscc_explain((const char *)data, size, why, sizeof why);
	if (!memchr(why, '\0', sizeof why))
		__builtin_trap();
	return 0;
}
