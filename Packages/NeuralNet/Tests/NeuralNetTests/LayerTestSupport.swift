import Foundation
import NeuralNet
import TensorMath
import TensorMathTesting
import Testing

/// A missing fixture entry or a malformed fixture.
struct FixtureError: Error, CustomStringConvertible {
    var description: String
}

/// The PyTorch golden values of LayersGoldenFixture.swift and LeNet1998LayersGoldenFixture.swift,
/// written by Tools/reference/layers_golden.py and lenet1998_golden.py.
enum Golden {
    private struct Entry: Decodable {
        var shape: [Int]
        var data: [Float]
    }

    static let tensors: [String: Tensor] = {
        var result: [String: Tensor] = [:]
        for json in [LayersGoldenFixture.json, LeNet1998LayersGoldenFixture.json] {
            let data = Data(json.utf8)
            guard let entries = try? JSONDecoder().decode([String: Entry].self, from: data)
            else { continue }
            for (name, entry) in entries {
                result[name] = try? Tensor(shape: entry.shape, scalars: entry.data)
            }
        }
        return result
    }()

    /// The tensor named `name` (`"conv_same.input"`).
    static func tensor(_ name: String) throws -> Tensor {
        guard let tensor = tensors[name] else {
            throw FixtureError(description: "no golden tensor \(name) (\(tensors.count) loaded)")
        }
        return tensor
    }

    /// Every golden tensor whose name starts with `prefix`, keyed by the rest of the name.
    static func tensors(prefixed prefix: String) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (name, tensor) in tensors where name.hasPrefix(prefix) {
            result[String(name.dropFirst(prefix.count))] = tensor
        }
        return result
    }
}

/// Runs a training-mode forward and backward of `layer` on the golden case `name` (after
/// `prepare` has set its parameters) and compares output, input gradient and every parameter
/// gradient with PyTorch's.
func checkAgainstGolden(
    _ layer: Layer, case name: String, tolerance: Float = 1e-4,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    layer.setTraining(true)
    layer.zeroGradients()
    let output = try layer.forward(try Golden.tensor("\(name).input"))
    expectClose(
        output, try Golden.tensor("\(name).output"), tolerance: tolerance,
        "\(name) output", sourceLocation: sourceLocation)
    let inputGradient = try layer.backward(try Golden.tensor("\(name).outputGradient"))
    expectClose(
        inputGradient, try Golden.tensor("\(name).inputGradient"), tolerance: tolerance,
        "\(name) input gradient", sourceLocation: sourceLocation)
    let expectedGradients = Golden.tensors(prefixed: "\(name).grad.")
    #expect(
        Set(expectedGradients.keys) == Set(layer.namedParameters.map(\.name)),
        "\(name) parameter names", sourceLocation: sourceLocation)
    for (parameterName, parameter) in layer.namedParameters {
        guard let expected = expectedGradients[parameterName] else { continue }
        expectClose(
            parameter.gradient, expected, tolerance: tolerance,
            "\(name) gradient of \(parameterName)", sourceLocation: sourceLocation)
    }
}

/// Central finite differences for a layer's input and parameter gradients.
enum LayerGradientCheck {
    /// Compares `layer`'s backward (input and every parameter) with central differences of
    /// `Σ w·forward(x)` for a seeded random `w`. `reset` runs before every forward (to rewind
    /// a dropout generator, say).
    static func check(
        _ layer: Layer, input: Tensor, step: Float = 1e-2, tolerance: Float = 1e-2,
        seed: UInt64 = 7, label: String = "", reset: () -> Void = {},
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        layer.setTraining(true)
        reset()
        let probe = try layer.forward(input)
        var generator = Xoshiro256(seed: seed)
        let weights = try Tensor.normal(probe.shape, using: &generator)
        layer.zeroGradients()
        reset()
        _ = try layer.forward(input)
        let inputGradient = try layer.backward(weights)
        let analytic = layer.namedParameters.map { ($0.name, $0.parameter, $0.parameter.gradient) }

        let numericInput = try GradientCheck.numericalGradient(
            of: { x in
                reset()
                return GradientCheck.projection(try layer.forward(x), weights)
            }, at: input, step: step)
        let inputError = GradientCheck.maxRelativeError(inputGradient, numericInput)
        #expect(
            inputError <= tolerance, "\(label)input gradient: max relative error \(inputError)",
            sourceLocation: sourceLocation)

        for (name, parameter, gradient) in analytic {
            let original = parameter.value
            let numeric = try GradientCheck.numericalGradient(
                of: { value in
                    parameter.value = value
                    defer { parameter.value = original }
                    reset()
                    return GradientCheck.projection(try layer.forward(input), weights)
                }, at: original, step: step)
            let error = GradientCheck.maxRelativeError(gradient, numeric)
            #expect(
                error <= tolerance, "\(label)gradient of \(name): max relative error \(error)",
                sourceLocation: sourceLocation)
        }
    }

    /// A seeded tensor of `shape` whose scalars are at least `margin` away from zero (so that
    /// finite differences do not straddle a ReLU kink).
    static func input(_ shape: [Int], seed: UInt64, margin: Float = 0.1) throws -> Tensor {
        var generator = Xoshiro256(seed: seed)
        let values = try Tensor.normal(shape, using: &generator)
        return try Tensor(
            shape: shape,
            scalars: values.scalars.map { $0 < 0 ? $0 - margin : $0 + margin })
    }
}
