import TestSupport
import Testing
import VTd
@testable import Workloads

/// Stage 2: assign/unassign lines → tag lives, attachments, inferred tags.
@Suite("Tag lifetimes")
struct TagLifetimesTests {
    typealias T = TraceText

    func lifetimes(_ lines: String...) throws -> TagLifetimes {
        try ReplayPipeline(lines.joined(separator: "\n")).lifetimes
    }

    func summary(_ changes: [AttachmentChange]) -> [String] {
        changes.map {
            "\($0.kind == .attach ? "attach" : "detach") dev\($0.target.device) pasid \($0.target.pasid) "
                + "life \($0.life.map(String.init) ?? "-") line \($0.position.line)"
        }
    }

    @Test("an IOTLB assign then a DEVTLB assign of one unit, DID and PASID on one CPU is one ATS attach")
    func atsAttach() throws {
        let lifetimes = try lifetimes(
            T.assign(.iotlb, "dmar0", did: 3, at: 0), T.assign(.devtlb, "dmar0", "0000:01:00.0", did: 3, at: 1),
            T.unassign(.iotlb, "dmar0", did: 3, at: 2), T.unassign(.devtlb, "dmar0", "0000:01:00.0", did: 3, at: 3))
        #expect(lifetimes.lives.map(\.key.type) == [.iotlb, .devtlb])
        #expect(lifetimes.lives.allSatisfy { $0.covered && !$0.live })
        // Alive together under DID 3, then paired at the assign and at the unassign.
        #expect(lifetimes.joins.map { [$0.0, $0.1] } == [[1, 0], [1, 0], [1, 0]])
        // The attach and detach sit at the IOTLB lines, where the driver's call began.
        #expect(
            summary(lifetimes.changes) == ["attach dev0 pasid 0 life 1 line 1", "detach dev0 pasid 0 life 1 line 3"])
        #expect(lifetimes.devices.records == [.init(name: "0000:01:00.0", unit: 0, hasATS: true, isStandIn: false)])
        #expect(lifetimes.lifeOfEvent == [0, 1, 0, 1])
        #expect(lifetimes.inferredTags == 0 && lifetimes.inferredAttachments == 0)
    }

    @Test("an IOTLB assign alone attaches a pool stand-in, reused after its detach")
    func standInPool() throws {
        let lifetimes = try lifetimes(
            T.assign(.iotlb, "dmar0", did: 3, at: 0), T.unassign(.iotlb, "dmar0", did: 3, at: 1),
            T.assign(.iotlb, "dmar0", did: 3, at: 2))
        #expect(
            summary(lifetimes.changes) == [
                "attach dev0 pasid 0 life 0 line 1", "detach dev0 pasid 0 life 0 line 2",
                "attach dev0 pasid 0 life 1 line 3",
            ])
        #expect(lifetimes.devices.records == [.init(name: "dmar0-nonats-0", unit: 0, hasATS: false, isStandIn: true)])
    }

    @Test("pairs form per CPU, and devices are numbered in the order replay meets them")
    func perCPU() throws {
        let lifetimes = try lifetimes(
            T.assign(.iotlb, "dmar0", did: 3, cpu: 0, at: 0),
            T.assign(.devtlb, "dmar0", "0000:01:00.0", did: 3, cpu: 1, at: 1))
        // Not one attach, but one domain all the same: alive together under one DID on one unit.
        #expect(lifetimes.joins.map { [$0.0, $0.1] } == [[1, 0]])
        // The DEVTLB assign attaches its device at once; the IOTLB assign waits to the end of the trace.
        #expect(
            summary(lifetimes.changes) == ["attach dev0 pasid 0 life 1 line 2", "attach dev1 pasid 0 life 0 line 1"])
        #expect(lifetimes.devices.records.map(\.name) == ["0000:01:00.0", "dmar0-nonats-1"])
    }

    @Test("tags used without an assign live from the beginning, or from just before if a life ended")
    func inferred() throws {
        let lifetimes = try lifetimes(
            T.flushAll(.devtlb, "dmar0", "0000:01:00.0", did: 4, at: 0), T.assign(.iotlb, "dmar0", did: 9, at: 1),
            T.unassign(.iotlb, "dmar0", did: 9, at: 2), T.flushAll(.iotlb, "dmar0", did: 9, at: 3))
        #expect(lifetimes.lives.map(\.start) == [.beginning, TracePosition(line: 2), .justBefore(line: 4)])
        #expect(lifetimes.inferredTags == 2)
        // The DEVTLB life brings its device's attachment; an IOTLB life waits for DomainInference.
        #expect(lifetimes.inferredAttachments == 1 && lifetimes.lives.map(\.covered) == [true, true, false])
        #expect(summary(lifetimes.changes).first == "attach dev0 pasid 0 life 0 line 0")
    }

    @Test("ref above 1 keeps the life; ref 1 over a live tag starts a new one")
    func references() throws {
        let kept = try lifetimes(
            T.assign(.iotlb, "dmar0", did: 6, at: 0), T.assign(.iotlb, "dmar0", did: 6, ref: 2, at: 1))
        #expect(kept.lives.count == 1 && kept.lifeOfEvent == [0, 0])
        let restarted = try lifetimes(
            T.assign(.iotlb, "dmar0", did: 6, at: 0), T.assign(.iotlb, "dmar0", did: 6, at: 1))
        #expect(restarted.lives.count == 2 && !restarted.lives[0].live && restarted.lives[1].live)
    }

    @Test("tags alive together join: one DID on a unit, or under DID 1 one PASID on any unit")
    func owners() throws {
        let lifetimes = try lifetimes(
            T.assign(.iotlb, "dmar0", did: 4, cpu: 0, at: 0),
            T.assign(.iotlb, "dmar0", did: 4, pasid: 5, cpu: 1, at: 1),
            T.assign(.iotlb, "dmar0", did: 1, pasid: 7, at: 2), T.assign(.iotlb, "dmar1", did: 1, pasid: 7, at: 3),
            T.assign(.iotlb, "dmar1", did: 1, pasid: 8, at: 4), T.assign(.iotlb, "dmar1", did: 4, at: 5))
        #expect(lifetimes.joins.map { [$0.0, $0.1] } == [[1, 0], [3, 2]])
    }

    @Test("NESTING assigns name their child's IOTLB life and bring no attachment")
    func nesting() throws {
        let lifetimes = try lifetimes(
            T.assign(.iotlb, "dmar1", did: 5, at: 0), T.assign(.devtlb, "dmar1", "0000:6b:00.1", did: 5, at: 1),
            T.assign(.nestingIotlb, "dmar1", did: 5, at: 2),
            T.assign(.nestingDevtlb, "dmar1", "0000:6b:00.1", did: 5, at: 3),
            // A NESTING tag naming a child never seen: the child's life is inferred.
            T.assign(.nestingIotlb, "dmar0", did: 6, at: 4))
        #expect(lifetimes.lives.map(\.child) == [nil, nil, 0, 0, 5, nil])
        #expect(lifetimes.lives.map(\.covered) == [true, true, true, true, true, false])
        #expect(lifetimes.lives[5].start == .beginning)
        #expect(lifetimes.changes.count == 1 && lifetimes.inferredTags == 1)
        // One attach (alive together, then paired), and the two NESTING lives naming one child.
        #expect(lifetimes.joins.map { [$0.0, $0.1] } == [[1, 0], [1, 0], [3, 2]])
    }

    @Test("flushes of a tag whose life ended infer a new life just before")
    func lifeAfterUnassign() throws {
        let trace = """
               a-1  [000] d..1.  1.0: cache_tag_assign: dmar0/dmar0 type iotlb did 9 pasid 0 ref 1
               a-1  [000] d..1.  1.1: cache_tag_unassign: dmar0/dmar0 type iotlb did 9 pasid 0 ref 0
               a-1  [000] d..1.  1.2: cache_tag_flush_all: dmar0/dmar0 type iotlb did 9 pasid 0 ref 1
               a-1  [000] d..1.  1.3: cache_tag_unassign: dmar0/0000:01:00.0 type devtlb did 4 pasid 0 ref 0
            """
        let replay = try TraceReplay(text: trace, file: "l")
        let events = replay.events(seed: 0)
        #expect(EventStreamCheck(pageTables: false).violations(of: events, topology: replay.topology).isEmpty)
        #expect(events.filter { $0.kind == .attach }.count == 3)
        #expect(events.filter { $0.kind == .detach }.count == 2)
        #expect(replay.domains.count == 3)
    }
}
