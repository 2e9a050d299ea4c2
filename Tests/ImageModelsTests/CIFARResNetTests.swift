import Foundation
import ImageModels
import NeuralNet
import TensorMath
import Testing

/// The CIFAR ResNets and their plain twins (He et al. 2015): the paper's parameter counts,
/// torchvision names, shapes, depth validation, the twins' identical layers and initial
/// weights, He initialization, the configuration, and a PyTorch golden forward and backward of the
/// depth-8 networks (CIFARResNetGoldenFixture.swift, written by
/// Tools/reference/cifar_resnet_golden.py).
@Suite struct CIFARResNetTests {
    struct Golden: Decodable {
        var names: [String]
        var counts: [Int]
        var count20: Int
        var count56: Int
        var values: [String: Value]

        enum Value: Decodable {
            case number(Float)
            case numbers([Float])

            init(from decoder: Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let number = try? container.decode(Float.self) {
                    self = .number(number)
                } else {
                    self = .numbers(try container.decode([Float].self))
                }
            }
        }

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            names = try c.decode([String].self, forKey: Key(stringValue: "names"))
            counts = try c.decode([Int].self, forKey: Key(stringValue: "counts"))
            count20 = try c.decode(Int.self, forKey: Key(stringValue: "count20"))
            count56 = try c.decode(Int.self, forKey: Key(stringValue: "count56"))
            values = [:]
            for key in c.allKeys where key.stringValue.contains(".") {
                values[key.stringValue] = try c.decode(Value.self, forKey: key)
            }
        }

        func numbers(_ key: String) throws -> [Float] {
            guard case let .numbers(values)? = values[key] else {
                throw NeuralNetError.invalidInput(layer: "golden", reason: "no list \(key)")
            }
            return values
        }

