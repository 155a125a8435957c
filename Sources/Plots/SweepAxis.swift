import Foundation

/// The x axis of a sweep: the values of the swept parameter, placed by value or by rank.
///
/// Numeric sweeps (`children=1,4,16,64,256`) are placed by value, on a log scale when they span
/// more than two decades (a doubling sweep is then evenly spaced); anything else
/// (`mode=strict,lazy`) is categorical, in the order the report lists it. Ticks sit at the swept
/// values themselves, since those are the points that were measured.
struct SweepAxis: Hashable, Sendable {
    /// How values are placed.
    enum Kind: Hashable, Sendable {
        case linear, logarithmic, categorical
    }

    /// Placement.
    var kind: Kind
    /// The parameter values as written in the report, in axis order.
    var labels: [String]
    /// Their numeric values (numeric kinds only).
    var numbers: [Double]

    /// An axis over `values` (distinct, in report order).
    init(values: [String]) {
        let parsed = values.map { Double($0) }
        if !values.isEmpty, parsed.allSatisfy({ $0 != nil && $0!.isFinite }) {
            let pairs = zip(values, parsed.map { $0! }).sorted { $0.1 < $1.1 }
            labels = pairs.map(\.0)
            numbers = pairs.map(\.1)
            kind = ValueAxis.wantsLogarithmic(numbers) ? .logarithmic : .linear
        } else {
            labels = values
            numbers = []
            kind = .categorical
        }
    }

    /// Position of the `index`-th value as a fraction 0 … 1 of the axis length.
    func fraction(ofIndex index: Int) -> Double {
        switch kind {
        case .categorical:
            return (Double(index) + 0.5) / Double(max(1, labels.count))
        case .linear, .logarithmic:
            let transform: (Double) -> Double = kind == .logarithmic ? { log10($0) } : { $0 }
            let low = transform(numbers.first!), high = transform(numbers.last!)
            guard high > low else { return 0.5 }
            return (transform(numbers[index]) - low) / (high - low)
        }
    }

    /// Words appended to the axis title to say how it is scaled.
    var scaleNote: String? {
        switch kind {
        case .logarithmic: return "log scale"
        case .linear, .categorical: return nil
        }
    }
}
