/// Why a ``LayerSpecification`` cannot be read, built or varied.
public enum LayerSpecificationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text does not parse: at character `position` (1-based, counting from the start of
    /// the text), at `token` (empty at the end of the text), for `reason`.
    case syntax(position: Int, token: String, reason: String)
    /// The layers do not fit the shapes they get: the layer at `layer` (its parameter-name
    /// path, `3` or `2.1`), written `text`, for `reason` (which names the shapes).
    case shape(layer: String, text: String, reason: String)
    /// A variation (`--activation`, `--pooling`, `--dropout`, `--batch-norm`) has no place in
    /// the network: `option` and `reason`.
    case inapplicable(option: String, reason: String)

    public var description: String {
        switch self {
        case let .syntax(position, token, reason):
            let at = token.isEmpty ? "at the end" : "at character \(position) ('\(token)')"
            return "layer specification, \(at): \(reason)"
        case let .shape(layer, text, reason):
            return "layer specification, layer \(layer) (\(text)): \(reason)"
        case let .inapplicable(option, reason):
            return "\(option): \(reason)"
        }
    }
}
