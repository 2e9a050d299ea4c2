import CTensorKernels
import Foundation
import TensorMath
import TensorMathTesting
import Testing

/// The C kernels at every vector level (`SWIFTCNN_VECTOR_LEVEL`, read once per process, so
/// lower levels run in child processes of this test binary): edge sizes of the GEMM's
/// register and cache blocks against a `Double` triple loop, the GEMM and convolution
/// suites passing at each level, and the levels agreeing with each other.
@Suite struct KernelLevelTests {
    /// Environment variable naming the file a child process writes its results to.
    static let outputVariable = "TENSORMATH_LEVEL_OUTPUT"
    static let levelVariable = "SWIFTCNN_VECTOR_LEVEL"

    /// Sizes around the register blocks (AVX-512 8x48, AVX2 6x16) and the k block (256).
    static let edgeSizes = [1, 5, 6, 7, 8, 9, 15, 16, 17, 47, 48, 49, 97]
    static let depths = [1, 3, 255, 256, 257, 600]

    /// `alpha·op(A)·op(B) + beta·C` in `Double` by the triple loop, with leading dimensions.
    static func reference(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: [Float], lda: Int, b: [Float], ldb: Int, beta: Float, c: [Float], ldc: Int
    ) -> [Float] {
        var result = c
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let x = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(x) * Double(y)
                }
                let old = beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])
                result[i * ldc + j] = Float(Double(alpha) * sum + old)
            }
        }
        return result
    }

    /// The error a float sum of `k` products may reach (relative to max(1, |value|)).
    static func tolerance(k: Int) -> Float { 2e-6 * Float(k).squareRoot() + 1e-6 }

    /// One raw GEMM with padded leading dimensions and a guard band around C, against the
    /// reference; returns the largest error relative to max(1, |expected|).
    static func gemmError(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        beta: Float, generator: inout Xoshiro256
    ) throws -> Float {
        let lda = (transposeA ? m : k) + 3, ldb = (transposeB ? k : n) + 1, ldc = n + 2
        let a = try Tensor.uniform(
            [(transposeA ? k : m) * lda], low: -1, high: 1,
            using: &generator
        ).scalars
        let b = try Tensor.uniform(
            [(transposeB ? n : k) * ldb], low: -1, high: 1,
            using: &generator
        ).scalars
        // With beta == 0, C may hold anything, NaN included: it must not be read.
        var c =
            beta == 0
            ? [Float](repeating: .nan, count: m * ldc)
            : try Tensor.uniform([m * ldc], low: -1, high: 1, using: &generator).scalars
        let expected = reference(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    BLAS.sgemm(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                        alpha: alpha, a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb,
                        beta: beta, c: c.baseAddress!, ldc: ldc)
                }
            }
        }
        var error: Float = 0
        for i in 0..<m {
            for j in 0..<ldc {
                let (got, want) = (c[i * ldc + j], expected[i * ldc + j])
                if j >= n {
                    // The padding between rows is untouched.
                    if !(got.bitPattern == want.bitPattern) { return .infinity }
                    continue
                }
                error = max(error, abs(got - want) / max(1, abs(want)))
            }
        }
        return error.isNaN ? .infinity : error
    }

    @Test func gemmEdgeSizesMatchTheTripleLoop() throws {
        var generator = Xoshiro256(seed: 7)
        var worst: Float = 0
        var cases = 0
        for (index, m) in Self.edgeSizes.enumerated() {
            for (offset, n) in Self.edgeSizes.enumerated() where (index + offset) % 3 == 0 {
                let k = Self.depths[(index + offset) % Self.depths.count]
                let transposeA = (index + offset) % 2 == 0, transposeB = index % 2 == 1
                let (alpha, beta): (Float, Float) = [(1, 0), (0.5, 1), (1, -0.75)][cases % 3]
                let error = try Self.gemmError(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                    alpha: alpha, beta: beta, generator: &generator)
                #expect(
                    error < Self.tolerance(k: k),
                    "m \(m) n \(n) k \(k) tA \(transposeA) tB \(transposeB)")
                worst = max(worst, error / Self.tolerance(k: k))
                cases += 1
            }
        }
        #expect(cases > 40)
        #expect(worst < 1)
    }

    @Test func largeProductsCrossEveryCacheBlock() throws {
        // m, n and k beyond the row (144), column (384) and depth (256) blocks.
        var generator = Xoshiro256(seed: 8)
        for (m, n, k, transposeA, transposeB) in [
            (301, 797, 517, false, false), (150, 390, 700, true, true),
            (10, 1001, 300, false, true), (700, 10, 260, true, false),
        ] {
            let error = try Self.gemmError(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
                beta: 0.5, generator: &generator)
            #expect(error < Self.tolerance(k: k), "m \(m) n \(n) k \(k)")
        }
    }

    /// Products and convolutions of odd sizes whose results every level must agree on:
    /// padded same convolutions with panels spanning samples, large patch sizes (the
    /// AVX-512 forward pass then packs from the input), strides, dilation, 1x1 kernels.
    static func results() throws -> [Tensor] {
        var generator = Xoshiro256(seed: 31)
        var results: [Tensor] = []
        for (m, k, n) in [(5, 7, 3), (33, 65, 97), (130, 300, 47), (64, 84, 10)] {
            let a = try Tensor.uniform([m, k], low: -1, high: 1, using: &generator)
            let b = try Tensor.uniform([k, n], low: -1, high: 1, using: &generator)
            results.append(try Tensor.matmul(a, b))
            results.append(try Tensor.matmul(b, a, transposeA: true, transposeB: true))
        }
        let configurations: [(shape: [Int], weight: [Int], conv: Convolution2D)] = [
            ([3, 130, 7, 9], [5, 130, 3, 3], Convolution2D(padding: 1)),
            ([2, 40, 23, 17], [9, 40, 3, 3], Convolution2D(padding: 2, dilation: 2)),
            ([5, 3, 11, 13], [7, 3, 5, 5], Convolution2D(padding: 2)),
            ([4, 6, 15, 14], [10, 6, 3, 3], Convolution2D(stride: 2, padding: 1)),
            ([3, 5, 9, 9], [4, 5, 1, 1], Convolution2D()),
        ]
        results += try convolutionResults(configurations, using: &generator)
        return results
    }

    /// In a child process (the output variable set), writes the results' scalars.
    @Test func childWritesResults() throws {
        let results = try Self.results()
        #expect(results.allSatisfy { tensor in tensor.scalars.allSatisfy(\.isFinite) })
        guard let path = ProcessInfo.processInfo.environment[Self.outputVariable] else { return }
        let scalars = results.flatMap(\.scalars)
        let data = scalars.withUnsafeBufferPointer { Data(buffer: $0) }
        try data.write(to: URL(fileURLWithPath: path))
    }

    #if os(Linux)
    /// Runs this test binary again with `SWIFTCNN_VECTOR_LEVEL=level`, `filters` selecting
    /// tests; returns its exit status.
    static func runChild(
        level: Int, filters: [String], environment extra: [String: String] = [:]
    ) throws -> Int32 {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments =
            ["--testing-library", "swift-testing"]
            + filters.flatMap { ["--filter", $0] }
        var environment = ProcessInfo.processInfo.environment
        environment[Self.levelVariable] = String(level)
        environment.merge(extra) { _, new in new }
        child.environment = environment
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        child.waitUntilExit()
        return child.terminationStatus
    }

    /// Whether this process is itself a child started by one of these tests.
    static var isChild: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment[outputVariable] != nil
            || environment[KernelDeterminismTests.outputVariable] != nil
            || environment[DirectKernelTests.outputVariable] != nil
            || environment[levelVariable] != nil
    }

    /// The levels below this process's: each runs the GEMM, convolution, determinism and
    /// edge-size suites in a child process.
    @Test(arguments: [0, 1])
    func suitesPassAtLowerLevels(_ level: Int) throws {
        guard !Self.isChild, level < BLAS.vectorLevel else { return }
        let status = try Self.runChild(
            level: level,
            filters: [
                "MatMulTests", "ConvolutionTests", "KernelDeterminismTests",
                "gemmEdgeSizesMatchTheTripleLoop", "largeProductsCrossEveryCacheBlock",
            ])
        #expect(status == 0, "SWIFTCNN_VECTOR_LEVEL=\(level)")
    }

    /// The kernels of `direct_kernels.h`, `winograd_kernels.h` and `winograd4_kernels.h` at
    /// every level up to this process's (the portable ones included, forced at level 0): the
    /// direct-kernel, convolution and pooling suites pass, the direct-kernel suite with the
    /// other Winograd tile too, and their results are bit-identical with 1 and 3 threads.
    @Test(arguments: [0, 1, 2])
    func directKernelsAtEveryLevel(_ level: Int) throws {
        guard !Self.isChild, level <= BLAS.vectorLevel else { return }
        let forced = ["SWIFTCNN_DIRECT_CONVOLUTION": "always", "SWIFTCNN_WINOGRAD": "always"]
        if level < BLAS.vectorLevel {
            // This process runs the suites at its own level.
            let status = try Self.runChild(
                level: level, filters: ["DirectKernelTests", "ConvolutionTests", "PoolingTests"],
                environment: forced)
            #expect(status == 0, "SWIFTCNN_VECTOR_LEVEL=\(level)")
        }
        // The Winograd forward tile not run by default, F(2x2).
        let otherTile = ["SWIFTCNN_WINOGRAD_TILE": "2"]
        let status = try Self.runChild(
            level: level, filters: ["DirectKernelTests"],
            environment: forced.merging(otherTile) { _, new in new })
        #expect(status == 0, "SWIFTCNN_VECTOR_LEVEL=\(level) \(otherTile)")
        for tile in [[:], otherTile] {
            var fingerprints: [String] = []
            for threads in ["1", "3"] {
                let output = FileManager.default.temporaryDirectory
                    .appendingPathComponent("direct-\(getpid())-\(level)-\(threads).txt")
                defer { try? FileManager.default.removeItem(at: output) }
                let status = try Self.runChild(
                    level: level, filters: ["DirectKernelTests/childWritesFingerprint"],
                    environment: forced.merging(tile) { _, new in new }.merging([
                        DirectKernelTests.outputVariable: output.path,
                        "SWIFTCNN_THREADS": threads,
                    ]) { _, new in new })
                #expect(status == 0)
                fingerprints.append(try String(contentsOf: output, encoding: .utf8))
            }
            #expect(
                fingerprints.count == 2 && fingerprints[0] == fingerprints[1],
                "level \(level) \(tile)")
        }
    }

    @Test(arguments: [0, 1])
    func lowerLevelsAgreeWithThisOne(_ level: Int) throws {
        guard !Self.isChild, level < BLAS.vectorLevel else { return }
        let output = FileManager.default.temporaryDirectory
            .appendingPathComponent("levels-\(getpid())-\(level).bin")
        defer { try? FileManager.default.removeItem(at: output) }
        let status = try Self.runChild(
            level: level, filters: ["childWritesResults"],
            environment: [Self.outputVariable: output.path])
        #expect(status == 0)
        let data = try Data(contentsOf: output)
        let theirs = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let ours = try Self.results()
        #expect(theirs.count == ours.reduce(0) { $0 + $1.count })
        var offset = 0
        for tensor in ours {
            guard offset + tensor.count <= theirs.count else { break }
            let other = try Tensor(
                shape: tensor.shape, scalars: Array(theirs[offset..<(offset + tensor.count)]))
            #expect(
                GradientCheck.maxRelativeError(tensor, other) < 1e-4,
                "level \(level) vs \(BLAS.vectorLevel), shape \(tensor.shape)")
            offset += tensor.count
        }
    }
    #endif

    /// The arithmetic-peak loop of `TensorMathBench --peak` (`swiftcnn_fma_peak`) at every
    /// level this CPU has: 12 chains of x ← x·0.999999 + 10⁻⁶ from x = 0…11, in every lane.
    @Test func peakLoopComputesItsChains() {
        let rounds = 1000
        let scale = Double(Float(0.999999)), shift = Double(Float(1e-6))
        var chains = 0.0
        for i in 0..<12 {
            var x = Double(i)
            for _ in 0..<rounds { x = x * scale + shift }
            chains += x
        }
        for level in 0...BLAS.vectorLevel {
            let expected = chains * Double(swiftcnn_direct_lanes(Int32(level)))
            let result = Double(swiftcnn_fma_peak(Int32(level), rounds))
            #expect(abs(result - expected) <= 1e-4 * expected, "level \(level): \(result)")
        }
    }

    @Test func levelIsWithinRange() {
        #expect((0...2).contains(BLAS.vectorLevel))
        if let text = ProcessInfo.processInfo.environment[Self.levelVariable],
            let requested = Int(text)
        {
            #expect(BLAS.vectorLevel <= requested)
        }
    }
}
