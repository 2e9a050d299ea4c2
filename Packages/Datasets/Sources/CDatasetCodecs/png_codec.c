// libpng shim: decoding from memory and encoding to memory. libpng reports errors by calling
// the error function, which must not return; ours records the message and longjmps back to the
// setjmp in the calling shim function, so no longjmp ever crosses into Swift.
#include "common.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
    int truncated;
    /// Where the data of the last IDAT chunk ends (from `png_scan_chunks`).
    size_t image_data_end;
    /// Set before the last row of the last pass is read.
    int rows_done;
    /// Image data read since then: the last row, zlib's end of stream and checksum in any real
    /// file; a stream that goes on inflating is a decompression bomb.
    size_t data_after_rows;
    /// How much of that is accepted: PNG_MAX_DATA_AFTER_ROWS plus room for the last row.
    size_t max_data_after_rows;
    char message[DC_MESSAGE_SIZE];
} png_reader;

/// The most compressed image data accepted after the last row (besides that row's own data):
/// 256 KiB, which inflates to at most about 260 MB that nothing reads (about 0.1 s), whatever
/// the file's size. libpng inflates the rest of the stream to its end once the rows are out,
/// so without this a 20 MB file of compressed zeros behind a 28x28 image costs a minute.
#define PNG_MAX_DATA_AFTER_ROWS ((size_t)256 << 10)

static uint32_t png_be32(const uint8_t *bytes) {
    return (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 |
           (uint32_t)bytes[3];
}

/// A chunk type as text, with anything but letters replaced by '?'.
static void png_chunk_name(const uint8_t *type, char name[5]) {
    for (int i = 0; i < 4; i++) {
        uint8_t c = type[i];
        name[i] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ? (char)c : '?';
    }
    name[4] = 0;
}

/// Walks the chunks of a PNG held in memory before libpng reads it, in time proportional to
/// the number of chunks. It refuses a file whose first chunk is not IHDR and any chunk that
/// declares more bytes than the file has left: libpng allocates a text chunk's declared length
/// (up to 2 GiB) before it finds out. It records where the image data (the last IDAT chunk)
/// ends, for the decompression-bomb guard in `png_shim_read`.
static int png_scan_chunks(png_reader *reader, char *message, size_t message_size) {
    const uint8_t *data = reader->data;
    size_t size = reader->size, offset = 8;
    char name[5];
    while (offset < size) {
        if (size - offset < 12) {
            return dc_fail(message, message_size, DC_ERROR_TRUNCATED,
                           "the file ends inside a chunk header at byte %zu", offset);
        }
        uint32_t length = png_be32(data + offset);
        png_chunk_name(data + offset + 4, name);
        if (offset == 8 && (memcmp(data + offset + 4, "IHDR", 4) != 0 || length != 13)) {
            return dc_fail(message, message_size, DC_ERROR_CORRUPT,
                           "the first chunk is %s of %u bytes, not the 13-byte IHDR", name,
                           (unsigned)length);
        }
        if (length > 0x7fffffffu) {
            return dc_fail(message, message_size, DC_ERROR_CORRUPT,
                           "chunk %s at byte %zu declares %u bytes, more than PNG allows", name,
                           offset, (unsigned)length);
        }
        if ((size_t)length > size - offset - 12) {
            return dc_fail(message, message_size, DC_ERROR_TRUNCATED,
                           "chunk %s at byte %zu declares %u bytes, but the file has only %zu "
                           "left",
                           name, offset, (unsigned)length, size - offset - 12);
        }
        if (memcmp(data + offset + 4, "IDAT", 4) == 0) {
            reader->image_data_end = offset + 8 + (size_t)length;
        }
        if (memcmp(data + offset + 4, "IEND", 4) == 0) break;
        offset += 12 + (size_t)length;
    }
    return DC_OK;
}

static void png_shim_error(png_structp png, png_const_charp text) {
    png_reader *reader = (png_reader *)png_get_error_ptr(png);
    if (reader != NULL && reader->message[0] == 0) {
        snprintf(reader->message, sizeof reader->message, "%s", text);
    }
    png_longjmp(png, 1);
}

static void png_shim_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text; // Ancillary problems (a bad iCCP profile, say) do not stop decoding.
}

