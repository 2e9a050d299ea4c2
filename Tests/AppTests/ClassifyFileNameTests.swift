import Foundation
import Testing

private typealias Support = ClassifyTestSupport

/// `classify` on a file whose name is not UTF-8 (`caf\xE9.png`, Latin-1), given by name or
/// found in a folder: the file is read under its real bytes and reported as `caf\xE9.png`.
@Suite struct ClassifyFileNameTests {
    @Test func aLatin1FileNameIsClassifiedByNameAndInAFolder() throws {
        let samples = try Support.samples.get()
        let seven = try #require(samples.paths.first { Support.expectedDigit($0) == "7" })
        let folder = try Support.temporaryFolder()
        defer { _ = try? Support.run(URL(fileURLWithPath: "/bin/rm"), ["-rf", folder.path]) }
        // The shell makes the byte 0xE9 itself: Process passes arguments as UTF-8.
        let script = """
            cp "$1" "$2/$(printf 'caf\\351.png')" && \
            "$0" "$2/$(printf 'caf\\351.png')" && "$0" "$2"
            """
        let run = try Support.run(
            URL(fileURLWithPath: "/bin/sh"),
            ["-c", script, try Support.executable("classify").path, seven, folder.path])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.lines.count == 2, "\(run.output)")
        for line in run.lines {
            let parsed = try #require(Support.parse(line), "\(line)")
            #expect(parsed.path.hasSuffix("caf\\xE9.png"), "\(line)")
            #expect(parsed.classes.first?.0 == "7", "\(line)")
        }
    }
}
