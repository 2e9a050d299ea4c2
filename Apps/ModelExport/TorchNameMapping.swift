import NeuralNet

/// PyTorch's usual names for our architectures, mapped to the state-dictionary names of the
/// network the registry builds (only names the network does not already have are renamed, and
/// only onto names the network has and the file lacks):
///
/// - the wrappers' prefixes: `module.` (`nn.DataParallel`), `_orig_mod.` (`torch.compile`);
/// - the tutorials' numbered layers: `convK`, `fcK`, `bnK` become the K-th `Conv2D`, `Linear`
///   or batch norm of the network in definition order, so the LeNet of the PyTorch tutorials
///   (`conv1`, `conv2`, `fc1`, `fc2`, `fc3`) loads into ``ImageModels/LeNet5``
///   (`features.0`, `features.3`, `classifier.0`, `classifier.2`, `classifier.4`);
/// - the CIFAR ResNets': `linear` (the common PyTorch CIFAR ResNet's last layer) for `fc`,
///   torchvision's `downsample` for `shortcut`.
public struct TorchNameMapping: Sendable {
    /// File name → model name, for the names that were renamed.
    public let renamed: [String: String]

    /// The renaming of `fileNames` onto `network`'s state dictionary.
    public init(fileNames: [String], network: Layer) {
        let expected = Set(network.stateDictionary.keys)
        let present = Set(fileNames)
        var numbered: [String: [String]] = [:]
        for (path, layer) in network.namedDescendants {
            switch layer {
            case is Conv2D: numbered["conv", default: []].append(path)
            case is Linear: numbered["fc", default: []].append(path)
            case is BatchNorm: numbered["bn", default: []].append(path)
            default: break
            }
        }
        var result: [String: String] = [:]
        var taken = Set<String>()
        for name in fileNames.sorted() where !expected.contains(name) {
            for candidate in Self.candidates(for: name, numbered: numbered)
            where expected.contains(candidate) && !present.contains(candidate)
                && !taken.contains(candidate)
            {
                result[name] = candidate
                taken.insert(candidate)
                break
            }
        }
        renamed = result
    }

    /// The model's name for a file name (itself unless renamed).
    public func modelName(for fileName: String) -> String { renamed[fileName] ?? fileName }

    /// The names `name` may stand for, most specific first.
    static func candidates(for name: String, numbered: [String: [String]]) -> [String] {
        var base = name
        for prefix in ["module.", "_orig_mod."] where base.hasPrefix(prefix) {
            base.removeFirst(prefix.count)
        }
        var result = [base]
        var components = base.split(separator: ".", omittingEmptySubsequences: false).map(
            String.init)
        if let first = components.first {
            for (word, paths) in numbered where first.hasPrefix(word) {
                if let index = Int(first.dropFirst(word.count)), index >= 1, index <= paths.count {
                    result.append(
                        ([paths[index - 1]] + components.dropFirst()).joined(separator: "."))
                }
            }
        }
        components = components.map { $0 == "downsample" ? "shortcut" : $0 }
        if components.first == "linear" { components[0] = "fc" }
        result.append(components.joined(separator: "."))
        return result
    }
}
