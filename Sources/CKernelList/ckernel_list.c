/*
 * ckernel_list.c - the VT-d cache-tag list algorithm (see include/ckernel_list.h).
 *
 * Written for cachetag-bench from the behaviour summarised in docs/vtd-facts.md §1; no kernel text.
 * The shape of the costs is the kernel's: one heap node per tag, a linear walk per
 * assign/unassign, a linear walk per flush emitting descriptors into a 16-entry per-domain batch
 * that is handed to the submitter per IOMMU run.
 */
#include "ckernel_list.h"
#include "ckl_emit.h"

#include <stdbool.h>
#include <stdlib.h>

/* Intrusive doubly linked list link; the domain holds the sentinel. */
struct ckl_link {
    struct ckl_link *next;
    struct ckl_link *prev;
};

/* One cache tag (Linux `struct cache_tag`), with the device and IOMMU facts the kernel would reach
 * through tag->dev and tag->iommu copied in. 48 bytes on LP64. */
struct ckl_node {
    struct ckl_link link;   /* first member: a link pointer converts to its node */
    uint32_t iommu;
    uint32_t device;
    uint32_t pasid;
    uint32_t users;
    uint16_t did;
    uint16_t sid;
    uint16_t pfsid;
    uint8_t type;
    uint8_t queue_depth;
    uint8_t extra_invalidation;
    uint8_t psi;
    uint8_t mamv;
    uint8_t caching_mode;
    uint8_t drain;          /* bit 0: DR, bit 1: DW (the unit's CAP.DRD / CAP.DWD) */
};

struct ckl_domain {
    struct ckl_link tags;            /* Linux `cache_tags` */
    size_t count;
    unsigned flags;
    ckl_alloc_fn alloc;
    ckl_dealloc_fn dealloc;
    ckl_descriptor batch[CKL_BATCH_SIZE]; /* Linux `qi_batch`: filled and submitted by the flush walk */
};

static inline struct ckl_node *node_of(struct ckl_link *link) { return (struct ckl_node *)link; }
static inline const struct ckl_node *const_node_of(const struct ckl_link *link) {
    return (const struct ckl_node *)link;
}

static inline bool is_iotlb_type(uint8_t type) { return type == CKL_IOTLB || type == CKL_NESTING_IOTLB; }

/* -------------------------------------------------------------------------------------------- */
/* Domain lifetime                                                                              */

ckl_domain *ckl_domain_create(unsigned flags, ckl_alloc_fn alloc, ckl_dealloc_fn dealloc) {
    if ((alloc == NULL) != (dealloc == NULL)) return NULL;
    if (alloc == NULL) {
        alloc = malloc;
        dealloc = free;
    }
    if (flags & ~(CKL_DOMAIN_FIRST_STAGE | CKL_DOMAIN_NO_WIDENING | CKL_DOMAIN_WHOLE_SPACE_PSI
                  | CKL_DOMAIN_FLUSH_ALL_PLAIN_DEVTLB | CKL_DOMAIN_UNBATCHED))
        return NULL;
    ckl_domain *domain = alloc(sizeof *domain);
    if (domain == NULL) return NULL;
    domain->tags.next = &domain->tags;
    domain->tags.prev = &domain->tags;
    domain->count = 0;
    domain->flags = flags;
    domain->alloc = alloc;
    domain->dealloc = dealloc;
    return domain;
}

void ckl_domain_destroy(ckl_domain *domain) {
    if (domain == NULL) return;
    struct ckl_link *link = domain->tags.next;
    while (link != &domain->tags) {
        struct ckl_link *next = link->next;
        domain->dealloc(node_of(link));
        link = next;
    }
    domain->dealloc(domain);
}

int ckl_domain_is_first_stage(const ckl_domain *domain) {
    return (domain->flags & CKL_DOMAIN_FIRST_STAGE) != 0;
}

size_t ckl_tag_count(const ckl_domain *domain) { return domain->count; }

/* -------------------------------------------------------------------------------------------- */
/* Assign / unassign                                                                            */

/* Whether an existing tag stands for the association described by `spec` (same type, DID and
 * PASID; same IOMMU for IOTLB types, same device for device-TLB types). */
static inline bool tag_matches(const struct ckl_node *tag, const ckl_tag_spec *spec) {
    if (tag->type != spec->type) return false;
    if (tag->did != spec->did || tag->pasid != spec->pasid) return false;
    if (is_iotlb_type(spec->type)) return tag->iommu == spec->iommu;
    return tag->device == spec->device;
}

