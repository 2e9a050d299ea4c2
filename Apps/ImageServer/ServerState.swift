import Synchronization

/// What every request may change: whether the server is draining, and how many
/// `:classify`/`:visualize` requests are in flight (for the 429 limit).
final class ServerState: Sendable {
    private let drainingFlag = Atomic<Bool>(false)
    private let inflight = Atomic<Int>(0)

    /// Whether a graceful shutdown has begun: `/healthz` answers 503 and new work 503.
    var draining: Bool { drainingFlag.load(ordering: .acquiring) }

    /// Starts draining.
    func beginDraining() { drainingFlag.store(true, ordering: .releasing) }

    /// Takes a place among at most `limit` requests in flight; `false` when they are all
    /// taken. A `true` must be followed by ``release()``.
    func admit(limit: Int) -> Bool {
        let count = inflight.add(1, ordering: .acquiringAndReleasing).newValue
        if count > limit {
            inflight.subtract(1, ordering: .acquiringAndReleasing)
            return false
        }
        return true
    }

    /// Gives back a place taken by ``admit(limit:)``.
    func release() { inflight.subtract(1, ordering: .acquiringAndReleasing) }
}
