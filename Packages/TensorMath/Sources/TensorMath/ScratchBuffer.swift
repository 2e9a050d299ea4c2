#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Uninitialized scratch memory for one kernel task (im2col matrices, staging areas, partial
/// sums), recycled through a small pool: the system allocator hands large blocks back to the
/// operating system on release, and every call would then page-fault them in again.
struct ScratchBuffer {
    let pointer: UnsafeMutablePointer<Float>
    let capacity: Int

    /// Takes a buffer of at least `count` scalars from the pool, or allocates one.
    init(count: Int) {
        let needed = Swift.max(1, count)
        if let reused = ScratchBuffer.pool.withLock({ $0.take(atLeast: needed) }) {
            self = reused
        } else {
            pointer = .allocate(capacity: needed)
            capacity = needed
        }
    }

    private init(pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        self.pointer = pointer
        self.capacity = capacity
    }

    /// Returns the buffer to the pool (which frees the smallest buffers beyond its limit).
    func release() {
        let evicted = ScratchBuffer.pool.withLock { $0.put(self) }
        evicted?.pointer.deallocate()
    }

    /// Free buffers: at most `limit` of them, none above `largest` scalars.
    struct Pool {
        static let limit = 8
        static let largest = 1 << 24
        var free: [ScratchBuffer] = []

        /// Removes and returns the smallest free buffer holding `count` scalars.
        mutating func take(atLeast count: Int) -> ScratchBuffer? {
            var best: Int?
            for (index, buffer) in free.enumerated() where buffer.capacity >= count {
                if best.map({ buffer.capacity < free[$0].capacity }) ?? true { best = index }
            }
            return best.map { free.remove(at: $0) }
        }

        /// Adds a buffer; returns the one to deallocate when the pool is full.
        mutating func put(_ buffer: ScratchBuffer) -> ScratchBuffer? {
            guard buffer.capacity <= Self.largest else { return buffer }
            free.append(buffer)
            guard free.count > Self.limit,
                let smallest = free.indices.min(by: { free[$0].capacity < free[$1].capacity })
            else { return nil }
            return free.remove(at: smallest)
        }
    }

    private static let pool = BLAS.Locked(Pool())
}
