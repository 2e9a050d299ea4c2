import CTensorKernels

/// im2col and its adjoint col2im: the lowering that turns a convolution into a GEMM.
///
/// For one sample, the im2col matrix has a row per kernel tap `(c, i, j)` (`C·KH·KW` rows,
/// the order of PyTorch's weight layout) and a column per output pixel `(oy, ox)`; entry
/// `(c, i, j), (oy, ox)` is the input pixel `(c, oy·sh − ph + i·dh, ox·sw − pw + j·dw)`,
/// or 0 in the padding. Several samples can share one matrix side by side (`rowStride` is
/// then a multiple of `OH·OW`).
///
/// When the output is as wide as the input and the stride is 1 (the "same" convolutions of
/// most networks), a tap's valid pixels are the input plane shifted by a constant offset, so
/// a whole row of the matrix is one contiguous copy (or sum) plus a few border fixes.
extension ConvolutionGeometry {
    /// The output columns `ox` whose tap `j` reads inside the input, `lower..<upper`, and the
    /// input column offset `ix = ox·sw + offset`.
    @inline(__always)
    func validColumns(tap j: Int) -> (lower: Int, upper: Int, offset: Int) {
        let offset = j * dilationWidth - paddingWidth
        // ox·sw + offset ≥ 0  and  ox·sw + offset ≤ W − 1
        let lower =
            offset >= 0
            ? 0 : Swift.min(outputWidth, (-offset + strideWidth - 1) / strideWidth)
        let last = width - 1 - offset
        let upper =
            last < 0
            ? lower : Swift.max(lower, Swift.min(outputWidth, last / strideWidth + 1))
        return (lower, upper, offset)
    }

    /// The output rows `oy` whose tap `i` reads inside the input, `lower..<upper`, and the
    /// input row offset `iy = oy·sh + offset`.
    @inline(__always)
    func validRows(tap i: Int) -> (lower: Int, upper: Int, offset: Int) {
        let offset = i * dilationHeight - paddingHeight
        let lower =
            offset >= 0
            ? 0 : Swift.min(outputHeight, (-offset + strideHeight - 1) / strideHeight)
        let last = height - 1 - offset
        let upper =
            last < 0
            ? lower : Swift.max(lower, Swift.min(outputHeight, last / strideHeight + 1))
        return (lower, upper, offset)
    }

    /// Whether col2im rows with horizontal stride 2 go through the AVX-512 C kernel (for
    /// im2col, the C version of the gather measured slower than ``RowKernels/gatherEven``).
    var evenRowsInC: Bool { BLAS.vectorLevel >= 2 }

    /// Whether a tap's valid pixels form one contiguous shifted range of the input plane.
    var hasShiftedRows: Bool {
        strideWidth == 1 && strideHeight == 1 && outputWidth == width
    }

    /// Writes the im2col matrix of one sample (`input`: `[C, H, W]`) into `columns`, whose
    /// rows are `rowStride` apart; every one of its `C·KH·KW × OH·OW` entries is written.
    func im2col(
        _ input: UnsafePointer<Float>, into columns: UnsafeMutablePointer<Float>,
        rowStride: Int
    ) {
        let (outW, plane) = (outputWidth, outputPlane)
        let shifted = hasShiftedRows
        for c in 0..<channels {
            let source = input + c * inputPlane
            for i in 0..<kernelHeight {
                let rows = validRows(tap: i)
                for j in 0..<kernelWidth {
                    let row = columns + ((c * kernelHeight + i) * kernelWidth + j) * rowStride
                    let cols = validColumns(tap: j)
                    // Rows of output pixels whose tap falls in the top or bottom padding.
                    RowKernels.zero(row, count: rows.lower * outW)
                    RowKernels.zero(
                        row + rows.upper * outW, count: plane - rows.upper * outW)
                    guard rows.upper > rows.lower else { continue }
                    guard cols.upper > cols.lower else {
                        RowKernels.zero(
                            row + rows.lower * outW, count: (rows.upper - rows.lower) * outW)
                        continue
                    }
                    if shifted {
                        // One copy from the first valid pixel to the last, then zero the
                        // border columns, which picked up pixels of neighbouring rows.
                        let first = rows.lower * outW + cols.lower
                        let end = (rows.upper - 1) * outW + cols.upper
                        let delta = rows.offset * width + cols.offset
                        RowKernels.copy(
                            row + first, from: source + first + delta, count: end - first)
                        if cols.lower > 0 || cols.upper < outW {
                            for oy in rows.lower..<rows.upper {
                                let line = row + oy * outW
                                for ox in 0..<cols.lower { line[ox] = 0 }
                                for ox in cols.upper..<outW { line[ox] = 0 }
                            }
                        }
                        continue
                    }
                    // Row by row: zero the clipped borders, copy (or gather) the rest.
                    let count = cols.upper - cols.lower
                    let (left, right) = (cols.lower, outW - cols.upper)
                    let step = strideHeight * width
                    var line = row + rows.lower * outW
                    var pixels =
                        source + (rows.lower * strideHeight + rows.offset) * width
                        + cols.lower * strideWidth + cols.offset
                    for _ in rows.lower..<rows.upper {
                        if left > 0 { RowKernels.zero(line, count: left) }
                        if right > 0 { RowKernels.zero(line + cols.upper, count: right) }
                        if strideWidth == 1 {
                            RowKernels.copy(line + left, from: pixels, count: count)
                        } else if strideWidth == 2 {
                            RowKernels.gatherEven(line + left, from: pixels, count: count)
                        } else {
                            let target = line + left
                            for t in 0..<count { target[t] = pixels[t * strideWidth] }
                        }
                        line += outW
                        pixels += step
                    }
                }
            }
        }
    }

