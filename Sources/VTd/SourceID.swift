/// A PCI requester/source ID: bus (8 bits), device (5 bits), function (3 bits), as the
/// device-TLB invalidation descriptors carry it (VT-d spec §6.5.2.5; Linux `PCI_DEVID`).
public struct SourceID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// bus << 8 | device << 3 | function.
    public let rawValue: UInt16

    @inlinable
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Builds a source ID from bus/device/function, refusing fields that do not fit.
    public init(bus: Int, device: Int, function: Int) throws(VTdError) {
        guard (0...255).contains(bus) else {
            throw VTdError.outOfRange(field: "bus", value: "\(bus)", allowed: "0...255")
        }
        guard (0...31).contains(device) else {
            throw VTdError.outOfRange(field: "device", value: "\(device)", allowed: "0...31")
        }
        guard (0...7).contains(function) else {
            throw VTdError.outOfRange(field: "function", value: "\(function)", allowed: "0...7")
        }
        rawValue = UInt16(bus << 8 | device << 3 | function)
    }

    public var bus: Int { Int(rawValue >> 8) }
    public var device: Int { Int(rawValue >> 3) & 0x1f }
    public var function: Int { Int(rawValue) & 0x7 }

    @inlinable
    public static func < (lhs: SourceID, rhs: SourceID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The `bb:dd.f` form lspci and the kernel print.
    public var description: String {
        func hex(_ value: Int, _ width: Int) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(hex(bus, 2)):\(hex(device, 2)).\(function)"
    }
}
