/*
 * cprobe.h - one C function per timed perf operation, for instruction counts under valgrind's
 * callgrind (`--toggle-collect=cprobe_*`, scripts/instruction-counts.sh). Each calls `body(context)`
 * once; callgrind's inclusive count of the function is the operation's instructions plus the call
 * overhead that `cprobe_empty` measures. In C so that the Swift optimizer cannot merge or inline them.
 */
#ifndef CPROBE_H
#define CPROBE_H

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*cprobe_body)(void *context);

void cprobe_empty(cprobe_body body, void *context);
void cprobe_flush_range(cprobe_body body, void *context);
void cprobe_flush_all(cprobe_body body, void *context);
void cprobe_assign(cprobe_body body, void *context);
void cprobe_unassign(cprobe_body body, void *context);
void cprobe_first_attach(cprobe_body body, void *context);
void cprobe_first_detach(cprobe_body body, void *context);

#ifdef __cplusplus
}
#endif

#endif /* CPROBE_H */
