import TensorMath

/// What the two layer walkers share (``ModelSummary``'s dry run and
/// ``Layer/forwardTrace(_:)``): dotted paths, error wrapping, and a residual block's branches
/// computed the way `Residual.forward(_:)` computes them.
enum LayerWalk {
    /// `prefix.name`, or `name` at the top.
    static func join(_ prefix: String, _ name: String) -> String {
        prefix.isEmpty ? name : "\(prefix).\(name)"
    }

    /// Wraps `error` with the full dotted `path` (extending a path a nested layer added).
    static func wrap(_ error: Error, path: String, layer: Layer) -> Error {
        guard !path.isEmpty else { return error }
        return NeuralNetError.wrapping(error, child: path, layer: layer)
    }

    /// A residual block's body output (its children through `visit` when it is a
    /// `Sequential`, else the body through `visit`) and shortcut output (a projection through
    /// `visit`), checked to have one shape. `visit(layer, input, path)` runs one layer.
    static func branches(
        of residual: Residual, input: Tensor, path: String,
        visit: (Layer, Tensor, String) throws -> Tensor
    ) throws -> (main: Tensor, side: Tensor) {
        var main = input
        if let body = residual.body as? Sequential {
            for (name, child) in body.children {
                main = try visit(child, main, join(path, name))
            }
        } else {
            main = try visit(residual.body, input, join(path, "body"))
        }
        let side: Tensor
        switch residual.shortcut {
        case .identity:
            side = input
        case let .zeroPadIdentity(stride, outputChannels):
            do {
                side = try Residual.zeroPadForward(
                    input, stride: stride, outputChannels: outputChannels)
            } catch {
                throw wrap(error, path: path, layer: residual)
            }
        case let .projection(shortcut):
            side = try visit(shortcut, input, join(path, "shortcut"))
        }
        guard main.shape == side.shape else {
            throw wrap(
                NeuralNetError.invalidInput(
                    layer: "Residual",
                    reason: "body output \(main.shape) and shortcut output \(side.shape) differ "
                        + "(input \(input.shape))"),
                path: path, layer: residual)
        }
        return (main, side)
    }
}
