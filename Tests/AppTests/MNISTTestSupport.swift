import Checkpoints
import Datasets
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Helpers of the `mnist` end-to-end tests: a tiny synthetic MNIST, running the built
/// executable with an environment (or interrupting it), and reading model files back.
enum MNISTTestSupport {
    typealias Run = ClassifyTestSupport.Run

    /// The built `mnist` executable.
    static func mnist() throws -> URL { try ClassifyTestSupport.executable("mnist") }

    /// A new empty temporary folder.
    static func temporaryFolder() throws -> URL { try ClassifyTestSupport.temporaryFolder() }

    /// Writes a synthetic MNIST folder: `count` 28x28 training images (and `count / 2` test
    /// images) whose label is the row band (of ten) holding a bright bar, plus faint noise, so
    /// a network learns it in a few steps.
    static func writeSyntheticMNIST(to folder: URL, count: Int) throws {
        var g = SplitMix(seed: 5)
        for (prefix, n) in [("train", count), ("t10k", count / 2)] {
            var pixels = [UInt8](repeating: 0, count: n * 784)
            var labels = [UInt8](repeating: 0, count: n)
            for i in 0..<n {
                let label = Int(g.next() % 10)
                labels[i] = UInt8(label)
                let row = 3 + label * 2 + Int(g.next() % 2)
                for x in 6..<22 { pixels[i * 784 + row * 28 + x] = 255 }
                for _ in 0..<20 { pixels[i * 784 + Int(g.next() % 784)] = UInt8(g.next() % 64) }
            }
            try IDXArray(shape: [n, 28, 28], elements: .uint8(pixels))
                .write(to: folder.appendingPathComponent("\(prefix)-images-idx3-ubyte.gz").path)
            try IDXArray(shape: [n], elements: .uint8(labels))
                .write(to: folder.appendingPathComponent("\(prefix)-labels-idx1-ubyte.gz").path)
        }
    }

    /// Runs `mnist` with `arguments` and extra environment variables, and waits for it.
    /// - Parameter interruptAfter: If given, sends SIGINT once standard output holds a line
    ///   starting with this text.
    static func run(
        _ arguments: [String], environment: [String: String] = [:],
        interruptAfter: String? = nil
    ) throws -> Run {
        let process = Process()
        process.executableURL = try mnist()
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let errorText = Collector()
        err.fileHandleForReading.readabilityHandler = { handle in
            errorText.append(handle.availableData)
        }
        try process.run()
        var output = Data()
        var interrupted = false
        while true {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            output.append(chunk)
            if let marker = interruptAfter, !interrupted,
                String(decoding: output, as: UTF8.self).split(separator: "\n")
                    .contains(where: { $0.hasPrefix(marker) })
            {
                kill(process.processIdentifier, SIGINT)
                interrupted = true
            }
        }
        process.waitUntilExit()
        err.fileHandleForReading.readabilityHandler = nil
        errorText.append(err.fileHandleForReading.readDataToEndOfFile())
        return Run(
            status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
            error: errorText.text)
    }

    /// The accuracy in percent on a report's last line (`accuracy: 98.50%`).
    static func accuracy(_ run: Run) -> Double? {
        guard let last = run.lines.last, last.hasPrefix("accuracy: "), last.hasSuffix("%")
        else { return nil }
        return Double(last.dropFirst("accuracy: ".count).dropLast())
    }

    /// Every tensor of a safetensors file, by name.
    static func tensors(_ path: String) throws -> [String: [Float]] {
        let file = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: path), readMode: .read)
        return try file.tensors().mapValues(\.scalars)
    }

    /// Thread-safe bytes collected from a pipe.
    final class Collector: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func append(_ more: Data) { lock.withLock { data.append(more) } }
        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
    }
}

/// SplitMix64 for the synthetic data.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
