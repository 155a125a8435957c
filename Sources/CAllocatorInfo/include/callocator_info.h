/*
 * callocator_info.h - what the C allocator says about a block, for honest memory figures
 * (cachetag-bench's bytes per tag count allocator chunk sizes, not requested sizes).
 * glibc declares malloc_usable_size in <malloc.h>, which Swift's Glibc module does not import.
 */
#ifndef CALLOCATOR_INFO_H
#define CALLOCATOR_INFO_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Usable bytes of a block returned by the process allocator (malloc, Swift's allocator): at least
/// what was requested, rounded up to the allocator's size class. 0 for NULL.
size_t cai_usable_size(const void *pointer);

#ifdef __cplusplus
}
#endif

#endif /* CALLOCATOR_INFO_H */
