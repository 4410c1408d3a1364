#define G_LOG_DOMAIN "sd-client"

#include "config.h"

#include "sd-backoff.h"

#include "sd-client.h"

void
sd_backoff_init (SdBackoff *self,
                 guint      base_ms,
                 guint      max_ms)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (base_ms > 0 && base_ms <= max_ms);

  self->base_ms = base_ms;
  self->max_ms = max_ms;
  self->attempt = 0;
}

guint
sd_backoff_next (SdBackoff    *self,
                 const GError *error)
{
  guint64 ceiling;
  guint64 delay;
  gint64 retry_after;

  g_return_val_if_fail (self != NULL, 0);

  /* Doubling from the base, capped; 2^20 is far past any cap already. */
  ceiling = MIN ((guint64)self->base_ms << MIN (self->attempt, 20), (guint64)self->max_ms);
  self->attempt++;

  /*
   * Half fixed and half random ("equal jitter"): the wait still grows with
   * each attempt, and clients that failed together do not return together.
   */
  delay = ceiling / 2 + (guint64)g_random_int_range (0, (gint32)(ceiling / 2) + 1);

  retry_after = sd_client_error_get_retry_after (error);
  if (retry_after > 0)
    delay = MAX (delay, (guint64)MIN (retry_after, G_MAXINT32 / 1000) * 1000);

  return (guint)MIN (delay, (guint64)G_MAXUINT);
}

void
sd_backoff_reset (SdBackoff *self)
{
  g_return_if_fail (self != NULL);

  self->attempt = 0;
}

gboolean
sd_client_error_is_transient (const GError *error)
{
  if (error == NULL || error->domain != SD_CLIENT_ERROR)
    return FALSE;

  switch ((SdClientError)error->code)
    {
    case SD_CLIENT_ERROR_NETWORK:
    case SD_CLIENT_ERROR_SERVER:
    case SD_CLIENT_ERROR_RATE_LIMITED:
      return TRUE;
    case SD_CLIENT_ERROR_INVALID_JSON:
    case SD_CLIENT_ERROR_INVALID_FIELD:
    case SD_CLIENT_ERROR_UNAUTHORIZED:
    case SD_CLIENT_ERROR_FORBIDDEN:
    case SD_CLIENT_ERROR_NOT_FOUND:
    case SD_CLIENT_ERROR_METHOD_NOT_ALLOWED:
    case SD_CLIENT_ERROR_CONFLICT:
    case SD_CLIENT_ERROR_PAYLOAD_TOO_LARGE:
    case SD_CLIENT_ERROR_UNSUPPORTED_MEDIA_TYPE:
    case SD_CLIENT_ERROR_TLS:
    case SD_CLIENT_ERROR_INVALID_RESPONSE:
    default:
      return FALSE;
    }
}
