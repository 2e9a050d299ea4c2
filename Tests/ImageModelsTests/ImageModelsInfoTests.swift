import ImageModels
import Testing

@Test func imageModelsLinks() {
    #expect(ImageModelsInfo.name == "ImageModels")
}
