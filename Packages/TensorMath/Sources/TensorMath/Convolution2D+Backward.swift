/// The backward pass of ``Convolution2D``.
extension Convolution2D {
    /// The gradients of a convolution for an output gradient `[N, O, OH, OW]`.
    ///
    /// - Parameters:
    ///   - input: The forward input `[N, C, H, W]`.
    ///   - weight: The forward weight `[O, C, KH, KW]`.
    ///   - outputGradient: The gradient of the loss with respect to the forward output,
    ///     `[N, O, OH, OW]`.
    ///   - needsInputGradient: Whether to compute the input gradient (default `true`); pass
    ///     `false` for a network's first layer to skip that work.
    /// - Returns: The input gradient `[N, C, H, W]` (`nil` when not requested), the weight
    ///   gradient `[O, C, KH, KW]` and the bias gradient `[O]` (the sum over N, OH and OW).
    ///   The bias gradient is returned whether or not the forward pass used a bias.
    /// - Throws: ``TensorError`` naming the operation and the shapes, as
    ///   ``forward(input:weight:bias:fusingReLU:)`` does, or when `outputGradient` is not
    ///   `[N, O, OH, OW]`.
    public func backward(
        input: Tensor, weight: Tensor, outputGradient: Tensor, needsInputGradient: Bool = true
    ) throws -> (input: Tensor?, weight: Tensor, bias: Tensor) {
        let operation = "Convolution2D.backward"
        let geometry = try validate(
            input: input, weight: weight, bias: nil, operation: operation)
        let expected = [
            geometry.batch, geometry.outChannels, geometry.outputHeight, geometry.outputWidth,
        ]
        guard outputGradient.shape == expected else {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "output gradient must be \(expected) for input \(input.shape) and "
                    + "weight \(weight.shape), got \(outputGradient.shape)")
        }
        return ConvolutionKernels.backward(
            geometry, input: input, weight: weight, outputGradient: outputGradient,
            needsInput: needsInputGradient)
    }
}
