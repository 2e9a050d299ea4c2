import Foundation
import ProtocolBuffers

/// TensorBoard's event file format, written without TensorFlow: TFRecord framing (length,
/// masked CRC-32C of the length, data, masked CRC-32C of the data) around `Event` protocol
/// buffers holding scalar, histogram and image summaries, encoded by hand (tensorflow/core/util/event.proto:
/// `wall_time` 1, `step` 2, `file_version` 3, `summary` 5; `Summary.value` 1;
/// `Summary.Value.tag` 1, `simple_value` 2).
///
/// ```swift
/// let record = TensorBoardEvents.record(
///     TensorBoardEvents.scalars(["epoch_loss": 0.25], step: 3, wallTime: 1.7e9))
/// ```
public enum TensorBoardEvents {
    /// The first event of every file: `file_version: "brain.Event:2"`.
    public static func fileVersion(wallTime: Double) -> [UInt8] {
        var event = ProtoWriter()
        event.double(1, wallTime)
        event.bytes(3, Array("brain.Event:2".utf8))
        return event.data
    }

    /// An event with one scalar summary value per entry of `values` (sorted by tag).
    public static func scalars(_ values: [String: Double], step: Int, wallTime: Double)
        -> [UInt8]
    {
        var summary = ProtoWriter()
        for (tag, value) in values.sorted(by: { $0.key < $1.key }) {
            var entry = ProtoWriter()
            entry.bytes(1, Array(tag.utf8))
            entry.float(2, Float(value))
            summary.bytes(1, entry.data)
        }
        return event(summary: summary.data, step: step, wallTime: wallTime)
    }

    /// An event with a histogram summary (`Summary.Value.histo` 5: a `HistogramProto` with
    /// `min` 1, `max` 2, `num` 3, `sum` 4, `sum_squares` 5, packed `bucket_limit` 6 and
    /// `bucket` 7) per entry of `values` (sorted by tag): `buckets` equal buckets between the
    /// values' minimum and maximum, each limit its bucket's upper edge. Non-finite values are
    /// left out (their count is the difference between the tensor's size and `num`).
    public static func histograms(
        _ values: [String: [Float]], step: Int, wallTime: Double, buckets: Int = 30
    ) -> [UInt8] {
        var summary = ProtoWriter()
        for (tag, all) in values.sorted(by: { $0.key < $1.key }) {
            let finite = all.filter(\.isFinite).map(Double.init)
            let low = finite.min() ?? 0, high = finite.max() ?? 0
            let width = high > low ? (high - low) / Double(buckets) : 1
            var counts = [Double](repeating: 0, count: high > low ? buckets : 1)
            for value in finite {
                let index = high > low ? min(Int((value - low) / width), buckets - 1) : 0
                counts[index] += 1
            }
            let limits = counts.indices.map { high > low ? low + Double($0 + 1) * width : high }
            var histogram = ProtoWriter()
            histogram.double(1, low)
            histogram.double(2, high)
            histogram.double(3, Double(finite.count))
            histogram.double(4, finite.reduce(0, +))
            histogram.double(5, finite.reduce(0) { $0 + $1 * $1 })
            histogram.packedDoubles(6, limits)
            histogram.packedDoubles(7, counts)
            var entry = ProtoWriter()
            entry.bytes(1, Array(tag.utf8))
            entry.bytes(5, histogram.data)
            summary.bytes(1, entry.data)
        }
        return event(summary: summary.data, step: step, wallTime: wallTime)
    }

    /// An event with an image summary (`Summary.Value.image` 4: an `Image` with `height` 1,
    /// `width` 2, `colorspace` 3 and `encoded_image_string` 4) per entry of `images`
    /// (sorted by tag), each a PNG file's bytes with its size and channels (1 grey, 3 RGB).
    public static func images(
        _ images: [String: (png: [UInt8], width: Int, height: Int, channels: Int)], step: Int,
        wallTime: Double
    ) -> [UInt8] {
        var summary = ProtoWriter()
        for (tag, image) in images.sorted(by: { $0.key < $1.key }) {
            var picture = ProtoWriter()
            picture.varint(1, Int64(image.height))
            picture.varint(2, Int64(image.width))
            picture.varint(3, Int64(image.channels))
            picture.bytes(4, image.png)
            var entry = ProtoWriter()
            entry.bytes(1, Array(tag.utf8))
            entry.bytes(4, picture.data)
            summary.bytes(1, entry.data)
        }
        return event(summary: summary.data, step: step, wallTime: wallTime)
    }

    /// An `Event` holding a serialized `Summary`.
    private static func event(summary: [UInt8], step: Int, wallTime: Double) -> [UInt8] {
        var event = ProtoWriter()
        event.double(1, wallTime)
        event.varint(2, Int64(step))
        event.bytes(5, summary)
        return event.data
    }

    /// `data` framed as one TFRecord.
    public static func record(_ data: [UInt8]) -> [UInt8] {
        let length = withUnsafeBytes(of: UInt64(data.count).littleEndian, Array.init)
        return length + littleEndian(maskedCRC(length)) + data + littleEndian(maskedCRC(data))
    }

    /// TFRecord's masked CRC-32C: `((crc >> 15) | (crc << 17)) + 0xa282ead8`.
    static func maskedCRC(_ bytes: [UInt8]) -> UInt32 {
        let crc = CRC32C.checksum(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian, Array.init)
    }
}

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as TFRecord frames use.
enum CRC32C {
    private static let table: [UInt32] = (0..<256).map { byte in
        var crc = UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        return crc
    }

    /// The checksum of `bytes` ("123456789" gives 0xE3069283).
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
