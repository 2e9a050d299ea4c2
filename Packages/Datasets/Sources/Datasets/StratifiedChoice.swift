import TensorMath

/// Seeded, class-stratified choices of samples: from each class, a shuffled share of its
/// samples, so that a subset keeps the classes' proportions whatever the order of the data
/// (MNIST's files mix the digits, image folders list them class by class). The same labels
/// and seed always give the same choice, on every machine: class `c`'s members (in index
/// order) are put in a Fisher–Yates order drawn from `Xoshiro256(seed: seed, stream: c)`, and
/// the first ones of each class are chosen.
///
/// ```swift
/// let labels = (0..<source.count).map(source.label(at:))
/// let chosen = StratifiedChoice.indices(labels: labels, count: 5000, seed: 42)
/// // 5,000 ascending indices, about 500 of each of MNIST's ten digits
/// ```
public enum StratifiedChoice {
    /// Exactly `count` sample indices (all if `count` is not smaller than `labels.count`),
    /// in ascending order, each class's share `count × size / total` rounded by largest
    /// remainder (ties to the smaller label).
    /// - Parameters:
    ///   - labels: Each sample's class, `≥ 0`.
    ///   - count: How many to choose, `≥ 0`.
    ///   - seed: The seed of the shuffles.
    public static func indices(labels: [Int], count: Int, seed: UInt64) -> [Int] {
        guard count < labels.count else { return Array(labels.indices) }
        let sizes = classSizes(labels)
        let total = labels.count
        var quotas: [Int: Int] = [:]
        var remainders: [(label: Int, remainder: Int)] = []
        var assigned = 0
        for (label, size) in sizes.sorted(by: { $0.key < $1.key }) {
            // count × size / total without overflow: count < total ≤ Int.max / 2 in practice,
            // and the product is formed in full width.
            let product = count.multipliedFullWidth(by: size)
            let (quotient, remainder) = total.dividingFullWidth(product)
            quotas[label] = quotient
            remainders.append((label, remainder))
            assigned += quotient
        }
        let order = remainders.sorted {
            $0.remainder != $1.remainder ? $0.remainder > $1.remainder : $0.label < $1.label
        }
        for entry in order.prefix(count - assigned) { quotas[entry.label, default: 0] += 1 }
        let chosen = choose(labels: labels, seed: seed) { label, _ in quotas[label] ?? 0 }
        return labels.indices.filter { chosen[$0] }
    }

    /// For each sample, whether it is chosen: from each class `label` of `size` samples, the
    /// first `quota(label, size)` of its seeded shuffle (clamped to `0...size`).
    public static func choose(
        labels: [Int], seed: UInt64, quota: (_ label: Int, _ size: Int) -> Int
    ) -> [Bool] {
        var members: [Int: [Int]] = [:]
        for (index, label) in labels.enumerated() { members[label, default: []].append(index) }
        var chosen = [Bool](repeating: false, count: labels.count)
        for (label, indices) in members {
            var order = indices
            var generator = Xoshiro256(seed: seed, stream: UInt64(truncatingIfNeeded: label))
            Shuffle.permute(&order, using: &generator)
            let take = min(max(quota(label, order.count), 0), order.count)
            for index in order[..<take] { chosen[index] = true }
        }
        return chosen
    }

    /// The number of samples of each label.
    private static func classSizes(_ labels: [Int]) -> [Int: Int] {
        var sizes: [Int: Int] = [:]
        for label in labels { sizes[label, default: 0] += 1 }
        return sizes
    }
}
