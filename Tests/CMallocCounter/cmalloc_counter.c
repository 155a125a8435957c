/* cmalloc_counter.c - see include/cmalloc_counter.h. */
#include "cmalloc_counter.h"

#include <stddef.h>

#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
/* A sanitizer's runtime owns malloc: no counting under it. */
#define CMC_SANITIZED 1
#endif
#endif

#if defined(__GLIBC__) && !defined(CMC_SANITIZED)
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);

/* Initial-exec TLS: the general-dynamic model (what -fPIC picks) calls __tls_get_addr, which can
 * itself allocate — inside malloc. */
static __thread uint64_t allocations __attribute__((tls_model("initial-exec")));

void *malloc(size_t size) {
    allocations++;
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    allocations++;
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    allocations++;
    return __libc_realloc(pointer, size);
}

uint64_t cmc_thread_allocations(void) { return allocations; }
int cmc_available(void) { return 1; }
#else
uint64_t cmc_thread_allocations(void) { return 0; }
int cmc_available(void) { return 0; }
#endif
