#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * Images dropped or pasted straight from a screenshot tool have no file:
 * they are saved as PNG files, each in a private folder of its own under
 * the user's cache folder, so that they can be uploaded like any file.
 */

/*
 * Saves @texture as "Screenshot YYYY-MM-DD HH-MM-SS.png", off the main
 * thread. A result that is never finished (cancelled) is deleted.
 */
void   sd_pasted_image_save_async  (GdkTexture           *texture,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
/* (transfer full): the saved file; delete it with sd_pasted_image_delete(). */
GFile *sd_pasted_image_save_finish (GAsyncResult         *result,
                                    GError              **error);
/* Deletes a saved image and its folder, off the main thread; takes @file (a GFile). */
void   sd_pasted_image_delete      (gpointer              file);

G_END_DECLS
