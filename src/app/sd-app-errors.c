#define G_LOG_DOMAIN "sd-app-errors"

#include "config.h"

#include "sd-app-errors.h"

#include "sd-application.h"
#include "sd-client.h"

#include <glib/gi18n.h>

char *
sd_app_error_message (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, SD_APPLICATION_ERROR, SD_APPLICATION_ERROR_CA_FILE_UNREADABLE))
    return g_strdup (_("The certificate file this app is set to trust cannot be used: it does "
                       "not exist or cannot be read."));
  if (g_error_matches (error, SD_APPLICATION_ERROR, SD_APPLICATION_ERROR_CA_FILE_INVALID))
    return g_strdup (_("The certificate file this app is set to trust cannot be used: it holds "
                       "no certificate in PEM format."));

  if (error->domain != SD_CLIENT_ERROR)
    return g_strdup (_("Something went wrong. Please try again."));

  switch ((SdClientError)error->code)
    {
    case SD_CLIENT_ERROR_UNAUTHORIZED:
      return g_strdup (_("Your session has ended. Please sign in again."));
    case SD_CLIENT_ERROR_FORBIDDEN:
      return g_strdup (_("Your account is not allowed to do this."));
    case SD_CLIENT_ERROR_NOT_FOUND:
      return g_strdup (_("This was not found. It may have been removed."));
    case SD_CLIENT_ERROR_CONFLICT:
      return g_strdup (_("This was changed at the same time elsewhere. Please try again."));
    case SD_CLIENT_ERROR_PAYLOAD_TOO_LARGE:
      return g_strdup (_("This is larger than the support service accepts."));
    case SD_CLIENT_ERROR_RATE_LIMITED:
      {
        gint64 seconds = sd_client_error_get_retry_after (error);
        gint64 minutes = MAX (1, (seconds + 59) / 60);

        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Too many attempts. Please wait %d minute and "
                                             "try again.",
                                             "Too many attempts. Please wait %d minutes and "
                                             "try again.",
                                             minutes),
                                (int) minutes);
      }
    case SD_CLIENT_ERROR_NETWORK:
      return g_strdup (_("The support service cannot be reached. Check your connection and "
                         "the server address."));
    case SD_CLIENT_ERROR_TLS:
      return g_strdup (_("The support service’s identity cannot be verified, so the "
                         "connection was refused to keep your data safe."));
    case SD_CLIENT_ERROR_SERVER:
      return g_strdup (_("The support service has a problem right now. Please try again "
                         "later."));
    case SD_CLIENT_ERROR_INVALID_FIELD:
    case SD_CLIENT_ERROR_INVALID_JSON:
      return g_strdup (_("Some of what was entered is not accepted. Please check it."));
    case SD_CLIENT_ERROR_METHOD_NOT_ALLOWED:
    case SD_CLIENT_ERROR_UNSUPPORTED_MEDIA_TYPE:
    case SD_CLIENT_ERROR_INVALID_RESPONSE:
    default:
      return g_strdup (_("The support service gave an answer this app does not understand. "
                         "It may need an update."));
    }
}
