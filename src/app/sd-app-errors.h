#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * What to tell the user about a failed call: a translated sentence made from
 * the error's domain and code, never the error's own text.
 */
char *sd_app_error_message (const GError *error);

G_END_DECLS
