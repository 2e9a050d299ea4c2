import AppSupport
import ArgumentParser
import Checkpoints
import Foundation
import NeuralNet
import TensorMath
import Testing

/// The training knobs of #14 at the level of `TrainingOptions`: each flag parsed into its
/// setting, saved with the configuration, and its effect (learning rates per epoch, the
/// optimizer's momentum, the loss); bad combinations as usage errors that say why.
struct TrainingKnobsTests {
    static let defaults = TrainingSettings(
        epochs: 4, batchSize: 100, optimizer: .adamw, learningRate: 0.1, shift: 0)
    static let architecture = ModelDescription.Architecture(name: "cnn")

    /// The configuration of `arguments` over the defaults, for 1000 training images (800
    /// trained on in 8 steps of 100, 200 held out).
    func configuration(_ arguments: [String]) throws -> TrainingConfiguration {
        try TrainingOptions.parse(arguments + ["--validation-split", "200"]).configuration(
            architecture: Self.architecture, defaults: Self.defaults, trainingCount: 1000)
    }

    /// The learning rate of each epoch's first and last steps.
    func epochRates(_ configuration: TrainingConfiguration, epochs: Int) -> [[Float]] {
        (0..<epochs).map { epoch in
            [
                configuration.learningRates.learningRate(at: epoch * 8),
                configuration.learningRates.learningRate(at: epoch * 8 + 7),
            ]
        }
    }

    @Test func everyFlagIsParsedAndSavedWithTheRun() throws {
        let configuration = try configuration([
            "--optimizer", "rmsprop", "--momentum", "0.5", "--loss", "squared-error",
            "--schedule", "multistep", "--milestones", "1,3", "--gamma", "0.5", "--warmup", "1",
        ])
        #expect(configuration.optimizer == .rmsprop && configuration.momentum == 0.5)
        #expect(configuration.loss == .squaredError)
        #expect(configuration.schedule == .multistep && configuration.milestones == [1, 3])
        #expect(configuration.gamma == 0.5 && configuration.warmup == 1)
        let json = try JSONValue(encoding: configuration)
        #expect(json["settings"]?["loss"] == "squared-error")
        #expect(json["settings"]?["milestones"] == [1, 3])
        #expect(try json.decode(as: TrainingConfiguration.self) == configuration)

        let adam = try self.configuration([
            "--optimizer", "adam", "--beta1", "0.8", "--beta2", "0.99", "--schedule", "step",
            "--step-size", "2",
        ])
        #expect(adam.beta1 == 0.8 && adam.beta2 == 0.99 && adam.stepSize == 2)
        #expect(adam.gamma == nil, "the default gamma is not written into the settings")
    }

    @Test func settingsSavedBeforeTheKnobsStillLoad() throws {
        let configuration = try configuration([])
        var json = try JSONValue(encoding: configuration.settings)
        guard case var .object(fields) = json else { throw AppError("not an object") }
        fields["loss"] = nil
        json = .object(fields)
        let old = try json.decode(as: TrainingSettings.self)
        #expect(old.loss == .crossEntropy && old.momentum == nil && old.warmup == nil)
        #expect(old == configuration.settings)
    }

