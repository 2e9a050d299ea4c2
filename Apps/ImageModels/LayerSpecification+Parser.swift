import TensorMath

extension LayerSpecification {
    /// The longest text a specification may have: 65,536 characters.
    public static let maxTextLength = 65_536
    /// The deepest nesting of `residual(…)` blocks: 16.
    public static let maxNesting = 16
    /// The largest number a size, count or padding may be: 2^24 = 16,777,216.
    public static let maxNumber = 1 << 24

    /// Reads a specification (see ``LayerSpecification`` for the syntax). Keywords are matched
    /// without regard to case.
    ///
    /// ```swift
    /// let spec = try LayerSpecification(parsing: "conv 8 3x3 same, relu, maxpool 2, flatten")
    /// ```
    /// - Throws: ``LayerSpecificationError/syntax(position:token:reason:)`` naming the
    ///   character where the text goes wrong and why: an unknown layer, a missing or malformed
    ///   number, an unknown or repeated option, an unbalanced parenthesis, no layers, or a
    ///   text beyond ``maxTextLength`` or ``maxNesting``.
    public init(parsing text: String) throws {
        var parser = try SpecificationParser(text)
        layers = try parser.parseTopLevel()
    }
}

/// Why a value does not parse, for the message.
private struct ParseReason: Error { let text: String }

/// A word, a comma, a parenthesis or a line break of a specification, with its 1-based
/// character position.
private struct Token {
    enum Kind { case word, comma, open, close, lineBreak }
    let kind: Kind
    let text: String
    let position: Int
}

/// A recursive-descent parser over the tokens of a specification.
private struct SpecificationParser {
    private let tokens: [Token]
    private var index = 0
    private let endPosition: Int

    init(_ text: String) throws {
        let characters = Array(text)
        guard characters.count <= LayerSpecification.maxTextLength else {
            throw LayerSpecificationError.syntax(
                position: LayerSpecification.maxTextLength + 1, token: "…",
                reason: "the text has \(characters.count) characters, more than the limit of "
                    + "\(LayerSpecification.maxTextLength)")
        }
        var tokens: [Token] = []
        var i = 0
        while i < characters.count {
            let character = characters[i]
            let position = i + 1
            switch character {
            case "#":
                while i < characters.count, !characters[i].isNewline { i += 1 }
                continue
            case ",": tokens.append(Token(kind: .comma, text: ",", position: position))
            case "(": tokens.append(Token(kind: .open, text: "(", position: position))
            case ")": tokens.append(Token(kind: .close, text: ")", position: position))
            case _ where character.isNewline || character == ";":
                tokens.append(Token(kind: .lineBreak, text: "", position: position))
            case _ where character.isWhitespace: break
            default:
                var word = ""
                while i < characters.count, !Self.isDelimiter(characters[i]) {
                    word.append(characters[i])
                    i += 1
                }
                tokens.append(Token(kind: .word, text: word, position: position))
                continue
            }
            i += 1
        }
        self.tokens = tokens
        endPosition = characters.count + 1
    }

    private static func isDelimiter(_ character: Character) -> Bool {
        character.isWhitespace || character.isNewline || ",()#;".contains(character)
    }

    private var current: Token? { index < tokens.count ? tokens[index] : nil }

    private func error(_ reason: String, at token: Token? = nil) -> LayerSpecificationError {
        guard let token = token ?? current else {
            return .syntax(position: endPosition, token: "", reason: reason)
        }
        let text = token.kind == .lineBreak ? "line break" : token.text
        return .syntax(position: token.position, token: text, reason: reason)
    }

    private mutating func skipLineBreaks() {
        while current?.kind == .lineBreak { index += 1 }
    }

    mutating func parseTopLevel() throws -> [LayerSpecification.Element] {
        let layers = try parseList(depth: 0, opening: nil)
        if let token = current {
            throw error("')' without a matching 'residual('", at: token)
        }
        return layers
    }

