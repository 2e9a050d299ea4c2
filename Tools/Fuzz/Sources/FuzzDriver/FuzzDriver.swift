// What every fuzz target shares. Each target defines `LLVMFuzzerTestOneInput`, which
// libFuzzer's own `main` calls; when the executable's Swift `main` runs instead (SwiftPM names
// it after the target), it hands the command line and the same function to libFuzzer's driver.
#if canImport(Glibc)
import Glibc
#endif

/// A fuzz target's body: called with each input (bytes, count); returns 0.
public typealias FuzzTarget = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

@_silgen_name("LLVMFuzzerRunDriver")
private func llvmFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: FuzzTarget
) -> CInt

/// Runs libFuzzer with the process's arguments on `target`, and exits with its status.
public func runFuzzer(_ target: FuzzTarget) -> Never {
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(llvmFuzzerRunDriver(&argc, &argv, target))
}

/// The input as an array (an empty one for a null pointer).
public func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}
