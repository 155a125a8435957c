import VTd

/// One line of trace text as `TraceLineParser` reads it: what kind of line it is and, for the
/// events replay uses, their fields as the kernel prints them (docs/vtd-facts.md §4). Names are
/// still text here; `TraceLexer` numbers units and devices.
enum TraceLine {
    /// What replay keeps of an event line's header (`TASK-PID [CPU] FLAGS TIMESTAMP:`, or as
    /// `trace-cmd report` and `perf script` lay it out; docs/vtd-facts.md §4). The CPU matters
    /// because one flush call stays on one CPU while CPUs interleave.
    struct Header {
        var cpu: Int
        /// Nanoseconds (the timestamp's seconds and fraction).
        var time: UInt64
    }

    /// The tag fields every `cache_tag_*` event carries (kernel: the tag's unit, device, type,
    /// DID and PASID, `struct cache_tag`; docs/vtd-facts.md §1).
    struct TagFields {
        var unit: String
        /// The device name: a PCI name for device-TLB tags, the unit's own name for IOTLB tags.
        var device: String
        var type: CacheTagType
        var did: UInt16
        var pasid: UInt32
    }

    /// The inclusive byte range of a `cache_tag_flush_range[_np]` line, `[0xSTART-0xEND]`.
    struct FlushRange: Equatable {
        let start: UInt64
        let end: UInt64

        /// 0 ... `UInt64.max`: how the newest kernels spell flush all, with the
        /// `cache_tag_flush_all` event gone (docs/vtd-facts.md §5).
        var isWholeSpace: Bool { start == 0 && end == .max }
    }

    case blank
    case comment
    /// Text that is not an event line (console noise, a broken header without our event names).
    case noise
    /// An event line of another event.
    case other(event: String)
    case tag(Header, assign: Bool, TagFields, users: Int)
    /// `hasPages`: the line carried the `pages` field (kernels up to 6.19; docs/vtd-facts.md §5).
    case flush(Header, TraceEventName, TagFields, range: FlushRange?, addr: UInt64, mask: UInt64, hasPages: Bool)
    case qiSubmit(Header, kind: String, unit: String, words: (UInt64, UInt64, UInt64, UInt64))
}
