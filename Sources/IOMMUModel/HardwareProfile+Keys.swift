import VTd

extension HardwareProfile {
    /// One settable key: its name, allowed values, meaning, and whether it is a capability bit of
    /// the units (which a replayed trace decides unless `--hw` names it) or the model's own.
    package struct Key: Sendable {
        package let name: String
        package let allowed: String
        package let meaning: String
        package let isCapability: Bool
    }

    /// Every key, in the order `list`, files and run.json show them.
    package static let keys: [Key] = [
        Key(name: "iotlb_entries", allowed: "1...1048576", meaning: "IOTLB entries per unit", isCapability: false),
        Key(name: "iotlb_ways", allowed: "1...iotlb_entries, dividing it", meaning: "IOTLB associativity", isCapability: false),
        Key(
            name: "set_index", allowed: IOTLBSetIndex.allCases.map(\.rawValue).joined(separator: "|"),
            meaning: "IOTLB set index: the page alone, or the page plus a hash of the DID", isCapability: false),
        Key(name: "devtlb_entries", allowed: "1...4096", meaning: "device-TLB (ATC) entries per ATS device", isCapability: false),
        Key(name: "psi", allowed: "on|off", meaning: "CAP.PSI: page-selective IOTLB invalidation", isCapability: true),
        Key(name: "mamv", allowed: "0...52", meaning: "CAP.MAMV: largest page-selective address mask", isCapability: true),
        Key(name: "caching_mode", allowed: "on|off", meaning: "CAP.CM: not-present entries may be cached", isCapability: true),
        Key(name: "read_drain", allowed: "on|off", meaning: "CAP.DRD: IOTLB descriptors carry DR", isCapability: true),
        Key(name: "write_drain", allowed: "on|off", meaning: "CAP.DWD: IOTLB descriptors carry DW", isCapability: true),
        Key(name: "scalable", allowed: "on|off", meaning: "scalable mode (else legacy context entries)", isCapability: true),
        Key(
            name: "ndoms", allowed: "workload|16|64|256|1024|4096|16384|65536",
            meaning: "cap_ndoms of every unit; 'workload' leaves it to the workload's ndoms parameter", isCapability: true),
        Key(
            name: "pasid_selective", allowed: PASIDSelectivePrecision.allCases.map(\.rawValue).joined(separator: "|"),
            meaning: "PASID-based IOTLB invalidation drops exactly (DID, PASID[, block]) or every entry of the DID",
            isCapability: false),
        Key(
            name: "rid_pasid", allowed: RIDPASIDAssignment.allCases.map(\.rawValue).joined(separator: "|"),
            meaning: "RID_PASID of the devices' context entries: 0 (Linux) or one per device (needs ECAP.RPS)",
            isCapability: true),
    ]

    /// The key names, in order.
    package static var keyNames: [String] { keys.map(\.name) }

    /// The value of `key` as `--hw` writes it.
    package func value(of key: String) -> String? {
        func onOff(_ flag: Bool) -> String { flag ? "on" : "off" }
        switch key {
        case "iotlb_entries": return "\(iotlbEntries)"
        case "iotlb_ways": return "\(iotlbWays)"
        case "set_index": return setIndex.rawValue
        case "devtlb_entries": return "\(deviceTLBEntries)"
        case "psi": return onOff(pageSelectiveInvalidation)
        case "mamv": return "\(maximumAddressMaskValue)"
        case "caching_mode": return onOff(cachingMode)
        case "read_drain": return onOff(readDrain)
        case "write_drain": return onOff(writeDrain)
        case "scalable": return onOff(scalableMode)
        case "ndoms": return domainCount.map(String.init) ?? "workload"
        case "pasid_selective": return pasidSelectivePrecision.rawValue
        case "rid_pasid": return ridPASID.rawValue
        default: return nil
        }
    }

    /// Every key with its value, in order: for run.json and `list`.
    package var settings: [(key: String, value: String)] { Self.keys.map { ($0.name, value(of: $0.name)!) } }