    /// Scatters an im2col-shaped gradient back onto one sample's input gradient
    /// (`gradient`: `[C, H, W]`, overwritten): the adjoint of ``im2col(_:into:rowStride:)``.
    /// Sums run in a fixed order, so the result is deterministic. With shifted rows, the
    /// entries of `columns` that fall in the padding are set to zero first.
    func col2im(
        _ columns: UnsafeMutablePointer<Float>, rowStride: Int,
        into gradient: UnsafeMutablePointer<Float>
    ) {
        let outW = outputWidth
        let shifted = hasShiftedRows
        gradient.update(repeating: 0, count: inputSample)
        for c in 0..<channels {
            let target = gradient + c * inputPlane
            for i in 0..<kernelHeight {
                let rows = validRows(tap: i)
                guard rows.upper > rows.lower else { continue }
                for j in 0..<kernelWidth {
                    let row = columns + ((c * kernelHeight + i) * kernelWidth + j) * rowStride
                    let cols = validColumns(tap: j)
                    guard cols.upper > cols.lower else { continue }
                    if shifted {
                        // Zero the border columns, which would land on neighbouring rows,
                        // then add the whole range at once.
                        if cols.lower > 0 || cols.upper < outW {
                            for oy in rows.lower..<rows.upper {
                                let line = row + oy * outW
                                for ox in 0..<cols.lower { line[ox] = 0 }
                                for ox in cols.upper..<outW { line[ox] = 0 }
                            }
                        }
                        let first = rows.lower * outW + cols.lower
                        let end = (rows.upper - 1) * outW + cols.upper
                        let delta = rows.offset * width + cols.offset
                        RowKernels.add(
                            row + first, into: target + first + delta, count: end - first)
                        continue
                    }
                    let count = cols.upper - cols.lower
                    let step = strideHeight * width
                    var source = row + rows.lower * outW + cols.lower
                    var pixels =
                        target + (rows.lower * strideHeight + rows.offset) * width
                        + cols.lower * strideWidth + cols.offset
                    if strideWidth == 2, evenRowsInC {
                        swiftcnn_scatter_add_even_rows_avx512(
                            pixels, step, source, outW, rows.upper - rows.lower, count)
                        continue
                    }
                    for _ in rows.lower..<rows.upper {
                        if strideWidth == 1 {
                            RowKernels.add(source, into: pixels, count: count)
                        } else if strideWidth == 2 {
                            RowKernels.scatterAddEven(source, into: pixels, count: count)
                        } else {
                            for t in 0..<count { pixels[t * strideWidth] += source[t] }
                        }
                        source += outW
                        pixels += step
                    }
                }
            }
        }
    }
}

/// Short vectorized loops over rows of scalars, inlined: a call to `memcpy` or `memset` per
/// row of a few dozen scalars would cost more than the work.
enum RowKernels {
    private typealias Lanes = SIMD8<Float>
    private typealias HalfLanes = SIMD4<Float>

