import Foundation

/// Everything needed to use a trained model without its training code, stored in the
/// `__metadata__` of its safetensors file: the architecture and its configuration, the class
/// names, the input the model takes, the preprocessing that turns an image into that input,
/// and where the model came from.
///
/// Each part is a JSON string under its own documented key (``MetadataKey``), so Python can
/// read them too (`json.loads(safe_open(path, "pt").metadata()["swiftcnn.class_names"])`).
///
/// ```swift
/// let description = ModelDescription(
///     architecture: try .init(name: "lenet5", configuration: LeNetConfiguration()),
///     classNames: (0...9).map(String.init),
///     input: .init(height: 28, width: 28, colorMode: .grayscale),
///     preprocessing: .init(method: .mnistCentering, mean: [0.1307], standardDeviation: [0.3081]),
///     provenance: .init(command: "mnist train --epochs 10", seed: 42, epochs: 10,
///                       metrics: ["test_accuracy": 0.991]))
/// try SafeTensorsFile.write(model.stateDictionary, description: description, to: url)
///
/// let file = try SafeTensorsFile(contentsOf: url)
/// let loaded = try file.modelDescription()     // throws missingMetadata for a plain file
/// ```
public struct ModelDescription: Codable, Equatable, Sendable {
    /// The version of the metadata schema this code writes and the newest it reads: 1.
    public static let formatVersion = 1

    /// The metadata keys, all prefixed `swiftcnn.` so that they never collide with other
    /// tools' keys (PyTorch writes `format`).
    public enum MetadataKey {
        /// The schema version, a decimal string (`"1"`). Optional when reading (then 1).
        public static let formatVersion = "swiftcnn.format_version"
        /// ``Architecture`` as JSON: `{"name":"lenet5","configuration":{…}}`.
        public static let architecture = "swiftcnn.architecture"
        /// The class names as a JSON array of strings, in output-index order.
        public static let classNames = "swiftcnn.class_names"
        /// ``Input`` as JSON: `{"channels":1,"color_mode":"grey","height":28,"width":28}`.
        public static let input = "swiftcnn.input"
        /// ``Preprocessing`` as JSON:
        /// `{"mean":[0.1307],"method":"mnist-centering","std":[0.3081]}`.
        public static let preprocessing = "swiftcnn.preprocessing"
        /// ``Provenance`` as JSON (optional): `{"command":"…","date":"…","epochs":10,
        /// "metrics":{…},"seed":"42","version":"…"}`.
        public static let provenance = "swiftcnn.provenance"
        /// Every key above.
        public static let all = [
            formatVersion, architecture, classNames, input, preprocessing, provenance,
        ]
    }

    /// The network's architecture and configuration.
    public var architecture: Architecture
    /// The class names, in the order of the model's outputs.
    public var classNames: [String]
    /// The input the model takes.
    public var input: Input
    /// How an image becomes the model's input.
    public var preprocessing: Preprocessing
    /// Where the model came from; `nil` when unknown (a model converted from PyTorch).
    public var provenance: Provenance?

    /// Creates a description.
    /// - Parameters:
    ///   - architecture: The builder's name and configuration.
    ///   - classNames: The class names, in the order of the model's outputs.
    ///   - input: The image size and colour mode the model takes.
    ///   - preprocessing: How an image becomes the model's input.
    ///   - provenance: Defaults to `nil`.
    public init(
        architecture: Architecture, classNames: [String], input: Input,
        preprocessing: Preprocessing, provenance: Provenance? = nil
    ) {
        self.architecture = architecture
        self.classNames = classNames
        self.input = input
        self.preprocessing = preprocessing
        self.provenance = provenance
    }

    private enum CodingKeys: String, CodingKey {
        case architecture
        case classNames = "class_names"
        case input, preprocessing, provenance
    }
}

