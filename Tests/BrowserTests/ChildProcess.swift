import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, in a process group of its own, with chosen file
/// descriptors (Foundation's `Process` cannot give a child more than standard input, output and
/// error; Chromium's `--remote-debugging-pipe` reads fd 3 and writes fd 4).
///
/// ```swift
/// let log = try ChildProcess.openForWriting("/tmp/server.log")
/// let child = try ChildProcess(
///     "/usr/bin/env", ["true"], descriptors: [1: log, 2: log])
/// _ = child.wait(timeout: 5)
/// child.kill()
/// ```
final class ChildProcess {
    /// The child's process id (also its process group id).
    let pid: pid_t
    /// The executable's path, for messages.
    let executable: String
    /// The exit status once the child was reaped (its signal number plus 128 if killed).
    private(set) var status: Int32?

    /// Starts `executable` with `arguments`.
    /// - Parameters:
    ///   - executable: The program's path.
    ///   - arguments: Its arguments, without the program name.
    ///   - descriptors: The child's file descriptors: child fd → this process's fd (dup'ed in
    ///     the child). Standard input is `/dev/null` unless given.
    /// - Throws: ``BrowserTestError/spawnFailed(_:_:)`` with `posix_spawn`'s error number.
    init(_ executable: String, _ arguments: [String], descriptors: [Int32: Int32]) throws {
        self.executable = executable
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Duplicate every source above the targets first, so one mapping cannot clobber the
        // source of another (the copies close at exec: F_DUPFD_CLOEXEC).
        var copies: [Int32] = []
        defer { copies.forEach { _ = close($0) } }
        var mapping = descriptors
        if mapping[0] == nil { mapping[0] = try Self.openDevNull() }
        for (target, source) in mapping.sorted(by: { $0.key < $1.key }) {
            let copy = fcntl(source, F_DUPFD_CLOEXEC, 64)
            guard copy >= 0 else { throw BrowserTestError.spawnFailed(executable, errno) }
            copies.append(copy)
            posix_spawn_file_actions_adddup2(&actions, copy, target)
        }
        if descriptors[0] == nil, let devNull = mapping[0] { _ = close(devNull) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else { throw BrowserTestError.spawnFailed(executable, result) }
        self.pid = pid
    }

    /// Whether the child has not exited yet.
    var isRunning: Bool { status == nil && !hasExited }

    /// Whether the child has exited, looked at without reaping it (`WNOWAIT`): until it is
    /// reaped its id, and so its process group's, cannot be reused by another process, so
    /// signalling the group cannot reach anyone else's.
    private var hasExited: Bool {
        var info = siginfo_t()
        let result = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
        return result != 0 || info._sifields._sigchld.si_pid == pid
    }

    /// Waits at most `timeout` seconds for the child to exit; then ends what is left of its
    /// process group and reaps it. Returns its status, or `nil` if it is still running.
    @discardableResult
    func wait(timeout: TimeInterval) -> Int32? {
        if let status { return status }
        let deadline = Date().addingTimeInterval(timeout)
        while !hasExited {
            if Date() >= deadline { return nil }
            usleep(20_000)
        }
        _ = Glibc.kill(-pid, SIGKILL)  // helpers left in its group (Chromium's)
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        status = Self.decode(raw)
        return status
    }

    /// Ends the child's whole process group (Chromium's helpers too): SIGTERM, then SIGKILL
    /// after `grace` seconds; reaps the child. Safe to call more than once.
    func kill(grace: TimeInterval = 3) {
        guard status == nil else { return }
        if !hasExited {
            _ = Glibc.kill(-pid, SIGTERM)
            if wait(timeout: grace) != nil { return }
            _ = Glibc.kill(-pid, SIGKILL)
        }
        wait(timeout: 5)
    }

    /// A `waitpid` status as an exit code (128 + the signal for a killed child).
    private static func decode(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }

    /// `/dev/null` opened for reading and writing.
    private static func openDevNull() throws -> Int32 {
        let fd = open("/dev/null", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw BrowserTestError.spawnFailed("/dev/null", errno) }
        return fd
    }

    /// Creates (or truncates) `path` and opens it for writing, close-on-exec.
    static func openForWriting(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BrowserTestError.spawnFailed(path, errno) }
        return fd
    }

    /// A close-on-exec pipe: `(read, write)`.
    static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw BrowserTestError.spawnFailed("pipe", errno) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }  // (Glibc does not export pipe2)
        return (fds[0], fds[1])
    }

    /// The first executable named one of `names` on `PATH`, or `nil`.
    static func find(_ names: [String]) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in names {
            if name.contains("/") {
                if FileManager.default.isExecutableFile(atPath: name) { return name }
                continue
            }
            for folder in path.split(separator: ":") {
                let candidate = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }
}
