// Training checkpoints: the safetensors file, the versioned JSON document (format 1 and 2) and
// the training snapshot it holds, as `--resume` reads them.
import CheckpointedTraining
import Checkpoints
import FuzzDriver

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = bytes(data, size)
    guard let file = try? SafeTensorsFile(bytes: bytes, name: "fuzz"),
        let checkpoint = try? TrainingCheckpoint(file: file)
    else { return 0 }
    if let snapshot = try? checkpoint.snapshot() { _ = try? snapshot.scalars.trainer.validate() }
    return 0
}

runFuzzer(fuzzOne)
