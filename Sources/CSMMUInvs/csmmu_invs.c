/*
 * csmmu_invs.c - the SMMUv3-style invalidation array for VT-d cache tags (see include/csmmu_invs.h).
 *
 * Written for cachetag-bench from the design summarised in docs/vtd-facts.md §8; no kernel text.
 */
#include "csmmu_invs.h"
#include "ckl_emit.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Entry types in command order: the IOTLB before the device TLB. */
enum entry_type {
    ENTRY_IOTLB = 0,       /* DID-based IOTLB: id = DID (S2_VMID) */
    ENTRY_PASID_IOTLB = 1, /* PASID-based IOTLB: id = DID, ssid = PASID (S1_ASID) */
    ENTRY_ATS = 2,         /* device TLB over the range: id = SID, ssid = PASID */
    ENTRY_ATS_FULL = 3,    /* device TLB, always whole (NESTING_DEVTLB) */
};

enum { FLAG_PSI = 1, FLAG_CM = 2, FLAG_DR = 4, FLAG_DW = 8, FLAG_EXTRA = 16 };

/* One merged entry: 20 bytes. */
struct entry {
    uint32_t iommu;
    uint8_t type;
    uint8_t flags;
    uint8_t mamv;
    uint8_t queue_depth;
    uint16_t id;
    uint16_t pfsid;
    uint32_t ssid;
    uint32_t users;
};

/* The published array (`struct arm_smmu_invs`): header and sorted entries. */
struct invs {
    uint32_t count;
    uint32_t trash; /* entries with users == 0 */
    struct entry entries[];
};

struct smi_domain {
    struct invs *invs; /* NULL while empty */
    unsigned flags;
};

smi_domain *smi_domain_create(unsigned flags) {
    if (flags & ~SMI_DOMAIN_FIRST_STAGE) return NULL;
    smi_domain *domain = malloc(sizeof *domain);
    if (domain == NULL) return NULL;
    domain->invs = NULL;
    domain->flags = flags;
    return domain;
}

void smi_domain_destroy(smi_domain *domain) {
    if (domain == NULL) return;
    free(domain->invs);
    free(domain);
}

/* The entry a tag maps to (users 0), or false for an unknown type. */
static bool entry_of(const smi_domain *domain, const smi_tag_spec *spec, struct entry *out) {
    const bool first_stage = (domain->flags & SMI_DOMAIN_FIRST_STAGE) != 0;
    struct entry e = {
        .iommu = spec->iommu,
        .flags = (uint8_t)((spec->psi ? FLAG_PSI : 0) | (spec->caching_mode ? FLAG_CM : 0)
                           | (spec->read_drain ? FLAG_DR : 0) | (spec->write_drain ? FLAG_DW : 0)),
        .mamv = spec->mamv,
    };
    switch (spec->type) {
    case CKL_IOTLB:
        if (first_stage) {
            e.type = ENTRY_PASID_IOTLB;
            e.id = spec->did;
            e.ssid = spec->pasid;
            break;
        }
        /* fall through: second-stage IOTLB tags are DID-based, whatever their PASID */
    case CKL_NESTING_IOTLB:
        e.type = ENTRY_IOTLB;
        e.id = spec->did;
        break;
    case CKL_DEVTLB:
    case CKL_NESTING_DEVTLB:
        e.type = spec->type == CKL_DEVTLB ? ENTRY_ATS : ENTRY_ATS_FULL;
        e.id = spec->sid;
        e.ssid = spec->pasid;
        e.pfsid = spec->pfsid;
        e.queue_depth = spec->queue_depth;
        if (spec->extra_invalidation) e.flags |= FLAG_EXTRA;
        break;
    default:
        return false;
    }
    *out = e;
    return true;
}

/* Sort order (IOMMU, type, id, ssid): negative, zero or positive. */
static inline int compare(const struct entry *a, const struct entry *b) {
    if (a->iommu != b->iommu) return a->iommu < b->iommu ? -1 : 1;
    if (a->type != b->type) return a->type < b->type ? -1 : 1;
    if (a->id != b->id) return a->id < b->id ? -1 : 1;
    if (a->ssid != b->ssid) return a->ssid < b->ssid ? -1 : 1;
    return 0;
}

/* Lower bound of `key` in the array. */
static size_t lower_bound(const struct invs *invs, const struct entry *key) {
    size_t low = 0, high = invs ? invs->count : 0;
    while (low < high) {
        const size_t middle = (low + high) / 2;
        if (compare(&invs->entries[middle], key) < 0) low = middle + 1; else high = middle;
    }
    return low;
}

