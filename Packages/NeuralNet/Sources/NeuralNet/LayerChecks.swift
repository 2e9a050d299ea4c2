import TensorMath

/// Input checks shared by the layers. Each throws ``NeuralNetError/invalidInput(layer:reason:)``
/// naming the layer and the shapes, which containers then wrap with the layer's dotted name.
enum LayerChecks {
    /// Requires `input` to have one of `ranks`; `layout` describes the expected shape
    /// (`"[N, C, H, W]"`).
    static func rank(
        of input: Tensor, in ranks: ClosedRange<Int>, layer: String, layout: String
    ) throws {
        guard ranks.contains(input.rank) else {
            let expected = ranks.count == 1 ? "rank \(ranks.lowerBound)" : "rank \(ranks)"
            throw NeuralNetError.invalidInput(
                layer: layer,
                reason: "expects a \(expected) input \(layout), got shape \(input.shape)")
        }
    }

    /// Requires `gradient` to have the shape of the layer's last output.
    static func gradient(_ gradient: Tensor, matches shape: [Int], layer: String) throws {
        guard gradient.shape == shape else {
            throw NeuralNetError.shapeMismatch(
                operation: "\(layer).backward", expected: shape, actual: gradient.shape)
        }
    }

    /// The output extent of a sliding window along one axis, or `nil` when the padded input is
    /// smaller than the (dilated) window. `ceilMode` rounds up as PyTorch's pooling does (a
    /// last window must still start inside the input or its left padding).
    static func slidingOutputSize(
        input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int = 1,
        ceilMode: Bool = false
    ) -> Int? {
        let span = dilation * (kernel - 1) + 1
        let room = input + 2 * padding - span
        guard room >= 0 else { return nil }
        var size = (ceilMode ? (room + stride - 1) / stride : room / stride) + 1
        if ceilMode, (size - 1) * stride >= input + padding { size -= 1 }
        return size
    }

    /// Requires the spatial extent of an NCHW `input` to fit a window; returns the output
    /// size. The message names the input shape, the window and the padding.
    static func windowOutputSize(
        input: Tensor, kernel: Size2D, stride: Size2D, padding: Size2D,
        dilation: Size2D = 1, ceilMode: Bool = false, layer: String
    ) throws -> Size2D {
        let height = slidingOutputSize(
            input: input.shape[2], kernel: kernel.height, stride: stride.height,
            padding: padding.height, dilation: dilation.height, ceilMode: ceilMode)
        let width = slidingOutputSize(
            input: input.shape[3], kernel: kernel.width, stride: stride.width,
            padding: padding.width, dilation: dilation.width, ceilMode: ceilMode)
        guard let height, let width else {
            let span = Size2D(
                dilation.height * (kernel.height - 1) + 1, dilation.width * (kernel.width - 1) + 1)
            let padded = Size2D(
                input.shape[2] + 2 * padding.height, input.shape[3] + 2 * padding.width)
            throw NeuralNetError.invalidInput(
                layer: layer,
                reason: "input \(input.shape) is too small for the \(kernel) kernel "
                    + "(padding \(padding), dilation \(dilation)): the padded input is \(padded), "
                    + "the kernel spans \(span)")
        }
        return Size2D(height, width)
    }

    /// Requires `value > 0` for a configuration value.
    static func positive(_ value: Int, _ name: String, layer: String) throws {
        guard value > 0 else {
            throw NeuralNetError.invalidConfiguration(
                "\(layer): \(name) must be positive, got \(value)")
        }
    }

    /// Requires both extents of `size` to be positive.
    static func positive(_ size: Size2D, _ name: String, layer: String) throws {
        guard size.height > 0, size.width > 0 else {
            throw NeuralNetError.invalidConfiguration(
                "\(layer): \(name) must be positive, got \(size)")
        }
    }

    /// Requires both extents of `size` to be non-negative.
    static func nonNegative(_ size: Size2D, _ name: String, layer: String) throws {
        guard size.height >= 0, size.width >= 0 else {
            throw NeuralNetError.invalidConfiguration(
                "\(layer): \(name) must not be negative, got \(size)")
        }
    }
}

extension Tensor {
    /// A tensor of `shape` whose every scalar `body` writes.
    /// - Throws: ``TensorError/invalidShape(operation:shape:reason:)`` for a shape too large.
    static func filled(
        _ shape: [Int], _ body: (UnsafeMutableBufferPointer<Float>) -> Void
    ) throws -> Tensor {
        try Tensor(shape: shape, unsafeUninitializedScalars: body)
    }
}
