#define G_LOG_DOMAIN "sd-api-limits"

#include "config.h"

#include "sd-api.h"

#include "sd-limits.h"
#include "sd-server-private.h"

/*
 * GET /limits: what this server accepts, so that a client can refuse a file
 * or a text at once, with a message that says why, instead of sending it
 * for nothing. Public, like /healthz: the limits are the same for everyone
 * and tell nothing about anyone, and a client may want them before sign-in.
 */
void
sd_api_limits_get (SdRequest *request)
{
  SdServer *server = sd_request_get_server (request);
  /* The option is parsed as at most G_MAXINT64, which is what JSON integers carry. */
  guint64 max_upload_size = MIN (sd_server_get_max_upload_size (server), (guint64)G_MAXINT64);
  g_autoptr(SdLimits) limits = NULL;
  g_autoptr(JsonNode) node = NULL;

  limits = sd_limits_new ((gint64)max_upload_size,
                          SD_API_MAX_UPLOADS,
                          SD_API_SUBJECT_MAX_CHARS,
                          SD_API_TEXT_MAX_CHARS);
  node = sd_limits_to_json (limits);

  sd_request_reply_json (request, SOUP_STATUS_OK, node);
}
