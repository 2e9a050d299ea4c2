/// The limits the safetensors reader enforces before it allocates or reads anything, so a
/// hostile or corrupt file becomes a thrown ``CheckpointError`` rather than a crash or a huge
/// allocation. The writer enforces the same limits, so every file it writes can be read back.
public enum SafeTensorsLimits {
    /// The largest header accepted: 100 MB, the limit of the reference (Rust) implementation.
    public static let maximumHeaderBytes = 100_000_000
    /// The most tensors one file may hold: 1,000,000 (the largest published models hold a few
    /// thousand).
    public static let maximumTensorCount = 1_000_000
    /// The largest rank a tensor may have: 32.
    public static let maximumRank = 32
    /// The deepest JSON nesting accepted in the header: 16 (a valid header needs 3).
    public static let maximumJSONDepth = 16
    /// The longest JSON array accepted in the header: 64 elements (a valid header's arrays are
    /// shapes, at most ``maximumRank`` long, and offset pairs). This bounds the memory a hostile
    /// header can make the parser use to a small multiple of its size.
    public static let maximumJSONArrayCount = 64
    /// The largest element count of one tensor: `Int32.max × 64` (about 1.4 × 10¹¹), the
    /// ceiling `Tensor` itself accepts. Products of dimensions are computed with overflow checks,
    /// and every tensor's bytes must also lie inside the file.
    public static let maximumElementCount = Int(Int32.max) * 64
}
