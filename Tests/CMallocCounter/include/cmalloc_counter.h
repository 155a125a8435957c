/*
 * cmalloc_counter.h - counts this thread's malloc/calloc/realloc calls, for the tests that hold
 * every flush path to zero allocations. The test binary defines malloc, calloc and realloc
 * (forwarding to glibc's __libc_* functions), so every allocation of the process passes here.
 */
#ifndef CMALLOC_COUNTER_H
#define CMALLOC_COUNTER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Allocations this thread made so far (0 where the counter is not available: not glibc).
uint64_t cmc_thread_allocations(void);
/// Whether allocations are counted (glibc, and no sanitizer owning malloc).
int cmc_available(void);

#ifdef __cplusplus
}
#endif

#endif /* CMALLOC_COUNTER_H */
