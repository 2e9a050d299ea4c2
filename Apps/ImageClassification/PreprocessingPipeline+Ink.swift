import Datasets

extension PreprocessingPipeline {
    /// Pixels that differ from the background by less than this many grey levels are paper
    /// (scanner, camera and JPEG noise), not ink, when deciding the ink's polarity.
    public static let inkMargin = 24

    /// A photo, scan or drawing of a digit as MNIST's pictures are: grey, light ink on a
    /// black (0) background, full contrast; same size as `image`.
    ///
    /// 1. Transparency: an RGBA image is composited onto white when its visible pixels are
    ///    dark (ink on a transparent background, as drawing apps export), onto black when
    ///    they are light.
    /// 2. The image becomes grey (Pillow's luma).
    /// 3. The background level is the median of the border pixels (a ring 1/40 of the short
    ///    side thick, at least one pixel).
    /// 4. The ink is the side, darker or lighter than the background, holding more of the
    ///    pixels that differ from it by at least ``inkMargin`` levels; dark ink is inverted.
    /// 5. Contrast is stretched: the background and faint noise (below 12% of the way from the
    ///    background to the typical ink level, the median of the clearly-inked pixels) become
    ///    0, the typical ink level 255.
    ///
    /// An image with no ink at all (a blank page) becomes all black.
    public static func digitImage(_ image: Image) -> Image {
        let grey = flattenedForInk(image).converted(to: .grey)
        let count = grey.width * grey.height
        guard count > 0 else { return grey }
        let histogram = grey.pixels.withUnsafeBufferPointer(Self.histogram)
        let background = borderMedian(grey)

        // Polarity: which side of the background holds more clearly different pixels?
        let darker = histogram[0..<max(0, background - inkMargin + 1)].reduce(0, +)
        let lighter = histogram[min(256, background + inkMargin)...].reduce(0, +)
        guard darker + lighter > 0 else {
            return grey.filled(with: 0)
        }
        let invert = darker > lighter
        // Levels measured from the background towards the ink, 0...255.
        var distance = [Int](repeating: 0, count: 256)
        for v in 0..<256 { distance[v] = invert ? background - v : v - background }
        // The typical ink level: the median distance of the clearly-inked pixels.
        var inked: [(distance: Int, count: Int)] = []
        for v in 0..<256 where distance[v] >= inkMargin {
            inked.append((distance[v], histogram[v]))
        }
        inked.sort { $0.distance < $1.distance }
        let total = inked.reduce(0) { $0 + $1.count }
        var seen = 0, typical = inked.last?.distance ?? 255
        for entry in inked {
            seen += entry.count
            if 2 * seen >= total {
                typical = entry.distance
                break
            }
        }
        let floor = 0.12 * Double(typical)
        var table = [UInt8](repeating: 0, count: 256)
        for v in 0..<256 {
            let stretched = (Double(distance[v]) - floor) * 255 / (Double(typical) - floor)
            table[v] = UInt8(min(255, max(0, stretched.rounded())))
        }
        return grey.mapped(through: table)
    }

    /// `image` without transparency: RGBA composited onto white when its visible pixels are
    /// mostly dark, onto black when they are mostly light (alpha-weighted mean luma); grey and
    /// RGB images unchanged.
    static func flattenedForInk(_ image: Image) -> Image {
        guard image.format == .rgba else { return image }
        var weighted = 0.0, weights = 0.0
        image.pixels.withUnsafeBufferPointer { pixels in
            var i = 0
            while i + 3 < pixels.count {
                let alpha = Double(pixels[i + 3])
                let luma = Color(red: pixels[i], green: pixels[i + 1], blue: pixels[i + 2])
                    .luminance
                weighted += alpha * Double(luma)
                weights += alpha
                i += 4
            }
        }
        let inkIsDark = weights == 0 || weighted / weights < 128
        return image.composited(onto: inkIsDark ? .white : .black)
    }

    /// How many of `bytes` have each value 0...255. Four interleaved partial counts: the bytes
    /// of a background are mostly equal, and one count per value would make every increment
    /// wait for the previous one's store.
    static func histogram(_ bytes: UnsafeBufferPointer<UInt8>) -> [Int] {
        var partial = [Int](repeating: 0, count: 4 * 256)
        partial.withUnsafeMutableBufferPointer { counts in
            var i = 0
            while i + 4 <= bytes.count {
                counts[Int(bytes[i])] &+= 1
                counts[256 + Int(bytes[i + 1])] &+= 1
                counts[512 + Int(bytes[i + 2])] &+= 1
                counts[768 + Int(bytes[i + 3])] &+= 1
                i += 4
            }
            while i < bytes.count {
                counts[Int(bytes[i])] &+= 1
                i += 1
            }
        }
        return (0..<256).map {
            partial[$0] + partial[256 + $0] + partial[512 + $0] + partial[768 + $0]
        }
    }

    /// The median grey level of the border ring of a grey image.
    static func borderMedian(_ grey: Image) -> Int {
        let width = grey.width, height = grey.height
        let ring = max(1, min(width, height) / 40)
        var histogram = [Int](repeating: 0, count: 256)
        var count = 0
        grey.pixels.withUnsafeBufferPointer { pixels in
            func add(_ y: Int, _ columns: Range<Int>) {
                for x in columns { histogram[Int(pixels[y * width + x])] += 1 }
                count += columns.count
            }
            for y in 0..<height {
                if y < ring || y >= height - ring {
                    add(y, 0..<width)
                } else {
                    add(y, 0..<ring)
                    add(y, (width - ring)..<width)
                }
            }
        }
        var seen = 0
        for v in 0..<256 {
            seen += histogram[v]
            if 2 * seen >= count { return v }
        }
        return 255
    }
}

extension Image {
    /// The image with every byte replaced by `table[byte]`.
    func mapped(through table: [UInt8]) -> Image {
        var copy = self
        table.withUnsafeBufferPointer { table in
            copy.withUnsafeMutablePixels { bytes in
                for i in bytes.indices { bytes[i] = table[Int(bytes[i])] }
            }
        }
        return copy
    }

    /// The image with every byte set to `value`.
    func filled(with value: UInt8) -> Image {
        var copy = self
        copy.withUnsafeMutablePixels { bytes in bytes.update(repeating: value) }
        return copy
    }
}
