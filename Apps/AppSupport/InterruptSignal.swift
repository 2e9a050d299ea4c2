import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Turns the first Ctrl-C (SIGINT) or SIGTERM into a request that a long run can poll, so it
/// stops after the current batch and saves a checkpoint; a second signal ends the process at
/// once (the default action).
public enum InterruptSignal {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0

    /// Installs the handlers (idempotent) and unblocks both signals on the calling thread
    /// (a parent process may have started us with them blocked).
    public static func install() {
        flag = 0  // initializes the static before any handler can run
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        for number in [SIGINT, SIGTERM] {
            signal(number) { received in
                InterruptSignal.flag = 1
                signal(received, SIG_DFL)
            }
        }
    }

    /// Whether a signal arrived since ``install()``.
    public static var isRequested: Bool { flag != 0 }
}
