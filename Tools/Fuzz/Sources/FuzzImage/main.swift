// PNG and JPEG decoding through Image(encoded:), as classify, the image folders and
// classify serve decode a user's file: any bytes give an image or a DatasetError, within the
// decoders' work and size limits.
import Datasets
import FuzzDriver

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = bytes(data, size)
    if let image = try? Image(encoded: bytes, source: "fuzz") {
        precondition(image.pixels.count == image.width * image.height * image.channels)
        _ = try? image.resized(width: 28, height: 28)
    }
    return 0
}

runFuzzer(fuzzOne)
