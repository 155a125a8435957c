import VTd

/// Why the model refused an operation: a topology or event stream that contradicts itself.
/// One line each, naming what it refers to.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidGeometry(String)
    case invalidTopology(String)
    case domainExists(IOMMUDomainID)
    case unknownDomain(IOMMUDomainID)
    case unknownDevice(DeviceID)
    case parentNotSecondStage(child: IOMMUDomainID, parent: IOMMUDomainID)
    case domainBusy(IOMMUDomainID)
    case alreadyAttached(device: DeviceID, pasid: PASID)
    case notAttached(device: DeviceID, pasid: PASID)

    /// One line naming what the error refers to.
    public var description: String {
        switch self {
        case .invalidGeometry(let what): "invalid cache geometry: \(what)"
        case .invalidTopology(let what): "invalid topology: \(what)"
        case .domainExists(let id): "\(id) already exists in the model"
        case .unknownDomain(let id): "\(id) does not exist in the model"
        case .unknownDevice(let id): "\(id) does not exist in the model"
        case .parentNotSecondStage(let child, let parent): "\(child): nested parent \(parent) is not second-stage"
        case .domainBusy(let id): "\(id) still has attachments or nested children"
        case .alreadyAttached(let device, let pasid): "\(device) \(pasid) is already attached"
        case .notAttached(let device, let pasid): "\(device) \(pasid) is not attached"
        }
    }
}
