#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VTd

/// The unit and device facts tags were assigned with, interned once per process and shared by
/// every `GroupedArrayTable` (a tag keeps a 4-byte handle, as the kernel's tag keeps pointers to
/// its `intel_iommu` and `device`). Thread-safe; entries are never removed.
final class CacheTagFacts: @unchecked Sendable {
    static let shared = CacheTagFacts()

    private struct Facts: Hashable {
        let unit: IOMMUUnit
        let device: Device

        /// A few identifying fields (equality still compares all): hashing every field of both
        /// values was most of an assign's cost.
        func hash(into hasher: inout Hasher) {
            hasher.combine(device.id.rawValue &* 31 &+ unit.id.rawValue)
            hasher.combine(device.source.rawValue)
        }
    }

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var handles: [Facts: UInt32] = [:]
    private var entries: [Facts] = []

    private init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    func intern(_ unit: IOMMUUnit, _ device: Device) -> UInt32 {
        let facts = Facts(unit: unit, device: device)
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if let handle = handles[facts] { return handle }
        let handle = UInt32(entries.count)
        entries.append(facts)
        handles[facts] = handle
        return handle
    }

    func facts(_ handle: UInt32) -> (IOMMUUnit, Device) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        let facts = entries[Int(handle)]
        return (facts.unit, facts.device)
    }

    /// Distinct (unit, device) pairs interned so far.
    var count: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return entries.count
    }
}
