// IDX arrays, plain or gzip-compressed (detected by magic), as MNIST's files are read.
import Datasets
import FuzzDriver

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = bytes(data, size)
    if let array = try? IDXArray(bytes: bytes, source: "fuzz", maxBytes: 1 << 26) {
        // Every dimension product fits (the reader bounds them), and holds the elements.
        precondition(array.shape.reduce(1, *) == array.count)
        _ = array.encoded()
    }
    return 0
}

runFuzzer(fuzzOne)
