import CacheTags
import Engine
import Foundation
import Reports
import VTd
import Workloads

/// `--descriptors-out`: every submitted descriptor of a point under every scheme and table, as
/// CSV a user can diff against a hardware trace with any script. Columns: `op` (flush operations
/// numbered from 0 in event order; empty for a tear-down), `line` (for replay, the trace line of
/// the operation's first flush line), `event` (`flush_range`, `flush_range_np`, `flush_all`,
/// `setup`, `teardown`), `scheme`, `table`, `unit`, `submission` (numbered from 0 per scheme and table),
/// `index` (within the submission), `kind` (the kernel's `qi_submit` names; the closing wait is
/// `wait`), `qw0`…`qw3` (0x-prefixed lowercase hex).
package enum DescriptorDump {
    package static let header = "op,line,event,scheme,table,unit,submission,index,kind,qw0,qw1,qw2,qw3"

    /// The CSV text for `point` under every scheme and table.
    package static func csv(
        point: PreparedWorkload, schemes: [any DomainIDScheme], tables: [TableChoice], seed: UInt64
    ) throws -> String {
        let events = point.events(seed: seed)
        var text = header + "\n"
        for scheme in schemes {
            for table in tables {
                let log = try record(events, point.topology, scheme, table, as: table.table.type)
                append(log, scheme: scheme.name, table: table.label, lines: point.operationLines, to: &text)
            }
        }
        return text
    }

    private static func record<Table: CacheTagTable>(
        _ events: [WorkloadEvent], _ topology: Topology, _ scheme: any DomainIDScheme, _ table: TableChoice,
        as type: Table.Type
    ) throws -> DescriptorLog {
        try DescriptorLog.record(events: events, topology: topology, scheme: scheme, makeTable: table.makeTable(type))
    }

    private static func append(_ log: DescriptorLog, scheme: String, table: String, lines: [Int]?, to text: inout String) {
        let wait = InvalidationDescriptor.wait()
        for (number, submission) in log.submissions.enumerated() {
            let op: String
            let line: String
            let event: String
            switch submission.cause {
            case let .flush(index, reason):
                op = String(index)
                line = lines.map { index < $0.count ? String($0[index]) : "" } ?? ""
                event = switch reason {
                case .range: "flush_range"
                case .newMappings: "flush_range_np"
                case .all: "flush_all"
                case .teardown: "teardown"
                case .setup: "setup"
                }
            case .teardown:
                (op, line, event) = ("", "", "teardown")
            case .setup:
                (op, line, event) = ("", "", "setup")
            }
            let prefix = "\(op),\(line),\(event),\(scheme),\(table),\(submission.unit),\(number),"
            for (index, descriptor) in (submission.descriptors + [wait]).enumerated() {
                let kind =
                    index == submission.descriptors.count
                    ? "wait" : DescriptorType(rawValue: descriptor.typeCode)?.description ?? "type\(descriptor.typeCode)"
                text += prefix + "\(index),\(kind),\(hex(descriptor.quadword0)),\(hex(descriptor.quadword1)),"
                text += "\(hex(descriptor.quadword2)),\(hex(descriptor.quadword3))\n"
            }
        }
    }

    /// Writes the CSV to `path` atomically (a run never leaves half a file).
    package static func write(
        point: PreparedWorkload, schemes: [any DomainIDScheme], tables: [TableChoice], seed: UInt64, to path: String
    ) throws {
        let text = try csv(point: point, schemes: schemes, tables: tables, seed: seed)
        try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: path))
    }
}
