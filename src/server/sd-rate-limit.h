#pragma once

#include "sd-store.h"

G_BEGIN_DECLS

/*
 * Failed attempts counted per scope ("session", "pin") and subject (an email)
 * over a sliding window, in the database so that a restart forgets nothing.
 */
typedef struct
{
  const char *scope;
  guint       max_failures;
  gint64      window;
} SdRateLimit;

/*
 * Returns FALSE when @subject has used up its failures; @retry_after then
 * says in how many seconds the oldest counted failure leaves the window.
 */
gboolean  sd_rate_limit_allows (SdStore            *store,
                                const SdRateLimit  *limit,
                                const char         *subject,
                                gint64              now,
                                gint64             *retry_after,
                                GError            **error);
gboolean  sd_rate_limit_fail   (SdStore            *store,
                                const SdRateLimit  *limit,
                                const char         *subject,
                                gint64              now,
                                GError            **error);
gboolean  sd_rate_limit_reset  (SdStore            *store,
                                const SdRateLimit  *limit,
                                const char         *subject,
                                GError            **error);
gboolean  sd_rate_limit_purge  (SdStore            *store,
                                gint64              before,
                                GError            **error);

G_END_DECLS