int smi_assign(smi_domain *domain, const smi_tag_spec *spec) {
    struct entry key;
    if (!entry_of(domain, spec, &key)) return -EINVAL;
    const struct invs *old = domain->invs;
    const size_t old_count = old ? old->count : 0;
    const size_t live = old_count - (old ? old->trash : 0);
    /* The merged copy: live entries in order, the new tag merged in at its place. */
    struct invs *merged = malloc(sizeof *merged + (live + 1) * sizeof(struct entry));
    if (merged == NULL) return -ENOMEM;
    size_t out = 0;
    bool placed = false;
    for (size_t i = 0; i < old_count; i++) {
        const struct entry *e = &old->entries[i];
        const int order = placed ? -1 : compare(e, &key);
        if (order == 0) {
            merged->entries[out] = *e;
            merged->entries[out++].users++; /* a zero-user entry revives */
            placed = true;
            continue;
        }
        if (order > 0) {
            merged->entries[out] = key;
            merged->entries[out++].users = 1;
            placed = true;
        }
        if (e->users != 0) merged->entries[out++] = *e;
    }
    if (!placed) {
        merged->entries[out] = key;
        merged->entries[out++].users = 1;
    }
    merged->count = (uint32_t)out;
    merged->trash = 0;
    domain->invs = merged; /* publish; the kernel frees `old` after a grace period */
    free((void *)old);
    return 0;
}

int smi_unassign(smi_domain *domain, const smi_tag_spec *spec) {
    struct entry key;
    if (!entry_of(domain, spec, &key)) return -ENOENT;
    struct invs *invs = domain->invs;
    const size_t i = lower_bound(invs, &key);
    if (invs == NULL || i == invs->count || compare(&invs->entries[i], &key) != 0 || invs->entries[i].users == 0)
        return -ENOENT;
    if (--invs->entries[i].users == 0) invs->trash++;
    return 0;
}

size_t smi_entry_count(const smi_domain *domain) {
    return domain->invs ? domain->invs->count - domain->invs->trash : 0;
}

void smi_visit(const smi_domain *domain, smi_visit_fn visit, void *context) {
    const struct invs *invs = domain->invs;
    for (size_t i = 0; invs && i < invs->count; i++) {
        const struct entry *e = &invs->entries[i];
        if (e->users == 0) continue;
        const bool device = e->type >= ENTRY_ATS;
        const smi_tag_spec spec = {
            .type = (uint8_t)(e->type == ENTRY_ATS_FULL ? CKL_NESTING_DEVTLB : device ? CKL_DEVTLB : CKL_IOTLB),
            .iommu = e->iommu,
            .did = device ? 0 : e->id,
            .pasid = e->ssid,
            .sid = device ? e->id : 0,
            .pfsid = e->pfsid,
            .queue_depth = e->queue_depth,
            .extra_invalidation = (e->flags & FLAG_EXTRA) != 0,
            .psi = (e->flags & FLAG_PSI) != 0,
            .mamv = e->mamv,
            .caching_mode = (e->flags & FLAG_CM) != 0,
            .read_drain = (e->flags & FLAG_DR) != 0,
            .write_drain = (e->flags & FLAG_DW) != 0,
        };
        visit(context, &spec, e->users);
    }
}

size_t smi_footprint(const smi_domain *domain, size_t (*usable_size)(const void *)) {
    return usable_size(domain) + (domain->invs ? usable_size(domain->invs) : 0);
}

/* ---------------------------------------------------------------------------------------------- */
/* Descriptors and the batch                                                                      */

/* The entry's encodings (ckl_emit.h). */
static inline uint64_t iotlb_qw0(const struct entry *e, unsigned granularity) {
    return ckl_iotlb_qw0(granularity, e->id, (e->flags & FLAG_DR) != 0, (e->flags & FLAG_DW) != 0);
}

/* A device-TLB entry over (address, mask): type 3 without PASID, type 8 with; twice with the quirk. */
static inline void emit_ats(struct ckl_emitter *b, const struct entry *e, uint64_t address, unsigned mask) {
    uint64_t qw0, qw1;
    if (e->ssid == 0) {
        qw0 = ckl_device_tlb_qw0(e->id, e->pfsid, e->queue_depth);
        qw1 = ckl_size_encoded(address, mask, 0);
    } else {
        qw0 = ckl_pasid_device_tlb_qw0(e->id, e->pfsid, e->queue_depth, e->ssid);
        qw1 = ckl_size_encoded(address, mask, 11);
    }
    ckl_emit(b, qw0, qw1);
    if (e->flags & FLAG_EXTRA) ckl_emit(b, qw0, qw1);
}

