import Checkpoints
import Foundation
import TensorMath
import Testing

@Suite struct ModelDescriptionTests {
    struct LeNetConfiguration: Codable, Equatable {
        var classes: Int
        var channels: [Int]
        var dropout: Double
        var activation: String
    }

    static func lenetDescription() throws -> ModelDescription {
        ModelDescription(
            architecture: try .init(
                name: "lenet5",
                configuration: LeNetConfiguration(
                    classes: 10, channels: [6, 16], dropout: 0.25, activation: "relu")),
            classNames: (0...9).map(String.init),
            input: .init(height: 28, width: 28, colorMode: .grayscale),
            preprocessing: .init(
                method: .mnistCentering, mean: [0.1307], standardDeviation: [0.3081]),
            provenance: .init(
                command: "mnist train --model lenet5 --epochs 10 --seed 18446744073709551615",
                seed: .max, epochs: 10, metrics: ["test_accuracy": 0.9912, "test_loss": 0.0281],
                date: "2025-01-31T12:00:00Z", version: "SwiftCNN 0.1", dataset: "MNIST"))
    }

    @Test func aModelFileDescribesItself() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let url = folder.file("lenet.safetensors")
        let description = try Self.lenetDescription()
        let weights = ["fc.weight": try Tensor.ones([10, 84]), "fc.bias": try Tensor.zeros([10])]
        try SafeTensorsFile.write(
            weights, description: description, extraMetadata: ["format": "pt"], to: url)

