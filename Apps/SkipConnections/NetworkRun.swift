import Foundation
import ImageModels

/// One network's run: its configuration and, per finished epoch, the curves of Figure 6.
struct NetworkRun: Codable, Equatable {
    /// One epoch's results.
    struct Epoch: Codable, Equatable {
        /// The epoch, counted from 1.
        var epoch: Int
        /// The learning rate of the epoch's last step.
        var learningRate: Double
        /// The mean training loss over the epoch (running, with the weights of the moment).
        var trainLoss: Double
        /// The training error over the epoch in percent (running, on augmented images).
        var trainErrorPercent: Double
        /// The test error after the epoch in percent (inference mode).
        var testErrorPercent: Double
        /// The mean test loss after the epoch.
        var testLoss: Double
        /// Wall-clock seconds of the epoch's training steps.
        var seconds: Double
    }

    /// `plain-20` or `resnet-20`.
    var name: String
    /// The number of weighted layers.
    var depth: Int
    /// Whether the blocks have identity shortcuts.
    var residual: Bool
    /// The number of trainable parameters.
    var parameters: Int
    /// The finished epochs, in order.
    var epochs: [Epoch]
    /// Whether every epoch ran (false when the run was interrupted).
    var complete: Bool
    /// Wall-clock seconds of the whole run (training and test evaluation).
    var seconds: Double

    /// The last finished epoch, if any.
    var last: Epoch? { epochs.last }
}
