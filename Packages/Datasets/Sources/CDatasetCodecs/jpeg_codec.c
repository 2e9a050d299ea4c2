// libjpeg(-turbo) shim. libjpeg's default error handler prints and calls exit(); ours formats
// the message and longjmps back to the setjmp in the calling shim function. Warnings that mean
// the data is damaged (a premature end of file, a bad Huffman code) are turned into errors too,
// so a JPEG cut in half is refused instead of decoding to a grey-padded image.
#include "common.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

typedef struct {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    int status;
    int finishing; ///< every scanline is out: a missing EOI marker is harmless now
    char message[JMSG_LENGTH_MAX];
} jpeg_shim_error;

static void jpeg_shim_error_exit(j_common_ptr cinfo) {
    jpeg_shim_error *error = (jpeg_shim_error *)cinfo->err;
    if (error->status == DC_OK) {
        error->status = DC_ERROR_CORRUPT;
        (*cinfo->err->format_message)(cinfo, error->message);
    }
    longjmp(error->jump, 1);
}

/// Warnings that do not damage the image; every other warning is treated as an error.
static int jpeg_warning_is_harmless(int code) {
    switch (code) {
    case JWRN_ADOBE_XFORM:
    case JWRN_EXTRANEOUS_DATA:
    case JWRN_JFIF_MAJOR:
    case JWRN_BOGUS_PROGRESSION:
    case JWRN_NOT_SEQUENTIAL:
    case JWRN_TOO_MUCH_DATA:
#ifdef JWRN_BOGUS_ICC
    case JWRN_BOGUS_ICC:
#endif
        return 1;
    default:
        return 0;
    }
}

static void jpeg_shim_emit_message(j_common_ptr cinfo, int level) {
    if (level >= 0) return; // trace messages
    int code = cinfo->err->msg_code;
    jpeg_shim_error *error = (jpeg_shim_error *)cinfo->err;
    if (jpeg_warning_is_harmless(code) || (error->finishing && code == JWRN_JPEG_EOF)) return;
    error->status = code == JWRN_JPEG_EOF ? DC_ERROR_TRUNCATED : DC_ERROR_CORRUPT;
    (*cinfo->err->format_message)(cinfo, error->message);
    longjmp(error->jump, 1);
}

static void jpeg_shim_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void jpeg_shim_install_errors(jpeg_shim_error *error) {
    jpeg_std_error(&error->manager);
    error->manager.error_exit = jpeg_shim_error_exit;
    error->manager.emit_message = jpeg_shim_emit_message;
    error->manager.output_message = jpeg_shim_output_message;
    error->status = DC_OK;
    error->finishing = 0;
    error->message[0] = 0;
}

// MARK: Decoding

typedef struct {
    struct jpeg_progress_mgr progress;
    int max_scans;
} scan_limit;

typedef struct {
    struct jpeg_decompress_struct cinfo;
    jpeg_shim_error error;
    scan_limit limit;
} jpeg_decoder;

static void jpeg_shim_progress(j_common_ptr cinfo) {
    j_decompress_ptr dinfo = (j_decompress_ptr)cinfo;
    scan_limit *limit = (scan_limit *)cinfo->progress;
    if (dinfo->input_scan_number > limit->max_scans) {
        jpeg_shim_error *error = (jpeg_shim_error *)cinfo->err;
        error->status = DC_ERROR_LIMIT;
        snprintf(error->message, sizeof error->message,
                 "more than %d progressive scans (the limit against scan bombs)",
                 limit->max_scans);
        longjmp(error->jump, 1);
    }
}

static pthread_key_t decoder_key;
static pthread_once_t decoder_key_once = PTHREAD_ONCE_INIT;

static void jpeg_decoder_destroy(void *pointer) {
    jpeg_decoder *decoder = (jpeg_decoder *)pointer;
    jpeg_destroy_decompress(&decoder->cinfo);
    free(decoder);
}

static void jpeg_decoder_make_key(void) { pthread_key_create(&decoder_key, jpeg_decoder_destroy); }

/// The calling thread's decompressor, created on first use and destroyed with the thread.
/// Reusing it saves libjpeg's allocation and table set-up on every small image.
static jpeg_decoder *jpeg_thread_decoder(void) {
    pthread_once(&decoder_key_once, jpeg_decoder_make_key);
    jpeg_decoder *decoder = pthread_getspecific(decoder_key);
    if (decoder != NULL) return decoder;
    decoder = calloc(1, sizeof *decoder);
    if (decoder == NULL) return NULL;
    jpeg_shim_install_errors(&decoder->error);
    decoder->cinfo.err = &decoder->error.manager;
    if (setjmp(decoder->error.jump)) {
        free(decoder);
        return NULL;
    }
    jpeg_create_decompress(&decoder->cinfo);
    decoder->limit.progress.progress_monitor = jpeg_shim_progress;
    if (pthread_setspecific(decoder_key, decoder) != 0) {
        jpeg_decoder_destroy(decoder);
        return NULL;
    }
    return decoder;
}

