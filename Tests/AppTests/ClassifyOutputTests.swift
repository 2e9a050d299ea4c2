import Checkpoints
import Foundation
import ImageClassification
import ImageModels
import Testing

private typealias Support = ClassifyTestSupport

/// `classify`'s output forms (`--top`, `--json`), other models through `--model`, and finding
/// the bundled model from anywhere.
@Suite struct ClassifyOutputTests {
    private func samples(_ names: [String]) throws -> [String] {
        let paths = try Support.samples.get().paths
        return try names.map { name in try #require(paths.first { $0.hasSuffix("/" + name) }) }
    }

    @Test func printsThePredictedClassAndItsProbability() throws {
        let paths = try samples(["2-png-rgb.png", "5-jpeg-cmyk.jpg"])
        let result = try Support.classify(paths)
        #expect(result.status == 0)
        let pattern = try NSRegularExpression(pattern: #"^.+: [0-9] \((100|[0-9]{1,2})\.[0-9]%\)$"#)
        for line in result.lines {
            let range = NSRange(line.startIndex..., in: line)
            #expect(pattern.firstMatch(in: line, range: range) != nil, "line: \(line)")
        }
        #expect(result.lines.map { Support.parse($0)?.classes.first?.0 } == ["2", "5"])
    }

    @Test func topListsTheMostProbableClassesInOrder() throws {
        let paths = try samples(["4-png-palette.png", "9-jpeg-progressive.jpg"])
        let three = try Support.classify(["--top", "3"] + paths)
        #expect(three.status == 0)
        for line in three.lines {
            let classes = try #require(Support.parse(line)?.classes)
            #expect(classes.count == 3)
            #expect(Set(classes.map(\.0)).count == 3)
            #expect(classes[0].1 >= classes[1].1 && classes[1].1 >= classes[2].1)
            // Runners-up show their (tiny) probability, not 0.0%.
            #expect(classes.allSatisfy { $0.1 > 0 }, "\(line)")
        }
        let all = try Support.classify(["--top", "25", paths[0]])
        let classes = try #require(Support.parse(all.lines[0])?.classes)
        #expect(classes.count == 10)
        #expect(Set(classes.map(\.0)) == Set((0...9).map(String.init)))
        #expect(abs(classes.map(\.1).reduce(0, +) - 100) < 0.6)
    }

    @Test func aFolderStandsForTheImagesUnderIt() throws {
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let paths = try samples(["4-png-palette.png", "9-jpeg-progressive.jpg", "7-png-grey.png"])
        for (index, path) in paths.enumerated() {
            let sub = folder.appendingPathComponent(index == 0 ? "b" : "a")
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            let name = (path as NSString).lastPathComponent
            try FileManager.default.copyItem(
                atPath: path, toPath: sub.appendingPathComponent(name).path)
        }
        try Data("notes".utf8).write(to: folder.appendingPathComponent("a/readme.txt"))
        let result = try Support.classify([folder.path])
        #expect(result.status == 0, "\(result.error)")
        let classified = result.lines.compactMap(Support.parse)
        #expect(
            classified.map(\.path) == [
                folder.path + "/a/7-png-grey.png", folder.path + "/a/9-jpeg-progressive.jpg",
                folder.path + "/b/4-png-palette.png",
            ])
        #expect(classified.map { $0.classes.first?.0 } == ["7", "9", "4"])
        let empty = folder.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let none = try Support.classify([empty.path])
        #expect(none.status == 1)
        #expect(none.error.contains("\(empty.path): no PNG or JPEG file"), "\(none.error)")
    }

    @Test func jsonIsAnArrayWithOneObjectPerFileErrorsIncluded() throws {
        let paths = try samples(["1-png-16bit-rgb.png", "8-png-transparent.png"])
        let missing = "/nonexistent/digit.png"
        let result = try Support.classify(["--json", "--top", "2", paths[0], missing, paths[1]])
        #expect(result.status == 1)
        #expect(result.error.contains(missing))
        let array = try #require(
            try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]])
        #expect(array.count == 3)
        #expect(array.map { $0["file"] as? String } == [paths[0], missing, paths[1]])
        #expect(array[0]["class"] as? String == "1" && array[2]["class"] as? String == "8")
        #expect((array[1]["error"] as? String)?.contains(missing) == true)
        #expect(array[1]["class"] == nil)
        for entry in [array[0], array[2]] {
            let top = try #require(entry["top"] as? [[String: Any]])
            #expect(top.count == 2)
            let best = try #require(top[0]["probability"] as? Double)
            #expect(entry["probability"] as? Double == best)
            #expect(best >= (top[1]["probability"] as? Double ?? 2))
            #expect(top[0]["class"] as? String == entry["class"] as? String)
            #expect(top[0]["index"] as? Int == Int(entry["class"] as? String ?? ""))
        }
    }

    @Test func jsonWithEveryFileGoodExitsWithZero() throws {
        let result = try Support.classify(["--json"] + samples(["0-jpeg-grey.jpg"]))
        #expect(result.status == 0 && result.error.isEmpty)
        let array = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [Any]
        #expect(array?.count == 1)
    }

    @Test func findsTheBundledModelFromAnyFolderAndThroughALink() throws {
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = try samples(["6-png-grey.png"])[0]
        try FileManager.default.copyItem(
            atPath: image, toPath: folder.appendingPathComponent("six.png").path)
        let fromElsewhere = try Support.classify(["six.png"], in: folder)
        #expect(fromElsewhere.status == 0)
        #expect(fromElsewhere.output.hasPrefix("six.png: "))
        #expect(Support.parse(fromElsewhere.lines.first ?? "")?.classes.first?.0 == "6")

        let link = folder.appendingPathComponent("classify-link")
        try FileManager.default.createSymbolicLink(
            at: link, withDestinationURL: try Support.executable("classify"))
        let throughLink = try Support.run(link, ["six.png"], in: folder)
        #expect(throughLink.status == 0)
        #expect(throughLink.output == fromElsewhere.output)
    }

    @Test func aCopyWithoutItsBundleSaysTheModelIsMissing() throws {
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("classify")
        try FileManager.default.copyItem(at: try Support.executable("classify"), to: copy)
        let result = try Support.run(copy, try samples(["6-png-grey.png"]))
        #expect(result.status == 1)
        #expect(result.output.isEmpty)
        #expect(result.error.contains("bundled model is missing"))
        #expect(result.error.contains("--model"))
    }

    @Test func aFourClassRGBModelWorksThroughTheSameCommand() throws {
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let classes = ["bird", "cat", "dog", "ship"]
        let architecture = try ModelRegistry.architecture(
            MLP.self,
            configuration: .init(inputShape: [3, 16, 16], hiddenSizes: [8], classCount: 4))
        let network = try ModelRegistry.makeModel(architecture, seed: 3)
        let model = folder.appendingPathComponent("four-class.safetensors")
        try SafeTensorsFile.write(
            network.stateDictionary,
            description: ModelDescription(
                architecture: architecture, classNames: classes,
                input: .init(height: 16, width: 16, colorMode: .rgb),
                preprocessing: .init(
                    method: .resize, mean: [0.49, 0.48, 0.45],
                    standardDeviation: [0.25, 0.24, 0.26])),
            to: model)
        let images = try samples(["3-jpeg-dark.jpg", "7-png-transparent-light.png"])
        let result = try Support.run(
            Support.executable("classify"), ["--model", model.path, "--top", "4"] + images)
        #expect(result.status == 0, "stderr: \(result.error)")
        #expect(result.lines.count == 2)
        for line in result.lines {
            let ranked = try #require(Support.parse(line)?.classes)
            #expect(Set(ranked.map(\.0)) == Set(classes))
        }
    }
}
