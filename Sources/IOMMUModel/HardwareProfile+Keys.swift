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

    /// A `--hw-file`'s text read as its optional `profile=NAME` line (first, once) and the
    /// settings after it (`KeyValueText`). The profile name is not checked here.
    package static func fileSettings(_ text: String, file: String) throws(HardwareProfileError)
        -> (profile: KeyValueAssignment?, settings: [KeyValueAssignment])
    {
        var settings = try KeyValueText.assignments(fileText: text, file: file, malformed: HardwareProfileError.malformed)
        let profiles = settings.filter { $0.key == "profile" }
        if let profile = profiles.first, profiles.count > 1 || settings.first?.key != "profile" {
            throw .malformed(text: "profile=\(profile.value) (the profile line must come first, once)", location: profile.location)
        }
        let profile = profiles.first
        if profile != nil { settings.removeFirst() }
        return (profile, settings)
    }

    /// `--hw` arguments read as an optional leading profile name and `key=value` settings, each
    /// located by its position among `arguments`. A bare word after the first is refused: it would
    /// silently undo the settings before it.
    package static func argumentSettings(_ arguments: [String], source: String = "--hw") throws(HardwareProfileError)
        -> (profile: KeyValueAssignment?, settings: [KeyValueAssignment])
    {
        var profile: KeyValueAssignment?
        var settings: [KeyValueAssignment] = []
        for (index, text) in arguments.enumerated() {
            let location = "\(source) assignment \(index + 1)"
            guard text.contains("=") else {
                guard index == 0 else {
                    throw .malformed(text: "\(text) (a profile name goes first, once, before any key=value)", location: location)
                }
                profile = KeyValueAssignment(key: "profile", value: text, location: location)
                continue
            }
            let parsed = try KeyValueText.assignments([text], source: source, malformed: HardwareProfileError.malformed)[0]
            settings.append(KeyValueAssignment(key: parsed.key, value: parsed.value, location: location))
        }
        return (profile, settings)
    }

    /// A copy with `--hw`-style arguments applied: a leading profile name starts from that
    /// profile, then the settings in order.
    package func overriding(arguments: [String], source: String = "--hw") throws(HardwareProfileError) -> HardwareProfile {
        let (profile, settings) = try Self.argumentSettings(arguments, source: source)
        var base = self
        if let profile {
            guard let named = Self.named(profile.value) else {
                throw .unknownProfile(profile.value, location: profile.location, known: Self.all.map(\.name))
            }
            base = named
        }
        return try base.applying(settings)
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
