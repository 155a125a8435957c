/*
 * ckernel_list.h - the Linux Intel VT-d driver's cache-tag list algorithm, written in C11 as the
 * "what the kernel's C costs" baseline of cachetag-bench.
 *
 * Written from the behaviour described in docs/vtd-facts.md §1 (drivers/iommu/intel/cache.c,
 * Linux 6.10+), not from kernel text. What is kept faithful, because it is what the benchmark
 * measures:
 *   - every tag is an individually allocated node of a doubly linked list;
 *   - assign allocates the node first, then walks the whole list linearly looking for a match
 *     (bump `users` and free the new node) and for the last node of the same IOMMU (link after it,
 *     so the tags of one IOMMU stay adjacent);
 *   - unassign walks linearly, drops a user, unlinks and frees at zero;
 *   - a flush walks the list in order and emits one descriptor per tag (two with the
 *     extra-invalidation quirk) into a per-domain batch of 16 (QI_MAX_BATCHED_DESC_COUNT) that is
 *     submitted when full, when the walk moves to another IOMMU, and at the end.
 * What is left out: locks (single-threaded baseline), tracing, the wait descriptor (the submit
 * callback stands for qi_submit_sync and adds it), and register-based (non-QI) invalidation.
 * The flush path never allocates.
 *
 * Descriptor encodings are bit-identical to Sources/VTd/InvalidationDescriptor+Encoding.swift and
 * the aligned (address, mask) computation to `AlignedInvalidation(covering:)` in
 * Sources/VTd/InvalidationRange.swift.
 *
 * Not thread-safe: a domain must be used by one thread at a time, and a submit callback must not
 * call back into the domain it is flushing.
 */
#ifndef CKERNEL_LIST_H
#define CKERNEL_LIST_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wnullability-extension"
/// Nullability for the Swift importer (no effect on the C compiled code).
#define CKL_NULLABLE _Nullable
/// Nullability for the Swift importer (no effect on the C compiled code).
#define CKL_NONNULL _Nonnull
#else
#define CKL_NULLABLE
#define CKL_NONNULL
#endif

