#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * Screenshots through the desktop's Screenshot portal
 * (org.freedesktop.portal.Screenshot on the session bus), which works
 * inside Flatpak as outside, and only where the desktop has one.
 */

/* Whether the portal is there. Never fails: FALSE when it is not, or cannot be asked. */
void      sd_screenshot_check_async  (GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
gboolean  sd_screenshot_check_finish (GAsyncResult         *result);

/*
 * Asks the portal for a screenshot, interactively (the user chooses what to
 * take, or cancels), over @parent (may be NULL). Returns the file the portal
 * saved, which is the user's (in their Pictures folder, say): keep it.
 * Fails with G_IO_ERROR_CANCELLED when the user cancelled or @cancellable
 * was (which closes the portal's dialog).
 */
void      sd_screenshot_take_async   (GtkWindow            *parent,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
GFile    *sd_screenshot_take_finish  (GAsyncResult         *result,
                                      GError              **error);

G_END_DECLS
