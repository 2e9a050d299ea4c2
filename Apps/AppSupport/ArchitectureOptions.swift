import ArgumentParser
import Checkpoints
import ImageClassification
import ImageModels

extension Activation: ExpressibleByArgument {}
extension LayerSpecification.Pooling.Kind: ExpressibleByArgument {}

/// The flags that shape the network of a training command, for
/// `@OptionGroup var network: ArchitectureOptions`: `--layers SPEC` (a network written as a
/// ``ImageModels/LayerSpecification``), the variations `--activation`, `--pooling`,
/// `--dropout`, `--batch-norm` of the chosen network (or of the `--layers` one), and
/// `--print-layers`.
///
/// A varied or written network trains as the `Layers` architecture, whose configuration (the
/// specification's text, the input shape and the class count) the model file and the
/// checkpoint keep: `classify`, `evaluate` and `--resume` rebuild it from the file alone. A
/// variation that changes nothing (`--activation relu` on a ReLU network) keeps the preset.
public struct ArchitectureOptions: ParsableArguments {
    /// `--layers SPEC`.
    @Option(
        help: .init(
            "The network as a layer specification, in place of the preset one, e.g. \"conv 8 "
                + "3x3 same, relu, maxpool 2, flatten, dense 10\" (layers: conv OUT KxK "
                + "[same|valid|padding=P] [stride=S] [dilation=D] [bias=no], relu, leakyrelu "
                + "[SLOPE], tanh, sigmoid, maxpool|avgpool|sumpool [K] [stride=S], "
                + "globalavgpool, batchnorm, dropout [RATE], flatten, dense N, residual(LAYERS) "
                + "[shortcut=identity|projection|zeropad]). See --print-layers.",
            valueName: "SPEC"))
    public var layers: String?
    /// `--activation`.
    @Option(
        help: .init(
            "Replace every activation of the network"
                + ArchitectureOptions.defaultNote("activation")
                + ".", valueName: "ACTIVATION"))
    public var activation: Activation?
    /// `--pooling`.
    @Option(
        help: .init(
            "Change every pooling layer to this kind" + ArchitectureOptions.defaultNote("pooling")
                + ".", valueName: "POOLING"))
    public var pooling: LayerSpecification.Pooling.Kind?
    /// `--dropout RATE`.
    @Option(
        help: .init(
            "Set the rate of every dropout layer, in [0, 1)"
                + ArchitectureOptions.defaultNote("dropout") + ".", valueName: "RATE"))
    public var dropout: Float?
    /// `--batch-norm on|off`.
    @Option(
        help: .init(
            "Batch norm after every convolution (on) or none (off)"
                + ArchitectureOptions.defaultNote("batch-norm") + ".", valueName: "SWITCH"))
    public var batchNorm: Switch?
    /// `--print-layers`: print the network as a specification and exit.
    @Flag(
        help: """
            Print the network these flags choose as a layer specification (for --layers) and \
            exit without training.
            """)
    public var printLayers = false

    /// `on` or `off`.
    public enum Switch: String, ExpressibleByArgument, CaseIterable, Sendable {
        /// On.
        case on
        /// Off.
        case off
    }

    /// Creates empty options (ArgumentParser fills them).
    public init() {}

    /// Rejects a dropout rate outside [0, 1) (exit status 2).
    public func validate() throws {
        if let dropout, !(dropout >= 0 && dropout < 1) {
            throw ValidationError("--dropout must be in [0, 1)")
        }
    }

    /// The variation the flags ask for.
    public var variation: LayerSpecification.Variation {
        .init(
            activation: activation, pooling: pooling, dropout: dropout,
            batchNorm: batchNorm.map { $0 == .on })
    }

    /// The flags given that choose the network (not `--print-layers`), as written.
    public var given: [String] {
        [
            layers.map { _ in "--layers" }, activation.map { _ in "--activation" },
            pooling.map { _ in "--pooling" }, dropout.map { _ in "--dropout" },
            batchNorm.map { _ in "--batch-norm" },
        ].compactMap { $0 }
    }