    /// Layers up to the end of the text (`opening == nil`) or the `)` closing `opening`.
    private mutating func parseList(depth: Int, opening: Token?) throws
        -> [LayerSpecification.Element]
    {
        var layers: [LayerSpecification.Element] = []
        while true {
            skipLineBreaks()
            guard let token = current else {
                if let opening {
                    throw error(
                        "the 'residual(' at character \(opening.position) is not closed; "
                            + "add ')'")
                }
                break
            }
            if token.kind == .close, opening != nil {
                index += 1
                break
            }
            if token.kind == .close { break }
            layers.append(try parseElement(depth: depth))
            guard let next = current else { continue }
            switch next.kind {
            case .comma:
                index += 1
                skipLineBreaks()
                if current == nil || current?.kind == .close || current?.kind == .comma {
                    throw error("a layer must follow ','")
                }
            case .lineBreak, .close: continue
            case .word, .open:
                throw error("expected ',' between layers", at: next)
            }
        }
        if layers.isEmpty {
            throw error(
                opening == nil
                    ? "the specification has no layers; write one, e.g. 'flatten, dense 10'"
                    : "residual() needs at least one layer inside the parentheses",
                at: opening)
        }
        return layers
    }

    private mutating func parseElement(depth: Int) throws -> LayerSpecification.Element {
        guard let head = current, head.kind == .word else {
            throw error("expected a layer (conv, relu, maxpool, dense, …)")
        }
        index += 1
        let keyword = head.text.lowercased()
        if keyword == "residual" {
            return try parseResidual(head, depth: depth)
        }
        var arguments = try readArguments(of: head)
        let element: LayerSpecification.Element
        switch keyword {
        case "conv":
            var convolution = LayerSpecification.Convolution(
                outputChannels: try arguments.positional("output channels", Self.count),
                kernel: try arguments.positional("kernel size (3 or 3x3)", Self.size))
            if let padding = try arguments.option("padding", Self.padding) {
                convolution.padding = padding
            }
            for word in ["same", "valid"] {
                guard try arguments.flag(word) else { continue }
                guard !arguments.paddingGiven else {
                    throw error("padding given twice", at: arguments.lastFlag)
                }
                arguments.paddingGiven = true
                convolution.padding = word == "same" ? LayerSpecification.Padding.same : .valid
            }
            convolution.stride = try arguments.option("stride", Self.size) ?? 1
            convolution.dilation = try arguments.option("dilation", Self.size) ?? 1
            convolution.bias = try arguments.option("bias", Self.yesNo) ?? true
            element = .convolution(convolution)
        case "relu": element = .relu
        case "leakyrelu":
            element = .leakyReLU(
                slope: try arguments.optionalPositional("slope", Self.slope) ?? 0.01)
        case "tanh": element = .tanh
        case "sigmoid": element = .sigmoid
        case "maxpool", "avgpool", "sumpool":
            let kind = LayerSpecification.Pooling.Kind.allCases.first { $0.keyword == keyword }!
            let size = try arguments.optionalPositional("window size", Self.size) ?? 2
            element = .pooling(
                LayerSpecification.Pooling(
                    kind: kind, size: size, stride: try arguments.option("stride", Self.size),
                    padding: try arguments.option("padding", Self.paddingSize) ?? 0))
        case "globalavgpool": element = .globalAveragePooling
        case "batchnorm": element = .batchNorm
        case "dropout":
            element = .dropout(rate: try arguments.optionalPositional("rate", Self.rate) ?? 0.5)
        case "flatten": element = .flatten
        case "dense":
            element = .dense(
                units: try arguments.positional("output size", Self.count),
                bias: try arguments.option("bias", Self.yesNo) ?? true)
        default:
            throw error(
                "unknown layer '\(head.text)'; the layers are conv, relu, leakyrelu, tanh, "
                    + "sigmoid, maxpool, avgpool, sumpool, globalavgpool, batchnorm, dropout, "
                    + "flatten, dense, residual(…)", at: head)
        }
        try arguments.finish()
        return element
    }

