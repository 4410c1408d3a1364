#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * The error codes of the API. Each has one HTTP status and one wire name
 * ("invalid_json", ...). The server answers with them and the client maps
 * the answers back, so both sides share this one table.
 */
#define SD_API_ERROR (sd_api_error_quark ())

typedef enum
{
  SD_API_ERROR_INVALID_JSON,
  SD_API_ERROR_INVALID_FIELD,
  SD_API_ERROR_UNAUTHORIZED,
  SD_API_ERROR_FORBIDDEN,
  SD_API_ERROR_NOT_FOUND,
  SD_API_ERROR_METHOD_NOT_ALLOWED,
  SD_API_ERROR_CONFLICT,
  SD_API_ERROR_PAYLOAD_TOO_LARGE,
  SD_API_ERROR_UNSUPPORTED_MEDIA_TYPE,
  SD_API_ERROR_RATE_LIMITED,
  SD_API_ERROR_INTERNAL,
} SdApiError;

GQuark       sd_api_error_quark       (void);
const char  *sd_api_error_to_code     (SdApiError   error);
gboolean     sd_api_error_from_code   (const char  *code,
                                       SdApiError  *out_error);
guint        sd_api_error_to_status   (SdApiError   error);
SdApiError   sd_api_error_from_status (guint        status);

/* The error body: {"error": {"code", "message", "field"?}}. */
JsonNode    *sd_api_error_to_json     (SdApiError   error,
                                       const char  *message,
                                       const char  *field);
gboolean     sd_api_error_from_json   (JsonNode    *node,
                                       SdApiError  *out_error,
                                       char       **out_message,
                                       char       **out_field);

G_END_DECLS
