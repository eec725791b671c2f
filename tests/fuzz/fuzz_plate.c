/* libFuzzer entry: clang -fsanitize=fuzzer (see tests/fuzz/run.sh). */
#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_plate(data, size);
	return 0;
}
