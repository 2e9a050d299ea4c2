import Foundation

/// Whether a run shows the degradation problem and its cure (He et al. 2015, Figure 6): between
/// the shallowest and the deepest depth trained both ways, the deeper plain network ends with a
/// higher training error than the shallower one, while the deeper ResNet ends at or below the
/// shallower ResNet and below the deeper plain network. Only finished networks count; the
/// errors compared are those of the last epoch.
struct Verdict: Codable, Equatable {
    /// `true` or `false` once two depths have both twins finished, else `nil`.
    var shows: Bool?
    /// One line for people: `verdict: the degradation problem and its cure both show: …`.
    var line: String

    /// The verdict on `networks`.
    init(networks: [NetworkRun]) {
        var trainError: [String: Double] = [:]
        for network in networks where network.complete {
            if let last = network.last { trainError[network.name] = last.trainErrorPercent }
        }
        let depths = Set(networks.map(\.depth)).sorted().filter {
            trainError["plain-\($0)"] != nil && trainError["resnet-\($0)"] != nil
        }
        guard let shallow = depths.first, let deep = depths.last, shallow < deep else {
            shows = nil
            line = "verdict: not decided: it needs plain and residual networks of two depths"
            return
        }
        func error(_ name: String) -> Double { trainError[name] ?? .nan }
        func percent(_ name: String) -> String { String(format: "%.2f%%", error(name)) }
        let (plainShallow, plainDeep) = ("plain-\(shallow)", "plain-\(deep)")
        let (resnetShallow, resnetDeep) = ("resnet-\(shallow)", "resnet-\(deep)")
        let plainDegrades = error(plainDeep) > error(plainShallow)
        let resnetHolds = error(resnetDeep) <= error(resnetShallow)
        let resnetBeatsPlain = error(resnetDeep) < error(plainDeep)
        shows = plainDegrades && resnetHolds && resnetBeatsPlain
        let facts = [
            "\(plainDeep) ends with a \(plainDegrades ? "higher" : "lower or equal") training "
                + "error than \(plainShallow) (\(percent(plainDeep)) vs \(percent(plainShallow)))",
            "\(resnetDeep) ends \(resnetHolds ? "at or below" : "above") \(resnetShallow) "
                + "(\(percent(resnetDeep)) vs \(percent(resnetShallow)))",
            "\(resnetBeatsPlain ? "below" : "not below") \(plainDeep)",
        ]
        let outcome =
            shows == true
            ? "the degradation problem and its cure both show"
            : plainDegrades
                ? "the degradation problem shows, its cure does not fully show"
                : "the degradation problem does not show"
        line =
            "verdict: \(outcome): "
            + facts[0] + "; " + facts[1] + " and " + facts[2] + "."
    }
}