        let file = try SafeTensorsFile(contentsOf: url)
        let loaded = try file.modelDescription()
        #expect(loaded == description)
        #expect(loaded.input.shape(batchSize: 4) == [4, 1, 28, 28])
        #expect(
            try loaded.architecture.configuration(as: LeNetConfiguration.self).channels == [6, 16])
        #expect(file.metadata["format"] == "pt")
        #expect(try file.tensors(matching: ["fc.weight": [10, 84], "fc.bias": [10]]).count == 2)
    }

    /// The JSON under each key is the documented, Python-readable form.
    @Test func metadataValuesHaveTheDocumentedForm() throws {
        let metadata = try Self.lenetDescription().metadata()
        typealias Key = ModelDescription.MetadataKey
        #expect(Set(metadata.keys) == Set(Key.all))
        #expect(metadata[Key.formatVersion] == "1")
        #expect(
            metadata[Key.architecture]
                == #"{"configuration":{"activation":"relu","channels":[6,16],"classes":10,"#
                + #""dropout":0.25},"name":"lenet5"}"#)
        #expect(metadata[Key.classNames] == #"["0","1","2","3","4","5","6","7","8","9"]"#)
        #expect(
            metadata[Key.input] == #"{"channels":1,"color_mode":"grey","height":28,"width":28}"#)
        #expect(
            metadata[Key.preprocessing]
                == #"{"mean":[0.1307],"method":"mnist-centering","std":[0.3081]}"#)
        #expect(
            metadata[Key.provenance]
                == #"{"command":"mnist train --model lenet5 --epochs 10 --seed "#
                + #"18446744073709551615","dataset":"MNIST","date":"2025-01-31T12:00:00Z","#
                + #""epochs":10,"metrics":{"test_accuracy":0.9912,"test_loss":0.0281},"#
                + #""seed":"18446744073709551615","version":"SwiftCNN 0.1"}"#)
    }

    /// A description written by hand (as a Python user would), without version or provenance.
    @Test func handWrittenMetadataIsRead() throws {
        let metadata = [
            "swiftcnn.architecture": #"{"name":"cifar-resnet","configuration":{"depth":20}}"#,
            "swiftcnn.class_names": #"["bird","cat","dog","ship"]"#,
            "swiftcnn.input": #"{"height":32,"width":32,"color_mode":"rgb"}"#,
            "swiftcnn.preprocessing":
                #"{"method":"resize","mean":[0.49,0.48,0.45],"std":[0.25,0.24,0.26]}"#,
        ]
        let description = try ModelDescription(metadata: metadata)
        #expect(description.architecture.configuration["depth"] == 20)
        #expect(description.classNames == ["bird", "cat", "dog", "ship"])
        #expect(description.input.channels == 3)
        #expect(description.preprocessing.method == .resize)
        #expect(description.preprocessing.standardDeviation == [0.25, 0.24, 0.26])
        #expect(description.provenance == nil)
    }

    /// The preprocessing method is an open key: a method this library has never heard of reads
    /// and writes back unchanged (the inference runtime decides whether it can run it).
    @Test func anyPreprocessingMethodReadsAndWritesBack() throws {
        var metadata = try Self.lenetDescription().metadata()
        let key = ModelDescription.MetadataKey.preprocessing
        metadata[key] = #"{"mean":[0.5],"method":"center-crop","std":[0.25]}"#
        let description = try ModelDescription(metadata: metadata)
        #expect(description.preprocessing.method == "center-crop")
        #expect(description.preprocessing.method.rawValue == "center-crop")
        #expect(description.preprocessing.method != .resize)
        #expect(try description.metadata()[key] == metadata[key])
        // The known methods keep their JSON names.
        #expect(ModelDescription.Preprocessing.Method.mnistCentering.rawValue == "mnist-centering")
        #expect(ModelDescription.Preprocessing.Method.resize == "resize")
        #expect("\(ModelDescription.Preprocessing.Method.mnistCentering)" == "mnist-centering")
    }

    @Test func aPlainPyTorchFileFailsOnlyWhenTheDescriptionIsAskedFor() throws {
        let file = try SafeTensorsFile(contentsOf: try fixture("torch_f32_plain.safetensors"))
        #expect(try file.tensors().count == TorchGolden.f32Tensors.count)
        let error = try #require(throws: CheckpointError.self) { try file.modelDescription() }
        #expect(error == .missingMetadata(path: file.path, key: "swiftcnn.architecture"))
        #expect(error.description.contains("torch_f32_plain.safetensors"))
    }

    @Test func invalidMetadataNamesTheKey() throws {
        let good = try Self.lenetDescription().metadata()
        let cases: [(key: String, value: String, fragment: String)] = [
            ("swiftcnn.input", "{not json", "swiftcnn.input"),
            (
                "swiftcnn.input", #"{"height":28,"width":28,"channels":3,"color_mode":"grey"}"#,
                "disagree"
            ),
            ("swiftcnn.input", #"{"height":28,"width":28,"color_mode":"cmyk"}"#, "swiftcnn.input"),
            ("swiftcnn.input", #"{"height":0,"width":28,"color_mode":"grey"}"#, "outside"),
            ("swiftcnn.input", #"{"height":28,"width":1000000000,"color_mode":"grey"}"#, "outside"),
            (
                "swiftcnn.preprocessing", #"{"method":"resize","mean":[0.1,0.2],"std":[0.3]}"#,
                "per channel"
            ),
            ("swiftcnn.preprocessing", #"{"method":"resize","mean":[0.1],"std":[0]}"#, "positive"),
            ("swiftcnn.preprocessing", #"{"method":7,"mean":[0.1],"std":[1]}"#, "method"),
            ("swiftcnn.class_names", #"["a","a"]"#, "repeated"),
            ("swiftcnn.class_names", "[]", "no class names"),
            ("swiftcnn.architecture", #"{"configuration":{}}"#, "missing field \"name\""),
            ("swiftcnn.provenance", #"{"command":"x","date":"d","seed":"-1"}"#, "seed"),
            ("swiftcnn.format_version", "2", "not supported"),
        ]
        for (key, value, fragment) in cases {
            var metadata = good
            metadata[key] = value
            let error = try #require(throws: CheckpointError.self) {
                try ModelDescription(metadata: metadata, source: "m.safetensors")
            }
            #expect(error.caseName == "invalidMetadata", "\(key) = \(value)")
            #expect(
                error.description.contains("m.safetensors: metadata key \"\(key)\""), "\(error)")
            #expect(error.description.contains(fragment), "\(error)")
        }
    }

    @Test func inconsistentDescriptionsAreNotWritten() throws {
        var description = try Self.lenetDescription()
        description.preprocessing.mean = [0.1, 0.2, 0.3]
        #expect(throws: CheckpointError.self) { try description.validate() }
        #expect(throws: CheckpointError.self) { try description.metadata() }
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        #expect(throws: CheckpointError.self) {
            try SafeTensorsFile.write(
                [:], description: description, to: folder.file("x.safetensors"))
        }
        let reserved = try #require(throws: CheckpointError.self) {
            try SafeTensorsFile.write(
                [:], description: try Self.lenetDescription(),
                extraMetadata: ["swiftcnn.mine": "x"], to: folder.file("y.safetensors"))
        }
        #expect(reserved.description.contains("swiftcnn.mine"))
        #expect(try folder.contents().isEmpty)
    }

    @Test func typedConfigurationsReportMissingFields() throws {
        let architecture = ModelDescription.Architecture(
            name: "lenet5", configuration: .object(["classes": 10]))
        let error = try #require(throws: CheckpointError.self) {
            try architecture.configuration(as: LeNetConfiguration.self)
        }
        #expect(error.description.contains("lenet5") && error.description.contains("channels"))
    }

    @Test func jsonValuesRoundTrip() throws {
        let value: JSONValue = [
            "n": nil, "b": true, "i": 3, "d": -0.5, "s": "x/y", "a": [1, "two", [false]],
            "o": ["nested": ["deep": 1e-300]],
        ]
        #expect(try JSONValue(encoding: value) == value)
        #expect(value["o"]?["nested"]?["deep"] == .number(1e-300))
        #expect(value["missing"] == nil && JSONValue.string("x")["k"] == nil)
        struct Pair: Codable, Equatable {
            var a: Int
            var b: [String]
        }
        let pair = Pair(a: 7, b: ["x"])
        #expect(try JSONValue(encoding: pair).decode(as: Pair.self) == pair)
    }
}