int ckl_assign(ckl_domain *domain, const ckl_tag_spec *spec) {
    if (spec->type > CKL_NESTING_DEVTLB) return CKL_ERR_INVAL;

    /* The node is allocated and filled before the walk, as the kernel does (it cannot allocate
     * under the spinlock), and freed again when the walk finds a match. */
    struct ckl_node *node = domain->alloc(sizeof *node);
    if (node == NULL) return CKL_ERR_NOMEM;
    node->iommu = spec->iommu;
    node->device = spec->device;
    node->pasid = spec->pasid;
    node->users = 1;
    node->did = spec->did;
    node->sid = spec->sid;
    node->pfsid = spec->pfsid;
    node->type = spec->type;
    node->queue_depth = spec->queue_depth;
    node->extra_invalidation = spec->extra_invalidation;
    node->psi = spec->psi;
    node->mamv = spec->mamv;
    node->caching_mode = spec->caching_mode;
    node->drain = (uint8_t)((spec->read_drain ? 1u : 0u) | (spec->write_drain ? 2u : 0u));

    struct ckl_link *const head = &domain->tags;
    struct ckl_link *after = NULL;   /* last tag of the same IOMMU seen so far */
    for (struct ckl_link *link = head->next; link != head; link = link->next) {
        struct ckl_node *tag = node_of(link);
        if (tag_matches(tag, spec)) {
            tag->users++;
            domain->dealloc(node);
            return CKL_OK;
        }
        if (tag->iommu == spec->iommu) after = link;
    }
    if (after == NULL) after = head; /* the kernel's cursor starts at the list head */

    node->link.prev = after;
    node->link.next = after->next;
    after->next->prev = &node->link;
    after->next = &node->link;
    domain->count++;
    return CKL_OK;
}

int ckl_unassign(ckl_domain *domain, const ckl_tag_spec *spec) {
    struct ckl_link *const head = &domain->tags;
    for (struct ckl_link *link = head->next; link != head; link = link->next) {
        struct ckl_node *tag = node_of(link);
        if (!tag_matches(tag, spec)) continue;
        if (--tag->users == 0) {
            link->prev->next = link->next;
            link->next->prev = link->prev;
            domain->count--;
            domain->dealloc(tag);
        }
        return CKL_OK;
    }
    return CKL_ERR_NOENT;
}

size_t ckl_footprint(const ckl_domain *domain, size_t (*usable_size)(const void *)) {
    size_t bytes = usable_size(domain);
    for (const struct ckl_link *link = domain->tags.next; link != &domain->tags; link = link->next)
        bytes += usable_size(link);
    return bytes;
}

void ckl_visit_tags(const ckl_domain *domain, ckl_visit_fn visit, void *context) {
    const struct ckl_link *const head = &domain->tags;
    for (const struct ckl_link *link = head->next; link != head; link = link->next) {
        const struct ckl_node *tag = const_node_of(link);
        const ckl_tag_spec spec = {
            .type = tag->type,
            .iommu = tag->iommu,
            .device = tag->device,
            .did = tag->did,
            .pasid = tag->pasid,
            .sid = tag->sid,
            .pfsid = tag->pfsid,
            .queue_depth = tag->queue_depth,
            .extra_invalidation = tag->extra_invalidation,
            .psi = tag->psi,
            .mamv = tag->mamv,
            .caching_mode = tag->caching_mode,
            .read_drain = (uint8_t)(tag->drain & 1u),
            .write_drain = (uint8_t)((tag->drain >> 1) & 1u),
        };
        visit(context, &spec, tag->users);
    }
}

/* -------------------------------------------------------------------------------------------- */
/* Address/mask computation and descriptor encodings                                            */

void ckl_aligned_range(uint64_t start, uint64_t end, uint64_t *address, unsigned *mask_out) {
    const uint64_t first = start >> CKL_PAGE_SHIFT;
    const uint64_t last = end >> CKL_PAGE_SHIFT;
    const uint64_t pages = last - first + 1;   /* at most 2^52: no overflow */
    unsigned mask = pages <= 1 ? 0 : 64u - (unsigned)__builtin_clzll(pages - 1);
    if (mask >= CKL_WHOLE_SPACE_MASK) {
        *address = 0;
        *mask_out = CKL_WHOLE_SPACE_MASK;
        return;
    }
    const uint64_t block = (UINT64_C(1) << mask) - 1;
    if (first & block) {
        /* Straddles a 2^mask boundary: above the block the two frames differ only by a carry, so
         * the lowest bit they share is where one aligned block covering both begins. Frames have
         * at most 52 bits, so bit 52 is always shared and the result is at most 52. */
        const uint64_t shared = ~(first ^ last) & ~block;
        mask = shared ? (unsigned)__builtin_ctzll(shared) : CKL_WHOLE_SPACE_MASK;
        if (mask > CKL_WHOLE_SPACE_MASK) mask = CKL_WHOLE_SPACE_MASK;
    }
    *mask_out = mask;
    *address = mask >= CKL_WHOLE_SPACE_MASK ? 0 : start & ~((UINT64_C(1) << (mask + CKL_PAGE_SHIFT)) - 1);
}

