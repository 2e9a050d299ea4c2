import Foundation

/// Where SwiftPM puts an executable's resource bundles: beside the executable. Apps look their
/// resources up there themselves instead of through the generated `Bundle.module`, which traps
/// when the bundle is missing where an app must print a clear error.
public enum ExecutableResources {
    /// `path` inside the bundle `bundleName` beside the executable: first beside its real path
    /// (symbolic links resolved, so a link in `~/bin` works), then beside the path it was started
    /// by; without duplicates.
    /// - Parameters:
    ///   - bundleName: `PACKAGE_TARGET.resources`, as SwiftPM names it.
    ///   - path: Components inside the bundle, e.g. `["Resources", "mnist.safetensors"]`.
    public static func candidates(bundleName: String, path: [String]) -> [URL] {
        var folders: [URL] = []
        #if os(Linux)
        folders.append(
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
                .deletingLastPathComponent())
        #endif
        if let executable = Bundle.main.executableURL {
            folders.append(executable.resolvingSymlinksInPath().deletingLastPathComponent())
            folders.append(executable.deletingLastPathComponent())
        }
        var seen = Set<String>()
        return folders.compactMap { folder in
            let url = ([bundleName] + path).reduce(folder) { $0.appendingPathComponent($1) }
            return seen.insert(url.path).inserted ? url : nil
        }
    }
}
