/// The NeuralNet module. Its contents arrive with the issue that builds this package.
public enum NeuralNetInfo {
    /// The package's name.
    public static let name = "NeuralNet"
}
