import TensorMath

/// Seeded shuffling with an algorithm fixed here (Fisher–Yates with unbiased bounded draws),
/// so the same seed gives the same order on every platform and Swift version — the standard
/// library's `shuffle(using:)` does not promise that.
enum Shuffle {
    /// A uniform integer in `0..<bound` (Lemire's multiply-and-reject method).
    static func uniform<G: RandomNumberGenerator>(below bound: Int, using generator: inout G)
        -> Int
    {
        precondition(bound > 0)
        let range = UInt64(bound)
        var product = generator.next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = generator.next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// Shuffles `elements` in place.
    static func permute<T, G: RandomNumberGenerator>(
        _ elements: inout [T], using generator: inout G
    ) {
        guard elements.count > 1 else { return }
        for i in stride(from: elements.count - 1, to: 0, by: -1) {
            let j = uniform(below: i + 1, using: &generator)
            if i != j { elements.swapAt(i, j) }
        }
    }

    /// A random permutation of `0..<count`.
    static func permutation<G: RandomNumberGenerator>(_ count: Int, using generator: inout G)
        -> [Int]
    {
        var order = Array(0..<count)
        permute(&order, using: &generator)
        return order
    }
}
