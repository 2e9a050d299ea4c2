import Datasets
import Foundation
import TensorMath
import Testing

@Suite struct ImageFolderTests {
    /// root/{cat,dog,ship}/ with PNG and JPEG files, a text file posing as a PNG, a README,
    /// a hidden file, and a greyscale image among RGB ones.
    func makeFolder() throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory()
        for (c, name) in ["ship", "cat", "dog"].enumerated() {
            for i in 0..<4 {
                let image = try Image(
                    width: 8, height: 8, format: .rgb, filledWith: UInt8(40 * c + 10 * i))
                let bytes = i % 2 == 0 ? try image.pngData() : try image.jpegData(quality: 100)
                try folder.write(bytes, to: "\(name)/\(i).\(i % 2 == 0 ? "png" : "JPG")")
            }
        }
        try folder.write(Array("not an image".utf8), to: "dog/broken.png")
        try folder.write(Array("notes".utf8), to: "cat/README.txt")
        try folder.write([1, 2, 3], to: "cat/.DS_Store")
        let grey = try Image(width: 8, height: 8, format: .grey, filledWith: 200)
        try folder.write(grey.pngData(), to: "ship/grey.png")
        return folder
    }

    @Test func listsClassesSortedWithLabels() throws {
        let folder = try makeFolder()
        let dataset = try ImageFolder(root: folder.path)
        #expect(dataset.classNames == ["cat", "dog", "ship"])
        #expect(dataset.count == 4 + 5 + 5)
        #expect(dataset.classCounts() == [4, 5, 5])
        #expect(dataset.samples.first?.path == folder.file("cat/0.png"))
        #expect(dataset.label(at: 4) == 1)
        #expect(dataset.ignoredFiles == [folder.file("cat/README.txt")])
        let image = try dataset.image(at: 1)  // cat/1.JPG
        #expect(image.format == .rgb && image.width == 8)
    }

    @Test func restrictsToASubsetOfClasses() throws {
        let folder = try makeFolder()
        let subset = try ImageFolder(root: folder.path, classes: ["ship", "cat"])
        #expect(subset.classNames == ["cat", "ship"])
        #expect(subset.classCounts() == [4, 5])
        #expect { try ImageFolder(root: folder.path, classes: ["cat", "horse"]) } throws: {
            describes($0, "horse", "cat, dog, ship")
        }
        #expect(throws: DatasetError.self) { try ImageFolder(root: folder.path, classes: []) }
        #expect { try ImageFolder(root: folder.file("nowhere")) } throws: {
            describes($0, "nowhere")
        }
    }

    @Test func loadsAllIntoMemoryReportingUnreadableFiles() throws {
        let folder = try makeFolder()
        let dataset = try ImageFolder(root: folder.path, format: .rgb)
        let (cached, failures) = dataset.loadAll()
        #expect(failures.count == 1)
        #expect(failures.first.map { describes($0, "dog/broken.png", "not a PNG or JPEG") } == true)
        #expect(cached.count == 13 && cached.width == 8 && cached.format == .rgb)
        #expect(cached.pixels.count == 13 * 8 * 8 * 3)
        // The grey file was converted to RGB on decoding.
        let grey = try #require(dataset.samples.firstIndex { $0.path.hasSuffix("grey.png") })
        #expect(cached.image(at: grey - 1).pixels.allSatisfy { $0 == 200 })
        let readable = dataset.samples.filter { !$0.path.hasSuffix("broken.png") }
        #expect(cached.labels == readable.map(\.label))
        let tensor = try cached.tensor(normalization: .unit)
        #expect(tensor.shape == [13, 3, 8, 8])
        // cat/0.png is filled with 40 in every channel.
        #expect(tensor.scalars[0] == Float(40) / 255 && tensor.scalars[64] == Float(40) / 255)
    }

    @Test func resizesOnLoadingOrReportsSizeMismatches() throws {
        let folder = try makeFolder()
        try folder.write(
            Image(width: 16, height: 4, format: .rgb, filledWith: 7).pngData(), to: "cat/wide.png")
        let dataset = try ImageFolder(root: folder.path, classes: ["cat"])
        let (kept, failures) = dataset.loadAll()
        #expect(kept.count == 4 && failures.count == 1)
        #expect(failures.first.map { describes($0, "wide.png", "16x4") } == true)
        let (resized, none) = dataset.loadAll(size: Size2D(4, 4))
        #expect(resized.count == 5 && none.isEmpty && resized.width == 4)
        #expect(resized.image(at: 4).pixels.allSatisfy { $0 == 7 })
    }

    @Test func findsTrainAndTestSubfolders() throws {
        let folder = try TemporaryDirectory()
        for split in ["train", "test"] {
            for name in ["b", "a"] {
                let image = try Image(width: 2, height: 2, format: .grey)
                try folder.write(image.pngData(), to: "\(split)/\(name)/x.png")
            }
        }
        try folder.write(Image(width: 2, height: 2, format: .grey).pngData(), to: "train/c/x.png")
        let (train, test) = try ImageFolder.trainTest(root: folder.path, classes: ["b", "a"])
        #expect(train.classNames == ["a", "b"] && test.classNames == ["a", "b"])
        #expect(train.count == 2 && test.count == 2)
        // Without a class list the train classes (a, b, c) are required in test/ too.
        #expect { try ImageFolder.trainTest(root: folder.path) } throws: { describes($0, "'c'") }
    }

    @Test func splitsValidationSetsBySeedAndClass() throws {
        let folder = try TemporaryDirectory()
        for name in ["a", "b"] {
            for i in 0..<10 {
                try folder.write(
                    Image(width: 1, height: 1, format: .grey).pngData(), to: "\(name)/\(i).png")
            }
        }
        let dataset = try ImageFolder(root: folder.path)
        let (train, validation) = try dataset.split(validationFraction: 0.3, seed: 7)
        #expect(validation.classCounts() == [3, 3] && train.classCounts() == [7, 7])
        #expect(Set(train.samples.map(\.path)).isDisjoint(with: validation.samples.map(\.path)))
        let again = try dataset.split(validationFraction: 0.3, seed: 7)
        #expect(again.validation.samples == validation.samples)
        let other = try dataset.split(validationFraction: 0.3, seed: 8)
        #expect(other.validation.samples != validation.samples)
        #expect(throws: DatasetError.self) { try dataset.split(validationFraction: 1.5, seed: 1) }
    }
}
