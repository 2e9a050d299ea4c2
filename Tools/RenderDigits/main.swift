// render-digits: draws sample digit images (never cut from MNIST) for the demo and the tests.
// Each digit is hand-designed pen strokes (DigitGlyphs), drawn with random but seeded
// variations (DigitStyle) as thick anti-aliased strokes (StrokeRasterizer), and written in
// every PNG and JPEG variant classify must read (SampleFormat).
import Foundation
import TensorMath

let usage = """
    USAGE: render-digits [--output DIR] [--seed S] [--digits 0123456789] [--formats LIST]
                         [--samples N] [--width W] [--height H] [--rotate-formats]
                         [--list-formats]

    Draws each digit in each format (PNG and JPEG variants) into DIR (default: digits) and
    prints the paths written. File names start with the digit: 7-jpeg-cmyk.jpg.

    OPTIONS:
      --output DIR        Where to write (created if needed; default: digits).
      --seed S            Seeds the variations (size, pen, slant, position); default 1.
      --digits D          The digits to draw, e.g. 0379; default 0123456789.
      --formats LIST      Comma-separated formats, or "all" (default); see --list-formats.
      --samples N         Variants of each digit in each format; default 1.
      --width W           Canvas width in pixels; default random in 40...200 per image.
      --height H          Canvas height in pixels; default random in 40...200 per image.
      --rotate-formats    Give each digit one format, taking the formats in turn, instead
                          of every format.
      --list-formats      Print the formats and exit.
    """

/// Prints `message` and the usage on stderr and exits with status 2.
func usageError(_ message: String) -> Never {
    FileHandle.standardError.write(Data("render-digits: \(message)\n\n\(usage)\n".utf8))
    exit(2)
}

var output = "digits"
var seed: UInt64 = 1
var digits = Array(0...9)
var formats = SampleFormat.allCases
var samples = 1
var width: Int?
var height: Int?
var rotateFormats = false

var arguments = Array(CommandLine.arguments.dropFirst())
func value(_ flag: String) -> String {
    guard !arguments.isEmpty else { usageError("\(flag) needs a value") }
    return arguments.removeFirst()
}
func number(_ flag: String, in range: ClosedRange<Int>) -> Int {
    let text = value(flag)
    guard let n = Int(text), range.contains(n) else {
        usageError("\(flag) must be a whole number in \(range), got \"\(text)\"")
    }
    return n
}
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    switch flag {
    case "--output": output = value(flag)
    case "--seed":
        let text = value(flag)
        guard let s = UInt64(text) else { usageError("--seed must be a whole number, got \(text)") }
        seed = s
    case "--digits":
        let text = value(flag)
        let parsed = text.compactMap { $0.wholeNumberValue }
        guard !parsed.isEmpty, parsed.count == text.count else {
            usageError("--digits takes digits such as 0379, got \"\(text)\"")
        }
        digits = parsed
    case "--formats":
        let text = value(flag)
        if text != "all" {
            formats = text.split(separator: ",").map { name in
                guard let format = SampleFormat(rawValue: String(name)) else {
                    usageError("unknown format \"\(name)\" (see --list-formats)")
                }
                return format
            }
            if formats.isEmpty { usageError("--formats is empty") }
        }
    case "--samples": samples = number(flag, in: 1...1000)
    case "--width": width = number(flag, in: 8...4096)
    case "--height": height = number(flag, in: 8...4096)
    case "--rotate-formats": rotateFormats = true
    case "--list-formats":
        for format in SampleFormat.allCases { print(format.rawValue) }
        exit(0)
    case "-h", "--help":
        print(usage)
        exit(0)
    default: usageError("unknown argument \"\(flag)\"")
    }
}

do {
    try FileManager.default.createDirectory(
        atPath: output, withIntermediateDirectories: true)
    for (position, digit) in digits.enumerated() {
        let chosen = rotateFormats ? [formats[position % formats.count]] : formats
        for format in chosen {
            let formatIndex = SampleFormat.allCases.firstIndex(of: format) ?? 0
            for sample in 0..<samples {
                let stream = UInt64(digit) << 32 | UInt64(formatIndex) << 16 | UInt64(sample)
                var generator = Xoshiro256(seed: seed, stream: stream)
                let style = DigitStyle.random(width: width, height: height, generator: &generator)
                let bytes = try format.encode(coverage: style.coverage(of: digit), style: style)
                let suffix = samples > 1 ? "-\(sample)" : ""
                let name = "\(digit)-\(format.rawValue)\(suffix).\(format.fileExtension)"
                let path = (output as NSString).appendingPathComponent(name)
                try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
                print(path)
            }
        }
    }
} catch {
    FileHandle.standardError.write(Data("render-digits: \(error)\n".utf8))
    exit(1)
}
