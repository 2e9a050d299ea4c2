import Datasets
import Foundation
import TensorMath
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Files and folders whose names are not UTF-8 (Latin-1 `café`, a stray 0xFF) are listed,
/// opened and written byte for byte, and messages show the odd bytes as `\xNN`.
@Suite struct NonUTF8NameTests {
    /// `caf\xE9`: the Latin-1 spelling of "café".
    let latin1Folder = FileSystemName.string(fromBytes: Array("caf".utf8) + [0xE9])
    /// `7\xFF.png`.
    let oddFile = FileSystemName.string(fromBytes: [0x37, 0xFF] + Array(".png".utf8))

    @Test func anImageFolderWithLatin1NamesLoads() throws {
        let root = try TemporaryDirectory()
        defer { removeTree(root.path) }
        let classFolder = root.file(latin1Folder)
        #expect(FileSystemName.withCString(classFolder) { mkdir($0, 0o755) } == 0)
        let image = try Image(width: 4, height: 3, format: .grey, filledWith: 200)
        try image.write(to: classFolder + "/" + oddFile)
        try image.write(to: root.file("plain") + ".png")  // ignored: not in a class folder

        let folder = try ImageFolder(root: root.path)
        #expect(folder.classNames == [latin1Folder])
        #expect(folder.count == 1)
        let loaded = try folder.image(at: 0)
        #expect(loaded.width == 4 && loaded.height == 3)
        #expect(try Image(contentsOf: classFolder + "/" + oddFile).pixels == image.pixels)
    }

    @Test func errorsShowTheBytesAsEscapes() throws {
        let root = try TemporaryDirectory()
        defer { removeTree(root.path) }
        let path = root.file(oddFile)
        #expect(FileSystemName.withCString(path) { creat($0, 0o644) } >= 0)
        #expect {
            try Image(contentsOf: path)
        } throws: { error in
            let text = "\(error)"
            return text.contains("7\\xFF.png") && !text.contains("\u{FFFD}")
        }
    }

    /// Removes `path` and everything under it, whatever the names' bytes.
    private func removeTree(_ path: String) {
        var status = stat()
        guard FileSystemName.withCString(path, { lstat($0, &status) }) == 0 else { return }
        if (status.st_mode & S_IFMT) == S_IFDIR,
            let names = FileSystemName.entries(ofDirectory: path)
        {
            for name in names { removeTree(path + "/" + name) }
            _ = FileSystemName.withCString(path) { rmdir($0) }
        } else {
            _ = FileSystemName.withCString(path) { unlink($0) }
        }
    }
}
