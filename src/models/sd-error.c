#define G_LOG_DOMAIN "sd-models"

#include "config.h"

#include "sd-error.h"

#include "sd-json.h"

#include <string.h>

typedef struct
{
  const char *code;
  guint       status;
  const char *message;
} SdApiErrorInfo;

/* Indexed by SdApiError: the wire name, the HTTP status and a fallback message. */
static const SdApiErrorInfo error_table[] = {
  [SD_API_ERROR_INVALID_JSON] = {
    "invalid_json", 400, "The request body is not valid JSON"
  },
  [SD_API_ERROR_INVALID_FIELD] = {
    "invalid_field", 400, "A value in the request is not valid"
  },
  [SD_API_ERROR_UNAUTHORIZED] = {
    "unauthorized", 401, "You need to sign in"
  },
  [SD_API_ERROR_FORBIDDEN] = {
    "forbidden", 403, "You are not allowed to do this"
  },
  [SD_API_ERROR_NOT_FOUND] = {
    "not_found", 404, "Not found"
  },
  [SD_API_ERROR_METHOD_NOT_ALLOWED] = {
    "method_not_allowed", 405, "This method is not allowed here"
  },
  [SD_API_ERROR_CONFLICT] = {
    "conflict", 409, "The request conflicts with an earlier one"
  },
  [SD_API_ERROR_PAYLOAD_TOO_LARGE] = {
    "payload_too_large", 413, "The request body is too large"
  },
  [SD_API_ERROR_UNSUPPORTED_MEDIA_TYPE] = {
    "unsupported_media_type", 415, "The content type is not supported"
  },
  [SD_API_ERROR_RATE_LIMITED] = {
    "rate_limited", 429, "Too many requests; try again later"
  },
  [SD_API_ERROR_INTERNAL] = {
    "internal", 500, "Something went wrong on the server"
  },
};

G_STATIC_ASSERT (G_N_ELEMENTS (error_table) == SD_API_ERROR_INTERNAL + 1);

G_DEFINE_QUARK (sd-api-error-quark, sd_api_error)

const char *
sd_api_error_to_code (SdApiError error)
{
  g_return_val_if_fail ((guint) error < G_N_ELEMENTS (error_table), "internal");

  return error_table[error].code;
}

gboolean
sd_api_error_from_code (const char *code,
                        SdApiError *out_error)
{
  if (code == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (error_table); i++)
    {
      if (strcmp (code, error_table[i].code) == 0)
        {
          if (out_error != NULL)
            *out_error = (SdApiError) i;
          return TRUE;
        }
    }

  return FALSE;
}

guint
sd_api_error_to_status (SdApiError error)
{
  g_return_val_if_fail ((guint) error < G_N_ELEMENTS (error_table), 500);

  return error_table[error].status;
}

/*
 * Only needed when an answer carries no readable error body (a proxy in the
 * way, a truncated response), since the body's "code" is more precise.
 *
 * A bare 400 becomes INVALID_FIELD rather than INVALID_JSON: our own clients
 * always send well-formed JSON, so a refusal is far more likely to be about a
 * value. 422 is the other status the contract allows for invalid_field. Any
 * other 4xx also means "this request, as sent, will not be accepted", which
 * is what INVALID_FIELD tells the caller, except 407 (credentials again) and
 * 410 (gone for good). Everything else, 5xx and statuses that are not errors
 * at all, is INTERNAL: nothing the user changes in the request will help.
 */
SdApiError
sd_api_error_from_status (guint status)
{
  switch (status)
    {
    case 400:
    case 422:
      return SD_API_ERROR_INVALID_FIELD;

    case 401:
    case 407:
      return SD_API_ERROR_UNAUTHORIZED;

    case 403:
      return SD_API_ERROR_FORBIDDEN;

    case 404:
    case 410:
      return SD_API_ERROR_NOT_FOUND;

    case 405:
      return SD_API_ERROR_METHOD_NOT_ALLOWED;

    case 409:
      return SD_API_ERROR_CONFLICT;

    case 413:
      return SD_API_ERROR_PAYLOAD_TOO_LARGE;

    case 415:
      return SD_API_ERROR_UNSUPPORTED_MEDIA_TYPE;

    case 429:
      return SD_API_ERROR_RATE_LIMITED;

    default:
      if (status >= 400 && status < 500)
        return SD_API_ERROR_INVALID_FIELD;
      return SD_API_ERROR_INTERNAL;
    }
}

JsonNode *
sd_api_error_to_json (SdApiError  error,
                      const char *message,
                      const char *field)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail ((guint) error < G_N_ELEMENTS (error_table), NULL);

  /* The contract requires a message, so a caller without one gets a generic sentence. */
  if (message == NULL)
    message = error_table[error].message;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, error_table[error].code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  if (field != NULL)
    {
      json_builder_set_member_name (builder, "field");
      json_builder_add_string_value (builder, field);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/*
 * Error bodies come from whatever answered the request, so anything short of
 * a known "code" is not an API error body; the caller then falls back to
 * sd_api_error_from_status(). A "message" or "field" of the wrong type is
 * treated as absent rather than spoiling a usable code.
 */
gboolean
sd_api_error_from_json (JsonNode    *node,
                        SdApiError  *out_error,
                        char       **out_message,
                        char       **out_field)
{
  JsonObject *body = NULL;
  JsonObject *object = NULL;
  const char *code = NULL;
  const char *message = NULL;
  const char *field = NULL;
  SdApiError error;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;

  body = json_node_get_object (node);
  if (body == NULL ||
      !sd_json_get_object (body, "error", TRUE, &object, NULL) ||
      !sd_json_get_string (object, "code", TRUE, &code, NULL) ||
      !sd_api_error_from_code (code, &error))
    return FALSE;

  if (!sd_json_get_string (object, "message", FALSE, &message, NULL))
    message = NULL;
  if (!sd_json_get_string (object, "field", FALSE, &field, NULL))
    field = NULL;

  if (out_error != NULL)
    *out_error = error;
  if (out_message != NULL)
    *out_message = g_strdup (message);
  if (out_field != NULL)
    *out_field = g_strdup (field);

  return TRUE;
}
