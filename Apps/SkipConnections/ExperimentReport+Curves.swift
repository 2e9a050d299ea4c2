import AppSupport
import Foundation

extension ExperimentReport {
    /// The curves like the paper's Figure 6: plain networks on the left, ResNets on the right,
    /// error in percent against the epoch; solid lines the test error, dashed lines the
    /// training error, one colour per depth (the same in both panels). Both panels share the
    /// error range.
    var curves: LinePlot {
        let depths = Set(networks.map(\.depth)).sorted()
        func color(_ depth: Int) -> PlotColor {
            PlotColor.palette[(depths.firstIndex(of: depth) ?? 0) % PlotColor.palette.count]
        }
        func points(_ network: NetworkRun, _ value: (NetworkRun.Epoch) -> Double)
            -> [PlotPoint]
        {
            network.epochs.map { PlotPoint(x: Double($0.epoch), y: value($0)) }
        }
        let highest =
            networks.flatMap(\.epochs)
            .flatMap { [$0.trainErrorPercent, $0.testErrorPercent] }
            .filter(\.isFinite).max() ?? 100
        let top = min(100, max(10, (highest / 10).rounded(.up) * 10))
        func panel(residual: Bool) -> LinePlot.Panel {
            var series: [LinePlot.Series] = []
            for network in networks where network.residual == residual {
                series.append(
                    .init(
                        label: "\(network.name) test", points: points(network, \.testErrorPercent),
                        style: .solid, color: color(network.depth)))
                series.append(
                    .init(
                        label: "\(network.name) train",
                        points: points(network, \.trainErrorPercent), style: .dashed,
                        color: color(network.depth)))
            }
            return LinePlot.Panel(
                title: residual ? "ResNets (identity shortcuts)" : "plain networks",
                xLabel: "epoch", yLabel: "error (%)", series: series, yRange: 0...top)
        }
        return LinePlot(
            title: "CIFAR-10, plain vs residual: dashed training error, solid test error",
            panels: [panel(residual: false), panel(residual: true)])
    }
}
