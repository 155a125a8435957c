@testable import Plots
import Testing

@Suite("Axes and number spelling")
struct ValueAxisTests {
    @Test("linear axes use nice steps and start at zero")
    func linear() {
        let axis = ValueAxis.covering([3, 97])
        #expect(axis.scale == .linear)
        #expect(axis.lower == 0)
        #expect(axis.upper == 100)
        #expect(axis.ticks.map(\.label) == ["0", "20", "40", "60", "80", "100"])
        let fractional = ValueAxis.covering([0.1, 0.9])
        #expect(fractional.ticks.map(\.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let large = ValueAxis.covering([0, 123_456])
        #expect(large.ticks.map(\.label) == ["0", "25k", "50k", "75k", "100k", "125k"])
    }

    @Test("more than two decades switch to a log axis; zeros keep it linear")
    func logarithmic() {
        let axis = ValueAxis.covering([2, 40, 3000])
        #expect(axis.scale == .logarithmic)
        // Bounds are 1-2-5 values around the data (strictly below the smallest), labels at decades.
        #expect(axis.lower == 1)
        #expect(axis.upper == 5000)
        #expect(axis.ticks.map(\.label) == ["1", "10", "100", "1k"])
        let decades = ValueAxis.covering([1.5, 10_000])
        #expect(decades.lower == 1 && decades.upper == 10_000)
        #expect(decades.fraction(100) == 0.5)
        #expect(decades.ticks.map(\.label) == ["1", "10", "100", "1k", "10k"])
        #expect(ValueAxis.covering([1, 100]).scale == .linear)
        #expect(ValueAxis.covering([0, 5, 3000]).scale == .linear)
        let wide = ValueAxis.covering([1e-3, 1e9])
        #expect(wide.ticks.count <= 8)
    }

    @Test("degenerate data still gets an axis")
    func degenerate() {
        #expect(ValueAxis.covering([]).upper == 1)
        #expect(ValueAxis.covering([0, 0]).upper == 1)
        let constant = ValueAxis.covering([5, 5])
        #expect(constant.lower == 0 && constant.upper >= 5)
    }

    @Test("sweep axes place numbers by value and words by order")
    func sweepAxis() {
        let doubling = SweepAxis(values: ["16", "1", "4", "64", "256"])
        #expect(doubling.kind == .logarithmic)
        #expect(doubling.labels == ["1", "4", "16", "64", "256"])
        #expect(doubling.fraction(ofIndex: 0) == 0)
        #expect(doubling.fraction(ofIndex: 4) == 1)
        #expect(SweepAxis(values: ["1", "4", "16"]).kind == .linear)
        let words = SweepAxis(values: ["strict", "lazy"])
        #expect(words.kind == .categorical)
        #expect(words.labels == ["strict", "lazy"])
        #expect(words.fraction(ofIndex: 0) == 0.25)
    }

    @Test("overlapping labels are thinned, keeping first and last")
    func thinning() {
        let positions = (0..<20).map { Double($0) * 10 }
        let widths = Array(repeating: 18.0, count: 20)
        let kept = ChartLayout.thinned(positions: positions, widths: widths)
        #expect(kept.first == 0)
        #expect(kept.last == 19)
        for (a, b) in zip(kept, kept.dropFirst()) {
            #expect(positions[b] - positions[a] >= 18 + 6)
        }
    }

    @Test("numbers are spelled without a locale", arguments: [
        (1234.5678, "1234.57"), (0.000123456789, "0.000123457"), (42.0, "42"), (-0.5, "-0.5"),
    ])
    func significant(value: Double, text: String) {
        #expect(ChartNumberFormat.significant(value) == text)
    }

    @Test("ratios and coordinates")
    func ratios() {
        #expect(ChartNumberFormat.ratio(1) == "1.00×")
        #expect(ChartNumberFormat.ratio(0.123) == "0.12×")
        #expect(ChartNumberFormat.ratio(12.34) == "12.3×")
        #expect(ChartNumberFormat.ratio(250) == "250×")
        #expect(ChartNumberFormat.ratio(25_000) == "25k×")
        #expect(ChartNumberFormat.coordinate(10.005) == "10.01")
        #expect(ChartNumberFormat.coordinate(-0.001) == "0")
        #expect(ChartNumberFormat.coordinate(3) == "3")
    }

    @Test("text is escaped for XML")
    func escaping() {
        #expect(XMLEscaping.escape("a<b & \"c\"\n'd'\u{1}") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;\u{FFFD}")
    }
}
