import ImageModels
import NeuralNet
import TensorMath
import Testing

/// Configurations that ask for absurd networks (from a model file's metadata or a flag) are
/// refused before anything is allocated, with the architecture and the limit in the message,
/// instead of aborting on an allocation or an integer overflow.
@Suite struct ModelLimitsTests {
    /// Builds with `build` and returns the error's text.
    func refusal(_ build: (inout Xoshiro256) throws -> Sequential) -> String {
        var generator = Xoshiro256(seed: 1)
        do {
            _ = try build(&generator)
            return "built"
        } catch {
            return "\(error)"
        }
    }

    @Test func lenet5() {
        for size in [10_000_000_000, Int.max, 5000] {
            let text = refusal {
                try LeNet5.makeModel(.init(inputSize: size), generator: &$0)
            }
            #expect(text.contains("LeNet5: inputSize \(size) is outside 1...4096"), "\(text)")
        }
        let text = refusal {
            try LeNet5.makeModel(.init(inputSize: 4096, classCount: 1 << 40), generator: &$0)
        }
        #expect(text.contains("more than 268435456 parameters"), "\(text)")
    }

    @Test func theParameterAllowanceBoundsEveryArchitecture() {
        // A loader allows as many parameters as its file holds values: 1,000 here.
        let builders: [(String, (inout Xoshiro256) throws -> Sequential)] = [
            ("LeNet5", { try LeNet5.makeModel(.init(), generator: &$0) }),
            ("cnn", { try MNISTNet.makeModel(.init(), generator: &$0) }),
            ("MLP", { try MLP.makeModel(.init(), generator: &$0) }),
            ("FourClassNet", { try FourClassNet.makeModel(.init(), generator: &$0) }),
            ("CIFARResNet", { try CIFARResNet.makeModel(.init(), generator: &$0) }),
        ]
        for (name, build) in builders {
            let text = ModelLimits.$parameterAllowance.withValue(1000) { refusal(build) }
            #expect(
                text.contains("\(name): the configuration asks for more than 1000 parameters")
                    && text.contains("more values than the file's tensors hold"), "\(text)")
            #expect(refusal(build) == "built", "\(name) without an allowance")
        }
    }

    @Test func cnnWidth() {
        for width in [1_000_000_000, Int.max / 2, 1 << 62] {
            let text = refusal {
                try MNISTNet.makeModel(.init(width: width), generator: &$0)
            }
            #expect(text.contains("cnn: the configuration asks for"), "\(text)")
        }
    }

    @Test func mlpHiddenSizesAndHugeInputs() {
        let wide = refusal {
            try MLP.makeModel(.init(hiddenSizes: [100_000_000]), generator: &$0)
        }
        #expect(wide.contains("MLP: the configuration asks for more than"), "\(wide)")
        let huge = refusal {
            try MLP.makeModel(.init(inputShape: [1, 16384, 16384]), generator: &$0)
        }
        #expect(huge.contains("more than 268435456 parameters"), "\(huge)")
        let overflow = refusal {
            try MLP.makeModel(.init(inputShape: [1 << 40, 1 << 40]), generator: &$0)
        }
        #expect(overflow.contains("more elements than an Int can count"), "\(overflow)")
        let deep = refusal {
            try MLP.makeModel(
                .init(hiddenSizes: Array(repeating: 2, count: 5000)), generator: &$0)
        }
        #expect(deep.contains("more than 10000 layers"), "\(deep)")
    }

    @Test func fourClassNetWidthsAndConvolutions() {
        let wide = refusal {
            try FourClassNet.makeModel(
                .init(widths: [1_000_000_000], convolutions: [1]), generator: &$0)
        }
        #expect(wide.contains("FourClassNet: the configuration asks for"), "\(wide)")
        let many = refusal {
            try FourClassNet.makeModel(
                .init(widths: [8], convolutions: [100_000_000]), generator: &$0)
        }
        #expect(many.contains("more than 10000 layers"), "\(many)")
    }

    @Test func cifarResNetDepthAndWidth() {
        let deep = refusal {
            try CIFARResNet.makeModel(.init(depth: 60_000_002), generator: &$0)
        }
        #expect(deep.contains("CIFARResNet: the configuration asks for"), "\(deep)")
        let wide = refusal {
            try CIFARResNet.makeModel(.init(width: 1 << 61), generator: &$0)
        }
        #expect(wide.contains("CIFARResNet: the configuration asks for"), "\(wide)")
    }

    /// The defaults, and the largest networks the apps offer, are well inside the limits.
    @Test func realNetworksAreAccepted() throws {
        var generator = Xoshiro256(seed: 1)
        _ = try LeNet5.makeModel(.init(), generator: &generator)
        _ = try MLP.makeModel(.init(), generator: &generator)
        _ = try MNISTNet.makeModel(.init(), generator: &generator)
        _ = try FourClassNet.makeModel(.init(), generator: &generator)
        _ = try CIFARResNet.makeModel(.init(depth: 110), generator: &generator)
    }
}
