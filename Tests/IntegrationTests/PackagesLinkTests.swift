import Checkpoints
import Datasets
import NeuralNet
import TensorMath
import Testing

@Test func everyLibraryLinksIntoOneProgram() throws {
    #expect(DatasetsInfo.name == "Datasets")
    #expect(SafeTensorsDType.float32.byteSize == 4)
    #expect(try Tensor.zeros([2, 2]).count == 4)
}