extension ModelDescription {
    /// The description as `__metadata__` entries under ``MetadataKey``.
    /// - Throws: ``CheckpointError/invalidArgument(operation:reason:)`` if the description is
    ///   inconsistent (see ``validate()``) or does not encode.
    public func metadata() throws -> [String: String] {
        if let problem {
            throw CheckpointError.invalidArgument(
                operation: "ModelDescription.metadata",
                reason: "\(problem.key): \(problem.message)")
        }
        var metadata = [
            MetadataKey.formatVersion: String(Self.formatVersion),
            MetadataKey.architecture: try MetadataJSON.string(
                architecture, key: MetadataKey.architecture),
            MetadataKey.classNames: try MetadataJSON.string(
                classNames, key: MetadataKey.classNames),
            MetadataKey.input: try MetadataJSON.string(input, key: MetadataKey.input),
            MetadataKey.preprocessing: try MetadataJSON.string(
                preprocessing, key: MetadataKey.preprocessing),
        ]
        if let provenance {
            metadata[MetadataKey.provenance] = try MetadataJSON.string(
                provenance, key: MetadataKey.provenance)
        }
        return metadata
    }

    /// Reads a description from `__metadata__` entries.
    /// - Parameters:
    ///   - metadata: A safetensors file's `__metadata__` (``SafeTensorsFile/metadata``).
    ///   - source: Names the file in errors.
    /// - Throws: ``CheckpointError/missingMetadata(path:key:)`` for an absent required key
    ///   (every key but the version and provenance), and
    ///   ``CheckpointError/invalidMetadata(path:key:reason:)`` for a value that does not
    ///   decode, a newer schema version, or an inconsistent description.
    public init(metadata: [String: String], source: String = "<metadata>") throws {
        if let version = metadata[MetadataKey.formatVersion] {
            guard let number = Int(version), number >= 1, number <= Self.formatVersion else {
                throw CheckpointError.invalidMetadata(
                    path: source, key: MetadataKey.formatVersion,
                    reason: "version \"\(version)\" is not supported (this build reads 1 to "
                        + "\(Self.formatVersion))")
            }
        }
        func value<T: Decodable>(_ type: T.Type, _ key: String) throws -> T {
            try MetadataJSON.value(type, key: key, in: metadata, path: source)
        }
        self.init(
            architecture: try value(Architecture.self, MetadataKey.architecture),
            classNames: try value([String].self, MetadataKey.classNames),
            input: try value(Input.self, MetadataKey.input),
            preprocessing: try value(Preprocessing.self, MetadataKey.preprocessing),
            provenance: metadata[MetadataKey.provenance] == nil
                ? nil : try value(Provenance.self, MetadataKey.provenance))
        if let problem {
            throw CheckpointError.invalidMetadata(
                path: source, key: problem.key, reason: problem.message)
        }
    }

    /// Checks that the parts agree and lie in range: a non-empty architecture name; at least
    /// one class name, none repeated; sides from 1 to ``Input/maximumSide``; one finite mean
    /// and one positive finite standard deviation per channel.
    /// - Throws: ``CheckpointError/invalidMetadata(path:key:reason:)`` (with path
    ///   `ModelDescription`) naming the key of the inconsistent part.
    public func validate() throws {
        if let problem {
            throw CheckpointError.invalidMetadata(
                path: "ModelDescription", key: problem.key, reason: problem.message)
        }
    }

    /// The first inconsistency ``validate()`` reports, with the metadata key concerned.
    private var problem: (key: String, message: String)? {
        guard !architecture.name.isEmpty else {
            return (MetadataKey.architecture, "the name is empty")
        }
        guard !classNames.isEmpty else { return (MetadataKey.classNames, "no class names") }
        guard Set(classNames).count == classNames.count else {
            return (MetadataKey.classNames, "repeated class names in \(classNames)")
        }
        let sides = 1...Input.maximumSide
        guard sides.contains(input.height), sides.contains(input.width) else {
            return (
                MetadataKey.input,
                "size \(input.height)x\(input.width) is outside 1...\(Input.maximumSide)"
            )
        }
        let channels = input.colorMode.channels
        guard preprocessing.mean.count == channels,
            preprocessing.standardDeviation.count == channels
        else {
            return (
                MetadataKey.preprocessing,
                "needs one mean and one std per channel (\(channels)), got "
                    + "\(preprocessing.mean.count) and \(preprocessing.standardDeviation.count)"
            )
        }
        guard preprocessing.mean.allSatisfy(\.isFinite),
            preprocessing.standardDeviation.allSatisfy({ $0.isFinite && $0 > 0 })
        else {
            return (
                MetadataKey.preprocessing,
                "mean must be finite and std positive, got \(preprocessing.mean) and "
                    + "\(preprocessing.standardDeviation)"
            )
        }
        return nil
    }
}