static inline uint8_t multiply_255(unsigned a, unsigned b) {
    unsigned t = a * b + 128;
    return (uint8_t)((t + (t >> 8)) >> 8);
}

/// The number of scans (SOS markers) in a JPEG held in memory, counted by walking its marker
/// segments and skipping each scan's entropy-coded data, in time proportional to the file's
/// size and without decoding anything.
static int jpeg_count_scans(const uint8_t *data, size_t size) {
    size_t i = 2;
    int scans = 0;
    while (i + 1 < size) {
        if (data[i] != 0xFF || data[i + 1] == 0xFF) {
            i++; // between segments (not valid JPEG) or a fill byte
            continue;
        }
        uint8_t marker = data[i + 1];
        i += 2;
        if (marker == 0xD9) break; // EOI
        if (marker == 0x00 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;
        if (i + 1 >= size) break;
        size_t length = (size_t)data[i] << 8 | data[i + 1];
        if (length < 2) break;
        i += length;
        if (marker != 0xDA) continue;
        scans++;
        // The scan's data ends at the first 0xFF that is not a stuffed 0xFF00 or a restart.
        while (i + 1 < size) {
            const uint8_t *next = memchr(data + i, 0xFF, size - i - 1);
            if (next == NULL) return scans;
            i = (size_t)(next - data);
            uint8_t after = data[i + 1];
            if (after != 0x00 && !(after >= 0xD0 && after <= 0xD7)) break;
            i += 2;
        }
    }
    return scans;
}

/// Starts decoding `data` with the thread's decoder: reads the header and checks the limits,
/// the scan limits before any scan is decoded. Must be called after
/// setjmp(decoder->error.jump).
static void jpeg_begin(jpeg_decoder *decoder, const uint8_t *data, size_t size,
                       uint64_t max_pixels, int max_scans, uint64_t max_scan_pixels) {
    j_decompress_ptr cinfo = &decoder->cinfo;
    jpeg_mem_src(cinfo, (const unsigned char *)data, (unsigned long)size);
    decoder->limit.max_scans = max_scans;
    cinfo->progress = &decoder->limit.progress;
    jpeg_read_header(cinfo, TRUE);
    uint64_t pixels = (uint64_t)cinfo->image_width * (uint64_t)cinfo->image_height;
    if (pixels > max_pixels) {
        decoder->error.status = DC_ERROR_LIMIT;
        snprintf(decoder->error.message, sizeof decoder->error.message,
                 "%ux%u pixels exceed the limit of %llu pixels", cinfo->image_width,
                 cinfo->image_height, (unsigned long long)max_pixels);
        longjmp(decoder->error.jump, 1);
    }
    // A scan bomb repeats a refinement scan of a large image: each scan costs a pass over
    // every pixel, so the work is bounded by scans x pixels, checked before decoding.
    int scans = jpeg_count_scans(data, size);
    if (scans > max_scans || (uint64_t)scans * pixels > max_scan_pixels) {
        decoder->error.status = DC_ERROR_LIMIT;
        snprintf(decoder->error.message, sizeof decoder->error.message,
                 "%d scans of %ux%u pixels exceed the limit of %d scans and %llu pixel-scans "
                 "(against scan bombs)",
                 scans, cinfo->image_width, cinfo->image_height, max_scans,
                 (unsigned long long)max_scan_pixels);
        longjmp(decoder->error.jump, 1);
    }
}

int dc_jpeg_decode(const uint8_t *data, size_t size, uint64_t max_pixels, int max_scans,
                   uint64_t max_scan_pixels, dc_image *out, char *message, size_t message_size) {
    memset(out, 0, sizeof *out);
    if (size < 3 || data[0] != 0xFF || data[1] != 0xD8 || data[2] != 0xFF) {
        return dc_fail(message, message_size, DC_ERROR_CORRUPT, "not a JPEG file (bad signature)");
    }
    jpeg_decoder *decoder = jpeg_thread_decoder();
    if (decoder == NULL) return dc_fail(message, message_size, DC_ERROR_MEMORY, "out of memory");
    j_decompress_ptr cinfo = &decoder->cinfo;
    jpeg_shim_install_errors(&decoder->error);
    uint8_t *volatile pixels = NULL;
    uint8_t *volatile cmyk_row = NULL;

    if (setjmp(decoder->error.jump)) {
        free(pixels);
        free(cmyk_row);
        jpeg_abort_decompress(cinfo); // back to the idle state, ready for the next file
        cinfo->progress = NULL;
        return dc_fail(message, message_size, decoder->error.status, "%s",
                       decoder->error.message);
    }
    jpeg_begin(decoder, data, size, max_pixels, max_scans, max_scan_pixels);

    int cmyk = 0;
    int channels = 3;
    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
        cinfo->out_color_space = JCS_GRAYSCALE;
        channels = 1;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        cinfo->out_color_space = JCS_CMYK;
        cmyk = 1;
        break;
    default:
        cinfo->out_color_space = JCS_RGB;
        break;
    }
    jpeg_start_decompress(cinfo);
    int width = (int)cinfo->output_width, height = (int)cinfo->output_height;
    size_t row_bytes = (size_t)width * (size_t)channels;
    pixels = malloc(row_bytes * (size_t)height);
    if (cmyk) cmyk_row = malloc((size_t)width * 4);
    if (pixels == NULL || (cmyk && cmyk_row == NULL)) {
        decoder->error.status = DC_ERROR_MEMORY;
        snprintf(decoder->error.message, sizeof decoder->error.message, "out of memory");
        longjmp(decoder->error.jump, 1);
    }
    while (cinfo->output_scanline < cinfo->output_height) {
        uint8_t *row = pixels + (size_t)cinfo->output_scanline * row_bytes;
        if (!cmyk) {
            JSAMPROW rows[1] = {row};
            jpeg_read_scanlines(cinfo, rows, 1);
            continue;
        }
        JSAMPROW rows[1] = {cmyk_row};
        jpeg_read_scanlines(cinfo, rows, 1);
        for (int x = 0; x < width; x++) {
            const uint8_t *p = cmyk_row + 4 * x;
            // Stored inverted, as Photoshop writes CMYK: R = (255 - C)(255 - K) / 255 with
            // the samples holding 255 - C and 255 - K.
            row[3 * x + 0] = multiply_255(p[0], p[3]);
            row[3 * x + 1] = multiply_255(p[1], p[3]);
            row[3 * x + 2] = multiply_255(p[2], p[3]);
        }
    }
    decoder->error.finishing = 1;
    jpeg_finish_decompress(cinfo);
    cinfo->progress = NULL;
    free(cmyk_row);
    out->pixels = pixels;
    out->width = width;
    out->height = height;
    out->channels = channels;
    return DC_OK;
}