    /// The network of a new run: `preset` (the app's chosen architecture, called `presetName`
    /// in messages) varied by the flags, or the `--layers` network, checked against samples
    /// of `inputShape` and `classCount` classes.
    /// - Parameter presetFlags: The flags given that choose or change the preset
    ///   (`--architecture`, `--widths`); `--layers` refuses them.
    /// - Throws: `ValidationError` (exit status 2) naming the flag and the problem: a
    ///   specification that does not parse or does not fit the input (with the layer), a
    ///   variation with no place in the network, or `--layers` with a preset flag.
    public func architecture(
        preset: ModelDescription.Architecture, presetName: String, presetFlags: [String] = [],
        inputShape: [Int], classCount: Int
    ) throws -> ModelDescription.Architecture {
        let specification: LayerSpecification
        let name: String
        if let layers {
            if let flag = presetFlags.first {
                throw ValidationError(
                    "--layers writes the whole network; leave out \(flag)")
            }
            specification = try Self.usage("--layers") { try LayerSpecification(parsing: layers) }
            name = "the --layers network"
        } else {
            if variation.isEmpty { return preset }
            guard
                let presetSpecification = try ModelRegistry.layerSpecification(of: preset)
            else {
                throw ValidationError(
                    "\(presetName) cannot be written as layers, so \(given.joined(separator: ", "))"
                        + " cannot change it")
            }
            specification = presetSpecification
            name = presetName
        }
        let varied = try Self.usage(nil) { try specification.varied(variation, name: name) }
        if layers == nil, varied == specification { return preset }
        let configuration = Layers.Configuration(
            varied, inputShape: inputShape, classCount: classCount)
        _ = try Self.usage(layers == nil ? given.joined(separator: ", ") : "--layers") {
            try Layers.plan(configuration)
        }
        return try ModelRegistry.architecture(Layers.self, configuration: configuration)
    }

    /// The text `--print-layers` prints for `architecture`.
    /// - Throws: `ValidationError` when the architecture cannot be written as layers.
    public static func printedLayers(_ architecture: ModelDescription.Architecture) throws
        -> String
    {
        guard let specification = try ModelRegistry.layerSpecification(of: architecture) else {
            throw ValidationError("\(architecture.name) cannot be written as layers")
        }
        return specification.description
    }

    /// Throws unless the flags given describe the network of the saved run `saved` (so that
    /// `--resume` with the same `--layers` or variation goes on, and a different one is
    /// refused, as the training flags are).
    public func checkResumed(saved: ModelDescription.Architecture) throws {
        guard !given.isEmpty else { return }
        let stored = try ModelRegistry.layerSpecification(of: saved)
        let asked: LayerSpecification?
        if let layers {
            let written = try Self.usage("--layers") { try LayerSpecification(parsing: layers) }
            asked = try Self.usage(nil) { try written.varied(variation, name: "--layers") }
        } else {
            asked = try stored.map { stored in
                try Self.usage(nil) { try stored.varied(variation, name: "the saved network") }
            }
        }
        if let stored, asked == stored, layers != nil, saved.name != Layers.architecture {
            throw ValidationError(
                "--resume continues a \(saved.name) run: the same layers, but its parameters "
                    + "are named as \(saved.name)'s, not as --layers names them; leave out "
                    + given.joined(separator: ", "))
        }
        guard let stored, asked == stored else {
            throw ValidationError(
                "--resume continues the saved run with its own network ("
                    + (stored?.description ?? saved.name) + "); leave out "
                    + given.joined(separator: ", "))
        }
    }

    /// `body`'s errors as usage errors, prefixed with `flag`.
    private static func usage<T>(_ flag: String?, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError((flag.map { "\($0): " } ?? "") + "\(error)")
        }
    }
}
