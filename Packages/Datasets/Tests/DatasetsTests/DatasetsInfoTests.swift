import Testing
import Datasets

@Test func packageIsLinked() {
    #expect(DatasetsInfo.name == "Datasets")
}
