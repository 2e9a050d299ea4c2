import Checkpoints
import ImageClassification
import ImageModels
import NeuralNet
import TensorMath
import Testing

/// A model whose network disagrees with its description (class count, input size), or whose
/// declared input is absurd, is refused when it is loaded, with its name in the message, not
/// with a bare shape error at its first image.
@Suite struct IncompatibleModelTests {
    func description(classes: Int = 10, side: Int = 28) -> ModelDescription {
        ModelDescription(
            architecture: .init(name: "LeNet5"), classNames: (0..<classes).map(String.init),
            input: .init(height: side, width: side, colorMode: .grayscale),
            preprocessing: .init(method: .resize, mean: [0.5], standardDeviation: [0.5]))
    }

    func refusal(_ description: ModelDescription) throws -> String {
        var generator = Xoshiro256(seed: 3)
        let network = try LeNet5.makeModel(generator: &generator)
        do {
            _ = try ImageClassifier(network: network, description: description, source: "m.st")
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    @Test func classCountDisagreeingWithTheNetwork() throws {
        let text = try refusal(description(classes: 4))
        #expect(
            text.contains("m.st") && text.contains("not one score for each of the 4"), "\(text)")
    }

    @Test func inputSizeDisagreeingWithTheNetwork() throws {
        let text = try refusal(description(side: 40))
        #expect(
            text.contains("m.st") && text.contains("does not take the declared 1x40x40"), "\(text)")
    }

    @Test func absurdDeclaredInputs() throws {
        for side in [0, 16384, Int.max] {
            let text = try refusal(description(side: side))
            #expect(text.contains("m.st") && text.contains("outside 1...4096"), "\(text)")
        }
    }

    /// A file of a few hundred bytes (metadata, no tensors) asking for a network of
    /// millions of parameters is refused before the network is built: the file cannot
    /// supply its weights.
    @Test func aNetworkLargerThanTheFileIsRefusedBeforeBuildingIt() throws {
        var large = description()
        large.architecture = try ModelDescription.Architecture(
            name: "MLP", configuration: MLP.Configuration(hiddenSizes: [4096, 4096, 4096]))
        let bytes = try SafeTensorsFile.serialize([:], metadata: large.metadata())
        let file = try SafeTensorsFile(bytes: bytes, name: "tiny.safetensors")
        #expect {
            try ImageClassifier(file: file)
        } throws: { error in
            let text = "\(error)"
            return text.contains("tiny.safetensors")
                && text.contains("more values than the file's tensors hold")
        }
    }

    @Test func aMatchingModelIsAccepted() throws {
        #expect(try refusal(description()) == "accepted")
    }
}
