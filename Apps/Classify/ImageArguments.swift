import TensorMath

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The IMAGE arguments of `classify`, with folders expanded: a folder stands for every PNG and
/// JPEG file under it (by extension, in any case; hidden files and folders skipped), sorted
/// by path, so that `classify photos/` classifies a folder as an image-folder data set is laid
/// out (`DIR/<class>/*.png`). Names that are not UTF-8 are kept byte for byte
/// (``TensorMath/FileSystemName``).
enum ImageArguments {
    /// One argument, expanded.
    enum Item: Equatable {
        /// A file to classify (or to report as unreadable).
        case file(String)
        /// A folder holding no PNG or JPEG file.
        case emptyFolder(String)
    }

    /// The extensions taken from folders.
    static let extensions: Set<String> = ["png", "jpg", "jpeg"]

    /// `arguments` with each folder replaced by its image files.
    static func expand(_ arguments: [String]) -> [Item] {
        arguments.flatMap { argument -> [Item] in
            guard kind(of: argument, following: true) == S_IFDIR else { return [.file(argument)] }
            let files = imageFiles(in: argument)
            return files.isEmpty ? [.emptyFolder(argument)] : files.map(Item.file)
        }
    }

    /// The image files under `folder`, sorted by their bytes. Symbolic links to files are
    /// taken; links to folders are not followed (no cycles).
    static func imageFiles(in folder: String) -> [String] {
        var files: [String] = []
        var pending = [folder.hasSuffix("/") ? String(folder.dropLast()) : folder]
        while let current = pending.popLast() {
            for name in names(in: current) where !name.hasPrefix(".") {
                let path = current + "/" + name
                switch kind(of: path, following: false) {
                case S_IFDIR:
                    pending.append(path)
                case S_IFREG, S_IFLNK:
                    let pathExtension = name.split(separator: ".").last.map(String.init) ?? ""
                    if name.contains("."), extensions.contains(pathExtension.lowercased()),
                        kind(of: path, following: true) == S_IFREG
                    {
                        files.append(path)
                    }
                default:
                    continue
                }
            }
        }
        return files.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The file type bits (`S_IFDIR`, `S_IFREG`, ...) of `path`, or 0 if it cannot be read.
    private static func kind(of path: String, following: Bool) -> mode_t {
        var status = stat()
        let result = FileSystemName.withCString(path) {
            following ? stat($0, &status) : lstat($0, &status)
        }
        return result == 0 ? status.st_mode & S_IFMT : 0
    }

    /// The names in `folder` without `.` and `..`; none if it cannot be read.
    private static func names(in folder: String) -> [String] {
        FileSystemName.entries(ofDirectory: folder) ?? []
    }
}
