#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Page cursors: opaque to clients, URL-safe, and checked on the way back in.
 * A cursor is a kind letter and one or two numbers, e.g. ("t", updated, id).
 */
char     *sd_cursor_encode (char        kind,
                            gint64      first,
                            gint64      second);
gboolean  sd_cursor_decode (const char *cursor,
                            char        kind,
                            gint64     *out_first,
                            gint64     *out_second);

G_END_DECLS
