#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * json-glib 1.6 parses recursively (so deep nesting can exhaust the stack) and
 * is lenient: it accepts comments, single quotes, hexadecimal numbers and
 * several documents in a row, wraps integers that do not fit in 64 bits, cuts
 * strings at "\u0000" and turns lone surrogates into invalid UTF-8. A body is
 * therefore first checked against the strict grammar of RFC 8259, without
 * recursion, and only handed to JsonParser when it passes.
 */
typedef enum
{
  SD_JSON_CHECK_OK,
  SD_JSON_CHECK_EMPTY,
  SD_JSON_CHECK_NUL,
  SD_JSON_CHECK_NOT_UTF8,
  SD_JSON_CHECK_TOO_DEEP,
  SD_JSON_CHECK_OUT_OF_RANGE,
  SD_JSON_CHECK_MALFORMED,
} SdJsonCheck;

/*
 * Checks @data against the strict grammar, without recursion and without
 * building anything. SD_JSON_CHECK_OK when JsonParser may be given it.
 */
SdJsonCheck sd_json_check_document  (const char   *data,
                                     gsize         length);
/* Sets an SD_API_ERROR_INVALID_JSON error that says what is wrong, for people. */
void        sd_json_check_set_error (GError      **error,
                                     SdJsonCheck   result);

G_END_DECLS
