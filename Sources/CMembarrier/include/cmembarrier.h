/*
 * cmembarrier.h - asymmetric fences for the concurrent table's readers (Linux membarrier(2),
 * MEMBARRIER_CMD_PRIVATE_EXPEDITED): a writer's one system call orders memory on every running
 * thread of the process, so readers publish their hazard slot with a plain store and no fence, as
 * userspace RCU's "memb" flavour does. Also a per-thread slot index in C thread-local storage.
 */
#ifndef CMEMBARRIER_H
#define CMEMBARRIER_H

#ifdef __cplusplus
extern "C" {
#endif

/// Registers the process for private expedited membarrier; 1 when `cmb_barrier` can be used
/// (Linux 4.14+, not every sandbox or valgrind), else 0. Idempotent and thread-safe.
int cmb_register(void);

/// A full memory barrier on every running thread of the process (after `cmb_register` said 1).
/// Returns 0, or -1 when the call failed (the caller must then fall back to fences).
int cmb_barrier(void);

/// This thread's own slot index among `limit` (given out once per thread, in order), or -1 when
/// `limit` threads have taken one already.
int cmb_thread_slot(int limit);

/// A compiler-only barrier (no instruction): keeps a reader's slot store before its re-read of the
/// published pointer in the emitted code; the CPU's ordering comes from the writer's `cmb_barrier`.
static inline void cmb_compiler_barrier(void) { __asm__ __volatile__("" ::: "memory"); }

#ifdef __cplusplus
}
#endif

#endif /* CMEMBARRIER_H */
