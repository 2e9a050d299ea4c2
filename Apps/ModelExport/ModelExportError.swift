/// Why an export or an import failed; each case names the layer, file or tensors involved.
public enum ModelExportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A layer type the exporter has no translation for (its dotted path and type name).
    case unsupportedLayer(path: String, type: String, target: String)
    /// A supported layer in a form the target cannot express (a `Linear` on a rank-3 input…).
    case unsupportedForm(path: String, type: String, target: String, reason: String)
    /// A state dictionary that does not fit the architecture: the names and shapes on both
    /// sides.
    case stateDictionaryMismatch(path: String, architecture: String, report: String)
    /// A bad command-line value or file (named in the reason).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .unsupportedLayer(path, type, target):
            return "cannot export layer \(path.isEmpty ? "<root>" : path) of type \(type) to "
                + "\(target): no \(target) translation for \(type) (supported: "
                + "\(LayerKind.supportedTypeNames.joined(separator: ", ")))"
        case let .unsupportedForm(path, type, target, reason):
            return "cannot export layer \(path.isEmpty ? "<root>" : path) (\(type)) to "
                + "\(target): \(reason)"
        case let .stateDictionaryMismatch(path, architecture, report):
            return "\(path) does not fit \(architecture):\n\(report)"
        case let .invalidArgument(reason):
            return reason
        }
    }
}
