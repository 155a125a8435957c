/// An attach or detach of a device at a PASID that the tag lives imply, placed in the trace.
/// `TagLifetimes` and `DomainInference` make them; `ReplayTimeline` orders them among the
/// flushes; `ReplayEmission` turns them into `WorkloadEvent.attach` / `.detach`.
struct AttachmentChange {
    enum Kind: Equatable {
        case attach
        case detach
    }

    /// What is attached: a device at a PASID (0 for the RID).
    struct Target: Hashable {
        /// A `ReplayDeviceTable` index.
        let device: Int
        let pasid: UInt32
    }

    let kind: Kind
    let target: Target
    /// The tag life the attachment was made through (its domain is the life's); nil for a
    /// detach of an attachment replay never saw.
    let life: Int?
    let position: TracePosition
    let time: UInt64

    init(_ kind: Kind, device: Int, pasid: UInt32, life: Int?, at position: TracePosition, time: UInt64) {
        self.kind = kind
        target = Target(device: device, pasid: pasid)
        self.life = life
        self.position = position
        self.time = time
    }
}