    private mutating func parseResidual(_ head: Token, depth: Int) throws
        -> LayerSpecification.Element
    {
        guard let opening = current, opening.kind == .open else {
            throw error("residual needs its layers in parentheses: residual(conv 8 3x3 same, …)")
        }
        guard depth < LayerSpecification.maxNesting else {
            throw error(
                "residual blocks nest more than \(LayerSpecification.maxNesting) deep (the limit)",
                at: opening)
        }
        index += 1
        let body = try parseList(depth: depth + 1, opening: opening)
        var arguments = try readArguments(of: head)
        let block = LayerSpecification.ResidualBlock(
            body: body, shortcut: try arguments.option("shortcut", Self.shortcut),
            finalReLU: try arguments.option("relu", Self.yesNo) ?? true)
        try arguments.finish()
        return .residual(block)
    }

    /// The words after a layer's keyword, up to the next separator.
    private mutating func readArguments(of head: Token) throws -> Arguments {
        var words: [Token] = []
        while let token = current, token.kind == .word {
            words.append(token)
            index += 1
        }
        if let token = current, token.kind == .open {
            throw error("only residual takes parentheses", at: token)
        }
        return try Arguments(layer: head, words: words)
    }

    // MARK: - Values

    static func count(_ text: String) -> Result<Int, ParseReason> {
        integer(text, minimum: 1)
    }

    static func integer(_ text: String, minimum: Int) -> Result<Int, ParseReason> {
        guard text.allSatisfy(\.isASCII), let value = Int(text),
            (minimum...LayerSpecification.maxNumber).contains(value)
        else {
            return .failure(
                ParseReason(
                    text: "expected a whole number from \(minimum) to "
                        + "\(LayerSpecification.maxNumber)"))
        }
        return .success(value)
    }

    static func size(_ text: String) -> Result<Size2D, ParseReason> { pair(text, minimum: 1) }

    static func paddingSize(_ text: String) -> Result<Size2D, ParseReason> {
        pair(text, minimum: 0)
    }

    static func pair(_ text: String, minimum: Int) -> Result<Size2D, ParseReason> {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        let values = parts.map { integer(String($0), minimum: minimum) }
        switch (parts.count, values.first, values.last) {
        case (1, .success(let side)?, _): return .success(Size2D(side))
        case (2, .success(let height)?, .success(let width)?):
            return .success(Size2D(height, width))
        default:
            return .failure(
                ParseReason(
                    text: "expected a size N or HxW (like 3 or 3x5) of whole numbers from "
                        + "\(minimum) to \(LayerSpecification.maxNumber)"))
        }
    }

    static func padding(_ text: String) -> Result<LayerSpecification.Padding, ParseReason> {
        switch text.lowercased() {
        case "same": return .success(.same)
        case "valid": return .success(.valid)
        default:
            return paddingSize(text).map { .explicit($0) }
                .mapError { _ in ParseReason(text: "expected same, valid, N or HxW") }
        }
    }

    static func yesNo(_ text: String) -> Result<Bool, ParseReason> {
        switch text.lowercased() {
        case "yes": return .success(true)
        case "no": return .success(false)
        default: return .failure(ParseReason(text: "expected yes or no"))
        }
    }

    static func rate(_ text: String) -> Result<Float, ParseReason> {
        guard let value = Float(text), value >= 0, value < 1 else {
            return .failure(ParseReason(text: "expected a rate in [0, 1), like 0.5"))
        }
        return .success(value)
    }

    static func slope(_ text: String) -> Result<Float, ParseReason> {
        guard let value = Float(text), value.isFinite else {
            return .failure(ParseReason(text: "expected a number, like 0.01"))
        }
        return .success(value)
    }

    static func shortcut(_ text: String)
        -> Result<LayerSpecification.ResidualBlock.Shortcut, ParseReason>
    {
        guard let value = LayerSpecification.ResidualBlock.Shortcut(rawValue: text.lowercased())
        else {
            return .failure(ParseReason(text: "expected identity, projection or zeropad"))
        }
        return .success(value)
    }
}

