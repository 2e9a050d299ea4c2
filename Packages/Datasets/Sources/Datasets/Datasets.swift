/// The Datasets module. Its contents arrive with the issue that builds this package.
public enum DatasetsInfo {
    /// The package's name.
    public static let name = "Datasets"
}