static void png_shim_read(png_structp png, png_bytep out, size_t length) {
    png_reader *reader = (png_reader *)png_get_io_ptr(png);
    if (length > reader->size - reader->offset) {
        reader->truncated = 1;
        png_error(png, "the file ends before the image data does");
    }
    if (reader->rows_done && reader->offset < reader->image_data_end) {
        reader->data_after_rows += length;
        if (reader->data_after_rows > reader->max_data_after_rows) {
            png_error(png, "the compressed image data goes on after the last row (more than "
                           "256 KiB of it): a decompression bomb");
        }
    }
    memcpy(out, reader->data + reader->offset, length);
    reader->offset += length;
}

int dc_png_decode(const uint8_t *data, size_t size, uint64_t max_pixels, uint32_t max_side,
                  dc_image *out, char *message, size_t message_size) {
    memset(out, 0, sizeof *out);
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        return dc_fail(message, message_size, DC_ERROR_CORRUPT, "not a PNG file (bad signature)");
    }
    png_reader reader = {data, size, 0, 0, 0, 0, 0, 0, {0}};
    int scanned = png_scan_chunks(&reader, message, message_size);
    if (scanned != DC_OK) return scanned;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &reader, png_shim_error,
                                             png_shim_warning);
    if (png == NULL) return dc_fail(message, message_size, DC_ERROR_MEMORY, "out of memory");
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        return dc_fail(message, message_size, DC_ERROR_MEMORY, "out of memory");
    }
    // Declared volatile: they change between setjmp and a possible longjmp.
    uint8_t *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    volatile int status = DC_OK;

    if (setjmp(png_jmpbuf(png))) {
        free(pixels);
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        if (status == DC_OK && reader.data_after_rows > reader.max_data_after_rows) {
            status = DC_ERROR_LIMIT;
        }
        if (status == DC_OK) status = reader.truncated ? DC_ERROR_TRUNCATED : DC_ERROR_CORRUPT;
        return dc_fail(message, message_size, status, "%s",
                       reader.message[0] ? reader.message : "corrupt PNG data");
    }
    png_set_read_fn(png, &reader, png_shim_read);
    // Our own limits are checked below, with a clearer message than libpng's.
    png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
    png_set_chunk_malloc_max(png, 8u << 20);
    // Text, palette suggestions, ICC profiles and Exif data play no part in the pixels:
    // libpng skips them unread (a zTXt or iCCP chunk could otherwise inflate to megabytes).
    static const png_byte ignored[] = {'t', 'E', 'X', 't', 0, 'z', 'T', 'X', 't', 0,
                                       'i', 'T', 'X', 't', 0, 's', 'P', 'L', 'T', 0,
                                       'i', 'C', 'C', 'P', 0, 'e', 'X', 'I', 'f', 0};
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, ignored,
                                (int)(sizeof ignored / 5));
    png_read_info(png, info);

    png_uint_32 width = png_get_image_width(png, info);
    png_uint_32 height = png_get_image_height(png, info);
    if ((uint64_t)width * (uint64_t)height > max_pixels || width > max_side || height > max_side) {
        status = DC_ERROR_LIMIT;
        snprintf(reader.message, sizeof reader.message,
                 "%ux%u pixels exceed the limit of %llu pixels and %u per side",
                 (unsigned)width, (unsigned)height, (unsigned long long)max_pixels,
                 (unsigned)max_side);
        png_longjmp(png, 1);
    }
    int color_type = png_get_color_type(png, info);
    int has_trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;

    png_set_expand(png); // palette -> RGB, grey < 8 bits -> 8 bits, tRNS -> alpha
    png_set_scale_16(png);
    if (color_type == PNG_COLOR_TYPE_GRAY_ALPHA || (color_type == PNG_COLOR_TYPE_GRAY && has_trns)) {
        png_set_gray_to_rgb(png); // grey + alpha -> RGBA: Image has no two-channel layout
    }
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);

    int channels = png_get_channels(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    if (png_get_bit_depth(png, info) != 8 || (channels != 1 && channels != 3 && channels != 4) ||
        row_bytes != (size_t)width * (size_t)channels) {
        snprintf(reader.message, sizeof reader.message, "unsupported PNG layout");
        png_longjmp(png, 1);
    }
    pixels = malloc(row_bytes * height);
    rows = malloc(sizeof(png_bytep) * height);
    if (pixels == NULL || rows == NULL) {
        status = DC_ERROR_MEMORY;
        snprintf(reader.message, sizeof reader.message, "out of memory for %ux%u pixels",
                 (unsigned)width, (unsigned)height);
        png_longjmp(png, 1);
    }
    for (png_uint_32 y = 0; y < height; y++) rows[y] = pixels + (size_t)y * row_bytes;
    // png_read_image's loop, with the decompression-bomb guard armed before the last row.
    reader.max_data_after_rows = PNG_MAX_DATA_AFTER_ROWS + 4 * (row_bytes + 1);
    for (int pass = 0; pass < passes; pass++) {
        for (png_uint_32 y = 0; y < height; y++) {
            if (pass == passes - 1 && y == height - 1) reader.rows_done = 1;
            png_read_row(png, rows[y], NULL);
        }
    }
    png_read_end(png, NULL);

    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    out->pixels = pixels;
    out->width = (int)width;
    out->height = (int)height;
    out->channels = channels;
    return DC_OK;
}

