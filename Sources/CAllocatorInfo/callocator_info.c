/* callocator_info.c - see include/callocator_info.h. */
#include "callocator_info.h"

#if defined(__APPLE__)
#include <malloc/malloc.h>
size_t cai_usable_size(const void *pointer) { return pointer ? malloc_size(pointer) : 0; }
#else
#include <malloc.h>
size_t cai_usable_size(const void *pointer) { return pointer ? malloc_usable_size((void *)pointer) : 0; }
#endif
