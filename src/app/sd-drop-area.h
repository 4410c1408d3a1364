#pragma once

#include <adwaita.h>

#include "sd-client.h"
#include "sd-upload.h"

G_BEGIN_DECLS

/* The largest file the service takes by default; the client's known limit wins. */
#define SD_DROP_AREA_MAX_FILE_SIZE ((gint64) 50 * 1024 * 1024)
/* The most files one ticket or message may carry. */
#define SD_DROP_AREA_MAX_FILES 20

#define SD_TYPE_DROP_AREA (sd_drop_area_get_type ())

G_DECLARE_FINAL_TYPE (SdDropArea, sd_drop_area, SD, DROP_AREA, GtkWidget)

/*
 * Where files join a ticket: dropped from a file manager, dropped or pasted
 * as an image from a screenshot tool (saved as a PNG), or chosen with
 * "Browse files". Each file starts uploading as soon as it is added and is
 * shown with its name, size, progress and a remove button.
 *
 * Properties: "uploads" (a GListModel of SdUpload), "busy" (a file is
 * being read or saved, so it is not in the list yet), "failed" (some upload
 * failed), "message" (why the last file was refused, or NULL). Uploads that
 * are running or failed do not hold anything up: whoever sends the files
 * (the outbox) finishes or repeats them.
 */
GtkWidget      *sd_drop_area_new             (void);
/* Forgets every file when the client changes. */
void            sd_drop_area_set_client      (SdDropArea    *self,
                                              SdClient      *client);
/* (transfer none): the SdUpload items, in the order they were added. */
GListModel     *sd_drop_area_get_uploads     (SdDropArea    *self);
gboolean        sd_drop_area_get_busy        (SdDropArea    *self);
gboolean        sd_drop_area_get_failed      (SdDropArea    *self);
const char     *sd_drop_area_get_message     (SdDropArea    *self);
/*
 * Whether the look for the desktop's screenshot portal is done. "Take
 * screenshot" ("drop-area.screenshot") shows only if it found one; the
 * screenshot is then added as a file, and stays the user's.
 */
gboolean        sd_drop_area_get_screenshot_checked (SdDropArea *self);
/* (transfer full): the tokens of the finished uploads, NULL-terminated (maybe empty). */
char          **sd_drop_area_dup_tokens      (SdDropArea    *self);
/* (transfer none): the target that takes files and images dropped on the area. */
GtkDropTarget  *sd_drop_area_get_drop_target (SdDropArea    *self);

/*
 * Adds a file and starts its upload. Folders, unreadable files and files
 * over SD_DROP_AREA_MAX_FILE_SIZE are refused with a message.
 */
void            sd_drop_area_add_file        (SdDropArea    *self,
                                              GFile         *file);
/* Saves @texture as "Screenshot YYYY-MM-DD HH-MM-SS.png" and adds that file. */
void            sd_drop_area_add_texture     (SdDropArea    *self,
                                              GdkTexture    *texture);
/*
 * Adds the files or the image on @clipboard. Returns FALSE, doing nothing,
 * when it holds neither (plain text, say), so that the caller can let the
 * text be pasted instead.
 */
gboolean        sd_drop_area_paste           (SdDropArea    *self,
                                              GdkClipboard  *clipboard);
/* Opens the native file chooser (the portal inside Flatpak). */
void            sd_drop_area_browse          (SdDropArea    *self);
/* Cancels @upload if it is running and removes it (a pasted image is deleted). */
void            sd_drop_area_remove          (SdDropArea    *self,
                                              SdUpload      *upload);
/* Starts a failed @upload again. */
void            sd_drop_area_retry           (SdDropArea    *self,
                                              SdUpload      *upload);
/*
 * Cancels and removes every file, and forgets the message. Pasted images
 * stay on disk: a draft may still refer to them.
 */
void            sd_drop_area_clear           (SdDropArea    *self);
/* The same, once the files are done with (sent, or discarded): pasted images are deleted too. */
void            sd_drop_area_release         (SdDropArea    *self);

G_END_DECLS
