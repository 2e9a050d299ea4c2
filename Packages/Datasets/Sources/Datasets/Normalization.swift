/// Per-channel normalization applied when images become tensors: a byte `v` in channel `c`
/// becomes `(v / 255 − mean[c]) / std[c]`. One value applies to every channel.
public struct Normalization: Equatable, Sendable {
    /// The mean subtracted from each channel (after scaling bytes to [0, 1]).
    public let mean: [Float]
    /// The standard deviation each channel is divided by.
    public let std: [Float]

    /// Creates a normalization.
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` unless `mean` and `std`
    ///   are non-empty, of equal length (or one of them has length 1), finite, and every
    ///   standard deviation is non-zero.
    public init(mean: [Float], std: [Float]) throws {
        guard !mean.isEmpty, !std.isEmpty,
            mean.count == std.count || mean.count == 1 || std.count == 1
        else {
            throw DatasetError.invalidArgument(
                operation: "Normalization",
                reason: "mean has \(mean.count) values and std \(std.count): give one per "
                    + "channel, or one for all")
        }
        guard mean.allSatisfy(\.isFinite), std.allSatisfy({ $0.isFinite && $0 != 0 }) else {
            throw DatasetError.invalidArgument(
                operation: "Normalization",
                reason: "mean \(mean) and std \(std) must be finite, std non-zero")
        }
        self.mean = mean
        self.std = std
    }

    private init(uncheckedMean mean: [Float], std: [Float]) {
        self.mean = mean
        self.std = std
    }

    /// Bytes scaled to [0, 1] and nothing else: mean 0, std 1.
    public static let unit = Normalization(uncheckedMean: [0], std: [1])

    /// MNIST's training-set statistics: mean 0.1307, std 0.3081.
    public static let mnist = Normalization(uncheckedMean: [0.1307], std: [0.3081])

    /// CIFAR-10's training-set channel statistics (RGB): mean (0.4914, 0.4822, 0.4465),
    /// std (0.2470, 0.2435, 0.2616).
    public static let cifar10 = Normalization(
        uncheckedMean: [0.4914, 0.4822, 0.4465], std: [0.2470, 0.2435, 0.2616])

    /// Checks that the statistics fit `channels` channels.
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` naming `operation`.
    func check(channels: Int, operation: String) throws {
        guard mean.count == 1 || mean.count == channels, std.count == 1 || std.count == channels
        else {
            throw DatasetError.invalidArgument(
                operation: operation,
                reason: "normalization with \(mean.count) means and \(std.count) standard "
                    + "deviations does not fit \(channels)-channel images")
        }
    }

    /// The mean and standard deviation of channel `c`.
    func statistics(channel c: Int) -> (mean: Float, std: Float) {
        (mean[mean.count == 1 ? 0 : c], std[std.count == 1 ? 0 : c])
    }

    /// For each channel, the value of every byte: `table[c × 256 + v] = (v / 255 − mean) / std`,
    /// computed as PyTorch's `ToTensor` then `Normalize` compute it.
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` if the statistics do not
    ///   fit `channels` channels.
    func lookupTable(channels: Int, operation: String) throws -> [Float] {
        try check(channels: channels, operation: operation)
        var table: [Float] = []
        table.reserveCapacity(256 * channels)
        for c in 0..<channels {
            let (m, s) = statistics(channel: c)
            for v in 0..<256 { table.append((Float(v) / 255 - m) / s) }
        }
        return table
    }
}
