// zlib shim: streaming gzip inflation from memory (so readers can check a header before they
// allocate for the data it describes) and one-shot gzip compression.
#include "common.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/// zlib counts in 32-bit words: large buffers are fed in slices of this size.
#define SLICE ((size_t)1 << 30)

struct dc_inflater {
    z_stream stream;
    const uint8_t *next;  ///< input not yet handed to zlib
    size_t remaining;     ///< its length
    int ended;            ///< 1 once the last member has ended
};

dc_inflater *dc_inflater_create(const uint8_t *data, size_t size) {
    dc_inflater *inflater = calloc(1, sizeof *inflater);
    if (inflater == NULL) return NULL;
    // 15 + 32: a 32 KB window, and detect a gzip or zlib header automatically.
    if (inflateInit2(&inflater->stream, 15 + 32) != Z_OK) {
        free(inflater);
        return NULL;
    }
    inflater->next = data;
    inflater->remaining = size;
    return inflater;
}

void dc_inflater_destroy(dc_inflater *inflater) {
    if (inflater == NULL) return;
    inflateEnd(&inflater->stream);
    free(inflater);
}

/// Hands zlib the next slice of input once it has used up the current one.
static void refill(dc_inflater *inflater) {
    z_stream *stream = &inflater->stream;
    if (stream->avail_in == 0 && inflater->remaining > 0) {
        size_t slice = inflater->remaining > SLICE ? SLICE : inflater->remaining;
        stream->next_in = (Bytef *)inflater->next;
        stream->avail_in = (uInt)slice;
        inflater->next += slice;
        inflater->remaining -= slice;
    }
}

long long dc_inflater_read(dc_inflater *inflater, uint8_t *out, size_t capacity, int *status,
                           char *message, size_t message_size) {
    *status = DC_OK;
    z_stream *stream = &inflater->stream;
    size_t written = 0;
    while (written < capacity && !inflater->ended) {
        refill(inflater);
        size_t want = capacity - written;
        stream->next_out = out + written;
        stream->avail_out = (uInt)(want > SLICE ? SLICE : want);
        uInt before = stream->avail_out;
        int result = inflate(stream, Z_NO_FLUSH);
        written += before - stream->avail_out;
        if (result == Z_STREAM_END) {
            refill(inflater);
            // Another gzip member may follow (files made by concatenation); anything else
            // after the stream is an error.
            if (stream->avail_in == 0) {
                inflater->ended = 1;
            } else if (stream->avail_in >= 2 && stream->next_in[0] == 0x1f &&
                       stream->next_in[1] == 0x8b) {
                inflateReset(stream);
            } else {
                *status = dc_fail(message, message_size, DC_ERROR_CORRUPT,
                                  "unexpected bytes after the end of the compressed stream");
                return -1;
            }
        } else if (result == Z_BUF_ERROR) {
            // No progress was possible: with room for output, the input has run out.
            *status = dc_fail(message, message_size, DC_ERROR_TRUNCATED,
                              "the compressed stream ends early (truncated file)");
            return -1;
        } else if (result != Z_OK) {
            *status = dc_fail(message, message_size,
                              result == Z_MEM_ERROR ? DC_ERROR_MEMORY : DC_ERROR_CORRUPT,
                              "corrupt compressed data (%s)",
                              stream->msg ? stream->msg : "inflate failed");
            return -1;
        }
    }
    return (long long)written;
}

int dc_gzip_compress(const uint8_t *data, size_t size, int level, uint8_t **out,
                     size_t *out_size, char *message, size_t message_size) {
    *out = NULL;
    *out_size = 0;
    if (level < 0 || level > 9) {
        return dc_fail(message, message_size, DC_ERROR_ARGUMENT, "bad compression level %d",
                       level);
    }
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    // 15 + 16: a 32 KB window and a gzip wrapper.
    if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        return dc_fail(message, message_size, DC_ERROR_MEMORY, "out of memory");
    }
    // deflateBound takes a 32-bit length on some platforms: bound the slices, then add.
    size_t capacity = 64;
    for (size_t done = 0; done < size; done += SLICE) {
        size_t slice = size - done > SLICE ? SLICE : size - done;
        capacity += deflateBound(&stream, (uLong)slice);
    }
    if (size == 0) capacity += deflateBound(&stream, 0);
    uint8_t *buffer = malloc(capacity);
    if (buffer == NULL) {
        deflateEnd(&stream);
        return dc_fail(message, message_size, DC_ERROR_MEMORY, "out of memory");
    }
    const uint8_t *next = data;
    size_t remaining = size, produced = 0;
    int result = Z_OK;
    while (result == Z_OK) {
        if (stream.avail_in == 0 && remaining > 0) {
            size_t slice = remaining > SLICE ? SLICE : remaining;
            stream.next_in = (Bytef *)next;
            stream.avail_in = (uInt)slice;
            next += slice;
            remaining -= slice;
        }
        size_t room = capacity - produced;
        stream.next_out = buffer + produced;
        stream.avail_out = (uInt)(room > SLICE ? SLICE : room);
        uInt before = stream.avail_out;
        result = deflate(&stream, remaining == 0 ? Z_FINISH : Z_NO_FLUSH);
        produced += before - stream.avail_out;
        if (result == Z_BUF_ERROR && produced < capacity) result = Z_OK;
    }
    deflateEnd(&stream);
    if (result != Z_STREAM_END) {
        free(buffer);
        return dc_fail(message, message_size, DC_ERROR_MEMORY, "gzip compression failed");
    }
    *out = buffer;
    *out_size = produced;
    return DC_OK;
}
