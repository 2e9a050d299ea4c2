import NeuralNet

/// Limits on the networks a configuration may ask for. A model file's configuration or a
/// command-line flag (`--widths`, `--depths`) is checked against them before anything is
/// allocated, so that a few bytes of metadata cannot ask for terabytes (an allocation bomb) or
/// overflow an integer.
public enum ModelLimits {
    /// The most parameters a network may have: 2^28 = 268,435,456 (1 GiB of `Float`, about
    /// 2,000 times LeNet-5 and 10 times a ResNet-50).
    public static let maxParameters = 1 << 28
    /// The most layers (convolutions, activations, pooling, ...) a network may have: 10,000
    /// (the deepest network of the ResNet paper, ResNet-1202, has about 3,600 by this count).
    public static let maxLayers = 10_000
    /// The longest input side a configuration may declare: 4,096 pixels.
    public static let maxInputSide = 4096

    /// The most parameters the network being built on this task may have, besides
    /// ``maxParameters``: a loader sets it with ``allowance(forFileValues:)`` from the number
    /// of values its file holds (a file cannot supply more weights than that), so that a small
    /// file whose metadata asks for a large network is refused before the network is allocated
    /// and initialized. Unbounded (`Int.max`) unless set with
    /// `ModelLimits.$parameterAllowance.withValue(n) { ... }`.
    @TaskLocal public static var parameterAllowance = Int.max

    /// The allowance for a file holding `values` tensor values: those plus 2^20 (4 MiB of
    /// `Float`), so that a network only somewhat larger than its file is still built and the
    /// loader can name the tensors that are missing, while a few bytes cannot ask for
    /// gigabytes.
    public static func allowance(forFileValues values: Int) -> Int {
        values.addingReportingOverflow(1 << 20).overflow ? Int.max : values + (1 << 20)
    }
}

/// Counts the parameters and layers of a network from its configuration, in overflow-checked
/// arithmetic, and refuses one beyond ``ModelLimits``: each builder fills one in before it
/// builds anything.
///
/// ```swift
/// var budget = ModelBudget("LeNet5")
/// try budget.add(layers: 1, weights: [6, 1, 5, 5], bias: 6)  // features.0
/// ```
struct ModelBudget {
    let architecture: String
    private(set) var parameters = 0
    private(set) var layers = 0

    init(_ architecture: String) { self.architecture = architecture }

    /// The product of `factors`, or `nil` if it overflows `Int` (all factors non-negative).
    static func product(_ factors: [Int]) -> Int? {
        var result = 1
        for factor in factors {
            let (value, overflow) = result.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            result = value
        }
        return result
    }

    /// Adds `layers` layers holding a weight tensor of shape `weights` (if any) and `bias`
    /// more parameters.
    /// - Throws: ``NeuralNet/NeuralNetError/invalidConfiguration(_:)`` if a count overflows or
    ///   the total passes a limit.
    mutating func add(layers count: Int = 1, weights: [Int] = [], bias: Int = 0) throws {
        let weightCount = weights.isEmpty ? 0 : Self.product(weights)
        guard let weightCount, weights.allSatisfy({ $0 >= 0 }), count >= 0, bias >= 0 else {
            throw tooLarge("a layer of shape \(weights) (more parameters than an Int can count)")
        }
        let (withWeights, overflow1) = parameters.addingReportingOverflow(weightCount)
        let (total, overflow2) = withWeights.addingReportingOverflow(bias)
        let (layerTotal, overflow3) = layers.addingReportingOverflow(count)
        guard !overflow1, !overflow2, total <= ModelLimits.maxParameters else {
            throw tooLarge(
                "more than \(ModelLimits.maxParameters) parameters (the limit, 1 GiB of Float)")
        }
        let allowance = ModelLimits.parameterAllowance
        guard total <= allowance else {
            throw NeuralNetError.invalidConfiguration(
                "\(architecture): the configuration asks for more than \(allowance) parameters, "
                    + "more values than the file's tensors hold; refused before allocating them")
        }
        guard !overflow3, layerTotal <= ModelLimits.maxLayers else {
            throw tooLarge("more than \(ModelLimits.maxLayers) layers (the limit)")
        }
        parameters = total
        layers = layerTotal
    }

    /// Throws unless `side` is a usable input side (1 to ``ModelLimits/maxInputSide``).
    func checkInputSide(_ side: Int, _ name: String = "inputSize") throws {
        guard (1...ModelLimits.maxInputSide).contains(side) else {
            throw NeuralNetError.invalidConfiguration(
                "\(architecture): \(name) \(side) is outside 1...\(ModelLimits.maxInputSide) "
                    + "(the limit)")
        }
    }

    private func tooLarge(_ what: String) -> NeuralNetError {
        NeuralNetError.invalidConfiguration(
            "\(architecture): the configuration asks for \(what); refused before allocating it")
    }
}
