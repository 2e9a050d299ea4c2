/// The Datasets module: IDX (with gzip), PNG and JPEG codecs, a small ``Image`` type with the
/// preprocessing operations vision models need, MNIST and image-folder data sets, a prefetching
/// ``BatchLoader``, and a checksum-verifying MNIST downloader. See the package README.
public enum DatasetsInfo {
    /// The package's name.
    public static let name = "Datasets"
}
