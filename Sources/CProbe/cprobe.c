/* cprobe.c - see include/cprobe.h. Never inlined: each must stay a function callgrind can name. */
#include "cprobe.h"

#define PROBE(name) __attribute__((noinline)) void name(cprobe_body body, void *context) { body(context); __asm__ volatile("" ::: "memory"); }

PROBE(cprobe_empty)
PROBE(cprobe_flush_range)
PROBE(cprobe_flush_all)
PROBE(cprobe_assign)
PROBE(cprobe_unassign)
PROBE(cprobe_first_attach)
PROBE(cprobe_first_detach)
