/// The numbers behind a chart, printed under it in `index.html`.
///
/// A chart shows shape; a reviewer quoting a result needs the figure itself, so every chart is
/// accompanied by the values it was drawn from.
struct NumberTable: Hashable, Sendable {
    /// What the cells contain (statistic, unit).
    var caption: String
    /// Column headings.
    var header: [String]
    /// Rows of cells; the first `labelColumns` cells of a row are names, the rest numbers.
    var rows: [[String]]
    /// How many leading columns hold names rather than numbers.
    var labelColumns: Int
}