typedef struct {
    uint8_t *data;
    size_t size;
    size_t capacity;
    int failed;
    char message[DC_MESSAGE_SIZE];
} png_writer;

static void png_shim_write(png_structp png, png_bytep bytes, size_t length) {
    png_writer *writer = (png_writer *)png_get_io_ptr(png);
    if (length > writer->capacity - writer->size) {
        size_t capacity = writer->capacity ? writer->capacity : 4096;
        while (capacity - writer->size < length) capacity *= 2;
        uint8_t *grown = realloc(writer->data, capacity);
        if (grown == NULL) {
            writer->failed = 1;
            png_error(png, "out of memory");
        }
        writer->data = grown;
        writer->capacity = capacity;
    }
    memcpy(writer->data + writer->size, bytes, length);
    writer->size += length;
}

static void png_shim_flush(png_structp png) { (void)png; }

static void png_shim_write_error(png_structp png, png_const_charp text) {
    png_writer *writer = (png_writer *)png_get_error_ptr(png);
    if (writer != NULL && writer->message[0] == 0) {
        snprintf(writer->message, sizeof writer->message, "%s", text);
    }
    png_longjmp(png, 1);
}

int dc_png_encode(const uint8_t *pixels, int width, int height, int channels,
                  int compression_level, uint8_t **out, size_t *out_size,
                  char *message, size_t message_size) {
    *out = NULL;
    *out_size = 0;
    static const int color_types[] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                      PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
    if (width <= 0 || height <= 0 || channels < 1 || channels > 4 || compression_level < 0 ||
        compression_level > 9) {
        return dc_fail(message, message_size, DC_ERROR_ARGUMENT,
                       "cannot encode %dx%d pixels with %d channels at level %d", width, height,
                       channels, compression_level);
    }
    png_writer writer = {NULL, 0, 0, 0, {0}};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &writer,
                                              png_shim_write_error, png_shim_warning);
    if (png == NULL) return dc_fail(message, message_size, DC_ERROR_MEMORY, "out of memory");
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        return dc_fail(message, message_size, DC_ERROR_MEMORY, "out of memory");
    }
    if (setjmp(png_jmpbuf(png))) {
        free(writer.data);
        png_destroy_write_struct(&png, &info);
        return dc_fail(message, message_size, writer.failed ? DC_ERROR_MEMORY : DC_ERROR_ARGUMENT,
                       "%s", writer.message[0] ? writer.message : "PNG encoding failed");
    }
    png_set_write_fn(png, &writer, png_shim_write, png_shim_flush);
    png_set_compression_level(png, compression_level);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, color_types[channels],
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    size_t row_bytes = (size_t)width * (size_t)channels;
    for (int y = 0; y < height; y++) {
        png_write_row(png, (png_const_bytep)(pixels + (size_t)y * row_bytes));
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    *out = writer.data;
    *out_size = writer.size;
    return DC_OK;
}
