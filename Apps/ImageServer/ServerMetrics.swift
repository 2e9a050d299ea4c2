import Prometheus
import Synchronization

/// The server's Prometheus metrics, in a registry of its own (so several servers in one
/// process, as in the tests, keep apart), exposed at `GET /metrics`:
///
/// - `classify_requests_total{model,status}`: answered `:classify` and `:visualize` requests;
/// - `classify_request_duration_seconds{model}`: their latency, a histogram;
/// - `classify_batch_size{model}`: images per forward pass, a histogram;
/// - `classify_inflight_requests`: requests being read, queued or run.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let inflight: Gauge
    /// The registry's metrics of each model (and status), looked up there once: the registry
    /// validates names and labels on every lookup.
    private let cache = Mutex<Cache>(Cache())

    private struct Cache {
        var requests: [RequestKey: Counter] = [:]
        var durations: [String: DurationHistogram] = [:]
        var batches: [String: ValueHistogram] = [:]
    }

    private struct RequestKey: Hashable {
        var model: String
        var status: Int
    }

    /// Latency buckets, from 0.5 ms to 10 s.
    static let durationBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(10),
    ]
    /// Batch-size buckets: powers of two to 256.
    static let batchBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256]

    init() {
        inflight = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "classify_inflight", unitName: "requests",
                helpText: "Classify and visualize requests being read, queued or run."),
            labels: [])
        inflight.set(to: 0)
    }

    /// Counts one answered request of `model` with `status`, and its latency.
    func record(model: String, status: Int, duration: Duration) {
        metric(\.requests, RequestKey(model: model, status: status)) {
            registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    metricName: "classify_requests", unitName: "total",
                    helpText: "Answered classify and visualize requests by model and status."),
                labels: [("model", model), ("status", String(status))])
        }.increment()
        metric(\.durations, model) {
            registry.makeDurationHistogram(
                descriptor: MetricNameDescriptor(
                    metricName: "classify_request_duration", unitName: "seconds",
                    helpText: "Latency of classify and visualize requests."),
                labels: [("model", model)], buckets: Self.durationBuckets)
        }.record(duration)
    }

    /// Records one forward pass of `size` images of `model`.
    func recordBatch(model: String, size: Int) {
        metric(\.batches, model) {
            registry.makeValueHistogram(
                descriptor: MetricNameDescriptor(
                    metricName: "classify_batch", unitName: "size",
                    helpText: "Images per forward pass."),
                labels: [("model", model)], buckets: Self.batchBuckets)
        }.record(Double(size))
    }

    /// The metric under `key` in the cache's `table`, made by `make` the first time.
    private func metric<Key: Hashable, Metric>(
        _ table: WritableKeyPath<Cache, [Key: Metric]>, _ key: Key, _ make: () -> Metric
    ) -> Metric {
        cache.withLock { cache in
            if let metric = cache[keyPath: table][key] { return metric }
            let metric = make()
            cache[keyPath: table][key] = metric
            return metric
        }
    }

    /// One more request in flight.
    func started() { inflight.increment() }

    /// One request fewer in flight.
    func finished() { inflight.decrement() }

    /// The Prometheus text exposition.
    func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
