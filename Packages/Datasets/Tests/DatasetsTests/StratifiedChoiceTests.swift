import Datasets
import Testing

/// `--train-subset N` in every app: exactly N indices, the classes' proportions kept
/// (largest remainder), the same for the same seed, whatever the order of the labels.
@Suite struct StratifiedChoiceTests {
    @Test func exactCountWithTheClassesProportions() {
        // 3 classes of 600, 300 and 100 samples, listed class by class (as image folders are).
        let labels =
            Array(repeating: 0, count: 600) + Array(repeating: 1, count: 300)
            + Array(repeating: 2, count: 100)
        for count in [0, 1, 7, 10, 333, 999] {
            let chosen = StratifiedChoice.indices(labels: labels, count: count, seed: 42)
            #expect(chosen.count == count)
            #expect(chosen == chosen.sorted() && Set(chosen).count == count)
            let perClass = (0..<3).map { c in chosen.filter { labels[$0] == c }.count }
            let exact = [0.6, 0.3, 0.1].map { Double(count) * $0 }
            for (got, wanted) in zip(perClass, exact) { #expect(abs(Double(got) - wanted) < 1) }
        }
        #expect(
            StratifiedChoice.indices(labels: labels, count: 5000, seed: 1)
                == Array(labels.indices))
    }

    @Test func theSeedDecidesWhichOnes() {
        let labels = (0..<1000).map { $0 % 10 }
        let a = StratifiedChoice.indices(labels: labels, count: 100, seed: 42)
        #expect(a == StratifiedChoice.indices(labels: labels, count: 100, seed: 42))
        #expect(a != StratifiedChoice.indices(labels: labels, count: 100, seed: 43))
        #expect(a != Array(0..<100), "not simply the first ones")
        for c in 0..<10 { #expect(a.filter { labels[$0] == c }.count == 10) }
    }

    @Test func chooseTakesEachClassQuotaOfItsShuffle() {
        let labels = [1, 1, 1, 1, 0, 0]
        let chosen = StratifiedChoice.choose(labels: labels, seed: 3) { label, size in
            label == 1 ? size / 2 : 5  // clamped to the class size
        }
        #expect(chosen.count == 6)
        #expect(chosen[4] && chosen[5])
        #expect(chosen[0..<4].filter { $0 }.count == 2)
    }
}
