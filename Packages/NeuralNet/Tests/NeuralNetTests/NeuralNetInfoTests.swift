import Testing
import NeuralNet

@Test func packageIsLinked() {
    #expect(NeuralNetInfo.name == "NeuralNet")
}
