import Datasets
import TensorMath
import TensorMathTesting
import Testing

@Suite struct ImageTensorTests {
    @Test func makesNCHWTensorsWithNormalization() throws {
        // Two pixels, RGB, interleaved: (0, 51, 102), (255, 204, 153).
        let image = try Image(
            width: 2, height: 1, format: .rgb, pixels: [0, 51, 102, 255, 204, 153])
        let plain = try image.tensor()
        #expect(plain.shape == [1, 3, 1, 2])
        expectClose(plain.scalars, [0, 1, 0.2, 0.8, 0.4, 0.6], tolerance: 1e-5)
        let normalized = try image.tensor(mean: [0.5, 0, 0.4], std: [0.5, 2, 0.1])
        expectClose(normalized.scalars, [-1, 1, 0.1, 0.4, 0, 2], tolerance: 1e-5)
        let shared = try image.tensor(mean: [0.2], std: [0.5])
        expectClose(shared.scalars, [-0.4, 1.6, 0, 1.2, 0.4, 0.8], tolerance: 1e-5)
        #expect(throws: DatasetError.self) { try image.tensor(mean: [0, 0], std: [1, 1]) }
        #expect(throws: DatasetError.self) { try image.tensor(mean: [0], std: [0]) }
    }

    @Test func stacksImagesAndRefusesMismatches() throws {
        let a = try patternImage(width: 3, height: 2, format: .grey)
        let b = a.inverted()
        let batch = try Image.tensor(stacking: [a, b], normalization: .unit)
        #expect(batch.shape == [2, 1, 2, 3])
        #expect(batch.scalars[6] == Float(b.pixels[0]) / 255)
        #expect(throws: DatasetError.self) {
            try Image.tensor(stacking: [a, a.converted(to: .rgb)])
        }
        #expect(throws: DatasetError.self) { try Image.tensor(stacking: []) }
    }

    @Test func roundTripsThroughTensors() throws {
        let image = try patternImage(width: 6, height: 5, format: .rgba)
        let mean: [Float] = [0.1, 0.2, 0.3, 0.4], std: [Float] = [0.5, 0.6, 0.7, 0.8]
        let tensor = try image.tensor(mean: mean, std: std)
        #expect(try Image(tensor: tensor, mean: mean, std: std) == image)
        let chw = try Tensor(shape: [1, 2, 2], scalars: [-0.5, 0.5, 1.5, Float.nan])
        #expect(try Image(tensor: chw).pixels == [0, 128, 255, 0])  // clamped; NaN → 0
        #expect(throws: DatasetError.self) { try Image(tensor: Tensor([1, 2])) }
        #expect(throws: DatasetError.self) {
            try Image(tensor: Tensor(shape: [2, 1, 1], scalars: [0, 0]))
        }
    }
}
