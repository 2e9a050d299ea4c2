#ifndef CDATASETCODECS_H
#define CDATASETCODECS_H
// C shims around libpng, libjpeg(-turbo) and zlib for the Datasets module.
//
// Every function returns a status code (DC_OK on success) and, on failure, writes a
// NUL-terminated message into the caller's `message` buffer. libpng's longjmp and libjpeg's
// error_exit never leave this library: both are caught with setjmp inside the C functions.
// Output buffers that these functions allocate are released with dc_free.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Status codes shared by every shim.
enum {
    DC_OK = 0,
    /// The data is not in the expected format (bad signature, corrupt stream).
    DC_ERROR_CORRUPT = 1,
    /// The data ends before the format says it should.
    DC_ERROR_TRUNCATED = 2,
    /// A limit against hostile input was exceeded (pixel count, scan count, output size).
    DC_ERROR_LIMIT = 3,
    /// Memory allocation failed.
    DC_ERROR_MEMORY = 4,
    /// The caller passed an argument the shim cannot use.
    DC_ERROR_ARGUMENT = 5,
};

/// The size of message buffers callers should pass.
#define DC_MESSAGE_SIZE 256

/// A decoded 8-bit image: `height` rows of `width * channels` interleaved bytes.
typedef struct {
    uint8_t *pixels; ///< malloc'd; release with dc_free.
    int width;
    int height;
    int channels;
} dc_image;

/// Releases a buffer allocated by a shim (decoded pixels, encoded files).
void dc_free(void *pointer);

// MARK: PNG

/// Decodes a PNG of any colour type, bit depth and interlacing to 8-bit grey (1 channel), RGB
/// (3) or RGBA (4). Palette images expand to RGB(A), grey with alpha to RGBA, 16-bit samples
/// scale to 8 bits with rounding, and tRNS transparency becomes an alpha channel.
/// Refuses images of more than `max_pixels` pixels or wider/taller than `max_side`.
int dc_png_decode(const uint8_t *data, size_t size, uint64_t max_pixels, uint32_t max_side,
                  dc_image *out, char *message, size_t message_size);

/// Encodes 8-bit grey (1), grey+alpha (2), RGB (3) or RGBA (4) pixels as a non-interlaced PNG.
/// `compression_level` is zlib's 0–9. `*out` is malloc'd; release with dc_free.
int dc_png_encode(const uint8_t *pixels, int width, int height, int channels,
                  int compression_level, uint8_t **out, size_t *out_size,
                  char *message, size_t message_size);

// MARK: JPEG

/// Decodes a baseline, progressive or arithmetic-coded JPEG to 8-bit grey (1 channel) for
/// greyscale files or RGB (3) for YCbCr, RGB, CMYK and YCCK files. CMYK samples are taken as
/// stored inverted, as Photoshop writes them, with or without an Adobe marker (the convention
/// of Pillow and web browsers). Truncated or corrupt data is an error, not a grey-padded image.
/// Refuses images of more than `max_pixels` pixels, and files of more than `max_scans` scans
/// or more than `max_scan_pixels` scans x pixels (counted before decoding: scan bombs).
/// The decompressor is cached per thread, so repeated calls avoid its set-up cost.
int dc_jpeg_decode(const uint8_t *data, size_t size, uint64_t max_pixels, int max_scans,
                   uint64_t max_scan_pixels, dc_image *out, char *message, size_t message_size);

/// Encodes 8-bit grey (1) or RGB (3) pixels as a JFIF JPEG at `quality` (1–100), baseline or
/// progressive. `*out` is malloc'd; release with dc_free.
int dc_jpeg_encode(const uint8_t *pixels, int width, int height, int channels, int quality,
                   int progressive, uint8_t **out, size_t *out_size,
                   char *message, size_t message_size);

// MARK: gzip / zlib

/// A streaming inflater over an in-memory gzip (or zlib) stream, concatenated gzip members
/// included. Checks each member's CRC-32 and length.
typedef struct dc_inflater dc_inflater;

/// Creates an inflater reading `size` bytes at `data` (which must outlive it). NULL when out
/// of memory.
dc_inflater *dc_inflater_create(const uint8_t *data, size_t size);

/// Inflates up to `capacity` bytes into `out`. Returns the number of bytes written, which is
/// less than `capacity` only at the end of the stream (0 once it has ended), or -1 on error
/// with `*status` (DC_ERROR_CORRUPT or DC_ERROR_TRUNCATED) and a message.
long long dc_inflater_read(dc_inflater *inflater, uint8_t *out, size_t capacity, int *status,
                           char *message, size_t message_size);

/// Releases an inflater.
void dc_inflater_destroy(dc_inflater *inflater);

/// Compresses `size` bytes as one gzip member at zlib `level` (0–9). `*out` is malloc'd.
int dc_gzip_compress(const uint8_t *data, size_t size, int level, uint8_t **out,
                     size_t *out_size, char *message, size_t message_size);

// MARK: MD5

/// An MD5 (RFC 1321) context, used to verify downloaded files.
typedef struct {
    uint32_t state[4];
    uint64_t length;
    uint8_t buffer[64];
} dc_md5_context;

void dc_md5_init(dc_md5_context *context);
void dc_md5_update(dc_md5_context *context, const uint8_t *data, size_t size);
void dc_md5_final(dc_md5_context *context, uint8_t digest[16]);

#ifdef __cplusplus
}
#endif

#endif
