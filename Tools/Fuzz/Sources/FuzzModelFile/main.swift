// A model file's metadata (architecture, configuration, class names, input, preprocessing) as
// ImageClassifier rebuilds a network from it: the input is the metadata as one JSON object of
// strings, stored beside no tensors, so that every configuration the fuzzer finds is built
// (allocation bombs through metadata) and refused or loaded strictly.
import Checkpoints
import Foundation
import FuzzDriver
import ImageClassification

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let json = Data(bytes(data, size))
    guard let metadata = try? JSONDecoder().decode([String: String].self, from: json),
        let serialized = try? SafeTensorsFile.serialize([:], metadata: metadata),
        let file = try? SafeTensorsFile(bytes: serialized, name: "fuzz")
    else { return 0 }
    _ = try? ImageClassifier(file: file)
    return 0
}

runFuzzer(fuzzOne)