    /// Sets `count` scalars to zero.
    @inline(__always)
    static func zero(_ target: UnsafeMutablePointer<Float>, count: Int) {
        guard count > 0 else { return }
        if count >= 64 {
            target.update(repeating: 0, count: count)
            return
        }
        let raw = UnsafeMutableRawPointer(target)
        if count >= 8 {
            var t = 0
            while t + 8 <= count {
                raw.storeBytes(of: Lanes(), toByteOffset: t * 4, as: Lanes.self)
                t += 8
            }
            raw.storeBytes(of: Lanes(), toByteOffset: (count - 8) * 4, as: Lanes.self)
        } else {
            for t in 0..<count { target[t] = 0 }
        }
    }

    /// Copies `count` scalars; ranges must not overlap.
    @inline(__always)
    static func copy(
        _ target: UnsafeMutablePointer<Float>, from source: UnsafePointer<Float>, count: Int
    ) {
        if count >= 64 {
            target.update(from: source, count: count)
            return
        }
        let to = UnsafeMutableRawPointer(target), from = UnsafeRawPointer(source)
        if count >= 8 {
            // Whole vectors, then one more ending exactly at `count` (it may overlap).
            var t = 0
            while t + 8 <= count {
                to.storeBytes(
                    of: from.loadUnaligned(fromByteOffset: t * 4, as: Lanes.self),
                    toByteOffset: t * 4, as: Lanes.self)
                t += 8
            }
            let last = (count - 8) * 4
            to.storeBytes(
                of: from.loadUnaligned(fromByteOffset: last, as: Lanes.self),
                toByteOffset: last, as: Lanes.self)
        } else if count >= 4 {
            let last = (count - 4) * 4
            let head = from.loadUnaligned(as: HalfLanes.self)
            let tail = from.loadUnaligned(fromByteOffset: last, as: HalfLanes.self)
            to.storeBytes(of: head, as: HalfLanes.self)
            to.storeBytes(of: tail, toByteOffset: last, as: HalfLanes.self)
        } else {
            for t in 0..<count { target[t] = source[t] }
        }
    }

    /// `target[t] = source[2·t]` for `t < count`; reads nothing past `source[2·(count − 1)]`.
    @inline(__always)
    static func gatherEven(
        _ target: UnsafeMutablePointer<Float>, from source: UnsafePointer<Float>, count: Int
    ) {
        guard count >= 8 else {
            for t in 0..<count { target[t] = source[2 * t] }
            return
        }
        let to = UnsafeMutableRawPointer(target), from = UnsafeRawPointer(source)
        // Eight results from source[2t…2t+6] (even lanes) and source[2t+8…2t+14] (odd lanes
        // of the vector at 2t+7), so the last vector ends exactly at 2·(count − 1).
        @inline(__always) func vector(at t: Int) {
            let low = from.loadUnaligned(fromByteOffset: 2 * t * 4, as: Lanes.self)
            let high = from.loadUnaligned(fromByteOffset: (2 * t + 7) * 4, as: Lanes.self)
            to.storeBytes(
                of: Lanes(lowHalf: low.evenHalf, highHalf: high.oddHalf),
                toByteOffset: t * 4, as: Lanes.self)
        }
        var t = 0
        while t + 8 <= count {
            vector(at: t)
            t += 8
        }
        if t < count { vector(at: count - 8) }
    }

    /// `target[2·t] += source[t]` for `t < count`; touches nothing past
    /// `target[2·(count − 1)]`.
    @inline(__always)
    static func scatterAddEven(
        _ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int
    ) {
        let to = UnsafeMutableRawPointer(target), from = UnsafeRawPointer(source)
        var t = 0
        while t + 8 < count {
            var spread = SIMD16<Float>()
            spread.evenHalf = from.loadUnaligned(fromByteOffset: t * 4, as: Lanes.self)
            let sum = to.loadUnaligned(fromByteOffset: 2 * t * 4, as: SIMD16<Float>.self) + spread
            to.storeBytes(of: sum, toByteOffset: 2 * t * 4, as: SIMD16<Float>.self)
            t += 8
        }
        while t < count {
            target[2 * t] += source[t]
            t += 1
        }
    }

    /// `target[t] += source[t]` for `t < count`.
    @inline(__always)
    static func add(
        _ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int
    ) {
        let to = UnsafeMutableRawPointer(target), from = UnsafeRawPointer(source)
        var t = 0
        while t + 8 <= count {
            let sum =
                to.loadUnaligned(fromByteOffset: t * 4, as: Lanes.self)
                + from.loadUnaligned(fromByteOffset: t * 4, as: Lanes.self)
            to.storeBytes(of: sum, toByteOffset: t * 4, as: Lanes.self)
            t += 8
        }
        while t < count {
            target[t] += source[t]
            t += 1
        }
    }
}
