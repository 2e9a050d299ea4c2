import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a built executable under `mpirun -np N --oversubscribe` with a deadline, allowing
/// root (containers run tests as root; Open MPI refuses it otherwise).
enum MPIRun {
    /// What a finished (or killed) job left.
    struct Result {
        /// mpirun's exit status; -1 if the deadline killed it.
        var status: Int32
        /// Standard output of every rank.
        var output: String
        /// Standard error of every rank and of mpirun.
        var error: String
        /// Seconds from start to exit.
        var seconds: Double
    }

    /// The `mpirun` executable on `PATH`, or `nil` when Open MPI is not installed.
    static let mpirun: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/mpirun" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The build folder holding the test runner and the executables.
    static let buildFolder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent()

    /// Runs `executable` (in the build folder) with `arguments` on `ranks` processes, killing
    /// the job after `deadline` seconds.
    static func run(_ executable: String, _ arguments: [String], ranks: Int, deadline: Double)
        throws -> Result
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: mpirun ?? "mpirun")
        process.arguments =
            [
                "-np", "\(ranks)", "--oversubscribe",
                buildFolder.appendingPathComponent(executable).path,
            ]
            + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        process.environment = environment
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("mpirun-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out"), err = folder.appendingPathComponent("err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        let start = Date()
        try process.run()
        var killed = false
        while process.isRunning {
            if Date().timeIntervalSince(start) > deadline {
                kill(process.processIdentifier, SIGKILL)
                killed = true
                break
            }
            usleep(20_000)
        }
        process.waitUntilExit()
        return Result(
            status: killed ? -1 : process.terminationStatus,
            output: try String(contentsOf: out, encoding: .utf8),
            error: try String(contentsOf: err, encoding: .utf8),
            seconds: Date().timeIntervalSince(start))
    }
}
