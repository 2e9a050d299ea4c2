/// Random training-time augmentation, applied per sample by ``BatchLoader`` with a generator
/// seeded from the loader's seed, the epoch and the sample's position, so results do not
/// depend on which thread decodes the sample.
public struct Augmentation: Equatable, Sendable {
    /// Random crop with zero padding: the image is padded by this many zero pixels on every
    /// side, then a window of the original size is cut at a uniformly random offset in
    /// `0...2 × cropPadding` along each axis. 0 (default) disables it.
    public var cropPadding: Int
    /// Whether to mirror the image left-to-right with probability ½.
    public var horizontalFlip: Bool

    /// Creates an augmentation.
    /// - Parameters:
    ///   - cropPadding: The zero padding of the random crop; 0 (default) disables it.
    ///   - horizontalFlip: Whether to flip at random; default `false`.
    public init(cropPadding: Int = 0, horizontalFlip: Bool = false) {
        self.cropPadding = cropPadding
        self.horizontalFlip = horizontalFlip
    }

    /// No augmentation.
    public static let none = Augmentation()

    /// The standard CIFAR-10 augmentation (He et al., 2016): 4-pixel padded random crops and
    /// random horizontal flips.
    public static let cifar = Augmentation(cropPadding: 4, horizontalFlip: true)

    /// Whether the augmentation changes anything.
    public var isIdentity: Bool { cropPadding <= 0 && !horizontalFlip }

    /// Applies the augmentation. Draws, in order: the vertical offset, the horizontal offset
    /// (when cropping), then the flip decision (when flipping).
    public func apply<G: RandomNumberGenerator>(to image: Image, using generator: inout G)
        -> Image
    {
        let p = max(0, cropPadding)
        var dy = 0, dx = 0
        if p > 0 {
            dy = Shuffle.uniform(below: 2 * p + 1, using: &generator) - p
            dx = Shuffle.uniform(below: 2 * p + 1, using: &generator) - p
        }
        let flip = horizontalFlip && generator.next() >> 63 == 1
        if dy == 0 && dx == 0 && !flip { return image }
        return image.shifted(dx: dx, dy: dy, flipped: flip)
    }
}

extension Image {
    /// One pass of crop-with-padding and flip: output pixel `(x, y)` is input pixel
    /// `(x' + dx, y + dy)` — where `x'` is `x`, or `width − 1 − x` when flipped — or zero
    /// outside the image.
    func shifted(dx: Int, dy: Int, flipped: Bool) -> Image {
        let c = channels, w = width, h = height
        return pixels.withUnsafeBufferPointer { source in
            Image(uncheckedWidth: w, height: h, format: format) { out in
                for y in 0..<h {
                    let sy = y + dy
                    for x in 0..<w {
                        let sx = (flipped ? w - 1 - x : x) + dx
                        let d = (y * w + x) * c
                        if sy >= 0 && sy < h && sx >= 0 && sx < w {
                            let s = (sy * w + sx) * c
                            for k in 0..<c { out[d + k] = source[s + k] }
                        } else {
                            for k in 0..<c { out[d + k] = 0 }
                        }
                    }
                }
            }
        }
    }
}