#ifdef __cplusplus
extern "C" {
#endif

/// One 256-bit scalable-mode invalidation descriptor (VT-d spec §6.5.2): four quadwords, the type in
/// bits 3:0 of `qw[0]`. Same layout and bits as Swift's `InvalidationDescriptor`.
typedef struct ckl_descriptor {
    /// Quadwords 0…3; QW2 and QW3 are always zero for the descriptors emitted here.
    uint64_t qw[4];
} ckl_descriptor;

/// Cache-tag types (Linux `enum cache_tag_type`).
enum ckl_tag_type {
    /// IOTLB entries of (DID, PASID) on one IOMMU; matched by IOMMU.
    CKL_IOTLB = 0,
    /// Device TLB (ATS) of one device for (DID, PASID); matched by device.
    CKL_DEVTLB = 1,
    /// IOTLB entries of a nested child, kept on its second-stage parent; matched by IOMMU.
    CKL_NESTING_IOTLB = 2,
    /// Device TLB holding nested translations, kept on the second-stage parent; matched by device.
    /// Its range flushes always cover the whole address space.
    CKL_NESTING_DEVTLB = 3,
};

/// Return codes of `ckl_assign` / `ckl_unassign`: 0 or a negated errno value.
enum ckl_status {
    /// Success.
    CKL_OK = 0,
    /// Node allocation failed (-ENOMEM).
    CKL_ERR_NOMEM = -ENOMEM,
    /// `ckl_unassign` found no matching tag (-ENOENT).
    CKL_ERR_NOENT = -ENOENT,
    /// `ckl_assign` was given a `type` that is not a `ckl_tag_type` (-EINVAL).
    CKL_ERR_INVAL = -EINVAL,
};

/// `ckl_domain_create` flag: the domain is first-stage tagged (first-stage paging, SVA or nested
/// child: Linux `use_first_level`), so IOTLB tags flush with PASID-based IOTLB descriptors.
/// Passing 1 / 0 as the flags argument therefore means first-stage / second-stage.
#define CKL_DOMAIN_FIRST_STAGE 1u
/// `ckl_domain_create` flags for where kernel versions differ (Swift `KernelProfile`,
/// docs/vtd-facts.md §5). With none of them the domain behaves as the newest kernel.
/// No NESTING_DEVTLB widening: later tags of a range walk keep the flushed block.
#define CKL_DOMAIN_NO_WIDENING 2u
/// 6.12–6.19: a first-stage whole-space block is page-selective within PASID (AM 52), not PASID-selective.
#define CKL_DOMAIN_WHOLE_SPACE_PSI 4u
/// ≤ 6.17: flush_all sends the non-PASID device-TLB form for every device-TLB tag.
#define CKL_DOMAIN_FLUSH_ALL_PLAIN_DEVTLB 8u
/// 6.10 (before qi_batch): every descriptor is its own submission.
#define CKL_DOMAIN_UNBATCHED 16u

/// What a cache tag is made of, plus the device and IOMMU facts its descriptors need.
/// Matching (assign/unassign) uses `type`, `did`, `pasid`, and `iommu` for the IOTLB types or
/// `device` for the device-TLB types. The other fields are copied into the node on first assign.
typedef struct ckl_tag_spec {
    /// A `ckl_tag_type` value.
    uint8_t type;
    /// IOMMU unit index (Swift `IOMMUUnitID.rawValue`); batches are per value of this field.
    uint32_t iommu;
    /// Device index (Swift `DeviceID.rawValue`); ignored when matching IOTLB types.
    uint32_t device;
    /// Domain ID the tag invalidates with.
    uint16_t did;
    /// PASID of the attachment; 0 = no PASID (RID_PASID / IOMMU_NO_PASID).
    uint32_t pasid;
    /// Requester (source) ID of the device, for device-TLB descriptors.
    uint16_t sid;
    /// Source ID of the physical function for an SR-IOV VF, else equal to `sid`.
    uint16_t pfsid;
    /// ATS invalidate queue depth (0…32; encoded modulo 32, so 32 is sent as 0).
    uint8_t queue_depth;
    /// Nonzero: the device needs every device-TLB invalidation sent twice (`dtlb_extra_inval`).
    uint8_t extra_invalidation;
    /// Nonzero: the IOMMU supports page-selective IOTLB invalidation (CAP.PSI).
    uint8_t psi;
    /// The IOMMU's maximum address mask value (CAP.MAMV).
    uint8_t mamv;
    /// Nonzero: the IOMMU is in caching mode (CAP.CM).
    uint8_t caching_mode;
    /// Nonzero: the IOMMU drains reads / writes (CAP.DRD / CAP.DWD): IOTLB descriptors carry DR (bit 7) / DW (bit 6).
    uint8_t read_drain;
    uint8_t write_drain;
} ckl_tag_spec;

/// A domain's cache-tag list and its invalidation batch (opaque; imports into Swift as OpaquePointer).
typedef struct ckl_domain ckl_domain;

/// Node allocator: returns `size` bytes or NULL on failure.
typedef void *CKL_NULLABLE (*ckl_alloc_fn)(size_t size);
/// Node deallocator matching `ckl_alloc_fn`.
typedef void (*ckl_dealloc_fn)(void *CKL_NULLABLE pointer);

/// Receives one submission: `count` (1…16) descriptors for IOMMU unit `iommu`, in emission order.
/// Stands for `qi_submit_sync`; the callee adds the wait descriptor if it models one. The
/// descriptors are only valid during the call.
typedef void (*ckl_submit_fn)(void *CKL_NULLABLE context, uint32_t iommu,
                              const ckl_descriptor *CKL_NONNULL descriptors, size_t count);

/// Visits one tag during `ckl_visit_tags`: its fields rebuilt as a spec, and its user count.
typedef void (*ckl_visit_fn)(void *CKL_NULLABLE context, const ckl_tag_spec *CKL_NONNULL tag,
                             uint32_t users);

/// Creates an empty domain. `flags`: `CKL_DOMAIN_FIRST_STAGE` and/or `CKL_DOMAIN_NEW_IOMMU_AT_HEAD`
/// (so a plain 1 / 0 means first-stage / second-stage). `alloc`/`dealloc` allocate the tag nodes
/// and the domain itself; pass NULL for both to use malloc/free (passing only one is an error).
/// Returns NULL on allocation failure or bad arguments.
ckl_domain *CKL_NULLABLE ckl_domain_create(unsigned flags, ckl_alloc_fn CKL_NULLABLE alloc,
                                           ckl_dealloc_fn CKL_NULLABLE dealloc);

/// Frees every remaining tag node and the domain. NULL is a no-op.
void ckl_domain_destroy(ckl_domain *CKL_NULLABLE domain);

/// Nonzero when the domain was created with `CKL_DOMAIN_FIRST_STAGE`.
int ckl_domain_is_first_stage(const ckl_domain *CKL_NONNULL domain);

/// Assigns a tag (Linux `cache_tag_assign`): allocates a node, walks the list; on a match bumps its
/// `users` and frees the new node, else links the node after the last tag of the same IOMMU, or at
/// the head of the list when the IOMMU has none (the kernel's insertion cursor starts at the head).
/// Returns `CKL_OK`, `CKL_ERR_NOMEM` (list unchanged) when the allocation fails, or
/// `CKL_ERR_INVAL` (nothing allocated) for an unknown type.
int ckl_assign(ckl_domain *CKL_NONNULL domain, const ckl_tag_spec *CKL_NONNULL spec);

/// Unassigns a tag (Linux `cache_tag_unassign`): walks to the first match, drops one user, and
/// unlinks and frees the node when none is left. Returns `CKL_OK` or `CKL_ERR_NOENT`.
int ckl_unassign(ckl_domain *CKL_NONNULL domain, const ckl_tag_spec *CKL_NONNULL spec);

/// Number of tag nodes in the list (distinct tags, not users). O(1).
size_t ckl_tag_count(const ckl_domain *CKL_NONNULL domain);

/// Heap bytes of the domain and its nodes, as `usable_size` reports each block (pass the allocator's
/// `malloc_usable_size`; the domain must use the allocator `usable_size` belongs to).
size_t ckl_footprint(const ckl_domain *CKL_NONNULL domain, size_t (*CKL_NONNULL usable_size)(const void *CKL_NULLABLE));

/// Calls `visit` for each tag in list order (the order flushes emit in). The device facts of a
/// deduplicated tag are those of the assign that created it.
void ckl_visit_tags(const ckl_domain *CKL_NONNULL domain, ckl_visit_fn CKL_NONNULL visit,
                    void *CKL_NULLABLE context);

/// The aligned block a range flush of bytes [start, end] (inclusive) uses, as Swift
/// `AlignedInvalidation(covering:)` and Linux `calculate_psi_aligned_address` compute it: the page
/// count rounded up to a power of two; widened to the lowest high bit shared by the first and last
/// page frames when the start is not aligned to it; mask capped at 52 (whole space, address 0).
/// Requires end >= start.
void ckl_aligned_range(uint64_t start, uint64_t end, uint64_t *CKL_NONNULL address,
                       unsigned *CKL_NONNULL mask);

/// Flushes bytes [start, end] (inclusive) after mappings changed (Linux `cache_tag_flush_range`).
/// Per tag, in list order:
///   IOTLB / NESTING_IOTLB, first-stage domain: PASID-based IOTLB, page-selective within PASID
///     (granularity 3) with the tag's DID and PASID;
///   IOTLB / NESTING_IOTLB, second-stage domain: IOTLB page-selective (granularity 3) by DID, or
///     domain-selective (granularity 2, QW1 = 0) when the unit lacks PSI or mask > MAMV;
///   DEVTLB: device-TLB invalidation (type 3) when the tag's PASID is 0, else PASID-based (type 8),
///     twice with the extra-invalidation quirk;
///   NESTING_DEVTLB: the same over the whole address space (address 0, mask 52), and, as the kernel
///     does in every version, every later tag of the walk is flushed as if the block were the whole
///     space too (unless `CKL_DOMAIN_NO_WIDENING`).
/// `invalidation_hint` nonzero sets IH (QW1 bit 6) on page-selective IOTLB descriptors.
/// Descriptors go to `submit` in batches of up to 16, one IOMMU per batch. Returns the number of
/// descriptors emitted. end < start emits nothing and returns 0.
size_t ckl_flush_range(ckl_domain *CKL_NONNULL domain, uint64_t start, uint64_t end,
                       int invalidation_hint, ckl_submit_fn CKL_NONNULL submit,
                       void *CKL_NULLABLE context);

/// Flushes everything the domain's tags cover (Linux `cache_tag_flush_all`): IOTLB types get a
/// domain-selective IOTLB invalidation (second-stage) or a PASID-selective PASID-based IOTLB
/// invalidation (granularity 2, QW1 = 0; first-stage); device-TLB types a whole-space device-TLB
/// invalidation (type 3 or 8 by the tag's PASID, twice with the quirk). Batching as in
/// `ckl_flush_range`. Returns the number of descriptors emitted.
size_t ckl_flush_all(ckl_domain *CKL_NONNULL domain, ckl_submit_fn CKL_NONNULL submit,
                     void *CKL_NULLABLE context);

/// Flush after new mappings of bytes [start, end] (Linux `cache_tag_flush_range_np`). Per tag: if
/// the unit is not in caching mode or the domain is first-stage, one write-buffer flush is counted
/// (no descriptor) and the tag is done; otherwise IOTLB / NESTING_IOTLB tags flush as in
/// `ckl_flush_range` with IH 0, and device-TLB tags emit nothing. Batching as in `ckl_flush_range`.
/// Stores the number of write-buffer flushes in `*write_buffer_flushes` when it is not NULL.
/// Returns the number of descriptors emitted. end < start emits nothing and returns 0.
size_t ckl_flush_range_np(ckl_domain *CKL_NONNULL domain, uint64_t start, uint64_t end,
                          ckl_submit_fn CKL_NONNULL submit, void *CKL_NULLABLE context,
                          size_t *CKL_NULLABLE write_buffer_flushes);

#ifdef __cplusplus
}
#endif

#if defined(__clang__)
#pragma clang diagnostic pop
#endif

#endif /* CKERNEL_LIST_H */
