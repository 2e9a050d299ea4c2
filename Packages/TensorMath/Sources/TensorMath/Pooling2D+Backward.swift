import CTensorKernels

extension Pooling2D {
    /// The gradient with respect to the input of ``forward(_:)``.
    ///
    /// Max pooling routes each output gradient to the input element recorded in `argmax`;
    /// average and sum pooling spread it over the window's input elements, divided by the
    /// forward pass's divisor. Overlapping windows accumulate.
    /// - Parameters:
    ///   - outputGradient: `[N, C, outH, outW]`, the gradient of the forward output.
    ///   - inputShape: The forward input's shape `[N, C, H, W]`.
    ///   - argmax: For ``Kind/max``, the indices ``forward(_:)`` returned; ignored otherwise.
    /// - Returns: `[N, C, H, W]`.
    /// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` if `outputGradient` does not
    ///   have the forward output's shape; ``TensorError/invalidArgument(operation:reason:)``
    ///   for invalid settings, or for max pooling a missing `argmax`, one of the wrong count or
    ///   with an index outside its plane.
    public func backward(
        outputGradient: Tensor, inputShape: [Int], argmax: [Int32]?
    ) throws -> Tensor {
        try backward(
            outputGradient: outputGradient, inputShape: inputShape, argmax: argmax,
            level: BLAS.vectorLevel)
    }

    /// ``backward(outputGradient:inputShape:argmax:)`` with the C kernels of vector `level`
    /// (at most ``BLAS/vectorLevel``).
    func backward(
        outputGradient: Tensor, inputShape: [Int], argmax: [Int32]?, level: Int
    ) throws -> Tensor {
        let operation = "Pooling2D.backward"
        let geometry = try Geometry(self, inputShape: inputShape, operation: operation)
        guard outputGradient.shape == geometry.outputShape else {
            throw TensorError.shapeMismatch(
                operation: operation, lhs: outputGradient.shape, rhs: geometry.outputShape)
        }
        let inputCount = geometry.planes * geometry.inputPlane
        if kind == .max {
            guard let argmax, argmax.count == geometry.outputCount else {
                throw TensorError.invalidArgument(
                    operation: operation,
                    reason: "max pooling needs the \(geometry.outputCount) argmax indices of "
                        + "forward, got \(argmax.map { "\($0.count)" } ?? "none")")
            }
            let limit = Int32(truncatingIfNeeded: geometry.inputPlane)
            guard argmax.allSatisfy({ $0 >= 0 && $0 < limit }) else {
                throw TensorError.invalidArgument(
                    operation: operation,
                    reason: "argmax indices must lie in a \(geometry.height)x\(geometry.width) "
                        + "plane")
            }
        }
        // 2x2 windows that tile the planes exactly: the C kernel writes every element.
        let tiles =
            kind == .max && geometry.isFullTwoByTwo
            && 2 * geometry.outputHeight == geometry.height
            && 2 * geometry.outputWidth == geometry.width
        return Tensor(uncheckedShape: inputShape, count: inputCount) { destination in
            guard inputCount > 0 else { return }
            if !tiles { destination.update(repeating: 0) }
            guard geometry.outputCount > 0 else { return }
            outputGradient.withUnsafeBufferPointer { gradient in
                let dy = gradient.baseAddress!, dx = destination.baseAddress!
                if kind == .max, let argmax {
                    argmax.withUnsafeBufferPointer { indices in
                        geometry.forEachPlane { plane in
                            let out = plane * geometry.outputPlane
                            let target = dx + plane * geometry.inputPlane
                            if tiles {
                                let done = swiftcnn_max_pool_2x2_backward(
                                    Int32(level), dy + out, indices.baseAddress! + out,
                                    geometry.width, geometry.outputHeight, geometry.outputWidth,
                                    target)
                                if done != 0 { return }
                                // An index outside its window (argmax not from forward).
                                target.update(repeating: 0, count: geometry.inputPlane)
                            }
                            for o in 0..<geometry.outputPlane {
                                target[Int(indices[out + o])] += dy[out + o]
                            }
                        }
                    }
                } else {
                    geometry.forEachPlane { plane in
                        averagePoolBackwardPlane(
                            dy + plane * geometry.outputPlane,
                            into: dx + plane * geometry.inputPlane, geometry)
                    }
                }
            }
        }
    }

    /// Spreads one plane's output gradient over the windows (average and sum pooling).
    func averagePoolBackwardPlane(
        _ dy: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>, _ g: Geometry
    ) {
        for oh in 0..<g.outputHeight {
            let (paddedRows, rows) = g.rows(oh)
            for ow in 0..<g.outputWidth {
                let (paddedColumns, columns) = g.columns(ow)
                let share =
                    dy[oh * g.outputWidth + ow]
                    / divisor(
                        paddedCount: paddedRows * paddedColumns, count: rows.count * columns.count)
                for h in rows {
                    let row = h * g.width
                    for w in columns { dx[row + w] += share }
                }
            }
        }
    }
}
