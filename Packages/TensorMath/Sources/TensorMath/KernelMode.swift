#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// When a family of convolution kernels runs, from an environment variable read once: `0`
/// never (the next path computes instead, for comparisons), `always` at every vector level,
/// 0 included (for tests of the portable kernels), otherwise from
/// ``DirectConvolution/minimumLevel`` up.
enum KernelMode {
    case never, fromMinimumLevel, always

    init(environment name: String) {
        guard let value = getenv(name) else {
            self = .fromMinimumLevel
            return
        }
        switch String(cString: value) {
        case "0": self = .never
        case "always": self = .always
        default: self = .fromMinimumLevel
        }
    }

    /// Whether the kernels run at vector level `level`.
    func allows(level: Int) -> Bool {
        switch self {
        case .never: false
        case .fromMinimumLevel: level >= DirectConvolution.minimumLevel
        case .always: true
        }
    }
}
