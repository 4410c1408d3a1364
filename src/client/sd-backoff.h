#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * When to try again after a failure that may pass (the network, a server
 * error, a rate limit): exponential backoff with jitter, never sooner than
 * the server's Retry-After. One SdBackoff per thing being retried.
 */
typedef struct
{
  guint base_ms;
  guint max_ms;
  guint attempt;
} SdBackoff;

/* The defaults: the first retry within 1–2 s, then doubling up to a minute. */
#define SD_BACKOFF_BASE_MS 1000
#define SD_BACKOFF_MAX_MS  60000

void     sd_backoff_init             (SdBackoff    *self,
                                      guint         base_ms,
                                      guint         max_ms);
/* The milliseconds to wait before the next attempt; counts the attempt. */
guint    sd_backoff_next             (SdBackoff    *self,
                                      const GError *error);
void     sd_backoff_reset            (SdBackoff    *self);

/*
 * Whether @error may pass by itself, so that the same request is worth
 * sending again: no answer, a 5xx, a 429. Everything else is final.
 */
gboolean sd_client_error_is_transient (const GError *error);

G_END_DECLS
