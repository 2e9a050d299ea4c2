// The safetensors header (JSON), its tensor table and data, and the model metadata, as every
// model file and checkpoint is opened.
import Checkpoints
import FuzzDriver

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = bytes(data, size)
    guard let file = try? SafeTensorsFile(bytes: bytes, name: "fuzz") else { return 0 }
    _ = try? file.tensors()
    _ = try? file.modelDescription()
    return 0
}

runFuzzer(fuzzOne)
