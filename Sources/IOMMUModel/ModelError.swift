import VTd

/// Why the model refused an operation: a topology or event stream that contradicts itself.
/// One line each, naming what it refers to.
package enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidGeometry(String)
    case invalidTopology(String)
    case domainExists(IOMMUDomainID)
    case unknownDomain(IOMMUDomainID)
    case unknownDevice(DeviceID)
    case parentNotSecondStage(child: IOMMUDomainID, parent: IOMMUDomainID)
    case domainBusy(IOMMUDomainID)
    case alreadyAttached(device: DeviceID, pasid: PASID)
    case notAttached(device: DeviceID, pasid: PASID)
    /// A strict-mode oracle violation found by the operation.
    case oracle(OracleViolation)

    /// One line naming what the error refers to.
    package var description: String {
        switch self {
        case let .invalidGeometry(what): "invalid cache geometry: \(what)"
        case let .invalidTopology(what): "invalid topology: \(what)"
        case let .domainExists(id): "\(id) already exists in the model"
        case let .unknownDomain(id): "\(id) does not exist in the model"
        case let .unknownDevice(id): "\(id) does not exist in the model"
        case let .parentNotSecondStage(child, parent): "\(child): nested parent \(parent) is not second-stage"
        case let .domainBusy(id): "\(id) still has attachments or nested children"
        case let .alreadyAttached(device, pasid): "\(device) \(pasid) is already attached"
        case let .notAttached(device, pasid): "\(device) \(pasid) is not attached"
        case let .oracle(violation): violation.description
        }
    }
}
