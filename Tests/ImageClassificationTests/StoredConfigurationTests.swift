import Checkpoints
import ImageClassification
import ImageModels
import Testing

/// `ModelRegistry.configuration(_:of:)`: a stored configuration's missing (or `null`) fields
/// take the defaults of `Configuration()`, present ones are decoded as stored, and a field of
/// the wrong type is an error naming the architecture and the field.
@Suite struct StoredConfigurationTests {
    static func stored(_ name: String, _ json: JSONValue) -> ModelDescription.Architecture {
        ModelDescription.Architecture(name: name, configuration: json)
    }

    @Test func anEmptyConfigurationIsTheDefault() throws {
        let empty: JSONValue = [:]
        #expect(
            try ModelRegistry.configuration(LeNet5.self, of: Self.stored("LeNet5", empty))
                == LeNet5.Configuration())
        #expect(
            try ModelRegistry.configuration(MLP.self, of: Self.stored("MLP", empty))
                == MLP.Configuration())
        #expect(
            try ModelRegistry.configuration(MNISTNet.self, of: Self.stored("cnn", empty))
                == MNISTNet.Configuration())
        let fourClass = Self.stored("FourClassNet", empty)
        #expect(
            try ModelRegistry.configuration(FourClassNet.self, of: fourClass)
                == FourClassNet.Configuration())
        let resNet = Self.stored("CIFARResNet", empty)
        #expect(
            try ModelRegistry.configuration(CIFARResNet.self, of: resNet)
                == CIFARResNet.Configuration())
    }

    @Test func missingFieldsTakeTheirDefaults() throws {
        #expect(
            try ModelRegistry.configuration(
                LeNet5.self, of: Self.stored("LeNet5", ["activation": "tanh"]))
                == LeNet5.Configuration(activation: .tanh))
        let fourClass = try ModelRegistry.configuration(
            FourClassNet.self, of: Self.stored("FourClassNet", ["classCount": 5]))
        #expect(fourClass == FourClassNet.Configuration(classCount: 5))
        #expect(fourClass.widths == [32, 64, 128, 256] && fourClass.convolutions == [1, 2, 2, 1])
        #expect(
            try ModelRegistry.configuration(
                CIFARResNet.self, of: Self.stored("CIFARResNet", ["depth": 32, "residual": false]))
                == CIFARResNet.Configuration(depth: 32, residual: false))
        #expect(
            try ModelRegistry.configuration(
                MNISTNet.self, of: Self.stored("cnn", ["dropout": 0.5, "unknown": "ignored"]))
                == MNISTNet.Configuration(dropout: 0.5))
        // A null field is a missing one.
        #expect(
            try ModelRegistry.configuration(
                MLP.self, of: Self.stored("MLP", ["hiddenSizes": [8], "dropout": nil]))
                == MLP.Configuration(hiddenSizes: [8]))
    }

    @Test func theRegistryBuildsFromAPartialConfiguration() throws {
        let network = try ModelRegistry.makeModel(
            Self.stored("MLP", ["inputShape": [1, 4, 4], "hiddenSizes": [3]]))
        #expect(network.parameterCount == (16 * 3 + 3) + (3 * 10 + 10))
    }

    @Test func aFieldOfTheWrongTypeNamesTheArchitectureAndTheField() throws {
        let string = #expect(throws: ImageClassifierError.self) {
            try ModelRegistry.configuration(
                LeNet5.self, of: Self.stored("LeNet5", ["classCount": "ten"]))
        }
        #expect(
            string
                == .invalidConfiguration(
                    architecture: "LeNet5", reason: "classCount: expected Int"))
        #expect(string?.description == "invalid configuration of LeNet5: classCount: expected Int")
        let pooling = #expect(throws: ImageClassifierError.self) {
            try ModelRegistry.makeModel(Self.stored("lenet5", ["pooling": "median"]))
        }
        #expect(pooling?.description.contains("LeNet5") == true)
        #expect(pooling?.description.contains("pooling") == true, "\(String(describing: pooling))")
        let element = #expect(throws: ImageClassifierError.self) {
            try ModelRegistry.configuration(
                FourClassNet.self, of: Self.stored("FourClassNet", ["widths": [32, "x"]]))
        }
        #expect(
            element?.description.contains("widths.Index 1") == true,
            "\(String(describing: element))")
        let notAnObject = #expect(throws: ImageClassifierError.self) {
            try ModelRegistry.configuration(CIFARResNet.self, of: Self.stored("CIFARResNet", [20]))
        }
        #expect(
            notAnObject?.description.contains("CIFARResNet: configuration") == true,
            "\(String(describing: notAnObject))")
    }
}
