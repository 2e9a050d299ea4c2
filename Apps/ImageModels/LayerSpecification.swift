import TensorMath

/// A network written as text: layers separated by commas (or new lines), each a keyword and
/// its arguments, in the spirit of Keras' `Sequential` and Darknet's `.cfg` files.
///
/// ```
/// conv 8 3x3 same, relu, maxpool 2, flatten, dense 10
/// ```
///
/// - `conv OUT KxK [same|valid|padding=P] [stride=S] [dilation=D] [bias=no]`: `nn.Conv2d`
/// - `relu`, `leakyrelu [SLOPE]` (0.01), `tanh`, `sigmoid`
/// - `maxpool|avgpool|sumpool [K] [stride=S] [padding=P]`: K default 2, stride default K
/// - `globalavgpool`: `[C, H, W]` → `[C]` (`nn.AdaptiveAvgPool2d(1)`, then flatten)
/// - `batchnorm`: `nn.BatchNorm2d` after maps, `nn.BatchNorm1d` after flat features
/// - `dropout [RATE]` (0.5), `flatten`, `dense N [bias=no]` (`nn.Linear`)
/// - `residual(LAYERS) [shortcut=identity|projection|zeropad] [relu=no]`
///
/// Sizes are `N` or `HxW` (`3` is `3x3`); padding defaults to `valid` (none), and `same`
/// keeps the size at stride 1. A residual block adds its input to its layers' output and
/// applies a ReLU (unless `relu=no`); its shortcut is the identity when the shapes agree and a
/// 1x1 convolution with batch norm (a projection) when they do not, unless `shortcut=` says
/// otherwise. `#` starts a comment that runs to the end of the line.
///
/// Parameters are named like a PyTorch `nn.Sequential` of the same layers: `0.weight`,
/// `0.bias`, `3.weight`, …; a residual block's layers are numbered inside it (`2.0.weight`)
/// and its projection is `2.shortcut.0.weight` (convolution) and `2.shortcut.1.*` (batch norm).
///
/// ``init(parsing:)`` reads the text (``LayerSpecificationError/syntax(position:token:reason:)``
/// says where and why it fails), ``description`` writes it back in canonical form,
/// ``plan(inputShape:)`` checks it against an input shape and ``makeModel(inputShape:generator:)``
/// builds it.
public struct LayerSpecification: Hashable, Sendable, CustomStringConvertible {
    /// The layers, in order.
    public var layers: [Element]

    /// Creates a specification of `layers`.
    public init(_ layers: [Element]) { self.layers = layers }

    /// One layer of a specification.
    public indirect enum Element: Hashable, Sendable {
        /// `conv`: a 2-D convolution.
        case convolution(Convolution)
        /// `relu`.
        case relu
        /// `leakyrelu SLOPE`.
        case leakyReLU(slope: Float)
        /// `tanh`.
        case tanh
        /// `sigmoid`.
        case sigmoid
        /// `maxpool`, `avgpool`, `sumpool`.
        case pooling(Pooling)
        /// `globalavgpool`: `[C, H, W]` → `[C]`.
        case globalAveragePooling
        /// `batchnorm`.
        case batchNorm
        /// `dropout RATE`.
        case dropout(rate: Float)
        /// `flatten`: `[C, H, W]` → `[C·H·W]`.
        case flatten
        /// `dense N`: a fully connected layer of `units` outputs.
        case dense(units: Int, bias: Bool)
        /// `residual(…)`: a residual block.
        case residual(ResidualBlock)

        /// Whether the element is an activation (`relu`, `leakyrelu`, `tanh`, `sigmoid`).
        public var isActivation: Bool {
            switch self {
            case .relu, .leakyReLU, .tanh, .sigmoid: return true
            default: return false
            }
        }
    }

    /// Zero padding of a convolution.
    public enum Padding: Hashable, Sendable {
        /// None (the default).
        case valid
        /// The output as large as the input (stride 1, odd dilated kernel).
        case same
        /// Rows and columns of zeros on each side.
        case explicit(Size2D)
    }

    /// A `conv` layer.
    public struct Convolution: Hashable, Sendable {
        /// Output channels.
        public var outputChannels: Int
        /// Kernel height and width.
        public var kernel: Size2D
        /// Default 1.
        public var stride: Size2D
        /// Default ``Padding/valid``.
        public var padding: Padding
        /// Default 1.
        public var dilation: Size2D
        /// Whether the layer has a bias; default `true`.
        public var bias: Bool