    @Test func theScheduleFlagsSetTheLearningRateOfEveryEpoch() throws {
        // StepLR(step_size=2, gamma=0.5), stepped per epoch.
        let step = try configuration([
            "--schedule", "step", "--step-size", "2", "--gamma", "0.5",
        ])
        #expect(
            epochRates(step, epochs: 4) == [[0.1, 0.1], [0.1, 0.1], [0.05, 0.05], [0.05, 0.05]])
        // MultiStepLR(milestones=[1, 3], gamma=0.1 by default).
        let multistep = try configuration(["--schedule", "multistep", "--milestones", "1,3"])
        let rates = epochRates(multistep, epochs: 4).map { $0[0] }
        for (rate, expected) in zip(rates, [0.1, 0.01, 0.01, 0.001] as [Float]) {
            #expect(abs(rate - expected) < 1e-7)
        }
        // ExponentialLR(gamma=0.5).
        let exponential = try configuration(["--schedule", "exponential", "--gamma", "0.5"])
        #expect(epochRates(exponential, epochs: 3).map { $0[1] } == [0.1, 0.05, 0.025])
        // --warmup 1 before a constant rate: from a tenth, rising every step.
        let warm = try configuration(["--schedule", "constant", "--warmup", "1"])
        #expect(abs(warm.learningRates.learningRate(at: 0) - 0.01) < 1e-7)
        #expect(warm.learningRates.learningRate(at: 8) == 0.1)
        #expect(warm.learningRates.learningRate(at: 4) > 0.05)
        // Cosine keeps its 1-epoch warm-up by default, and --warmup 0 removes it.
        #expect(abs(try configuration([]).learningRates.learningRate(at: 0) - 0.01) < 1e-7)
        #expect(try configuration(["--warmup", "0"]).learningRates.learningRate(at: 0) == 0.1)
    }

    @Test func theOptimizerAndLossFlagsReachTheTrainer() throws {
        let model = try Linear(
            weight: try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), bias: nil)
        let momentum = try OptimizerChoice.momentum.makeOptimizer(
            model.namedParameters, learningRate: 0.1, momentum: 0.5)
        #expect((momentum as? SGD)?.momentum == 0.5)
        let nesterov = try OptimizerChoice.nesterov.makeOptimizer(
            model.namedParameters, learningRate: 0.1)
        #expect((nesterov as? SGD)?.momentum == 0.9)
        let rmsprop = try OptimizerChoice.rmsprop.makeOptimizer(
            model.namedParameters, learningRate: 0.1, momentum: 0.3)
        #expect((rmsprop as? RMSprop)?.momentum == 0.3)
        let adam = try OptimizerChoice.adam.makeOptimizer(
            model.namedParameters, learningRate: 0.1, beta1: 0.8)
        #expect((adam as? Adam)?.beta1 == 0.8 && (adam as? Adam)?.beta2 == 0.999)
        #expect(
            LossChoice.squaredError.classificationLoss(labelSmoothing: 0).name
                == "softmax squared error")
        // The squared error drops an app's default label smoothing.
        let defaults = TrainingSettings(
            epochs: 2, batchSize: 10, optimizer: .sgd, learningRate: 0.1, labelSmoothing: 0.1)
        let settings = try TrainingOptions.parse(["--loss", "squared-error"])
            .settings(over: defaults, trainingCount: 100)
        #expect(settings.labelSmoothing == 0)
    }

    @Test(arguments: [
        (["--momentum", "0.5"], "--momentum is for --optimizer momentum, nesterov or rmsprop"),
        (["--optimizer", "sgd", "--momentum", "0.5"], "this run uses --optimizer sgd"),
        (["--optimizer", "nesterov", "--momentum", "0"], "nesterov needs a momentum above 0"),
        (["--optimizer", "sgd", "--beta1", "0.8"], "--beta1 and --beta2 are for"),
        (["--schedule", "step"], "--schedule step needs --step-size"),
        (["--step-size", "2"], "--step-size is for --schedule step"),
        (["--schedule", "multistep"], "--schedule multistep needs --milestones"),
        (["--milestones", "2"], "--milestones is for --schedule multistep"),
        (["--schedule", "exponential"], "--schedule exponential needs --gamma"),
        (["--gamma", "0.5"], "--gamma is for --schedule step, multistep or exponential"),
        (["--schedule", "onecycle", "--warmup", "1"], "--warmup does not go with"),
        (["--warmup", "4"], "--warmup 4 must be shorter than the run's 4 epochs"),
        (
            ["--loss", "squared-error", "--label-smoothing", "0.1"],
            "--label-smoothing smooths the cross-entropy's targets"
        ),
    ])
    func badCombinationsAreUsageErrors(arguments: [String], message: String) throws {
        let error = try #require(throws: ValidationError.self) {
            try configuration(arguments)
        }
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test(arguments: [
        ["--momentum", "1"], ["--beta2", "-0.1"], ["--step-size", "0"], ["--gamma", "0"],
        ["--warmup", "-1"], ["--milestones", "3,2"], ["--milestones", "0"],
        ["--milestones", "a"], ["--loss", "hinge"], ["--optimizer", "lbfgs"],
        ["--schedule", "cyclic"],
    ])
    func outOfRangeValuesAreRejectedWhenParsed(arguments: [String]) {
        #expect(throws: (any Error).self) { try TrainingOptions.parse(arguments) }
    }

    @Test func aResumedRunRefusesChangedKnobs() throws {
        let stored = try configuration(["--optimizer", "momentum", "--momentum", "0.8"])
        let error = try #require(throws: ValidationError.self) {
            try TrainingOptions.parse(["--momentum", "0.5"])
                .resumedConfiguration(stored: stored, finishedEpochs: 1)
        }
        #expect(error.message.hasSuffix("Leave out: --momentum 0.5 (saved 0.8)"))
        #expect(throws: Never.self) {
            try TrainingOptions.parse(["--momentum", "0.8", "--loss", "cross-entropy"])
                .resumedConfiguration(stored: stored, finishedEpochs: 1)
        }
    }
}