/// The arguments of one layer: positional words in order, `key=value` options and bare
/// flags, each consumed once; ``finish()`` refuses what is left.
private struct Arguments {
    let layer: Token
    private var values: [Token]
    private var options: [String: (key: Token, value: String)] = [:]
    private var flags: [String: Token] = [:]
    var paddingGiven = false
    private(set) var lastFlag: Token?

    init(layer: Token, words: [Token]) throws {
        self.layer = layer
        var positional: [Token] = []
        for word in words {
            if let equals = word.text.firstIndex(of: "=") {
                let key = word.text[..<equals].lowercased()
                let value = String(word.text[word.text.index(after: equals)...])
                guard options[key] == nil else {
                    throw LayerSpecificationError.syntax(
                        position: word.position, token: word.text,
                        reason: "option '\(key)' given twice")
                }
                options[key] = (word, value)
            } else if let first = word.text.first, first.isLetter {
                flags[word.text.lowercased()] = word
            } else {
                positional.append(word)
            }
        }
        values = positional
    }

    private func failure(_ token: Token, _ what: String, _ reason: String)
        -> LayerSpecificationError
    {
        .syntax(
            position: token.position, token: token.text,
            reason: "\(layer.text): \(what): \(reason)")
    }

    mutating func positional<T>(_ what: String, _ parse: (String) -> Result<T, ParseReason>)
        throws -> T
    {
        guard !values.isEmpty else {
            throw LayerSpecificationError.syntax(
                position: layer.position, token: layer.text,
                reason: "\(layer.text) needs its \(what)")
        }
        return try optionalPositional(what, parse)!
    }

    mutating func optionalPositional<T>(_ what: String, _ parse: (String) -> Result<T, ParseReason>)
        throws -> T?
    {
        guard !values.isEmpty else { return nil }
        let token = values.removeFirst()
        switch parse(token.text) {
        case let .success(value): return value
        case let .failure(reason): throw failure(token, what, reason.text)
        }
    }

    mutating func option<T>(_ key: String, _ parse: (String) -> Result<T, ParseReason>) throws -> T?
    {
        guard let (token, value) = options.removeValue(forKey: key) else { return nil }
        if key == "padding" { paddingGiven = true }
        switch parse(value) {
        case let .success(value): return value
        case let .failure(reason): throw failure(token, key, reason.text)
        }
    }

    mutating func flag(_ word: String) throws -> Bool {
        guard let token = flags.removeValue(forKey: word) else { return false }
        lastFlag = token
        return true
    }

    /// Throws for the first word no reader took.
    func finish() throws {
        let left =
            values.map { ($0, "unexpected value") }
            + options.values.map { ($0.key, "unknown option") }
            + flags.values.map { ($0, "unknown word") }
        guard let (token, what) = left.min(by: { $0.0.position < $1.0.position }) else { return }
        throw LayerSpecificationError.syntax(
            position: token.position, token: token.text,
            reason: "\(what) for \(layer.text)" + (Self.usage[layer.text.lowercased()] ?? ""))
    }

    /// What each layer takes, for the message about a word it does not.
    private static let usage: [String: String] = [
        "conv": "; conv OUT KxK [same|valid|padding=P] [stride=S] [dilation=D] [bias=no]",
        "leakyrelu": "; leakyrelu [SLOPE]", "dropout": "; dropout [RATE]",
        "maxpool": "; maxpool [K] [stride=S] [padding=P]",
        "avgpool": "; avgpool [K] [stride=S] [padding=P]",
        "sumpool": "; sumpool [K] [stride=S] [padding=P]", "dense": "; dense N [bias=no]",
        "residual": "; residual(LAYERS) [shortcut=identity|projection|zeropad] [relu=no]",
        "relu": " (it takes nothing)", "tanh": " (it takes nothing)",
        "sigmoid": " (it takes nothing)", "flatten": " (it takes nothing)",
        "batchnorm": " (it takes nothing)", "globalavgpool": " (it takes nothing)",
    ]
}
