#ifndef CDATASETCODECS_COMMON_H
#define CDATASETCODECS_COMMON_H
// Internal helpers shared by the shims.
#include "include/CDatasetCodecs.h"

/// Formats an error message into `message` and returns `status`.
int dc_fail(char *message, size_t message_size, int status, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

#endif