/* A DID-based IOTLB entry over (address, mask): page-selective, or domain-selective when the unit
 * cannot express the block (no PSI, mask above MAMV) or everything is flushed (`all`). */
static inline void emit_iotlb(struct ckl_emitter *b, const struct entry *e, uint64_t address, unsigned mask, int hint,
                              bool all) {
    if (all || !(e->flags & FLAG_PSI) || mask > e->mamv)
        ckl_emit(b, iotlb_qw0(e, CKL_GRAN_DOMAIN), 0);
    else
        ckl_emit(b, iotlb_qw0(e, CKL_GRAN_PAGE), ckl_address_word(address, mask, hint));
}

static size_t walk(const smi_domain *domain, uint64_t address, unsigned mask, int hint, bool all,
                   ckl_submit_fn submit, void *context) {
    const struct invs *invs = domain->invs;
    if (invs == NULL) return 0;
    ckl_descriptor slots[CKL_BATCH_SIZE];
    struct ckl_emitter b = {.batch = slots, .index = 0, .total = 0,
                            .iommu = invs->count ? invs->entries[0].iommu : 0, .submit = submit, .context = context,
                            .unbatched = false};
    for (size_t i = 0; i < invs->count; i++) {
        const struct entry *e = &invs->entries[i];
        if (e->users == 0) continue; /* trash */
        ckl_emitter_enter(&b, e->iommu);
        switch (e->type) {
        case ENTRY_IOTLB:
            emit_iotlb(&b, e, address, mask, hint, all);
            break;
        case ENTRY_PASID_IOTLB:
            /* Everything, or a block as wide as the space: PASID-selective; else page-selective. */
            if (all || mask >= CKL_WHOLE_SPACE_MASK)
                ckl_emit(&b, ckl_pasid_iotlb_qw0(CKL_GRAN_DOMAIN, e->id, e->ssid), 0);
            else
                ckl_emit(&b, ckl_pasid_iotlb_qw0(CKL_GRAN_PAGE, e->id, e->ssid), ckl_address_word(address, mask, hint));
            break;
        case ENTRY_ATS:
            emit_ats(&b, e, all ? 0 : address, all ? CKL_WHOLE_SPACE_MASK : mask);
            break;
        default:
            emit_ats(&b, e, 0, CKL_WHOLE_SPACE_MASK);
            break;
        }
    }
    ckl_emitter_submit(&b);
    return b.total;
}

size_t smi_flush_range(const smi_domain *domain, uint64_t start, uint64_t end, int invalidation_hint,
                       ckl_submit_fn submit, void *context) {
    if (end < start) return 0;
    uint64_t address;
    unsigned mask;
    ckl_aligned_range(start, end, &address, &mask);
    return walk(domain, address, mask, invalidation_hint, false, submit, context);
}

size_t smi_flush_all(const smi_domain *domain, ckl_submit_fn submit, void *context) {
    return walk(domain, 0, CKL_WHOLE_SPACE_MASK, 0, true, submit, context);
}

size_t smi_flush_range_np(const smi_domain *domain, uint64_t start, uint64_t end, ckl_submit_fn submit,
                          smi_write_buffer_fn write_buffer, void *context) {
    const struct invs *invs = domain->invs;
    if (invs == NULL || end < start) return 0;
    uint64_t address;
    unsigned mask;
    ckl_aligned_range(start, end, &address, &mask);
    const bool first_stage = (domain->flags & SMI_DOMAIN_FIRST_STAGE) != 0;
    ckl_descriptor slots[CKL_BATCH_SIZE];
    struct ckl_emitter b = {.batch = slots, .index = 0, .total = 0,
                            .iommu = invs->count ? invs->entries[0].iommu : 0, .submit = submit, .context = context,
                            .unbatched = false};
    bool unit_done = false;
    for (size_t i = 0; i < invs->count; i++) {
        const struct entry *e = &invs->entries[i];
        if (e->users == 0) continue;
        if (e->iommu != b.iommu || i == 0) unit_done = false;
        ckl_emitter_enter(&b, e->iommu);
        if (!(e->flags & FLAG_CM) || first_stage) {
            /* One write-buffer flush per unit, at its first live entry. */
            if (!unit_done) write_buffer(context, e->iommu);
            unit_done = true;
            continue;
        }
        if (e->type == ENTRY_IOTLB) emit_iotlb(&b, e, address, mask, 0, false);
    }
    ckl_emitter_submit(&b);
    return b.total;
}
