import AppSupport
import ArgumentParser
import Datasets
import Foundation
import NeuralNet
import Testing

/// `TrainingCurvesPlot` from a synthetic history, the `--plot` option, and `mnist train
/// --plot` writing the curves during a tiny run.
@Suite struct TrainingCurvesPlotTests {
    static func history(validation: Bool) -> [EpochSummary] {
        (0..<5).map { epoch in
            let t = Double(epoch + 1)
            return EpochSummary(
                epoch: epoch, trainingLoss: 1 / t, trainingAccuracy: 1 - 0.2 / t,
                validationLoss: validation ? 1.2 / t : nil,
                validationAccuracy: validation ? 1 - 0.25 / t : nil, learningRate: 0.01,
                samples: 100, seconds: 1)
        }
    }

    @Test func twoPanelsOfLossAndAccuracyInPercent() throws {
        let plot = TrainingCurvesPlot.plot(Self.history(validation: true).reversed(), title: "T")
        #expect(plot.title == "T")
        #expect(plot.panels.map(\.title) == ["Loss", "Accuracy"])
        let loss = plot.panels[0], accuracy = plot.panels[1]
        #expect(loss.series.map(\.label) == ["train", "validation"])
        #expect(loss.series[0].points.map(\.x) == [1, 2, 3, 4, 5], "sorted, counted from 1")
        #expect(loss.series[0].points[1].y == 0.5)
        #expect(abs(loss.series[1].points[0].y - 1.2) < 1e-12)
        #expect(loss.series[1].style == .dashed && loss.series[0].style == .solid)
        #expect(accuracy.yLabel.contains("%"))
        #expect(abs(accuracy.series[0].points[0].y - 80) < 1e-9)
        #expect(abs(accuracy.series[1].points[4].y - 95) < 1e-9)

        let image = plot.image()
        #expect(image.width == 1000 && image.height == 420)
        let blue = LinePlotTests.pixels(of: TrainingCurvesPlot.trainingColor, in: image)
        let orange = LinePlotTests.pixels(of: TrainingCurvesPlot.validationColor, in: image)
        #expect(blue.count > 400 && orange.count > 200)
    }

    @Test func withoutValidationOnlyTheTrainingCurvesAreDrawn() {
        let plot = TrainingCurvesPlot.plot(Self.history(validation: false))
        #expect(plot.panels.allSatisfy { $0.series[1].points.isEmpty })
        let svg = plot.svg()
        #expect(svg.contains(">train<") && !svg.contains(">validation<"))
        #expect(TrainingCurvesPlot.plot([]).image().width == 1000, "an empty history draws")
    }

    @Test func plotIsATrainingOption() throws {
        #expect(try TrainingOptions.parse(["--plot", "curves.png"]).plot == "curves.png")
        #expect(try TrainingOptions.parse([]).plot == nil)
        #expect(TrainingOptions.helpMessage().contains("--plot"))
    }

    @Test func mnistTrainWritesThePlot() throws {
        let data = try MNISTAppTests.data.get()
        let folder = try MNISTTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("m.safetensors").path
        let plot = folder.appendingPathComponent("curves.png").path
        let train = try MNISTTestSupport.run([
            "train", "--data", data.path, "--architecture", "lenet5", "--epochs", "2",
            "--train-subset", "200", "--batch-size", "20", "--output", model, "--plot", plot,
        ])
        #expect(train.status == 0, "\(train.error)")
        let image = try Image(contentsOf: plot)
        #expect(image.width == 1000 && image.height == 420)
        let blue = LinePlotTests.pixels(of: TrainingCurvesPlot.trainingColor, in: image)
        let orange = LinePlotTests.pixels(of: TrainingCurvesPlot.validationColor, in: image)
        #expect(blue.count > 200 && orange.count > 100, "\(blue.count) and \(orange.count)")

        // An unwritable plot stops the run before training, naming the file.
        let bad = folder.appendingPathComponent("missing/curves.png").path
        let failed = try MNISTTestSupport.run([
            "train", "--data", data.path, "--architecture", "lenet5", "--epochs", "1",
            "--train-subset", "100", "--output", model, "--plot", bad, "--overwrite",
        ])
        #expect(failed.status == 1)
        #expect(failed.error.contains(bad), "\(failed.error)")
        #expect(!failed.output.contains("epoch 1/1"))
    }
}
