import Foundation
import NeuralNet

/// What one `skip-connections` run trains: the depths, the data, and the schedule every
/// network shares (SGD with momentum 0.9, weight decay 1e-4, learning rate 0.1 divided by 10
/// at two milestones, batch 128, crops and flips), and the seed that gives each plain network
/// and its residual twin the same initial weights, batch order and augmentation.
struct ExperimentSettings: Codable, Equatable {
    /// The depths `6n + 2`, each trained as a plain network and as a ResNet.
    var depths: [Int]
    /// Epochs per network.
    var epochs: Int
    /// Training images (a seeded, class-stratified subset), `nil` for all.
    var trainSubset: Int?
    /// Test images (a seeded, class-stratified subset), `nil` for all.
    var testSubset: Int?
    /// Images per mini-batch.
    var batchSize: Int
    /// The initial learning rate.
    var learningRate: Float
    /// SGD momentum.
    var momentum: Float
    /// L2 weight decay.
    var weightDecay: Float
    /// The optimizer steps after which the learning rate is divided by 10, or `nil` for 50%
    /// and 75% of the run's steps.
    var milestoneSteps: [Int]?
    /// Epochs of linear learning-rate warm-up from a tenth of ``learningRate`` (the paper warms
    /// its 110-layer network up at 0.01; a short run needs it for 56 layers), 0 for none.
    var warmupEpochs: Int
    /// The seed of the subsets, the initialization, the batch order and the augmentation.
    var seed: UInt64
    /// Zero padding of the random crops.
    var cropPadding: Int
    /// Random horizontal flips.
    var horizontalFlip: Bool
    /// Whether every residual block's last batch norm starts at weight 0, so that the ResNets
    /// start as their shortcuts (``ImageModels/CIFARResNet/zeroInitializeResidualBranches(_:)``;
    /// the plain networks keep weight 1).
    var zeroInitResidual: Bool

    /// The default run: about 16 minutes on two cores at the AVX2 level (an AMD EPYC, Zen 4)
    /// for plain and residual networks of 20 and 56 layers: 9 epochs of 160 steps (1,440 per
    /// network) of batch 64 on 10,240 training images (1,024 per class, so every batch is
    /// full), a one-epoch warm-up, the learning rate divided by 10 after epochs 5 and 7, the
    /// test error on 1,000 test images after every epoch, and the ResNets' residual branches
    /// starting at zero (``zeroInitResidual``; the plain networks keep the paper's
    /// initialization). It is the schedule found whose ResNet-56 ends below ResNet-20 for 3
    /// seeds of 3 while plain-56 ends above plain-20: with the paper's initialization the
    /// 56-layer ResNet ended 2.5–11.6 points of training error behind the 20-layer one in
    /// every schedule of 1,120–1,440 steps tried on 2026-12-06 and 12-07 (learning rates
    /// 0.05–0.2; 2,560 to 23,040 images), and with zero-initialized branches on 5,120 images
    /// still behind for 1 seed of 3 (the README's table). Batches of 64 give twice the steps
    /// of batch 128 for the same time.
    static let quick = ExperimentSettings(
        depths: [20, 56], epochs: 9, trainSubset: 10_240, testSubset: 1_000, batchSize: 64,
        learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4, milestoneSteps: nil,
        warmupEpochs: 1, seed: 42, cropPadding: 4, horizontalFlip: true, zeroInitResidual: true)

    /// The paper's CIFAR-10 schedule (section 4.2): all 50,000 training images, 164 epochs of
    /// batch 128 (64k iterations), learning rate 0.1 divided by 10 at 32k and 48k iterations,
    /// depths 20, 32, 44 and 56, every test image.
    static let full = ExperimentSettings(
        depths: [20, 32, 44, 56], epochs: 164, trainSubset: nil, testSubset: nil,
        batchSize: 128, learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4,
        milestoneSteps: [32_000, 48_000], warmupEpochs: 0, seed: 42, cropPadding: 4,
        horizontalFlip: true, zeroInitResidual: false)

    /// The learning-rate milestones (in optimizer steps) of a run of `stepsPerEpoch` steps
    /// per epoch: ``milestoneSteps``, else the steps at 50% and 75% of the epochs.
    func milestones(stepsPerEpoch: Int) -> [Int] {
        if let milestoneSteps { return milestoneSteps }
        return [0.5, 0.75].map { Int((Double(epochs) * $0).rounded()) * stepsPerEpoch }
    }

    /// The schedule of every network: the warm-up, then `learningRate`, times 0.1 at each
    /// milestone (counted from the run's first step).
    func schedule(stepsPerEpoch: Int) -> LearningRateSchedule {
        let warmup = warmupEpochs * stepsPerEpoch
        let steps = LearningRateSchedule.multiStep(
            initial: learningRate,
            milestones: milestones(stepsPerEpoch: stepsPerEpoch).map { max(0, $0 - warmup) },
            gamma: 0.1)
        return warmup > 0 ? .linearWarmup(steps: warmup, startFactor: 0.1, then: steps) : steps
    }
}
