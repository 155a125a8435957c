/*
 * csmmu_invs.h - Arm SMMUv3's per-domain invalidation array design applied to VT-d cache tags,
 * in C11: the strongest public design, measured as a peer of cachetag-bench's optimized table.
 *
 * Written for cachetag-bench from the design as docs/vtd-facts.md §8 describes it (no kernel
 * text). What is kept, because it is what the benchmark measures:
 *   - per domain, one array of entries sorted by (IOMMU, type, id, ssid), the type order being
 *     the command order (IOTLB before device TLB); identical entries merge with a user count;
 *   - attach builds a merged copy of the array (purging zero-user entries on the way) and
 *     publishes it, freeing the old one (the kernel frees it after an RCU grace period);
 *   - detach finds the entry by binary search and decrements its users in place; an entry left
 *     with none is trash: flushes skip it and the next attach's merge drops it;
 *   - a flush walks the array and batches per IOMMU, 16 descriptors per submission.
 * VT-d's mapping of the SMMUv3 types: DID-based IOTLB (id = DID; IOTLB and NESTING_IOTLB tags of
 * second-stage domains) ~ S2_VMID; PASID-based IOTLB (id = DID, ssid = PASID; first-stage
 * domains) ~ S1_ASID; device TLB (id = SID, ssid = PASID) ~ ATS; NESTING_DEVTLB ~ ATS_FULL.
 * Locks and RCU are left out (single-threaded baseline). The flush path never allocates.
 * Descriptor encodings are bit-identical to Sources/VTd/InvalidationDescriptor+Encoding.swift.
 */
#ifndef CSMMU_INVS_H
#define CSMMU_INVS_H

#include <stddef.h>
#include <stdint.h>

#include "ckernel_list.h"

#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wnullability-extension"
#define SMI_NULLABLE _Nullable
#define SMI_NONNULL _Nonnull
#else
#define SMI_NULLABLE
#define SMI_NONNULL
#endif

#ifdef __cplusplus
extern "C" {
#endif

/// `smi_domain_create` flag: first-stage domain (its IOTLB tags flush with PASID-based IOTLB).
#define SMI_DOMAIN_FIRST_STAGE 1u

/// Tags are described with the C list's `ckl_tag_spec` (types `ckl_tag_type`) and descriptors
/// delivered with its `ckl_submit_fn`, so both C tables take the same input and feed the same sinks.
typedef ckl_tag_spec smi_tag_spec;

typedef struct smi_domain smi_domain;

/// A write-buffer flush of unit `iommu` (`cache_tag_flush_range_np` on a unit not in caching mode).
typedef void (*smi_write_buffer_fn)(void *SMI_NULLABLE context, uint32_t iommu);
/// Visits one live entry: a spec rebuilt from it and its users.
typedef void (*smi_visit_fn)(void *SMI_NULLABLE context, const smi_tag_spec *SMI_NONNULL entry, uint32_t users);

/// An empty domain, or NULL when out of memory or `flags` is unknown.
smi_domain *SMI_NULLABLE smi_domain_create(unsigned flags);
void smi_domain_destroy(smi_domain *SMI_NULLABLE domain);

/// Attach: a merged copy of the array with the tag added (or its entry's users bumped), zero-user
/// entries dropped. 0, -ENOMEM (array unchanged) or -EINVAL (unknown type).
int smi_assign(smi_domain *SMI_NONNULL domain, const smi_tag_spec *SMI_NONNULL spec);
/// Detach: one user less on the tag's entry, in place. 0 or -ENOENT.
int smi_unassign(smi_domain *SMI_NONNULL domain, const smi_tag_spec *SMI_NONNULL spec);

/// Live entries (users > 0).
size_t smi_entry_count(const smi_domain *SMI_NONNULL domain);
/// Calls `visit` for each live entry in array order.
void smi_visit(const smi_domain *SMI_NONNULL domain, smi_visit_fn SMI_NONNULL visit, void *SMI_NULLABLE context);
/// Heap bytes of the domain and its array, as `usable_size` reports each block.
size_t smi_footprint(const smi_domain *SMI_NONNULL domain, size_t (*SMI_NONNULL usable_size)(const void *SMI_NULLABLE));

/// `cache_tag_flush_range` of bytes [start, end]. Returns descriptors emitted.
size_t smi_flush_range(const smi_domain *SMI_NONNULL domain, uint64_t start, uint64_t end, int invalidation_hint,
                       ckl_submit_fn SMI_NONNULL submit, void *SMI_NULLABLE context);
/// `cache_tag_flush_all`. Returns descriptors emitted.
size_t smi_flush_all(const smi_domain *SMI_NONNULL domain, ckl_submit_fn SMI_NONNULL submit,
                     void *SMI_NULLABLE context);
/// `cache_tag_flush_range_np`: per unit, a write-buffer flush (not in caching mode, or a first-stage
/// domain) or its DID-based IOTLB entries. Returns descriptors emitted.
size_t smi_flush_range_np(const smi_domain *SMI_NONNULL domain, uint64_t start, uint64_t end,
                          ckl_submit_fn SMI_NONNULL submit, smi_write_buffer_fn SMI_NONNULL write_buffer,
                          void *SMI_NULLABLE context);

#ifdef __cplusplus
}
#endif

#if defined(__clang__)
#pragma clang diagnostic pop
#endif

#endif /* CSMMU_INVS_H */
