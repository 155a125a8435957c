import Metrics
import ArgumentParser
import IOMMUModel
import CacheTags
import Runs
import Reports
import Workloads

/// `list`: everything a run can be made of, with one line of meaning each.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List workloads (with parameters), DID schemes, tables, metrics and cost-model keys.",
        discussion: """
            Examples:
              cachetag-bench list
            """)

    func run() throws {
        print(Self.text())
    }

    static func text() -> String {
        var lines: [String] = []
        lines.append("WORKLOADS (cachetag-bench run --workload NAME --param name=value)")
        for type in WorkloadCatalog.all {
            lines.append("  \(type.name): \(type.summary)")
            for parameter in type.parameters {
                lines.append("      \(parameter.name)=\(parameter.defaultValue)  [\(parameter.domain.allowed)]  \(parameter.meaning)")
            }
        }
        lines.append("  replay: re-run a kernel ftrace of intel_iommu:cache_tag_* events (cachetag-bench replay TRACE)")
        lines.append("")
        lines.append("DID SCHEMES (--scheme NAME[,NAME] or all)")
        for scheme in DomainIDSchemes.all {
            lines.append("  \(scheme.name): \(scheme.summary)")
        }
        lines.append("")
        lines.append("TABLES (--table NAME[,NAME] or all)")
        for table in CacheTagTables.runnable {
            lines.append("  \(table.name): \(table.summary)")
        }
        lines.append("")
        lines.append("METRICS (report column 'metric'; unit; meaning)")
        for metric in Metric.all {
            lines.append("  \(metric.name) [\(metric.unit), \(metric.kind)]: \(metric.meaning)")
        }
        lines.append("")
        lines.append("COST MODEL (--cost key=value or --cost-file FILE)")
        for line in CostModelSettings.documentation {
            lines.append("  \(line)")
        }
        lines.append("")
        lines += HardwareProfile.documentation
        return lines.joined(separator: "\n")
    }
}
