import NeuralNet

/// Training curves: a run's epoch history as a two-panel ``LinePlot``, the loss (training
/// and validation) on the left and the accuracy in percent on the right, against the epoch
/// counted from 1. Training is drawn solid in blue, validation dashed in orange; without a
/// validation set its lines are left out.
///
/// ```swift
/// try TrainingCurvesPlot.plot(trainer.state.history, title: "MNISTNet")
///     .write(pngPath: "curves.png")
/// ```
public enum TrainingCurvesPlot {
    /// The colour of the training curves (the palette's blue).
    public static let trainingColor = PlotColor.palette[0]
    /// The colour of the validation curves (the palette's orange).
    public static let validationColor = PlotColor.palette[1]

    /// The plot of `history` (in any order; drawn by epoch).
    /// - Parameters:
    ///   - history: The epochs' summaries, as `Trainer.state.history` holds them.
    ///   - title: The title above both panels; default none.
    public static func plot(_ history: [EpochSummary], title: String? = nil) -> LinePlot {
        let epochs = history.sorted { $0.epoch < $1.epoch }
        func points(_ value: (EpochSummary) -> Double?, scale: Double = 1) -> [PlotPoint] {
            epochs.compactMap { summary in
                value(summary).map { PlotPoint(x: Double(summary.epoch + 1), y: $0 * scale) }
            }
        }
        func panel(
            _ title: String, _ yLabel: String, _ training: [PlotPoint], _ validation: [PlotPoint]
        ) -> LinePlot.Panel {
            LinePlot.Panel(
                title: title, xLabel: "epoch", yLabel: yLabel,
                series: [
                    .init(label: "train", points: training, color: trainingColor),
                    .init(
                        label: "validation", points: validation, style: .dashed,
                        color: validationColor),
                ])
        }
        return LinePlot(
            title: title,
            panels: [
                panel("Loss", "loss", points { $0.trainingLoss }, points { $0.validationLoss }),
                panel(
                    "Accuracy", "accuracy (%)", points({ $0.trainingAccuracy }, scale: 100),
                    points({ $0.validationAccuracy }, scale: 100)),
            ])
    }
}
