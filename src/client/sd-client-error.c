#define G_LOG_DOMAIN "sd-client"

#include "config.h"

#include "sd-client-private.h"

#include "sd-error.h"
#include "sd-json.h"
#include "sd-number.h"

/*
 * SD_CLIENT_ERROR is an extended error domain: besides its code, an error
 * carries what the caller may act on (the field at fault, how long to wait,
 * the HTTP status), so no one has to parse messages.
 */
typedef struct
{
  guint   status;
  char   *field;
  gint64  retry_after;
} SdClientErrorPrivate;

static void
sd_client_error_private_init (SdClientErrorPrivate *priv)
{
}

/*
 * The private data is never NULL for an error of the domain, but the
 * lookup that finds it may return NULL as far as the compiler can tell.
 */
static void
sd_client_error_private_copy (const SdClientErrorPrivate *src,
                              SdClientErrorPrivate       *dest)
{
  if (src == NULL || dest == NULL)
    return;

  dest->status = src->status;
  dest->field = g_strdup (src->field);
  dest->retry_after = src->retry_after;
}

static void
sd_client_error_private_clear (SdClientErrorPrivate *priv)
{
  if (priv == NULL)
    return;

  g_clear_pointer (&priv->field, g_free);
}

G_DEFINE_EXTENDED_ERROR (SdClientError, sd_client_error)

/* Errors of other domains have none of the details; asking them is not a mistake. */
static const SdClientErrorPrivate *
get_private (const GError *error)
{
  if (error == NULL || error->domain != SD_CLIENT_ERROR)
    return NULL;

  return sd_client_error_get_private (error);
}

const char *
sd_client_error_get_field (const GError *error)
{
  const SdClientErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->field : NULL;
}

gint64
sd_client_error_get_retry_after (const GError *error)
{
  const SdClientErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->retry_after : 0;
}

guint
sd_client_error_get_status (const GError *error)
{
  const SdClientErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->status : 0;
}

GError *
sd_client_error_new (SdClientError  code,
                     guint          status,
                     const char    *field,
                     gint64         retry_after,
                     const char    *message)
{
  GError *error = g_error_new_literal (SD_CLIENT_ERROR, code, message);
  SdClientErrorPrivate *priv = sd_client_error_get_private (error);

  if (priv == NULL)
    return error;

  priv->status = status;
  priv->field = g_strdup (field);
  priv->retry_after = MAX (retry_after, 0);

  return error;
}

static SdClientError
from_api_error (SdApiError error)
{
  switch (error)
    {
    case SD_API_ERROR_INVALID_JSON:
      return SD_CLIENT_ERROR_INVALID_JSON;

    case SD_API_ERROR_INVALID_FIELD:
      return SD_CLIENT_ERROR_INVALID_FIELD;

    case SD_API_ERROR_UNAUTHORIZED:
      return SD_CLIENT_ERROR_UNAUTHORIZED;

    case SD_API_ERROR_FORBIDDEN:
      return SD_CLIENT_ERROR_FORBIDDEN;

    case SD_API_ERROR_NOT_FOUND:
      return SD_CLIENT_ERROR_NOT_FOUND;

    case SD_API_ERROR_METHOD_NOT_ALLOWED:
      return SD_CLIENT_ERROR_METHOD_NOT_ALLOWED;

    case SD_API_ERROR_CONFLICT:
      return SD_CLIENT_ERROR_CONFLICT;

    case SD_API_ERROR_PAYLOAD_TOO_LARGE:
      return SD_CLIENT_ERROR_PAYLOAD_TOO_LARGE;

    case SD_API_ERROR_UNSUPPORTED_MEDIA_TYPE:
      return SD_CLIENT_ERROR_UNSUPPORTED_MEDIA_TYPE;

    case SD_API_ERROR_RATE_LIMITED:
      return SD_CLIENT_ERROR_RATE_LIMITED;

    case SD_API_ERROR_INTERNAL:
    default:
      return SD_CLIENT_ERROR_SERVER;
    }
}

/* Retry-After is either whole seconds or an HTTP date (RFC 9110, 10.2.3). */
static gint64
parse_retry_after (const char *value)
{
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(GDateTime) now = NULL;
  gint64 seconds;

  if (value == NULL)
    return 0;

  if (sd_number_parse (value, 0, G_MAXINT32, &seconds))
    return seconds;

  if ((date = soup_date_time_new_from_http_string (value)) == NULL)
    return 0;

  now = g_date_time_new_now_utc ();
  seconds = (g_date_time_difference (date, now) + G_TIME_SPAN_SECOND - 1) / G_TIME_SPAN_SECOND;

  return CLAMP (seconds, 0, G_MAXINT32);
}

/*
 * The body's "code" is the most precise account of what went wrong; only
 * without a readable one does the status decide. Anything that is not an
 * error status at all (a redirect, which requests refuse to follow) is not
 * an answer the API gives.
 */
GError *
sd_client_error_new_from_answer (SoupMessage *msg,
                                 GBytes      *body)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  guint status = soup_message_get_status (msg);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *message = NULL;
  g_autofree char *field = NULL;
  SdApiError api_error;
  SdClientError code;
  gint64 retry_after;

  if (body != NULL && g_bytes_get_size (body) > 0)
    node = sd_json_parse_bytes (body, NULL);

  if (node != NULL && sd_api_error_from_json (node, &api_error, &message, &field))
    code = from_api_error (api_error);
  else if (status >= 400 && status < 600)
    code = from_api_error (sd_api_error_from_status (status));
  else
    code = SD_CLIENT_ERROR_INVALID_RESPONSE;

  if (message == NULL)
    message = g_strdup_printf ("The server answered “%u %s”",
                               status, soup_status_get_phrase (status));

  retry_after = parse_retry_after (soup_message_headers_get_one (headers, "Retry-After"));

  return sd_client_error_new (code, status, field, retry_after, message);
}

/*
 * Only a certificate that is not trusted is a TLS error for the user: it
 * asks for a decision (another server, or its CA), while every other
 * failure on the way means the server was not reached.
 */
GError *
sd_client_error_new_from_transport (const GError *error)
{
  SdClientError code = SD_CLIENT_ERROR_NETWORK;

  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      error->domain == SD_CLIENT_ERROR)
    return g_error_copy (error);

  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    code = SD_CLIENT_ERROR_TLS;
  else if (g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_PARSING) ||
           g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_ENCODING) ||
           g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_TOO_MANY_REDIRECTS) ||
           g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_REDIRECT_NO_LOCATION) ||
           g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_REDIRECT_BAD_URI))
    code = SD_CLIENT_ERROR_INVALID_RESPONSE;

  return sd_client_error_new (code, 0, NULL, 0, error->message);
}

GError *
sd_client_error_new_invalid (guint         status,
                             const GError *cause)
{
  g_autofree char *message = NULL;

  if (cause != NULL)
    message = g_strdup_printf ("The server’s answer is not what the API promises: %s",
                               cause->message);
  else
    message = g_strdup ("The server’s answer is not what the API promises");

  return sd_client_error_new (SD_CLIENT_ERROR_INVALID_RESPONSE, status, NULL, 0, message);
}
