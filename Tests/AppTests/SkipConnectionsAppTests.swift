import Datasets
import Foundation
import Testing

/// End-to-end tests of the built `skip-connections` executable on a tiny synthesized
/// image-folder data set (FourClassTestSupport's four classes, 32x32): the experiment trains
/// every network, writes its CSV, JSON, plot (PNG and SVG) and summary with a verdict, is
/// reproducible for a seed, and rejects bad input with the documented exit codes.
@Suite(.serialized) struct SkipConnectionsAppTests {
    /// 8 training and 4 test images per class, written once for every test.
    static let data: Result<URL, Error> = Result {
        try FourClassTestSupport.writeDataSet(perClass: 8, seed: 11)
    }

    /// The small, fast schedule of these tests.
    static let quick = ["--train-subset", "16", "--test-subset", "8", "--batch-size", "8"]

    static func run(_ arguments: [String]) throws -> ClassifyTestSupport.Run {
        try ClassifyTestSupport.run(
            try ClassifyTestSupport.executable("skip-connections"), arguments)
    }

    @Test func experimentWritesResultsPlotAndSummary() throws {
        let data = try Self.data.get()
        let folder = try ClassifyTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("results").path

        let run = try Self.run(
            ["--data", data.path, "--depths", "8,14", "--epochs", "2", "--output", output]
                + Self.quick)
        #expect(run.status == 0, "\(run.error)")
        #expect(
            run.lines.first?.hasPrefix(
                "plain vs residual networks of depths 8, 14 on 16 "
                    + "training images (of 32), test error on 8 (of 16), 4 classes") == true,
            "\(run.output)")
        for name in ["plain-8", "resnet-8", "plain-14", "resnet-14"] {
            for epoch in 1...2 {
                #expect(
                    run.lines.contains {
                        $0.hasPrefix(name + " ") && $0.contains("epoch \(epoch)/2  lr ")
                            && $0.contains("test error")
                    }, "\(name) epoch \(epoch): \(run.output)")
            }
        }
        #expect(run.lines.contains { $0.hasPrefix("verdict: the degradation problem") })

        // results.csv: the header, then 4 networks × 2 epochs in training order.
        let csv = try String(contentsOfFile: output + "/results.csv", encoding: .utf8)
        let rows = csv.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        #expect(
            rows.first == [
                "network", "depth", "residual", "epoch", "learning_rate", "train_loss",
                "train_error_percent", "test_error_percent", "test_loss", "seconds",
            ])
        #expect(rows.count == 9)
        #expect(
            rows.dropFirst().map { $0[0] } == [
                "plain-8", "plain-8", "resnet-8", "resnet-8", "plain-14", "plain-14", "resnet-14",
                "resnet-14",
            ])
        #expect(rows.dropFirst().map { $0[3] } == ["1", "2", "1", "2", "1", "2", "1", "2"])
        #expect(rows.dropFirst().map { $0[2] }.prefix(2) == ["false", "false"])
        for row in rows.dropFirst() {
            #expect(row.count == 10, "\(row)")
            let values = row.dropFirst(4).compactMap(Double.init)
            #expect(values.count == 6 && values.allSatisfy(\.isFinite), "\(row)")
            let (trainError, testError) = (values[2], values[3])
            #expect((0...100).contains(trainError) && (0...100).contains(testError), "\(row)")
        }
        // Two epochs: the first is the warm-up (below 0.1), then the
        // learning rate is divided by 10 at 50% of the run.
        let warmup = try #require(Double(rows[1][4]))
        #expect(warmup > 0 && warmup < 0.1, "warm-up learning rate \(warmup): \(rows)")
        #expect(rows[2][4] == "0.01", "\(rows)")

        // results.json: the settings, the data and every network's epochs.
        let json = try #require(
            JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: output + "/results.json")))
                as? [String: Any])
        let settings = try #require(json["settings"] as? [String: Any])
        #expect(settings["depths"] as? [Int] == [8, 14])
        #expect(settings["epochs"] as? Int == 2)
        #expect(settings["momentum"] as? Double == 0.9)
        #expect(settings["zeroInitResidual"] as? Bool == true)
        let networks = try #require(json["networks"] as? [[String: Any]])
        #expect(
            networks.map { $0["name"] as? String } == [
                "plain-8", "resnet-8", "plain-14", "resnet-14",
            ])
        #expect(networks.allSatisfy { ($0["epochs"] as? [[String: Any]])?.count == 2 })
        #expect(networks.allSatisfy { $0["complete"] as? Bool == true })
        // Twins have the same parameters (option A shortcuts add none).
        #expect(networks[0]["parameters"] as? Int == networks[1]["parameters"] as? Int)
        #expect(
            networks[2]["parameters"] as? Int == 172_506 - 65 * 10 + 65 * 4,
            "depth 14 with 4 classes")
        let verdict = try #require(json["verdict"] as? [String: Any])
        #expect(verdict["shows"] is Bool)
        #expect((verdict["line"] as? String)?.hasPrefix("verdict: ") == true)
        let dataInfo = try #require(json["data"] as? [String: Any])
        #expect(dataInfo["trainingImages"] as? Int == 16)
        #expect(dataInfo["classes"] as? [String] == FourClassTestSupport.classes)

        // The plot: a 1000x420 PNG and an SVG of the same size with every series.
        let png = try Image(contentsOf: output + "/curves.png")
        #expect(png.width == 1000 && png.height == 420)
        let svg = try String(contentsOfFile: output + "/curves.svg", encoding: .utf8)
        #expect(svg.contains("<svg") && svg.contains("1000") && svg.contains("420"))
        for label in ["plain-8 test", "plain-14 train", "resnet-8 train", "resnet-14 test"] {
            #expect(svg.contains(label), "\(label) missing from the SVG legend")
        }

        // summary.txt: the closing table and the verdict, as printed.
        let summary = try String(contentsOfFile: output + "/summary.txt", encoding: .utf8)
        let summaryLines = summary.split(separator: "\n").map(String.init)
        #expect(summaryLines.first?.hasPrefix("network") == true)
        #expect(summaryLines.count == 6, "\(summary)")
        #expect(summaryLines.last?.hasPrefix("verdict: ") == true)
        for line in summaryLines { #expect(run.lines.contains(line), "\(line)") }
    }

    @Test func sameSeedSameCurves() throws {
        let data = try Self.data.get()
        let folder = try ClassifyTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func curves(_ name: String, seed: Int, flags: [String] = []) throws -> [String] {
            let output = folder.appendingPathComponent(name).path
            let run = try Self.run(
                [
                    "--data", data.path, "--depths", "8", "--epochs", "1", "--seed", "\(seed)",
                    "--output", output,
                ] + Self.quick + flags)
            try #require(run.status == 0, "\(run.error)")
            #expect(
                run.lines.contains(
                    "verdict: not decided: it needs plain and residual networks of two depths"))
            // Every column but the time.
            return try String(contentsOfFile: output + "/results.csv", encoding: .utf8)
                .split(separator: "\n").map { $0.split(separator: ",").dropLast().joined() }
        }
        let first = try curves("a", seed: 5), second = try curves("b", seed: 5)
        #expect(first.count == 3)
        #expect(first == second)
        #expect(try curves("c", seed: 6) != first)
        // The ResNet's initialization, not the plain twin's, follows --no-zero-init-residual
        // (the paper's, against the default's zero-initialized residual branches).
        let paper = try curves("d", seed: 5, flags: ["--no-zero-init-residual"])
        #expect(paper.filter { $0.hasPrefix("plain") } == first.filter { $0.hasPrefix("plain") })
        #expect(
            paper.filter { $0.hasPrefix("resnet") } != first.filter { $0.hasPrefix("resnet") })
        let zero = try curves("e", seed: 5, flags: ["--zero-init-residual"])
        #expect(zero == first)
    }

    @Test func interruptedRunKeepsItsResults() throws {
        let data = try Self.data.get()
        let folder = try ClassifyTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out").path
        let process = Process()
        process.executableURL = try ClassifyTestSupport.executable("skip-connections")
        process.arguments =
            [
                "--data", data.path, "--depths", "8,14", "--epochs", "400",
                "--output", output,
            ] + Self.quick
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ctrl-C once the second epoch's line is printed: the results of the first are then
        // on disk (they are written after each epoch's line). Reading blocks until the line
        // comes or the process ends, so no clock is involved.
        var printed = ""
        while !printed.contains("epoch   2/400") {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }  // the process ended
            printed += String(decoding: chunk, as: UTF8.self)
        }
        #expect(printed.contains("epoch   2/400"), "\(printed)")
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let json = try #require(
            JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: output + "/results.json")))
                as? [String: Any])
        let networks = try #require(json["networks"] as? [[String: Any]])
        let last = try #require(networks.last)
        #expect(last["complete"] as? Bool == false)
        let epochs = try #require(last["epochs"] as? [[String: Any]])
        #expect(epochs.count >= 1 && epochs.count < 400)
        let csv = try String(contentsOfFile: output + "/results.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n").count >= 2)
        let summary = try String(contentsOfFile: output + "/summary.txt", encoding: .utf8)
        #expect(summary.contains("* stopped before its last epoch"), "\(summary)")
        #expect(FileManager.default.fileExists(atPath: output + "/curves.png"))
    }

    @Test func badInput() throws {
        let data = try Self.data.get()
        let folder = try ClassifyTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = ["--output", folder.appendingPathComponent("out").path]

        let missing = folder.appendingPathComponent("no-such-folder").path
        let noData = try Self.run(["--data", missing] + output)
        #expect(noData.status == 1)
        #expect(noData.error.contains(missing), "\(noData.error)")

        // A folder without test/.
        let trainOnly = folder.appendingPathComponent("train-only")
        try FileManager.default.copyItem(
            at: data.appendingPathComponent("train"),
            to: trainOnly.appendingPathComponent("train"))
        let noTest = try Self.run(["--data", trainOnly.path, "--epochs", "1"] + output)
        #expect(noTest.status == 1)
        #expect(noTest.error.contains("test"), "\(noTest.error)")

        let depth = try Self.run(["--data", data.path, "--depths", "8,21"] + output)
        #expect(depth.status == 2)
        #expect(depth.error.contains("depth 21 is not 6n+2"), "\(depth.error)")
        let words = try Self.run(["--data", data.path, "--depths", "eight"] + output)
        #expect(words.status == 2)
        let epochs = try Self.run(["--data", data.path, "--epochs", "0"] + output)
        #expect(epochs.status == 2)
        #expect(epochs.error.contains("--epochs 0"), "\(epochs.error)")
        let huge = try Self.run(
            ["--data", data.path, "--batch-size", "9223372036854775807"] + output)
        #expect(huge.status == 2)
        #expect(huge.error.contains("1...1000000"), "\(huge.error)")
        let unknown = try Self.run(["--data", data.path, "--learning-rat", "0.1"] + output)
        #expect(unknown.status == 2)
        #expect(unknown.error.contains("--learning-rat"), "\(unknown.error)")
        // Nothing was written by the failed runs.
        #expect(!FileManager.default.fileExists(atPath: output[1]))

        let help = try Self.run(["--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("--full") && help.output.contains("--train-subset"))
    }
}
