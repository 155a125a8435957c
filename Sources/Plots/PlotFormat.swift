/// What `plot` writes.
///
/// SVG alone suits embedding charts elsewhere (papers, issues); HTML adds `index.html`, which
/// shows every chart with its caption and numbers, the form a reviewer reads.
package enum PlotFormat: String, CaseIterable, Hashable, Sendable {
    /// One `.svg` file per chart.
    case svg
    /// The SVG files plus `index.html`.
    case html
}
