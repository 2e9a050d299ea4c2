/// The version of SwiftCNN's apps and libraries, printed by every app's `--version`.
public enum SwiftCNNVersion {
    /// The release, `MAJOR.MINOR.PATCH`.
    public static let current = "0.5.0"

    /// What `--version` prints: `SwiftCNN 0.5.0`.
    public static var text: String { "SwiftCNN \(current)" }
}
