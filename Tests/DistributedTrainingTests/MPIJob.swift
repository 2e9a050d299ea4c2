import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A job of a built app under `mpirun -np N --oversubscribe` (root allowed, as containers run
/// tests as root), watched while it runs, killed at a deadline.
final class MPIJob: @unchecked Sendable {
    /// The `mpirun` executable on `PATH`, or `nil` when Open MPI is not installed.
    static let mpirun: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/mpirun" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The build folder holding the test runner and the apps.
    static let buildFolder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent()

    let process = Process()
    private let lock = NSLock()
    private var out = Data(), err = Data()
    private let start = Date()

    /// Starts `app` (in the build folder) with `arguments` on `ranks` processes; `ranks` 0
    /// runs the app alone, without mpirun.
    init(_ app: String, _ arguments: [String], ranks: Int) throws {
        let executable = Self.buildFolder.appendingPathComponent(app).path
        if ranks == 0 {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: Self.mpirun ?? "mpirun")
            process.arguments = ["-np", "\(ranks)", "--oversubscribe", executable] + arguments
        }
        var environment = ProcessInfo.processInfo.environment
        environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        process.environment = environment
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        outPipe.fileHandleForReading.readabilityHandler = { [self] handle in
            let data = handle.availableData
            lock.withLock { out.append(data) }
        }
        errPipe.fileHandleForReading.readabilityHandler = { [self] handle in
            let data = handle.availableData
            lock.withLock { err.append(data) }
        }
        try process.run()
    }

    /// Standard output so far (rank 0's; the others print nothing).
    var output: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
    /// Standard error so far (every rank's and mpirun's).
    var error: String { lock.withLock { String(decoding: err, as: UTF8.self) } }

    /// Waits until `condition` holds or `seconds` pass; whether it held.
    func wait(upTo seconds: Double, for condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    /// Waits for the job to end, killing it after `seconds`; its exit status (-1 if killed)
    /// and the seconds it ran.
    func finish(within seconds: Double) -> (status: Int32, seconds: Double) {
        let ended = wait(upTo: seconds) { !process.isRunning }
        if !ended { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        usleep(100_000)  // the last output
        return (ended ? process.terminationStatus : -1, Date().timeIntervalSince(start))
    }

    /// The pid of rank `rank`: a child of mpirun whose environment says so.
    func pid(ofRank rank: Int) -> pid_t? {
        let parent = process.processIdentifier
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, pid_t(fields[1]) == parent,
                let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ")
            else { continue }
            let variables = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if variables.contains("OMPI_COMM_WORLD_RANK=\(rank)") { return pid }
        }
        return nil
    }
}
