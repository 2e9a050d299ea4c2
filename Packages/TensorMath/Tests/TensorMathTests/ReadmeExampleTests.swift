import TensorMath
import Testing

/// The README's example, verbatim, so that it always compiles and its shapes stay right.
@Test func readmeExampleRuns() throws {
    // --- README example begins ---
    var g = Xoshiro256(seed: 42)
    let x = try Tensor.normal([8, 3, 32, 32], using: &g)  // NCHW batch
    let w = try Tensor.kaimingUniform([16, 3, 3, 3], using: &g)  // [out, in, kh, kw]
    let conv = Convolution2D(stride: 1, padding: 1)
    let y = try conv.forward(input: x, weight: w, bias: nil)  // [8, 16, 32, 32]
    let (pooled, argmax) = try Pooling2D(kind: .max, kernelSize: 2).forward(y.relu())
    let logits = try Tensor.matmul(pooled.flattened(), try Tensor.ones([16 * 16 * 16, 10]))
    let probabilities = try logits.softmax(alongAxis: -1)
    // --- README example ends ---

    #expect(y.shape == [8, 16, 32, 32])
    #expect(pooled.shape == [8, 16, 16, 16] && argmax?.count == pooled.count)
    let rowSums = try probabilities.sum(alongAxes: [1])
    #expect(rowSums.scalars.allSatisfy { abs($0 - 1) < 1e-5 })
}