        func number(_ key: String) throws -> Float {
            guard case let .number(value)? = values[key] else {
                throw NeuralNetError.invalidInput(layer: "golden", reason: "no number \(key)")
            }
            return value
        }
    }

    static let golden: Golden? = try? JSONDecoder().decode(
        Golden.self, from: Data(CIFARResNetGoldenFixture.json.utf8))

    static func model(depth: Int, residual: Bool = true, seed: UInt64 = 1) throws -> Sequential {
        var generator = Xoshiro256(seed: seed)
        return try CIFARResNet.makeModel(
            CIFARResNet.Configuration(depth: depth, residual: residual), generator: &generator)
    }

    /// The reference script's formula state: weights in ±1/√fanIn, batch-norm weights in
    /// [0.75, 1.25), biases in ±0.1, running means in ±0.1 and variances in [0.5, 1.5).
    static func setDeterministicState(_ model: Layer) throws {
        let formula = LeNet5Tests.formulaValues
        for (index, (name, parameter)) in model.namedParameters.enumerated() {
            let shape = parameter.value.shape, count = parameter.value.count
            let values: [Float]
            if shape.count > 1 {
                let fanIn = Double(shape.dropFirst().reduce(1, *))
                values = formula(count, index, 2 / fanIn.squareRoot(), 0.5)
            } else if name.hasSuffix("weight") {
                values = formula(count, index, 0.5, 0.5).map { 1 + $0 }
            } else {
                values = formula(count, index, 0.2, 0.5)
            }
            try parameter.assign(try Tensor(shape: shape, scalars: values))
        }
        let statistics = model.namedBuffers.filter {
            $0.name.hasSuffix("running_mean") || $0.name.hasSuffix("running_var")
        }
        for (k, (name, buffer)) in statistics.enumerated() {
            let count = buffer.value.count
            let values =
                name.hasSuffix("running_mean")
                ? formula(count, 500 + k, 0.2, 0.5)
                : formula(count, 500 + k, 1, 0).map { 0.5 + $0 }
            try buffer.assign(try Tensor(shape: buffer.value.shape, scalars: values))
        }
    }

    static func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        a.count == b.count ? zip(a, b).map { abs($0 - $1) }.max() ?? 0 : .infinity
    }

    static func probe(_ tensor: Tensor, index: Int) -> Double {
        let probe = LeNet5Tests.formulaValues(
            count: tensor.count, index: index, scale: 1, offset: 0.5)
        return zip(tensor.scalars, probe).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    @Test func parameterCountsMatchThePaper() throws {
        let golden = try #require(Self.golden)
        let resnet20 = try Self.model(depth: 20), resnet56 = try Self.model(depth: 56)
        #expect(resnet20.parameterCount == 269_722)
        #expect(resnet56.parameterCount == 853_018)
        #expect(resnet20.parameterCount == golden.count20)
        #expect(resnet56.parameterCount == golden.count56)
        // Table 6: 0.27M and 0.85M.
        #expect((Double(resnet20.parameterCount) / 1e6 * 100).rounded() / 100 == 0.27)
        #expect((Double(resnet56.parameterCount) / 1e6 * 100).rounded() / 100 == 0.85)
        let resnet8 = try Self.model(depth: 8)
        #expect(resnet8.namedParameters.map(\.name) == golden.names)
        #expect(resnet8.namedParameters.map(\.parameter.value.count) == golden.counts)
    }

    @Test func namesFollowTorchvision() throws {
        let names = try Self.model(depth: 20).namedParameters.map(\.name)
        #expect(names.prefix(3) == ["conv1.weight", "bn1.weight", "bn1.bias"])
        #expect(names.suffix(2) == ["fc.weight", "fc.bias"])
        #expect(names.contains("layer1.0.conv1.weight"))
        #expect(names.contains("layer2.0.bn1.running_mean") == false)
        #expect(names.contains("layer3.2.bn2.bias"))
        #expect(!names.contains("layer3.3.conv1.weight"))
        // Option A adds no parameters: no projection shortcut anywhere.
        #expect(!names.contains { $0.contains("shortcut") || $0.contains("downsample") })
        let buffers = try Self.model(depth: 20).namedBuffers.map(\.name)
        #expect(buffers.contains("layer2.0.bn1.running_mean"))
        #expect(buffers.count == 19 * 3)
    }

    @Test(arguments: [true, false]) func outputShapes(_ residual: Bool) throws {
        let model = try Self.model(depth: 14, residual: residual)
        let summary = try model.summary(inputShape: [3, 32, 32])
        #expect(summary.outputShape == [1, 10])
        let shapes = Dictionary(
            uniqueKeysWithValues: summary.rows.map { ($0.name, $0.outputShape) })
        #expect(shapes["relu"] == [1, 16, 32, 32])
        #expect(shapes["layer1"] == [1, 16, 32, 32])
        #expect(shapes["layer2"] == [1, 32, 16, 16])
        #expect(shapes["layer3"] == [1, 64, 8, 8])
        #expect(shapes["avgpool"] == [1, 64])
        model.setTraining(false)
        let logits = try model.forward(try Tensor.zeros([3, 3, 32, 32]))
        #expect(logits.shape == [3, 10])
        var generator = Xoshiro256(seed: 2)
        let five = try CIFARResNet.makeModel(
            CIFARResNet.Configuration(depth: 8, residual: residual, width: 4, classCount: 5),
            generator: &generator)
        #expect(try five.forward(try Tensor.zeros([1, 3, 16, 16])).shape == [1, 5])
        // A wrong input is an error naming the layer, not a trap.
        let error = try #require(throws: NeuralNetError.self) {
            try model.forward(try Tensor.zeros([1, 1, 32, 32]))
        }
        #expect("\(error)".contains("conv1"))
    }

    @Test(arguments: [-4, 0, 2, 7, 9, 19, 21, 57])
    func depthMustBe6nPlus2(_ depth: Int) throws {
        let error = try #require(throws: NeuralNetError.self) {
            try Self.model(depth: depth)
        }
        #expect("\(error)".contains("depth \(depth) is not 6n+2"))
        #expect(throws: NeuralNetError.self) { try CIFARResNet.blocksPerStage(depth: depth) }
    }

    @Test func validDepthsGiveBlocksPerStage() throws {
        #expect(try CIFARResNet.blocksPerStage(depth: 8) == 1)
        #expect(try CIFARResNet.blocksPerStage(depth: 20) == 3)
        #expect(try CIFARResNet.blocksPerStage(depth: 56) == 9)
        #expect(try CIFARResNet.blocksPerStage(depth: 110) == 18)
        var generator = Xoshiro256(seed: 0)
        #expect(throws: NeuralNetError.self) {
            try CIFARResNet.makeModel(.init(depth: 8, width: 0), generator: &generator)
        }
        #expect(throws: NeuralNetError.self) {
            try CIFARResNet.makeModel(.init(depth: 8, classCount: 0), generator: &generator)
        }
    }

    @Test func plainTwinHasTheSameParametersAndInitialWeights() throws {
        for depth in [8, 20] {
            let residual = try Self.model(depth: depth, residual: true, seed: 7)
            let plain = try Self.model(depth: depth, residual: false, seed: 7)
            #expect(plain.namedParameters.map(\.name) == residual.namedParameters.map(\.name))
            #expect(plain.parameterCount == residual.parameterCount)
            #expect(plain.namedBuffers.map(\.name) == residual.namedBuffers.map(\.name))
            #expect(plain.stateDictionary == residual.stateDictionary)
        }
        // Another seed, other weights.
        let other = try Self.model(depth: 8, seed: 8)
        #expect(other.stateDictionary != (try Self.model(depth: 8, seed: 7)).stateDictionary)
        // The same layers, but different functions.
        let input = try Tensor(
            shape: [2, 3, 8, 8],
            scalars: LeNet5Tests.formulaValues(count: 384, index: 5, scale: 2, offset: 0.5))
        let residual = try Self.model(depth: 8, residual: true)
        let plain = try Self.model(depth: 8, residual: false)
        #expect(try residual.forward(input) != (try plain.forward(input)))
    }

    @Test func zeroInitializedResidualBranchesStartAsTheirShortcuts() throws {
        let model = try Self.model(depth: 14, seed: 4)
        #expect(try CIFARResNet.zeroInitializeResidualBranches(model) == 6)
        let state = model.stateDictionary
        for stage in 1...3 {
            for block in 0..<2 {
                let name = "layer\(stage).\(block)"
                #expect(try #require(state[name + ".bn2.weight"]).scalars.allSatisfy { $0 == 0 })
                #expect(try #require(state[name + ".bn1.weight"]).scalars.allSatisfy { $0 == 1 })
            }
        }
        #expect(try #require(state["bn1.weight"]).scalars.allSatisfy { $0 == 1 })
        // A block with an identity shortcut now computes ReLU(x + 0): x for x ≥ 0.
        let block = try #require(
            model.namedDescendants.first { $0.name == "layer1.1" }?.layer as? Residual)
        let input = try Tensor(
            shape: [2, 16, 4, 4],
            scalars: LeNet5Tests.formulaValues(count: 512, index: 2, scale: 1, offset: 0))
        #expect(try block.forward(input) == input)
        // The plain twin has no residual block: nothing changes.
        let plain = try Self.model(depth: 14, residual: false, seed: 4)
        let before = plain.stateDictionary
        #expect(try CIFARResNet.zeroInitializeResidualBranches(plain) == 0)
        #expect(plain.stateDictionary == before)
    }

    @Test func heInitialization() throws {
        let model = try Self.model(depth: 20, seed: 3)
        let state = model.stateDictionary
        // layer3's convolutions: 64·64·9 weights each, fanIn 576, std √(2/576).
        let weights = try #require(state["layer3.1.conv2.weight"]).scalars
        let mean = weights.reduce(0, +) / Float(weights.count)
        let variance =
            weights.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
            / Float(weights.count)
        #expect(abs(mean) < 0.005)
        #expect(abs(variance.squareRoot() / (2 / Float(576)).squareRoot() - 1) < 0.03)
        // A normal, not a uniform: some weights beyond √3 standard deviations.
        let std = variance.squareRoot()
        #expect(weights.contains { abs($0) > 2.5 * std })
        let fc = try #require(state["fc.weight"]).scalars
        let fcStd = (fc.map { $0 * $0 }.reduce(0, +) / Float(fc.count)).squareRoot()
        #expect(abs(fcStd / (2 / Float(64)).squareRoot() - 1) < 0.15)
        #expect(try #require(state["fc.bias"]).scalars.allSatisfy { $0 == 0 })
        #expect(try #require(state["bn1.weight"]).scalars.allSatisfy { $0 == 1 })
    }

    @Test(arguments: ["residual", "plain"]) func forwardAndBackwardMatchPyTorch(_ kind: String)
        throws
    {
        let golden = try #require(Self.golden)
        let model = try Self.model(depth: 8, residual: kind == "residual")
        try Self.setDeterministicState(model)
        let input = try Tensor(
            shape: [2, 3, 16, 16],
            scalars: LeNet5Tests.formulaValues(count: 1536, index: 1000, scale: 2, offset: 0.5))

        model.setTraining(false)
        let evaluation = try model.forward(input)
        let evalError = Self.maxDifference(evaluation.scalars, try golden.numbers("\(kind).eval"))
        #expect(evalError < 2e-5, "inference logits differ by \(evalError)")

        model.setTraining(true)
        model.zeroGradients()
        let logits = try model.forward(input)
        let trainError = Self.maxDifference(logits.scalars, try golden.numbers("\(kind).train"))
        #expect(trainError < 2e-5, "training logits differ by \(trainError)")
        let loss = try Loss.softmaxCrossEntropy(logits: logits, labels: [3, 7])
        #expect(abs(loss.value - (try golden.number("\(kind).loss"))) < 1e-5)
        let inputGradient = try model.backward(loss.gradient)
        let expected = try golden.numbers("\(kind).gradient_probes")
        try #require(expected.count == model.namedParameters.count)
        for (index, (name, parameter)) in model.namedParameters.enumerated() {
            let probe = Self.probe(parameter.gradient, index: 2000 + index)
            let reference = Double(expected[index])
            #expect(
                abs(probe - reference) < 1e-4 + 1e-3 * abs(reference),
                "\(name): gradient probe \(probe), PyTorch \(reference)")
        }
        let inputProbe = Self.probe(inputGradient, index: 3000)
        let reference = Double(try golden.number("\(kind).input_probe"))
        #expect(
            abs(inputProbe - reference) < 1e-5 + 1e-3 * abs(reference),
            "input gradient probe \(inputProbe), PyTorch \(reference)")
    }

    @Test func configurable() throws {
        let configuration = CIFARResNet.Configuration(depth: 14, residual: false)
        let data = try JSONEncoder().encode(configuration)
        #expect(
            try JSONDecoder().decode(CIFARResNet.Configuration.self, from: data)
                == configuration)
        #expect(CIFARResNet.Configuration(depth: 32).name == "resnet-32")
        #expect(configuration.name == "plain-14")
        #expect(throws: NeuralNetError.self) { try Self.model(depth: 21) }
    }
}
