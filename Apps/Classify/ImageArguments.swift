import Foundation

/// The IMAGE arguments of `classify`, with folders expanded: a folder stands for every PNG and
/// JPEG file under it (by extension, in any case; hidden files and folders skipped), sorted
/// by path, so that `classify photos/` classifies a folder as an image-folder data set is laid
/// out (`DIR/<class>/*.png`).
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
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder),
                isFolder.boolValue
            else { return [.file(argument)] }
            let files = imageFiles(in: argument)
            return files.isEmpty ? [.emptyFolder(argument)] : files.map(Item.file)
        }
    }

    /// The image files under `folder`, sorted.
    static func imageFiles(in folder: String) -> [String] {
        let root = URL(fileURLWithPath: folder)
        guard
            let walk = FileManager.default.enumerator(
                at: root, includingPropertiesForKeys: [.isRegularFileKey],
                options: [.skipsHiddenFiles])
        else { return [] }
        var files: [String] = []
        for case let url as URL in walk
        where extensions.contains(url.pathExtension.lowercased())
            && (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
        {
            let relative = url.path.dropFirst(root.path.count).drop { $0 == "/" }
            files.append(folder.hasSuffix("/") ? folder + relative : folder + "/" + relative)
        }
        return files.sorted()
    }
}
