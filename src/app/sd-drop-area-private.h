#pragma once

#include "sd-drop-area.h"

G_BEGIN_DECLS

/*
 * What the files of SdDropArea share: sd-drop-area.c has the area's life and
 * its files on their way up, sd-drop-area-adding.c how files come in
 * (dropped, pasted, chosen) and are looked at before they are taken.
 */

/* Set on uploads of files this area wrote itself, so that they go when the upload goes. */
#define SD_DROP_AREA_TEMP_FILE_KEY "sd-drop-area-temp-file"
/* The size seen when the file was added: an upload knows its own only once it has started. */
#define SD_DROP_AREA_SIZE_KEY "sd-drop-area-size"

struct _SdDropArea
{
  GtkWidget             parent_instance;

  /* template widgets */
  GtkWidget            *zone;
  GtkRevealer          *message_revealer;
  GtkLabel             *message_label;
  GtkListBox           *list_box;
  GtkWidget            *screenshot_button;

  /* borrowed: the widget owns its controllers */
  GtkDropTarget        *drop_target;

  /* owned */
  SdClient             *client;
  GListStore           *uploads;
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
  /* The look for the screenshot portal; cancelled only with the area. */
  GCancellable         *portal_cancellable;
  char                 *message;
  /* Files being looked at, and images being saved or read, before they become uploads. */
  guint                 n_adding;
  gboolean              busy;
  gboolean              failed;
  gboolean              screenshot_checked;
  gboolean              taking_screenshot;
};

/* sd-drop-area.c */
/* Shows why the last file was refused, or hides the message when NULL. */
void sd_drop_area_set_message       (SdDropArea *self,
                                     const char *message);
/* Brings "busy", "failed" and the list's visibility in step with the files. */
void sd_drop_area_update_state      (SdDropArea *self);
/* Starts (or restarts) the upload of @upload, one of the area's. */
void sd_drop_area_start_upload      (SdDropArea *self,
                                     SdUpload   *upload);

/* sd-drop-area-adding.c */
/* Makes the target that takes dropped files and images; once, from init. */
void sd_drop_area_init_drop_target  (SdDropArea *self);
/* Looks for the screenshot portal, to offer "Take screenshot" if it is there; once, from init. */
void sd_drop_area_init_screenshot   (SdDropArea *self);
/* "drop-area.screenshot": a screenshot through the portal, added as a file. */
void sd_drop_area_screenshot_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter);

G_END_DECLS
