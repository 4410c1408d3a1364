#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "just now", "5 minutes ago", "yesterday", "12 March": for lists. */
char *sd_format_relative_time (GDateTime *time);
/* "26 November 2026, 08:00", in local time: for details. */
char *sd_format_time          (GDateTime *time);
/* "482 913 706": how people read a PIN out. */
char *sd_format_pin           (const char *pin);

G_END_DECLS
