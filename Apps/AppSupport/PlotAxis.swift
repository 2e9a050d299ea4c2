import Foundation

/// One axis of a ``LinePlot`` panel: the range drawn and its "nice" tick values (1, 2 or 5
/// times a power of ten apart), with their labels.
struct PlotAxis: Equatable {
    /// The value at the start of the axis (left or bottom).
    var lower: Double
    /// The value at the end of the axis.
    var upper: Double
    /// The tick values, inside `lower...upper`, ascending.
    var ticks: [Double]
    /// The distance between ticks.
    var step: Double

    /// An axis for values spanning `data` (`nil`: no data, `0...1`), widened to the nearest
    /// ticks; or exactly `fixed` when given (with ticks inside it). A single value gets a range
    /// around it.
    /// - Parameter tickCount: About how many ticks to aim for; default 5.
    init(data: ClosedRange<Double>?, fixed: ClosedRange<Double>? = nil, tickCount: Int = 5) {
        let intervals = Double(max(tickCount - 1, 1))
        if let fixed, fixed.lowerBound.isFinite, fixed.upperBound.isFinite {
            let (low, high) = PlotAxis.widened(fixed.lowerBound, fixed.upperBound)
            let step = PlotAxis.niceNumber((high - low) / intervals)
            self.init(lower: low, upper: high, step: step)
            return
        }
        let (low, high) = data.map { PlotAxis.widened($0.lowerBound, $0.upperBound) } ?? (0, 1)
        let step = PlotAxis.niceNumber((high - low) / intervals)
        self.init(
            lower: (low / step).rounded(.down) * step, upper: (high / step).rounded(.up) * step,
            step: step)
    }

    /// An axis from `lower` to `upper` with a tick at every multiple of `step` between them.
    private init(lower: Double, upper: Double, step: Double) {
        self.lower = lower
        self.upper = upper
        self.step = step
        let first = (lower / step - 1e-9).rounded(.up)
        let last = (upper / step + 1e-9).rounded(.down)
        var ticks: [Double] = []
        if first <= last, last - first < 1000 {
            for k in Int(first)...Int(last) {
                let value = Double(k) * step
                ticks.append(abs(value) < step * 1e-9 ? 0 : value)
            }
        }
        self.ticks = ticks
    }

    /// `(low, high)` with `high > low`: a single value gets a range around it.
    static func widened(_ low: Double, _ high: Double) -> (Double, Double) {
        if high > low { return (low, high) }
        let value = low
        let delta = value == 0 ? 1 : abs(value) >= 1 ? max(1, abs(value) * 0.05) : abs(value) / 2
        return (value - delta, value + delta)
    }

    /// The number of the form 1, 2 or 5 times a power of ten nearest to `value`.
    static func niceNumber(_ value: Double) -> Double {
        guard value.isFinite, value > 0 else { return 1 }
        let exponent = log10(value).rounded(.down)
        let power = pow(10, exponent)
        let fraction = value / power
        let nice: Double = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        return nice * power
    }

    /// The label of a tick value: as many decimals as the step needs (`0.25` for a step of
    /// 0.05, `12` for a step of 2), or `%g` for very large or very small values.
    func label(_ value: Double) -> String {
        let magnitude = max(abs(lower), abs(upper))
        if magnitude >= 1e6 || step < 1e-4 { return String(format: "%g", value) }
        let decimals = max(0, -Int((log10(step) + 1e-9).rounded(.down)))
        return String(format: "%.\(decimals)f", value)
    }

    /// The fraction of the way from `lower` to `upper` at which `value` lies.
    func fraction(_ value: Double) -> Double {
        (value - lower) / (upper - lower)
    }
}
