import AppSupport
import Foundation
import ImageModels
import NeuralNet
import TensorMath
import Testing

/// `--tensorboard` and `--csv`: the event encoding against the bytes TensorBoard's own
/// protocol buffers give (event_pb2, tensorboard 2.x), TFRecord framing with valid masked
/// CRC-32C, and the CSV history.
@Suite struct TensorBoardLogTests {
    @Test func eventsEncodeAsTensorBoardsProtocolBuffers() {
        // event_pb2.Event(wall_time=1.5, step=3, summary=Summary(value=[
        //   Value(tag="epoch_accuracy", simple_value=0.75),
        //   Value(tag="epoch_loss", simple_value=0.25)])).SerializeToString()
        let expected: [UInt8] = [
            9, 0, 0, 0, 0, 0, 0, 248, 63, 16, 3, 42, 42, 10, 21, 10, 14, 101, 112, 111, 99, 104,
            95, 97, 99, 99, 117, 114, 97, 99, 121, 21, 0, 0, 64, 63, 10, 17, 10, 10, 101, 112,
            111, 99, 104, 95, 108, 111, 115, 115, 21, 0, 0, 128, 62,
        ]
        let event = TensorBoardEvents.scalars(
            ["epoch_loss": 0.25, "epoch_accuracy": 0.75], step: 3, wallTime: 1.5)
        #expect(event == expected)
        // event_pb2.Event(wall_time=1.5, file_version="brain.Event:2")
        #expect(
            TensorBoardEvents.fileVersion(wallTime: 1.5) == [
                9, 0, 0, 0, 0, 0, 0, 248, 63, 26, 13, 98, 114, 97, 105, 110, 46, 69, 118, 101,
                110, 116, 58, 50,
            ])
    }

    @Test func histogramsAndImagesEncodeAsTensorBoardsProtocolBuffers() {
        // event_pb2.Event(wall_time=1.5, step=3, summary=Summary(value=[Value(tag="weights/w",
        //   histo=HistogramProto(min=1, max=4, num=4, sum=10, sum_squares=30,
        //   bucket_limit=[2.5, 4.0], bucket=[2, 2]))])).SerializeToString()
        let histogram: [UInt8] = [
            9, 0, 0, 0, 0, 0, 0, 248, 63, 16, 3, 42, 96, 10, 94, 10, 9, 119, 101, 105, 103, 104,
            116, 115, 47, 119, 42, 81, 9, 0, 0, 0, 0, 0, 0, 240, 63, 17, 0, 0, 0, 0, 0, 0, 16, 64,
            25, 0, 0, 0, 0, 0, 0, 16, 64, 33, 0, 0, 0, 0, 0, 0, 36, 64, 41, 0, 0, 0, 0, 0, 0, 62,
            64, 50, 16, 0, 0, 0, 0, 0, 0, 4, 64, 0, 0, 0, 0, 0, 0, 16, 64, 58, 16, 0, 0, 0, 0, 0,
            0, 0, 64, 0, 0, 0, 0, 0, 0, 0, 64,
        ]
        #expect(
            TensorBoardEvents.histograms(
                ["weights/w": [1, 2, 3, 4]], step: 3, wallTime: 1.5, buckets: 2) == histogram)
        // Summary.Value(tag="feature_maps/c", image=Summary.Image(height=1, width=2,
        //   colorspace=3, encoded_image_string=b"\x01\x02\x03"))
        let image: [UInt8] = [
            9, 0, 0, 0, 0, 0, 0, 248, 63, 16, 3, 42, 31, 10, 29, 10, 14, 102, 101, 97, 116, 117,
            114, 101, 95, 109, 97, 112, 115, 47, 99, 34, 11, 8, 1, 16, 2, 24, 3, 34, 3, 1, 2, 3,
        ]
        #expect(
            TensorBoardEvents.images(
                ["feature_maps/c": ([1, 2, 3], width: 2, height: 1, channels: 3)], step: 3,
                wallTime: 1.5) == image)
    }

    /// The step scalars, the parameter and gradient histograms and the feature maps of a
    /// LeNet-5 land in the file, and the model's mode is left as it was.
    @Test func stepsHistogramsAndFeatureMaps() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("TensorBoardLogTests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var generator = Xoshiro256(seed: 5)
        let model = try LeNet5.makeModel(.init(), generator: &generator)
        let image = try Tensor.uniform([1, 1, 28, 28], low: -1, high: 1, using: &generator)
        let log = try TensorBoardLog(folder: folder.path)
        try log.appendStep(
            BatchProgress(
                epoch: 0, batch: 0, expectedBatchCount: 1, globalStep: 1, loss: 2.5,
                accuracy: 0.125, runningLoss: 2.5, runningAccuracy: 0.125, learningRate: 0.01,
                samples: 8, imagesPerSecond: 100))
        try log.appendEpochDetails(model: model, image: image, epoch: 0)
        #expect(model.isTraining)
        let text = String(
            decoding: try Data(contentsOf: URL(fileURLWithPath: log.path)), as: UTF8.self)
        for tag in [
            "batch_loss", "batch_learning_rate", "weights/features.0.weight",
            "gradients/classifier.4.bias", "feature_maps/features.0", "feature_maps/features.3",
            "IHDR",
        ] {
            #expect(text.contains(tag), "\(tag)")
        }
    }

    @Test func recordsAreFramedWithMaskedCRC32C() {
        let data = Array("123456789".utf8)
        let record = TensorBoardEvents.record(data)
        #expect(record.count == 8 + 4 + data.count + 4)
        #expect(Array(record.prefix(8)) == [9, 0, 0, 0, 0, 0, 0, 0])
        // CRC-32C("123456789") = 0xE3069283, masked: ((c >> 15) | (c << 17)) + 0xa282ead8.
        let crc: UInt32 = 0xE306_9283
        let masked = ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
        #expect(Array(record.suffix(4)) == withUnsafeBytes(of: masked.littleEndian, Array.init))
    }

    @Test func logFilesAndCSV() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("TensorBoardLogTests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let summaries = [
            EpochSummary(
                epoch: 0, trainingLoss: 0.5, trainingAccuracy: 0.75, validationLoss: 0.25,
                validationAccuracy: 0.875, learningRate: 0.5, samples: 100, seconds: 2),
            EpochSummary(
                epoch: 1, trainingLoss: 0.25, trainingAccuracy: 0.875, learningRate: 0.25,
                samples: 100, seconds: 4),
        ]
        let log = try TensorBoardLog(folder: folder.appendingPathComponent("tb").path)
        for summary in summaries { try log.append(summary) }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: log.path)))
        var offset = 0, records = 0
        while offset < bytes.count {
            let length = bytes[offset..<(offset + 8)].enumerated()
                .reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            offset += 16 + length
            records += 1
        }
        #expect(offset == bytes.count && records == 3, "a version event and two epochs")

        let csv = folder.appendingPathComponent("history.csv").path
        try CSVLog.write(summaries, to: csv)
        #expect(
            try String(contentsOfFile: csv, encoding: .utf8) == """
                epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds,images_per_second
                1,0.5,0.75,0.25,0.875,0.5,2.0,50.0
                2,0.25,0.875,,,0.25,4.0,25.0

                """)
        #expect(throws: AppError.self) { try TensorBoardLog(folder: csv) }
        #expect(CSVLog.stepsPath(for: csv).hasSuffix("history.steps.csv"))
        #expect(CSVLog.stepsPath(for: "run") == "run.steps.csv")
        let row = CSVLog.stepRow(
            BatchProgress(
                epoch: 1, batch: 2, expectedBatchCount: 4, globalStep: 7, loss: 0.5,
                accuracy: 0.75, runningLoss: 0.5, runningAccuracy: 0.75, learningRate: 0.25,
                samples: 24, imagesPerSecond: 50))
        #expect(row == "7,2,3,0.5,0.75,0.25,50.0")
    }
}
