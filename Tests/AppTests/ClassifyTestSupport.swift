import Foundation
import Testing

/// Runs the built `classify` and `RenderDigits` executables for the end-to-end tests: they sit
/// next to the test bundle in the build folder (`swift test` builds every product).
enum ClassifyTestSupport {
    /// What a finished process left.
    struct Run {
        /// The exit status.
        var status: Int32
        /// Standard output.
        var output: String
        /// Standard error.
        var error: String

        /// The non-empty lines of standard output.
        var lines: [String] { output.split(separator: "\n").map(String.init) }
    }

    /// The build folder holding the test bundle and the executables.
    static let buildFolder: URL = {
        #if os(Linux)
        return URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        #else
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") } ?? .main
        return bundle.bundleURL.deletingLastPathComponent()
        #endif
    }()

    /// The built executable `name`.
    static func executable(_ name: String) throws -> URL {
        let url = buildFolder.appendingPathComponent(name)
        try #require(
            FileManager.default.isExecutableFile(atPath: url.path),
            "\(name) is not built at \(url.path): run the tests with `swift test`")
        return url
    }

    /// The model bundled with `classify`, as SwiftPM copied it next to the executable.
    static let bundledModel =
        buildFolder
        .appendingPathComponent("SwiftCNN_ClassifyCommand.resources/Resources")
        .appendingPathComponent("mnist.safetensors")

    /// Runs `executable` with `arguments` (in `directory`, if given) and waits for it.
    static func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil) throws
        -> Run
    {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outURL = folder.appendingPathComponent("stdout")
        let errURL = folder.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Run(
            status: process.terminationStatus,
            output: try String(contentsOf: outURL, encoding: .utf8),
            error: try String(contentsOf: errURL, encoding: .utf8))
    }

    /// Runs `classify` with `arguments`; requires the bundled model unless `--model` is given.
    static func classify(_ arguments: [String], in directory: URL? = nil) throws -> Run {
        if !arguments.contains("--model") {
            try #require(
                FileManager.default.fileExists(atPath: bundledModel.path),
                "the bundled model is missing at \(bundledModel.path)")
        }
        return try run(executable("classify"), arguments, in: directory)
    }

    /// A new empty temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ClassifyTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The digit renderer: the `render-digits` product, or the `RenderDigits` target's
    /// implicit product.
    static func renderDigits() throws -> URL {
        let product = buildFolder.appendingPathComponent("render-digits")
        if FileManager.default.isExecutableFile(atPath: product.path) { return product }
        return try executable("RenderDigits")
    }

    /// Renders sample digits with `render-digits` into a new folder; returns the paths written.
    static func render(_ arguments: [String]) throws -> (folder: URL, paths: [String]) {
        let folder = try temporaryFolder()
        let result = try run(renderDigits(), ["--output", folder.path] + arguments)
        try #require(result.status == 0, "RenderDigits failed: \(result.error)")
        return (folder, result.lines)
    }

    /// Every digit in every format (seed 2024), rendered once for all tests.
    static let samples: Result<(folder: URL, paths: [String]), Error> = Result {
        try render(["--seed", "2024"])
    }

    /// The digit a sample's file name starts with (`7-jpeg-cmyk.jpg` → `"7"`).
    static func expectedDigit(_ path: String) -> String {
        String((path as NSString).lastPathComponent.prefix(1))
    }

    /// Splits a text result line `path: 7 (99.2%), 1 (0.5%)` into the path and the classes
    /// with their percentages.
    static func parse(_ line: String) -> (path: String, classes: [(String, Double)])? {
        guard let colon = line.range(of: ": ", options: .backwards) else { return nil }
        let path = String(line[..<colon.lowerBound])
        var classes: [(String, Double)] = []
        for part in line[colon.upperBound...].components(separatedBy: ", ") {
            let pieces = part.split(separator: " ")
            guard pieces.count == 2, pieces[1].hasPrefix("("), pieces[1].hasSuffix("%)"),
                let percent = Double(pieces[1].dropFirst().dropLast(2))
            else { return nil }
            classes.append((String(pieces[0]), percent))
        }
        return (path, classes)
    }
}
