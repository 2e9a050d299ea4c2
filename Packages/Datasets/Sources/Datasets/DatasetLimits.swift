/// Explicit limits against hostile or broken inputs. Readers check a file's declared sizes
/// against these before they allocate anything, so a 40-byte PNG header that declares
/// 100000x100000 pixels, or a small gzip file that inflates to gigabytes, is refused with
/// ``DatasetError/limitExceeded(path:reason:)`` instead of exhausting memory.
///
/// Decoders take the limit as a parameter defaulting to these values, so a caller with a
/// legitimate need can raise it for one call.
public enum DatasetLimits {
    /// The most pixels (width × height) an image may declare: 2^26 = 67,108,864, an
    /// 8192x8192 image (256 MiB as RGBA).
    public static let maxImagePixels = 1 << 26

    /// The longest side, in pixels, a PNG may declare (libpng's own default allows 1,000,000).
    public static let maxImageSide = 1 << 16

    /// The most scans a progressive JPEG may have. Real encoders write about 10; files with
    /// thousands of tiny scans decode very slowly ("scan bombs").
    public static let maxJPEGScans = 1000

    /// The most work a JPEG may ask for, as scans × pixels: 2^30, e.g. 16 scans of the
    /// largest image (libjpeg's progressive files have 6 to 10), or 1,000 scans of 1 megapixel.
    /// Each scan is a pass over every pixel, so a small file repeating a refinement scan of a
    /// large image would otherwise take minutes. Both scan limits are checked before decoding.
    public static let maxJPEGScanPixels = 1 << 30

    /// The largest encoded image file read into memory: 256 MiB.
    public static let maxImageFileBytes = 1 << 28

    /// The largest IDX payload (decompressed): 2 GiB, well above MNIST's 47 MB.
    public static let maxIDXBytes = 1 << 31

    /// The most a compressed data file may expand: 200 times its size. Real data sets compress
    /// far less (MNIST's images about 5:1, its labels 2:1); deflate itself allows 1032:1, so a
    /// 2 MB gzip file of zeros could otherwise ask for 2 GB.
    public static let maxCompressionRatio = 200

    /// The most dimensions an IDX header may declare.
    public static let maxIDXDimensions = 16

    /// The largest compressed (or plain) data file read into memory: 1 GiB.
    public static let maxDataFileBytes = 1 << 30
}
