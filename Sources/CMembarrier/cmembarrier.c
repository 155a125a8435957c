/* cmembarrier.c - see include/cmembarrier.h. */
#include "cmembarrier.h"

#include <stdatomic.h>

#if defined(__linux__)
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

static atomic_int registered = -1; /* -1 unknown, 0 unavailable, 1 registered */

int cmb_register(void) {
    int state = atomic_load(&registered);
    if (state >= 0) return state;
    long commands = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
    int ok = commands > 0 && (commands & MEMBARRIER_CMD_PRIVATE_EXPEDITED)
        && (commands & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED)
        && syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
    atomic_store(&registered, ok ? 1 : 0);
    return ok ? 1 : 0;
}

int cmb_barrier(void) { return syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0 ? 0 : -1; }
#else
int cmb_register(void) { return 0; }
int cmb_barrier(void) { return -1; }
#endif

static atomic_int next_slot;
/* Initial-exec: the slot is read on every flush; the general-dynamic model (what -fPIC picks)
 * would call __tls_get_addr each time. */
static _Thread_local int own_slot __attribute__((tls_model("initial-exec"))) = -2; /* -2: not asked yet */

int cmb_thread_slot(int limit) {
    if (own_slot == -2) {
        int slot = atomic_fetch_add(&next_slot, 1);
        own_slot = slot < limit ? slot : -1;
    }
    return own_slot;
}
