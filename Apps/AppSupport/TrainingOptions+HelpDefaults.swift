/// The defaults `--help` shows after each training flag: the app sets them from its default
/// settings before it parses (`TrainingOptions.showDefaults(...)`), so the shared flags can say
/// `(default: cnn 15, lenet5 10)` in `mnist train` and `(default: 24)` in `four-class train`.
extension TrainingOptions {
    /// Flag name (without dashes) → the default shown; empty until an app sets it.
    nonisolated(unsafe) static var helpDefaults: [String: String] = [:]

    /// ` (default: …)` for `flag`, or nothing.
    static func defaultNote(_ flag: String) -> String {
        helpDefaults[flag].map { " (default: \($0))" } ?? ""
    }

    /// Shows `defaults` in `--help`: one labelled settings per architecture (label `nil` when
    /// the app has one set of defaults). A setting equal in every set is shown once.
    public static func showDefaults(_ defaults: [(label: String?, settings: TrainingSettings)]) {
        func value<T>(_ flag: String, _ text: (TrainingSettings) -> T) {
            let values = defaults.map { "\(text($0.settings))" }
            guard let first = values.first else { return }
            helpDefaults[flag] =
                values.allSatisfy { $0 == first }
                ? first
                : zip(defaults, values).map { "\($0.0.label ?? "") \($0.1)" }
                    .joined(separator: ", ")
        }
        value("epochs") { $0.epochs }
        value("batch-size") { $0.batchSize }
        value("learning-rate") { $0.learningRate }
        value("optimizer") { $0.optimizer.rawValue }
        value("weight-decay") { $0.weightDecay }
        value("schedule") { $0.schedule.rawValue }
        value("seed") { $0.seed }
        value("shift") { $0.shift }
        value("label-smoothing") { $0.labelSmoothing }
        value("patience") { $0.patience }
        value("loss") { $0.loss.rawValue }
    }
}