/* A tag's encodings (ckl_emit.h), with the facts its node keeps. */
static inline uint64_t iotlb_qw0(unsigned granularity, const struct ckl_node *tag) {
    return ckl_iotlb_qw0(granularity, tag->did, (tag->drain & 1u) != 0, (tag->drain & 2u) != 0);
}

static inline uint64_t device_tlb_qw0(const struct ckl_node *tag) {
    return ckl_device_tlb_qw0(tag->sid, tag->pfsid, tag->queue_depth);
}

static inline uint64_t pasid_device_tlb_qw0(const struct ckl_node *tag) {
    return ckl_pasid_device_tlb_qw0(tag->sid, tag->pfsid, tag->queue_depth, tag->pasid);
}

/* -------------------------------------------------------------------------------------------- */
/* The batch                                                                                    */

/* A device-TLB tag's invalidation over a block given by its two size encodings (type 3 uses the
 * S bit at 0, type 8 at 11); twice for devices with the extra-invalidation quirk. */
static inline void emit_device_tlb(struct ckl_emitter *e, const struct ckl_node *tag, uint64_t plain_qw1,
                                   uint64_t pasid_qw1, bool force_plain) {
    uint64_t qw0, qw1;
    if (tag->pasid == 0 || force_plain) {
        qw0 = device_tlb_qw0(tag);
        qw1 = plain_qw1;
    } else {
        qw0 = pasid_device_tlb_qw0(tag);
        qw1 = pasid_qw1;
    }
    ckl_emit(e, qw0, qw1);
    if (tag->extra_invalidation) ckl_emit(e, qw0, qw1);
}

/* A second-stage IOTLB tag's range invalidation: page-selective, or domain-selective when the unit
 * cannot express the block. */
static inline void emit_second_stage_iotlb(struct ckl_emitter *e, const struct ckl_node *tag,
                                           unsigned mask, uint64_t page_qw1) {
    if (!tag->psi || mask > tag->mamv)
        ckl_emit(e, iotlb_qw0(CKL_GRAN_DOMAIN, tag), 0);
    else
        ckl_emit(e, iotlb_qw0(CKL_GRAN_PAGE, tag), page_qw1);
}

static inline struct ckl_emitter emitter_begin(ckl_domain *domain, ckl_submit_fn submit, void *context) {
    struct ckl_emitter e = {
        .batch = domain->batch, .index = 0, .total = 0, .iommu = 0, .submit = submit, .context = context,
        .unbatched = (domain->flags & CKL_DOMAIN_UNBATCHED) != 0,
    };
    /* Start on the first tag's IOMMU so the first `emitter_enter` does not close an empty batch. */
    if (domain->tags.next != &domain->tags) e.iommu = const_node_of(domain->tags.next)->iommu;
    return e;
}

/* -------------------------------------------------------------------------------------------- */
/* Flushes                                                                                      */


