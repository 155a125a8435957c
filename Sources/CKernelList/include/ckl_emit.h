/*
 * ckl_emit.h - what both C tables (the kernel's list, Sources/CKernelList, and the SMMUv3-style
 * array, Sources/CSMMUInvs) share to turn tags into submissions: the descriptor encodings
 * (bit-identical to Sources/VTd/InvalidationDescriptor+Encoding.swift) and the 16-descriptor batch
 * closed per IOMMU, as `qi_batch` is. Static inline: each table's walk compiles it in.
 */
#ifndef CKL_EMIT_H
#define CKL_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ckernel_list.h"

#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wnullability-completeness"
#endif

/* VT-d numbers (VT-d spec §6.5.2; Linux QI_* / VTD_PAGE_SHIFT / MAX_AGAW_PFN_WIDTH). */
enum {
    CKL_PAGE_SHIFT = 12,
    CKL_WHOLE_SPACE_MASK = 64 - CKL_PAGE_SHIFT, /* 52: an address mask covering every page frame */
    CKL_BATCH_SIZE = 16,                        /* QI_MAX_BATCHED_DESC_COUNT */
    CKL_GRAN_DOMAIN = 2, /* IOTLB domain-selective; PASID IOTLB: all non-global of (DID, PASID) */
    CKL_GRAN_PAGE = 3,   /* IOTLB page-selective; PASID IOTLB: page-selective within PASID */
};

/* QW0 of an IOTLB invalidation (type 2): DR (bit 7) and DW (bit 6) when the unit drains. */
static inline uint64_t ckl_iotlb_qw0(unsigned granularity, uint16_t did, bool read_drain, bool write_drain) {
    return 0x2 | (uint64_t)granularity << 4 | (uint64_t)did << 16 | (read_drain ? UINT64_C(1) << 7 : 0)
        | (write_drain ? UINT64_C(1) << 6 : 0);
}

/* QW0 of a PASID-based IOTLB invalidation (type 6). */
static inline uint64_t ckl_pasid_iotlb_qw0(unsigned granularity, uint16_t did, uint32_t pasid) {
    return 0x6 | (uint64_t)granularity << 4 | (uint64_t)did << 16 | (uint64_t)pasid << 32;
}

/* QW1 of a page-selective (PASID) IOTLB invalidation: address, IH (bit 6), address mask (5:0). */
static inline uint64_t ckl_address_word(uint64_t address, unsigned mask, int hint) {
    return address | (hint ? UINT64_C(1) << 6 : 0) | (uint64_t)mask;
}

/* Device-TLB size encoding (PCIe ATS): with S set, the run of ones from address bit 12 says the
 * block is 2^(ones+1) pages; mask 0 is one page with S clear. */
static inline uint64_t ckl_size_encoded(uint64_t address, unsigned mask, unsigned size_bit) {
    if (mask == 0) return address;
    const uint64_t ones = (UINT64_C(1) << (CKL_PAGE_SHIFT + mask - 1)) - 1;
    return ((address | ones) & ~(uint64_t)((1u << CKL_PAGE_SHIFT) - 1)) | UINT64_C(1) << size_bit;
}

/* QW0 of a device-TLB invalidation (type 3). */
static inline uint64_t ckl_device_tlb_qw0(uint16_t sid, uint16_t pfsid, uint8_t queue_depth) {
    return 0x3 | ((uint64_t)pfsid & 0xf) << 12 | (uint64_t)(queue_depth & 0x1f) << 16 | (uint64_t)sid << 32
        | ((uint64_t)pfsid & 0xfff0) << 48;
}

/* QW0 of a PASID-based device-TLB invalidation (type 8). */
static inline uint64_t ckl_pasid_device_tlb_qw0(uint16_t sid, uint16_t pfsid, uint8_t queue_depth, uint32_t pasid) {
    return 0x8 | (uint64_t)(queue_depth & 0x1f) << 4 | ((uint64_t)pfsid & 0xf) << 12 | (uint64_t)sid << 16
        | (uint64_t)pasid << 32 | ((uint64_t)pfsid & 0xfff0) << 48;
}

/* A walk's view of its batch; kept in locals so the compiler can hold the index in a register. */
struct ckl_emitter {
    ckl_descriptor *batch; /* CKL_BATCH_SIZE slots */
    size_t index;
    size_t total;
    uint32_t iommu;
    ckl_submit_fn submit;
    void *context;
    bool unbatched; /* submit after every descriptor (6.10, CKL_DOMAIN_UNBATCHED) */
};

static inline void ckl_emitter_submit(struct ckl_emitter *e) {
    if (e->index == 0) return;
    e->submit(e->context, e->iommu, e->batch, e->index);
    e->index = 0;
}

/* Called for every tag before it emits: a different IOMMU closes the previous IOMMU's batch. */
static inline void ckl_emitter_enter(struct ckl_emitter *e, uint32_t iommu) {
    if (iommu != e->iommu) {
        ckl_emitter_submit(e);
        e->iommu = iommu;
    }
}

static inline void ckl_emit(struct ckl_emitter *e, uint64_t qw0, uint64_t qw1) {
    ckl_descriptor *d = &e->batch[e->index];
    d->qw[0] = qw0;
    d->qw[1] = qw1;
    d->qw[2] = 0;
    d->qw[3] = 0;
    e->total++;
    if (++e->index == CKL_BATCH_SIZE || e->unbatched) ckl_emitter_submit(e);
}

#if defined(__clang__)
#pragma clang diagnostic pop
#endif

#endif /* CKL_EMIT_H */
