#include "common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void dc_free(void *pointer) { free(pointer); }

int dc_fail(char *message, size_t message_size, int status, const char *format, ...) {
    if (message != NULL && message_size > 0) {
        va_list arguments;
        va_start(arguments, format);
        vsnprintf(message, message_size, format, arguments);
        va_end(arguments);
    }
    return status;
}
