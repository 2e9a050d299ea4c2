/// The Checkpoints module. Its contents arrive with the issue that builds this package.
public enum CheckpointsInfo {
    /// The package's name.
    public static let name = "Checkpoints"
}
