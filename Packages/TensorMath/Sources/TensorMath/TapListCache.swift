#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The tap lists (and their lane-mask tables) of the direct convolutions seen so far, keyed by
/// the vector level, the pass and the geometry without the batch size: a training step asks
/// for the same few lists every time, and building a list's masks cost about 1.5% of a LeNet-5
/// training step. At most ``capacity`` entries are kept; beyond that the cache starts over.
final class TapListCache: @unchecked Sendable {
    /// Which pass a list serves.
    enum Pass: Int { case forward, inputGradient }

    static let shared = TapListCache()

    /// Entries kept before the cache is emptied (networks have a few dozen shapes at most).
    static let capacity = 256

    private var lists: [[Int]: [TapList]] = [:]
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    private init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    /// The lists for `geometry` at `level`, made by `make` on the first request.
    func lists(
        _ pass: Pass, level: Int, geometry g: ConvolutionGeometry, make: () -> [TapList]
    ) -> [TapList] {
        let key = [
            pass.rawValue, level, g.channels, g.height, g.width, g.outChannels, g.kernelHeight,
            g.kernelWidth, g.strideHeight, g.strideWidth, g.paddingHeight, g.paddingWidth,
            g.dilationHeight, g.dilationWidth,
        ]
        pthread_mutex_lock(mutex)
        if let found = lists[key] {
            pthread_mutex_unlock(mutex)
            return found
        }
        pthread_mutex_unlock(mutex)
        // Made outside the lock (it allocates and fills tables): two threads asking for the
        // same new geometry at once may both make it; the lists are equal, and the last stored
        // stays.
        let made = make()
        pthread_mutex_lock(mutex)
        if lists.count >= Self.capacity { lists.removeAll(keepingCapacity: true) }
        lists[key] = made
        pthread_mutex_unlock(mutex)
        return made
    }
}
