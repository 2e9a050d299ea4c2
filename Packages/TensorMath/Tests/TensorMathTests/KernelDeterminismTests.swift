import Foundation
import TensorMath
import Testing

/// GEMM and convolution results must be bit-identical whatever the thread count: both
/// `BLAS.threadCount` (changed in-process) and `SWIFTCNN_THREADS` (read once per process, so
/// checked by running this test binary again with other values).
@Suite struct KernelDeterminismTests {
    /// Environment variable naming the file a child process writes its fingerprint to.
    static let outputVariable = "TENSORMATH_DETERMINISM_OUTPUT"

    /// A 64-bit FNV-1a hash of the bit patterns of every result of a fixed set of
    /// products and convolutions, covering each way the kernels split their work: blocked
    /// GEMMs, batched products, one group with split GEMMs, many groups, 1x1 kernels.
    static func fingerprint() throws -> UInt64 {
        var generator = Xoshiro256(seed: 99)
        var results: [Tensor] = []
        let a = try Tensor.uniform([301, 197], low: -1, high: 1, using: &generator)
        let b = try Tensor.uniform([197, 263], low: -1, high: 1, using: &generator)
        results.append(try Tensor.matmul(a, b))
        results.append(try Tensor.matmul(b, a, transposeA: true, transposeB: true))
        let batch = try Tensor.uniform([9, 20, 30], low: -1, high: 1, using: &generator)
        results.append(try Tensor.matmul(batch, b.reshapedForTest([30, 263 * 197 / 30])))
        let configurations: [(shape: [Int], weight: [Int], conv: Convolution2D)] = [
            ([1, 3, 64, 48], [8, 3, 3, 3], Convolution2D(padding: 1)),
            ([13, 4, 12, 12], [6, 4, 3, 3], Convolution2D(stride: 2, padding: 1)),
            ([37, 5, 7, 7], [4, 5, 1, 1], Convolution2D()),
            ([6, 2, 30, 30], [3, 2, 5, 3], Convolution2D(padding: Size2D(2, 1), dilation: 2)),
            // The direct kernels: tiles spanning samples and several weight-gradient groups
            // with output channels in the vectors; stride phases at a wider pitch.
            ([70, 6, 8, 8], [36, 6, 3, 3], Convolution2D(padding: 1)),
            ([33, 8, 9, 9], [32, 8, 3, 3], Convolution2D(stride: 2, padding: 1)),
        ]
        results += try convolutionResults(configurations, using: &generator)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for tensor in results {
            for value in tensor.scalars {
                hash = (hash ^ UInt64(value.bitPattern)) &* 0x100_0000_01b3
            }
        }
        return hash
    }

    /// In a child process (the output variable set), writes the fingerprint; otherwise
    /// checks that two evaluations agree.
    @Test func childWritesFingerprint() throws {
        let first = try Self.fingerprint()
        if let path = ProcessInfo.processInfo.environment[Self.outputVariable] {
            try String(first).write(toFile: path, atomically: true, encoding: .utf8)
        }
        #expect(first == (try Self.fingerprint()))
    }

    @Test func resultsDoNotDependOnBLASThreadCount() throws {
        let saved = BLAS.threadCount
        defer { BLAS.threadCount = saved }
        BLAS.threadCount = 1
        let single = try Self.fingerprint()
        BLAS.threadCount = 3
        let triple = try Self.fingerprint()
        BLAS.threadCount = saved
        #expect(single == triple)
        #expect(single == (try Self.fingerprint()))
    }

    @Test func concurrentCallersGetTheSameResults() throws {
        var generator = Xoshiro256(seed: 5)
        let a = try Tensor.uniform([300, 200], low: -1, high: 1, using: &generator)
        let b = try Tensor.uniform([200, 400], low: -1, high: 1, using: &generator)
        let expected = try Tensor.matmul(a, b)
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var products = [Tensor?](repeating: nil, count: 6)
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 6) { i in
            let product = try? Tensor.matmul(a, b)
            results.lock.withLock { results.products[i] = product }
        }
        #expect(results.products.allSatisfy { $0 == expected })
    }

    #if os(Linux)
    @Test(arguments: ["1", "3"])
    func resultsDoNotDependOnSWIFTCNNThreads(_ threads: String) throws {
        guard ProcessInfo.processInfo.environment[Self.outputVariable] == nil else { return }
        let output = FileManager.default.temporaryDirectory
            .appendingPathComponent("determinism-\(getpid())-\(threads).txt")
        defer { try? FileManager.default.removeItem(at: output) }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = [
            "--testing-library", "swift-testing", "--filter", "childWritesFingerprint",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFTCNN_THREADS"] = threads
        environment[Self.outputVariable] = output.path
        child.environment = environment
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        child.waitUntilExit()
        #expect(child.terminationStatus == 0)
        let written = try String(contentsOf: output, encoding: .utf8)
        #expect(
            written == String(try Self.fingerprint()),
            "SWIFTCNN_THREADS=\(threads) (this process: \(Parallel.threadCount) threads)")
    }
    #endif
}

extension Tensor {
    /// The first `shape.product` scalars in `shape` (test helper; avoids depending on
    /// the shape operations' API).
    fileprivate func reshapedForTest(_ shape: [Int]) throws -> Tensor {
        try Tensor(shape: shape, scalars: Array(scalars.prefix(shape.reduce(1, *))))
    }
}

/// The forward output and every gradient of each convolution configuration (input and weight
/// shapes, hyper-parameters), on uniform random operands: what the determinism and level tests
/// compare.
func convolutionResults(
    _ configurations: [(shape: [Int], weight: [Int], conv: Convolution2D)],
    using generator: inout Xoshiro256
) throws -> [Tensor] {
    var results: [Tensor] = []
    for (shape, weightShape, conv) in configurations {
        let x = try Tensor.uniform(shape, low: -1, high: 1, using: &generator)
        let w = try Tensor.uniform(weightShape, low: -1, high: 1, using: &generator)
        let bias = try Tensor.uniform([weightShape[0]], low: -1, high: 1, using: &generator)
        let y = try conv.forward(input: x, weight: w, bias: bias)
        let dy = try Tensor.uniform(y.shape, low: -1, high: 1, using: &generator)
        let g = try conv.backward(input: x, weight: w, outputGradient: dy)
        results += [y, g.weight, g.bias]
        if let dx = g.input { results.append(dx) }
    }
    return results
}
