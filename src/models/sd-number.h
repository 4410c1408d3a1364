#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Reads @text as a whole decimal number from @min to @max, for ids, limits,
 * cursors and headers. Only ASCII digits, with a leading '-' when @min is
 * below 0; no sign otherwise, no spaces, nothing after. Returns FALSE for
 * anything else and for numbers out of range, leaving *@out alone.
 *
 * Unlike g_ascii_string_to_signed() in GLib 2.74, whose first calls in a
 * process can fail for a valid number when threads make them at the same
 * time (its lazy set-up of the C locale may leave errno set), it keeps no
 * state and reads no errno.
 */
gboolean sd_number_parse (const char *text,
                          gint64      min,
                          gint64      max,
                          gint64     *out);

G_END_DECLS