// MARK: Encoding

static int jpeg_encode(const uint8_t *pixels, int width, int height, int channels,
                       J_COLOR_SPACE space, int quality, int progressive, uint8_t **out,
                       size_t *out_size, char *message, size_t message_size) {
    *out = NULL;
    *out_size = 0;
    if (width <= 0 || height <= 0 || width > JPEG_MAX_DIMENSION || height > JPEG_MAX_DIMENSION ||
        quality < 1 || quality > 100) {
        return dc_fail(message, message_size, DC_ERROR_ARGUMENT,
                       "cannot encode %dx%d pixels at quality %d", width, height, quality);
    }
    struct jpeg_compress_struct cinfo;
    jpeg_shim_error error;
    jpeg_shim_install_errors(&error);
    cinfo.err = &error.manager;
    unsigned char *volatile buffer = NULL;
    unsigned long buffer_size = 0;
    if (setjmp(error.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return dc_fail(message, message_size, DC_ERROR_ARGUMENT, "%s", error.message);
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, (unsigned char **)&buffer, &buffer_size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = channels;
    cinfo.in_color_space = space;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    if (progressive) jpeg_simple_progression(&cinfo);
    jpeg_start_compress(&cinfo, TRUE);
    size_t row_bytes = (size_t)width * (size_t)channels;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row[1] = {(JSAMPROW)(pixels + (size_t)cinfo.next_scanline * row_bytes)};
        jpeg_write_scanlines(&cinfo, row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *out_size = buffer_size;
    return DC_OK;
}

int dc_jpeg_encode(const uint8_t *pixels, int width, int height, int channels, int quality,
                   int progressive, uint8_t **out, size_t *out_size,
                   char *message, size_t message_size) {
    if (channels != 1 && channels != 3) {
        *out = NULL;
        *out_size = 0;
        return dc_fail(message, message_size, DC_ERROR_ARGUMENT,
                       "JPEG stores grey or RGB, not %d channels", channels);
    }
    return jpeg_encode(pixels, width, height, channels, channels == 1 ? JCS_GRAYSCALE : JCS_RGB,
                       quality, progressive, out, out_size, message, message_size);
}
