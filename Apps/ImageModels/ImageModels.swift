/// ImageModels: the reference networks the apps train and run (LeNet-5, the MNIST CNN, the
/// four-class network, CIFAR ResNets and their plain twins).
public enum ImageModelsInfo {
    /// The library's name.
    public static let name = "ImageModels"
}
