import TensorMath

// classify: prints what each image shows, with its probability (Classify.swift); `classify
// serve ...` runs the HTTP service instead (Serve.swift).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// File names that are not UTF-8 are kept byte for byte (FileSystemName).
let arguments = FileSystemName.commandLineArguments
if arguments.first == "serve" {
    exit(await Serve.main(arguments: Array(arguments.dropFirst())))
}
exit(Classify.main(arguments: arguments))
