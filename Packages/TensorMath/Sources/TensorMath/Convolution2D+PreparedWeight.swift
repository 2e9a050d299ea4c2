import CTensorKernels

extension Convolution2D {
    /// A convolution weight `[O, C, KH, KW]` transformed once for many forward passes, such as
    /// a layer's weight during inference: passes with it skip the per-call filter transform
    /// of the Winograd kernels (3x3, stride-1 convolutions with many channels; at batch 1 the
    /// transform costs about as much as the products) and give the same bits as
    /// ``Convolution2D/forward(input:weight:bias:fusingReLU:)`` with `source`. For other
    /// convolutions nothing is transformed and passes use `source`.
    public final class PreparedWeight: @unchecked Sendable {
        /// The weight prepared, `[O, C, KH, KW]`.
        public let source: Tensor
        /// The Winograd filter at `level`, or nil (packed by
        /// ``WinogradConvolution/packFilter(_:outputs:channels:flipped:tile:into:)``).
        private let filter: UnsafeMutablePointer<Float>?
        private let level: Int

        init(_ convolution: Convolution2D, weight: Tensor, level: Int = BLAS.vectorLevel) {
            source = weight
            self.level = level
            guard weight.rank == 4,
                WinogradConvolution.supports(
                    outputs: weight.shape[0], channels: weight.shape[1],
                    kernel: Size2D(weight.shape[2], weight.shape[3]), stride: convolution.stride,
                    dilation: convolution.dilation, level: level)
            else {
                filter = nil
                return
            }
            let (o, c) = (weight.shape[0], weight.shape[1])
            let tile = WinogradConvolution.configuredTile
            let count = WinogradConvolution.filterCount(outputs: o, channels: c, tile: tile)
            let filter = UnsafeMutablePointer<Float>.allocate(capacity: count)
            WinogradConvolution.packFilter(
                weight, outputs: o, channels: c, tile: tile, into: filter)
            self.filter = filter
        }

        deinit { filter?.deallocate() }

        /// The Winograd filter for a pass at `level`, when it has one.
        func winogradFilter(level: Int) -> UnsafePointer<Float>? {
            level == self.level ? filter.map { UnsafePointer($0) } : nil
        }
    }

    /// `weight` `[O, C, KH, KW]` prepared for ``forward(input:prepared:bias:fusingReLU:)``.
    public func prepare(_ weight: Tensor) -> PreparedWeight {
        PreparedWeight(self, weight: weight)
    }

    /// ``forward(input:weight:bias:fusingReLU:)`` with a prepared weight: the same result, bit
    /// for bit, without transforming the weight again.
    /// - Throws: as ``forward(input:weight:bias:fusingReLU:)`` for `prepared.source`.
    public func forward(
        input: Tensor, prepared: PreparedWeight, bias: Tensor?, fusingReLU: Bool = false
    ) throws -> Tensor {
        let geometry = try validate(
            input: input, weight: prepared.source, bias: bias, operation: "Convolution2D.forward")
        return ConvolutionKernels.forward(
            geometry, input: input, weight: prepared.source, bias: bias, relu: fusingReLU,
            winogradFilter: prepared.winogradFilter(level: BLAS.vectorLevel))
    }
}
