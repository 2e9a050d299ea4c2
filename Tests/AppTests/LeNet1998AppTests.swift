import Datasets
import Foundation
import Testing

/// LeNet-5 as published through the built apps, on a tiny synthetic MNIST: `mnist train
/// --architecture lenet1998`, `swiftcnn inspect` showing the paper's 60,000 parameters and
/// C3's 1,516, and `classify --visualize` drawing C3's connection table.
@Suite struct LeNet1998AppTests {
    @Test func trainInspectAndVisualize() throws {
        let folder = try MNISTTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try MNISTTestSupport.writeSyntheticMNIST(to: folder, count: 100)
        let model = folder.appendingPathComponent("lenet1998.safetensors").path
        let train = try MNISTTestSupport.run([
            "train", "--data", folder.path, "--architecture", "lenet1998", "--epochs", "1",
            "--batch-size", "16", "--output", model,
        ])
        #expect(train.status == 0, "\(train.error)")
        #expect(
            train.lines.first?.hasPrefix("training LeNet5-1998 (60000 parameters)") == true,
            "\(train.output)")

        let inspect = try ClassifyTestSupport.run(
            ClassifyTestSupport.executable("swiftcnn"), ["inspect", model])
        #expect(inspect.status == 0, "\(inspect.error)")
        #expect(inspect.output.contains("architecture:  LeNet5-1998"), "\(inspect.output)")
        #expect(inspect.output.contains("Trainable parameters: 60,000"))
        #expect(inspect.output.contains("Buffers (saved, not trained): 840"))
        let c3 = inspect.lines.first { $0.contains("features.4 (PartiallyConnectedConv2D)") }
        #expect(c3?.contains("[1, 16, 10, 10]") == true && c3?.contains("1,516") == true)

        var image = try Image(width: 28, height: 28, format: .grey, filledWith: 0)
        for x in 6..<22 { image[x, 9, 0] = 255 }
        let imagePath = folder.appendingPathComponent("bar.png").path
        try image.write(to: imagePath, as: .png)
        let pictures = folder.appendingPathComponent("pictures")
        let classify = try ClassifyTestSupport.run(
            ClassifyTestSupport.executable("classify"),
            ["--model", model, "--visualize", pictures.path, imagePath])
        #expect(classify.status == 0, "\(classify.error)")
        let table = try Image(
            contentsOf: pictures.appendingPathComponent("connections-features.4.png").path)
        #expect(table.width == 226 && table.height == 86)
        let legend = try String(
            contentsOf: pictures.appendingPathComponent("legend.txt"), encoding: .utf8)
        #expect(legend.contains("connections-features.4.png"))
        #expect(legend.contains("(60 of 96)"))
    }
}