        /// Creates a convolution; see the properties for the defaults.
        public init(
            outputChannels: Int, kernel: Size2D, stride: Size2D = 1, padding: Padding = .valid,
            dilation: Size2D = 1, bias: Bool = true
        ) {
            self.outputChannels = outputChannels
            self.kernel = kernel
            self.stride = stride
            self.padding = padding
            self.dilation = dilation
            self.bias = bias
        }
    }

    /// A pooling layer.
    public struct Pooling: Hashable, Sendable {
        /// What a window computes.
        public enum Kind: String, Hashable, Sendable, CaseIterable {
            /// `maxpool`: the maximum.
            case max
            /// `avgpool`: the mean (padding counts in the divisor, as in PyTorch).
            case average
            /// `sumpool`: the sum.
            case sum

            /// The keyword of the layer.
            public var keyword: String {
                switch self {
                case .max: return "maxpool"
                case .average: return "avgpool"
                case .sum: return "sumpool"
                }
            }
        }

        /// What a window computes.
        public var kind: Kind
        /// The window; default 2x2.
        public var size: Size2D
        /// Default: the window size.
        public var stride: Size2D
        /// Zeros (or -∞ for max pooling) on each side; default 0, at most half the window.
        public var padding: Size2D

        /// Creates a pooling layer; the stride defaults to the size.
        public init(kind: Kind, size: Size2D = 2, stride: Size2D? = nil, padding: Size2D = 0) {
            self.kind = kind
            self.size = size
            self.stride = stride ?? size
            self.padding = padding
        }
    }

    /// A `residual(…)` block.
    public struct ResidualBlock: Hashable, Sendable {
        /// How the input reaches the sum.
        public enum Shortcut: String, Hashable, Sendable, CaseIterable {
            /// The input itself (the shapes must agree).
            case identity
            /// A 1x1 convolution with the stride and no bias, then batch norm (He et al.'s
            /// option B).
            case projection
            /// The input subsampled by the stride and zero-padded to the channels (option A).
            case zeropad
        }

        /// The residual branch.
        public var body: [Element]
        /// The shortcut; `nil` (the default): the identity when the shapes agree, else a
        /// projection.
        public var shortcut: Shortcut?
        /// Whether a ReLU follows the sum; default `true`.
        public var finalReLU: Bool

        /// Creates a block; see the properties for the defaults.
        public init(body: [Element], shortcut: Shortcut? = nil, finalReLU: Bool = true) {
            self.body = body
            self.shortcut = shortcut
            self.finalReLU = finalReLU
        }
    }

    /// The canonical text: one space between words, `, ` between layers, options only where
    /// they differ from their defaults. Parsing it gives an equal specification.
    public var description: String { Self.text(layers) }

    /// The canonical text of `elements`.
    static func text(_ elements: [Element]) -> String {
        elements.map(text).joined(separator: ", ")
    }

    /// The canonical text of one element.
    static func text(_ element: Element) -> String {
        func size(_ value: Size2D) -> String {
            value.height == value.width ? "\(value.height)" : "\(value)"
        }
        switch element {
        case let .convolution(c):
            var words = ["conv", "\(c.outputChannels)", "\(c.kernel)"]
            switch c.padding {
            case .valid: break
            case .same: words.append("same")
            case let .explicit(p): words.append("padding=\(size(p))")
            }
            if c.stride != 1 { words.append("stride=\(size(c.stride))") }
            if c.dilation != 1 { words.append("dilation=\(size(c.dilation))") }
            if !c.bias { words.append("bias=no") }
            return words.joined(separator: " ")
        case .relu: return "relu"
        case let .leakyReLU(slope): return "leakyrelu \(slope)"
        case .tanh: return "tanh"
        case .sigmoid: return "sigmoid"
        case let .pooling(p):
            var words = [p.kind.keyword, size(p.size)]
            if p.stride != p.size { words.append("stride=\(size(p.stride))") }
            if p.padding != 0 { words.append("padding=\(size(p.padding))") }
            return words.joined(separator: " ")
        case .globalAveragePooling: return "globalavgpool"
        case .batchNorm: return "batchnorm"
        case let .dropout(rate): return "dropout \(rate)"
        case .flatten: return "flatten"
        case let .dense(units, bias): return "dense \(units)" + (bias ? "" : " bias=no")
        case let .residual(block):
            var words = ["residual(\(text(block.body)))"]
            if let shortcut = block.shortcut { words.append("shortcut=\(shortcut.rawValue)") }
            if !block.finalReLU { words.append("relu=no") }
            return words.joined(separator: " ")
        }
    }
}
