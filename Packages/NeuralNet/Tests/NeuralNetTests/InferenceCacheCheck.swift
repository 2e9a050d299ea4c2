import NeuralNet
import TensorMath
import Testing

/// For layers that keep something derived from their weight between inference passes (a
/// packed `Linear` weight, a prepared convolution filter): the first inference pass equals
/// training mode's, a second one reuses the cache, and each change to the weight shows in the
/// next pass, which again matches training mode bit for bit.
enum InferenceCacheCheck {
    static func expectChangesShow(
        _ layer: some Layer, input x: Tensor, changes: [() throws -> Void]
    ) throws {
        layer.setTraining(true)
        let training = try layer.forward(x)
        layer.setTraining(false)
        let first = try layer.forward(x)
        #expect(first == training)
        #expect(try layer.forward(x) == first)
        var previous = first
        for (number, change) in changes.enumerated() {
            try change()
            let output = try layer.forward(x)
            #expect(output != previous, "change \(number) shows")
            layer.setTraining(true)
            #expect(try layer.forward(x) == output, "change \(number)")
            layer.setTraining(false)
            previous = output
        }
    }
}
