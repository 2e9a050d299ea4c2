import TensorMath

/// A trainable tensor and the gradient accumulated for it.
///
/// `Parameter` is a reference type: a layer and the optimizer updating it share the same
/// object, and optimizers key their per-parameter state (momentum, Adam moments) by it.
public final class Parameter {
    /// The current value, in PyTorch's layout (`Linear.weight` is `[out, in]`, `Conv2D.weight`
    /// is `[out, in, kh, kw]`).
    public var value: Tensor
    /// The gradient of the loss with respect to `value`, accumulated by `backward` calls since
    /// the last ``zeroGradient()``. Always has `value`'s shape.
    public var gradient: Tensor

    /// Creates a parameter with a zero gradient.
    public init(_ value: Tensor) {
        self.value = value
        self.gradient = Tensor.zeros(like: value)
    }

    /// Resets the gradient to zeros.
    public func zeroGradient() {
        gradient.withUnsafeMutableBufferPointer { buffer in
            buffer.update(repeating: 0)
        }
    }

    /// Adds `delta` to the gradient.
    /// - Throws: ``NeuralNetError/shapeMismatch(operation:expected:actual:)`` if `delta`'s shape
    ///   differs from the parameter's.
    public func accumulateGradient(_ delta: Tensor) throws {
        guard delta.shape == value.shape else {
            throw NeuralNetError.shapeMismatch(
                operation: "Parameter.accumulateGradient", expected: value.shape,
                actual: delta.shape)
        }
        delta.withUnsafeBufferPointer { source in
            gradient.withUnsafeMutableBufferPointer { target in
                for i in 0..<target.count { target[i] += source[i] }
            }
        }
    }

    /// Replaces the value, keeping the shape.
    /// - Throws: ``NeuralNetError/shapeMismatch(operation:expected:actual:)`` on a different
    ///   shape.
    public func assign(_ newValue: Tensor) throws {
        guard newValue.shape == value.shape else {
            throw NeuralNetError.shapeMismatch(
                operation: "Parameter.assign", expected: value.shape, actual: newValue.shape)
        }
        value = newValue
    }
}

/// A non-trainable tensor that is part of a model's state and saved with it, such as batch
/// normalization's running mean and variance.
public final class Buffer {
    /// The current value.
    public var value: Tensor

    /// Creates a buffer.
    public init(_ value: Tensor) { self.value = value }

    /// Replaces the value, keeping the shape.
    /// - Throws: ``NeuralNetError/shapeMismatch(operation:expected:actual:)`` on a different
    ///   shape.
    public func assign(_ newValue: Tensor) throws {
        guard newValue.shape == value.shape else {
            throw NeuralNetError.shapeMismatch(
                operation: "Buffer.assign", expected: value.shape, actual: newValue.shape)
        }
        value = newValue
    }
}