    /// Sets `key` from `text`; `location` names where it was written. The IOTLB's ways must still
    /// divide its entries: `validated()` checks that once every assignment is in.
    package mutating func set(_ key: String, to text: String, location: String) throws(HardwareProfileError) {
        guard let declared = Self.keys.first(where: { $0.name == key }) else {
            throw .unknownKey(key, location: location, known: Self.keyNames)
        }
        func invalid() -> HardwareProfileError { .invalidValue(key: key, value: text, allowed: declared.allowed, location: location) }
        func integer(_ range: ClosedRange<Int>) throws(HardwareProfileError) -> Int {
            // Decimal digits only: '0x10', '+5' and '1e3' are refused rather than read some other way.
            guard !text.isEmpty, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber), let number = Int(text),
                range.contains(number)
            else { throw invalid() }
            return number
        }
        func flag() throws(HardwareProfileError) -> Bool {
            switch text {
            case "on": return true
            case "off": return false
            default: throw invalid()
            }
        }
        switch key {
        case "iotlb_entries": iotlbEntries = try integer(1...1 << 20)
        case "iotlb_ways": iotlbWays = try integer(1...1 << 20)
        case "set_index":
            guard let value = IOTLBSetIndex(rawValue: text) else { throw invalid() }
            setIndex = value
        case "devtlb_entries": deviceTLBEntries = try integer(1...4096)
        case "psi": pageSelectiveInvalidation = try flag()
        case "mamv": maximumAddressMaskValue = try integer(0...52)
        case "caching_mode": cachingMode = try flag()
        case "read_drain": readDrain = try flag()
        case "write_drain": writeDrain = try flag()
        case "scalable": scalableMode = try flag()
        case "ndoms":
            if text == "workload" {
                domainCount = nil
            } else {
                let count = try integer(16...65536)
                guard (try? DomainIDSpace(domainCount: count)) != nil else { throw invalid() }
                domainCount = count
            }
        case "pasid_selective":
            guard let value = PASIDSelectivePrecision(rawValue: text) else { throw invalid() }
            pasidSelectivePrecision = value
        case "rid_pasid":
            guard let value = RIDPASIDAssignment(rawValue: text) else { throw invalid() }
            ridPASID = value
        default:
            preconditionFailure("hardware key \(key) has no storage")
        }
    }

    /// Refuses a geometry the model cannot build (ways that do not divide the entries).
    package func validated(location: String) throws(HardwareProfileError) -> HardwareProfile {
        guard iotlbWays <= iotlbEntries, iotlbEntries % iotlbWays == 0 else {
            throw .inconsistent(
                "iotlb_ways \(iotlbWays) does not divide iotlb_entries \(iotlbEntries)", location: location)
        }
        return self
    }

    /// A copy with `assignments` applied in order and checked.
    package func applying(_ assignments: [KeyValueAssignment]) throws(HardwareProfileError) -> HardwareProfile {
        var result = self
        for assignment in assignments { try result.set(assignment.key, to: assignment.value, location: assignment.location) }
        return try result.validated(location: assignments.last?.location ?? "hardware profile")
    }

    /// A copy with a `--hw-file`'s lines applied (`KeyValueText`; a `profile=NAME` line, if any,
    /// must come first and starts from that named profile).
    package func overriding(fileText: String, file: String) throws(HardwareProfileError) -> HardwareProfile {
        var assignments = try KeyValueText.assignments(fileText: fileText, file: file, malformed: HardwareProfileError.malformed)
        var base = self
        if let first = assignments.first, first.key == "profile" {
            guard let named = Self.named(first.value) else {
                throw .unknownProfile(first.value, location: first.location, known: Self.all.map(\.name))
            }
            base = named
            assignments.removeFirst()
        }
        return try base.applying(assignments)
    }

    /// A copy with `--hw` arguments applied in order: the first may be a bare profile name to
    /// start from, the others are `key=value` settings. A name after a setting is refused (it
    /// would silently undo the setting).
    package func overriding(arguments: [String], source: String = "--hw") throws(HardwareProfileError) -> HardwareProfile {
        var base = self
        var settings = arguments
        if let first = arguments.first, !first.contains("=") {
            guard let named = Self.named(first) else {
                throw .unknownProfile(first, location: "\(source) assignment 1", known: Self.all.map(\.name))
            }
            base = named
            settings.removeFirst()
        }
        let offset = arguments.count - settings.count
        var assignments: [KeyValueAssignment] = []
        for (index, text) in settings.enumerated() {
            let location = "\(source) assignment \(index + offset + 1)"
            guard text.contains("=") else {
                throw .malformed(text: "\(text) (a profile name goes first, before any key=value)", location: location)
            }
            let parsed = try KeyValueText.assignments([text], source: source, malformed: HardwareProfileError.malformed)[0]
            assignments.append(KeyValueAssignment(key: parsed.key, value: parsed.value, location: location))
        }
        return try base.applying(assignments)
    }
}

/// Why a hardware setting was refused; one line naming where it was written.
package enum HardwareProfileError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownKey(String, location: String, known: [String])
    case unknownProfile(String, location: String, known: [String])
    case invalidValue(key: String, value: String, allowed: String, location: String)
    case malformed(text: String, location: String)
    case inconsistent(String, location: String)

    package var description: String {
        switch self {
        case let .unknownKey(key, location, known):
            "\(location): unknown hardware key '\(key)' (known: \(known.joined(separator: ", ")))"
        case let .unknownProfile(name, location, known):
            "\(location): unknown hardware profile '\(name)' (known: \(known.joined(separator: ", ")))"
        case let .invalidValue(key, value, allowed, location):
            "\(location): hardware '\(key)': '\(value)' is not in \(allowed)"
        case let .malformed(text, location):
            "\(location): expected key=value or a profile name, got '\(text)'"
        case let .inconsistent(reason, location):
            "\(location): \(reason)"
        }
    }
}
