/// im2col and its adjoint col2im: the lowering that turns a convolution into a GEMM.
///
/// For one sample, the im2col matrix has a row per kernel tap `(c, i, j)` (`C·KH·KW` rows,
/// the order of PyTorch's weight layout) and a column per output pixel `(oy, ox)`; entry
/// `(c, i, j), (oy, ox)` is the input pixel `(c, oy·sh − ph + i·dh, ox·sw − pw + j·dw)`, or 0
/// in the padding. Several samples can share one matrix side by side (`rowStride` is then a
/// multiple of `OH·OW`).
extension ConvolutionGeometry {
    /// The output columns `ox` whose tap `j` reads inside the input: `lower..<upper`.
    @inline(__always)
    func validColumns(tap j: Int) -> (lower: Int, upper: Int, offset: Int) {
        let offset = j * dilationWidth - paddingWidth
        // ox·sw + offset ≥ 0  and  ox·sw + offset ≤ W − 1
        let lower = offset >= 0 ? 0 : min(outputWidth, (-offset + strideWidth - 1) / strideWidth)
        let last = width - 1 - offset
        let upper = last < 0 ? lower : max(lower, min(outputWidth, last / strideWidth + 1))
        return (lower, upper, offset)
    }

    /// Writes the im2col matrix of one sample (`input`: `[C, H, W]`) into `columns`, whose
    /// rows are `rowStride` apart; every one of its `C·KH·KW × OH·OW` entries is written.
    func im2col(
        _ input: UnsafePointer<Float>, into columns: UnsafeMutablePointer<Float>,
        rowStride: Int
    ) {
        let (outH, outW) = (outputHeight, outputWidth)
        for c in 0..<channels {
            let plane = input + c * inputPlane
            for i in 0..<kernelHeight {
                let rowOffset = i * dilationHeight - paddingHeight
                for j in 0..<kernelWidth {
                    let row = columns + ((c * kernelHeight + i) * kernelWidth + j) * rowStride
                    let (lower, upper, offset) = validColumns(tap: j)
                    for oy in 0..<outH {
                        let iy = oy * strideHeight + rowOffset
                        let destination = row + oy * outW
                        guard iy >= 0, iy < height else {
                            destination.update(repeating: 0, count: outW)
                            continue
                        }
                        if lower > 0 { destination.update(repeating: 0, count: lower) }
                        if upper < outW {
                            (destination + upper).update(repeating: 0, count: outW - upper)
                        }
                        guard upper > lower else { continue }
                        let source = plane + iy * width + lower * strideWidth + offset
                        if strideWidth == 1 {
                            (destination + lower).update(from: source, count: upper - lower)
                        } else {
                            let target = destination + lower
                            for t in 0..<(upper - lower) { target[t] = source[t * strideWidth] }
                        }
                    }
                }
            }
        }
    }

    /// Scatters an im2col-shaped gradient back onto one sample's input gradient
    /// (`gradient`: `[C, H, W]`, overwritten): the adjoint of ``im2col(_:into:rowStride:)``.
    /// Sums run in a fixed order, so the result is deterministic.
    func col2im(
        _ columns: UnsafePointer<Float>, rowStride: Int,
        into gradient: UnsafeMutablePointer<Float>
    ) {
        let (outH, outW) = (outputHeight, outputWidth)
        gradient.update(repeating: 0, count: inputSample)
        for c in 0..<channels {
            let plane = gradient + c * inputPlane
            for i in 0..<kernelHeight {
                let rowOffset = i * dilationHeight - paddingHeight
                for j in 0..<kernelWidth {
                    let row = columns + ((c * kernelHeight + i) * kernelWidth + j) * rowStride
                    let (lower, upper, offset) = validColumns(tap: j)
                    guard upper > lower else { continue }
                    let count = upper - lower
                    for oy in 0..<outH {
                        let iy = oy * strideHeight + rowOffset
                        guard iy >= 0, iy < height else { continue }
                        let source = row + oy * outW + lower
                        let target = plane + iy * width + lower * strideWidth + offset
                        if strideWidth == 1 {
                            for t in 0..<count { target[t] += source[t] }
                        } else {
                            for t in 0..<count { target[t * strideWidth] += source[t] }
                        }
                    }
                }
            }
        }
    }
}
