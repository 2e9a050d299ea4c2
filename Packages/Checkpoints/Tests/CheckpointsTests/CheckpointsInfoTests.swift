import Testing
import Checkpoints

@Test func packageIsLinked() {
    #expect(CheckpointsInfo.name == "Checkpoints")
}