size_t ckl_flush_range(ckl_domain *domain, uint64_t start, uint64_t end, int invalidation_hint,
                       ckl_submit_fn submit, void *context) {
    if (end < start) return 0;
    uint64_t address;
    unsigned mask;
    ckl_aligned_range(start, end, &address, &mask);

    const bool first_stage = (domain->flags & CKL_DOMAIN_FIRST_STAGE) != 0;
    const bool widens = (domain->flags & CKL_DOMAIN_NO_WIDENING) == 0;
    const bool whole_space_psi = (domain->flags & CKL_DOMAIN_WHOLE_SPACE_PSI) != 0;
    uint64_t page_qw1 = ckl_address_word(address, mask, invalidation_hint);
    uint64_t device_qw1 = ckl_size_encoded(address, mask, 0);
    uint64_t pasid_device_qw1 = ckl_size_encoded(address, mask, 11);

    struct ckl_emitter e = emitter_begin(domain, submit, context);
    const struct ckl_link *const head = &domain->tags;
    for (const struct ckl_link *link = head->next; link != head; link = link->next) {
        const struct ckl_node *tag = const_node_of(link);
        ckl_emitter_enter(&e, tag->iommu);
        switch (tag->type) {
        case CKL_IOTLB:
        case CKL_NESTING_IOTLB:
            if (first_stage && mask >= CKL_WHOLE_SPACE_MASK && !whole_space_psi) /* newest: whole space is PASID-selective */
                ckl_emit(&e, ckl_pasid_iotlb_qw0(CKL_GRAN_DOMAIN, tag->did, tag->pasid), 0);
            else if (first_stage)
                ckl_emit(&e, ckl_pasid_iotlb_qw0(CKL_GRAN_PAGE, tag->did, tag->pasid), page_qw1);
            else
                emit_second_stage_iotlb(&e, tag, mask, page_qw1);
            break;
        case CKL_DEVTLB:
            emit_device_tlb(&e, tag, device_qw1, pasid_device_qw1, false);
            break;
        case CKL_NESTING_DEVTLB:
            /* Nested translations cached by the device cannot be bounded by a second-stage range:
             * the whole device TLB. The kernel widens its walk-wide block here, so every later tag
             * of this walk is flushed over the whole space too. */
            if (widens) {
                address = 0;
                mask = CKL_WHOLE_SPACE_MASK;
                page_qw1 = ckl_address_word(0, CKL_WHOLE_SPACE_MASK, invalidation_hint);
                device_qw1 = ckl_size_encoded(0, CKL_WHOLE_SPACE_MASK, 0);
                pasid_device_qw1 = ckl_size_encoded(0, CKL_WHOLE_SPACE_MASK, 11);
            }
            emit_device_tlb(&e, tag, ckl_size_encoded(0, CKL_WHOLE_SPACE_MASK, 0),
                            ckl_size_encoded(0, CKL_WHOLE_SPACE_MASK, 11), false);
            break;
        default:
            break;
        }
    }
    ckl_emitter_submit(&e);
    return e.total;
}

size_t ckl_flush_all(ckl_domain *domain, ckl_submit_fn submit, void *context) {
    const bool first_stage = (domain->flags & CKL_DOMAIN_FIRST_STAGE) != 0;
    const bool plain_devtlb = (domain->flags & CKL_DOMAIN_FLUSH_ALL_PLAIN_DEVTLB) != 0;
    struct ckl_emitter e = emitter_begin(domain, submit, context);
    const struct ckl_link *const head = &domain->tags;
    for (const struct ckl_link *link = head->next; link != head; link = link->next) {
        const struct ckl_node *tag = const_node_of(link);
        ckl_emitter_enter(&e, tag->iommu);
        switch (tag->type) {
        case CKL_IOTLB:
        case CKL_NESTING_IOTLB:
            if (first_stage)
                ckl_emit(&e, ckl_pasid_iotlb_qw0(CKL_GRAN_DOMAIN, tag->did, tag->pasid), 0);
            else
                ckl_emit(&e, iotlb_qw0(CKL_GRAN_DOMAIN, tag), 0);
            break;
        case CKL_DEVTLB:
        case CKL_NESTING_DEVTLB:
            /* <= 6.17: the non-PASID form for every device-TLB tag. */
            emit_device_tlb(&e, tag, ckl_size_encoded(0, CKL_WHOLE_SPACE_MASK, 0), ckl_size_encoded(0, CKL_WHOLE_SPACE_MASK, 11),
                            plain_devtlb);
            break;
        default:
            break;
        }
    }
    ckl_emitter_submit(&e);
    return e.total;
}

size_t ckl_flush_range_np(ckl_domain *domain, uint64_t start, uint64_t end, ckl_submit_fn submit,
                          void *context, size_t *write_buffer_flushes) {
    size_t flushes = 0;
    if (end < start) {
        if (write_buffer_flushes) *write_buffer_flushes = 0;
        return 0;
    }
    uint64_t address;
    unsigned mask;
    ckl_aligned_range(start, end, &address, &mask);

    const bool first_stage = (domain->flags & CKL_DOMAIN_FIRST_STAGE) != 0;
    const uint64_t page_qw1 = ckl_address_word(address, mask, 0);

    struct ckl_emitter e = emitter_begin(domain, submit, context);
    const struct ckl_link *const head = &domain->tags;
    for (const struct ckl_link *link = head->next; link != head; link = link->next) {
        const struct ckl_node *tag = const_node_of(link);
        ckl_emitter_enter(&e, tag->iommu);
        if (!tag->caching_mode || first_stage) {
            /* New mappings need no invalidation; hardware that buffers writes gets its write
             * buffer flushed instead. */
            flushes++;
            continue;
        }
        if (is_iotlb_type(tag->type)) emit_second_stage_iotlb(&e, tag, mask, page_qw1);
    }
    ckl_emitter_submit(&e);
    if (write_buffer_flushes) *write_buffer_flushes = flushes;
    return e.total;
}
