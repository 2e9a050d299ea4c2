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

    /// The default run: about 12 minutes on two cores at the AVX-512 level (21 at the AVX2
    /// level) for plain and residual networks of 20 and 56 layers: 14 epochs of 80 steps
    /// (1,120 per network) of batch 64 on 5,120 training images (512 per class, so every batch
    /// is full), a one-epoch warm-up, the learning rate divided by 10 after epochs 7 and 11, the
    /// test error on 1,000 test images after every epoch, the paper's initialization. Batches of
    /// 64 give twice the steps of batch 128 for the same time; with 560 steps of 128 the
    /// 56-layer ResNet was still behind the 20-layer one at the end. These 1,120 steps are too
    /// few for the 56-layer ResNet to end below the 20-layer one: it ended 2.6–11.6 points of
    /// training error behind in 5 runs (learning rates 0.05, 0.1 and 0.2, and 2,560 images for
    /// 28 epochs), and with ``zeroInitResidual`` ahead in 2 seeds of 3.
    static let quick = ExperimentSettings(
        depths: [20, 56], epochs: 14, trainSubset: 5_120, testSubset: 1_000, batchSize: 64,
        learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4, milestoneSteps: nil,
        warmupEpochs: 1, seed: 42, cropPadding: 4, horizontalFlip: true, zeroInitResidual: false)

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
