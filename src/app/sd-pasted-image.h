#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * Images dropped or pasted straight from a screenshot tool have no file:
 * they are saved as PNG files, each in a private folder of its own under
 * $XDG_DATA_HOME/supportdesk/pasted, so that they can be uploaded like any
 * file and a draft can still refer to them after a restart. They are
 * deleted when the user lets go of them: removes the file, sends the form
 * (the outbox keeps a copy) or discards it.
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
/* Whether @file is one of these images. */
gboolean sd_pasted_image_is_own    (GFile               *file);
/* Deletes a saved image and its folder, off the main thread; takes @file (a GFile). */
void   sd_pasted_image_delete      (gpointer              file);

G_END_DECLS
