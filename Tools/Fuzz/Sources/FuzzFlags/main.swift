// Command-line flag values: the input is a list of arguments separated by zero bytes, parsed
// as `mnist train` and `four-class train` parse their shared flags (TrainingOptions and
// ArchitectureOptions: parsing, then validate()), then resolved the way a run resolves them:
// the network (a `--layers` text, or a preset varied by --activation, --pooling, --dropout,
// --batch-norm) for MNIST's and four-class' inputs, the settings laid over an app's defaults,
// the configuration for several training-set sizes (validation split, steps per epoch, the
// learning-rate schedule) and the schedule's rates at its first, middle and last steps. A value a user can type must give a usage error or a configuration, never a trap
// (an overflow, a NaN to Int) or an allocation the values ask for.
import AppSupport
import ArgumentParser
import Checkpoints
import FuzzDriver

/// A command with only the shared training flags.
struct FlagsCommand: ParsableCommand {
    @OptionGroup var options: TrainingOptions
    @OptionGroup var network: ArchitectureOptions
}

/// The presets a variation may change, with their inputs and class counts.
let presets: [(ModelDescription.Architecture, String, [Int], Int)] = [
    (ModelDescription.Architecture(name: "LeNet5"), "lenet5", [1, 28, 28], 10),
    (ModelDescription.Architecture(name: "FourClassNet"), "four-class", [3, 32, 32], 4),
]

/// The apps' default settings, a small and a large one.
let defaults = [
    TrainingSettings(epochs: 10, batchSize: 64, optimizer: .adam, learningRate: 0.001),
    TrainingSettings(
        epochs: 30, batchSize: 128, optimizer: .momentum, learningRate: 0.1, schedule: .onecycle,
        validationSplit: 0.1),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let arguments = bytes(data, size).split(separator: 0, omittingEmptySubsequences: false)
        .prefix(32).map { String(decoding: $0, as: UTF8.self) }
    guard let command = try? FlagsCommand.parseAsRoot(arguments) as? FlagsCommand else {
        return 0
    }
    var architecture = ModelDescription.Architecture(name: "LeNet5")
    for (preset, name, shape, classes) in presets {
        if let built = try? command.network.architecture(
            preset: preset, presetName: name, inputShape: shape, classCount: classes)
        {
            architecture = built
        }
    }
    for settings in defaults {
        for count in [1, 7, 60_000, TrainingOptions.limits.images] {
            guard
                let configuration = try? command.options.configuration(
                    architecture: architecture, defaults: settings, trainingCount: count)
            else { continue }
            let steps = configuration.epochs
                .multipliedReportingOverflow(by: max(1, count / configuration.batchSize))
            let last = steps.overflow ? Int.max : steps.partialValue
            for step in [0, last / 2, max(0, last - 1)] {
                _ = configuration.learningRates.learningRate(at: step)
            }
            _ = try? configuration.learningRates.validate()
        }
    }
    return 0
}

runFuzzer(fuzzOne)
