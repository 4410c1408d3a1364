#define G_LOG_DOMAIN "sd-drop-area"

#include "config.h"

#include "sd-drop-area-private.h"

#include "sd-pasted-image.h"
#include "sd-screenshot.h"

#include <glib/gi18n.h>

/*
 * How files come into the area: dropped, pasted, chosen, or taken as a
 * screenshot; looked at before they are taken; images saved as PNG files first.
 */

#define FILE_ATTRIBUTES \
  G_FILE_ATTRIBUTE_STANDARD_TYPE "," \
  G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME "," \
  G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE "," \
  G_FILE_ATTRIBUTE_STANDARD_SIZE

/* One file or image on its way in; it belongs to the area's cancellable of that moment. */
typedef struct
{
  SdDropArea   *self;
  GCancellable *cancellable;
  gboolean      temporary;
} AddData;

static AddData *
add_data_new (SdDropArea *self,
              gboolean    temporary)
{
  AddData *data = g_new0 (AddData, 1);

  data->self = g_object_ref (self);
  data->cancellable = g_object_ref (self->cancellable);
  data->temporary = temporary;
  self->n_adding++;

  return data;
}

static void
add_data_free (AddData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->cancellable);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AddData, add_data_free)

/* The server's own limit once the client knows it; its default until then. */
static gint64
max_file_size (SdDropArea *self)
{
  gint64 limit = self->client != NULL ? sd_client_get_max_upload_size (self->client) : 0;

  return limit > 0 ? limit : SD_DROP_AREA_MAX_FILE_SIZE;
}

static void
file_info_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(AddData) data = user_data;
  SdDropArea *self = data->self;
  GFile *file = G_FILE (source);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) upload = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;
  g_autofree char *mime_type = NULL;
  const char *content_type;
  gint64 size;

  info = g_file_query_info_finish (file, result, &error);
  /* A file added before the area was cleared belongs to a form that is gone. */
  if (g_cancellable_is_cancelled (data->cancellable))
    {
      if (data->temporary)
        sd_pasted_image_delete (g_object_ref (file));
      return;
    }

  self->n_adding--;
  name = info != NULL ? g_strdup (g_file_info_get_display_name (info))
                      : g_file_get_basename (file);

  if (info == NULL)
    {
      g_debug ("Cannot read %s: %s", name, error->message);
      /* Translators: %s is a file name. */
      message = g_strdup_printf (_("“%s” cannot be read, so it was not attached."), name);
    }
  else if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      /* Translators: %s is the name of a folder. */
      message = g_strdup_printf (_("“%s” is a folder. Only files can be attached."), name);
    }
  else if ((size = g_file_info_get_size (info)) > max_file_size (self))
    {
      g_autofree char *limit = g_format_size_full (max_file_size (self),
                                                   G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *actual = g_format_size_full (size, G_FORMAT_SIZE_IEC_UNITS);

      /* Translators: a file name, its size, and the largest size allowed ("50.0 MiB"). */
      message = g_strdup_printf (_("“%s” is too large to attach (%s). Files can be at most %s."),
                                 name, actual, limit);
    }
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->uploads)) >= SD_DROP_AREA_MAX_FILES)
    {
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "At most %d file can be attached.",
                                              "At most %d files can be attached.",
                                              SD_DROP_AREA_MAX_FILES),
                                 SD_DROP_AREA_MAX_FILES);
    }
  else
    {
      content_type = g_file_info_get_content_type (info);
      if (content_type != NULL)
        mime_type = g_content_type_get_mime_type (content_type);

      upload = sd_upload_new (self->client, file, g_file_info_get_display_name (info),
                              mime_type != NULL ? mime_type : "application/octet-stream");
      g_object_set_data_full (G_OBJECT (upload), SD_DROP_AREA_SIZE_KEY,
                              g_memdup2 (&size, sizeof size), g_free);
      /* A pasted image is the area's to delete once the user lets go of it. */
      if (data->temporary || sd_pasted_image_is_own (file))
        {
          g_object_set_data_full (G_OBJECT (upload), SD_DROP_AREA_TEMP_FILE_KEY,
                                  g_object_ref (file), g_object_unref);
          data->temporary = FALSE;
        }
      g_signal_connect_object (upload, "notify::state", G_CALLBACK (sd_drop_area_update_state),
                               self, G_CONNECT_SWAPPED);
      g_list_store_append (self->uploads, upload);
      sd_drop_area_start_upload (self, upload);
    }

  if (message != NULL)
    sd_drop_area_set_message (self, message);
  if (data->temporary)
    sd_pasted_image_delete (g_object_ref (file));

  sd_drop_area_update_state (self);
}

static void
add_file (SdDropArea *self,
          GFile      *file,
          gboolean    temporary)
{
  AddData *data;

  if (self->client == NULL)
    {
      g_warning ("Cannot attach files without a client");
      return;
    }

  data = add_data_new (self, temporary);
  g_file_query_info_async (file, FILE_ATTRIBUTES, G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT,
                           data->cancellable, file_info_cb, data);
  sd_drop_area_update_state (self);
}

static void
add_file_list (SdDropArea  *self,
               GdkFileList *list)
{
  g_autoptr(GSList) files = gdk_file_list_get_files (list);

  for (GSList *l = files; l != NULL; l = l->next)
    add_file (self, l->data, FALSE);
}

/* Images: saved as PNG files first, then added like any file. */

static void
texture_saved_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(AddData) data = user_data;
  SdDropArea *self = data->self;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  /* When cancelled, the saved file is dropped with the task, which deletes it. */
  file = sd_pasted_image_save_finish (result, &error);
  if (g_cancellable_is_cancelled (data->cancellable))
    {
      if (file != NULL)
        sd_pasted_image_delete (g_steal_pointer (&file));
      return;
    }

  self->n_adding--;
  if (file == NULL)
    {
      g_warning ("Cannot save a pasted image: %s", error->message);
      sd_drop_area_set_message (self, _("The image could not be saved, so it was not attached."));
      sd_drop_area_update_state (self);
      return;
    }

  add_file (self, file, TRUE);
  sd_drop_area_update_state (self);
}

static void
add_texture (SdDropArea *self,
             GdkTexture *texture)
{
  AddData *data = add_data_new (self, FALSE);

  sd_pasted_image_save_async (texture, data->cancellable, texture_saved_cb, data);
  sd_drop_area_update_state (self);
}

/* Pasting */

static void
clipboard_files_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(AddData) data = user_data;
  const GValue *value;
  g_autoptr(GError) error = NULL;

  value = gdk_clipboard_read_value_finish (GDK_CLIPBOARD (source), result, &error);
  if (g_cancellable_is_cancelled (data->cancellable))
    return;

  data->self->n_adding--;
  if (value == NULL)
    {
      g_debug ("Cannot read the files on the clipboard: %s", error->message);
      sd_drop_area_set_message (data->self, _("The files on the clipboard could not be read."));
    }
  else
    add_file_list (data->self, g_value_get_boxed (value));

  sd_drop_area_update_state (data->self);
}

static void
clipboard_texture_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(AddData) data = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (source), result, &error);
  if (g_cancellable_is_cancelled (data->cancellable))
    return;

  data->self->n_adding--;
  if (texture == NULL)
    {
      g_debug ("Cannot read the image on the clipboard: %s", error->message);
      sd_drop_area_set_message (data->self, _("The image on the clipboard could not be read."));
    }
  else
    add_texture (data->self, texture);

  sd_drop_area_update_state (data->self);
}

/* Dropping */

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         SdDropArea    *self)
{
  gtk_widget_remove_css_class (self->zone, "drop-hover");

  if (self->client == NULL)
    return FALSE;

  sd_drop_area_set_message (self, NULL);
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    add_file_list (self, g_value_get_boxed (value));
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    add_file (self, g_value_get_object (value), FALSE);
  else if (G_VALUE_HOLDS (value, GDK_TYPE_TEXTURE))
    add_texture (self, g_value_get_object (value));
  else
    return FALSE;

  return TRUE;
}

static GdkDragAction
drop_enter_cb (GtkDropTarget *target,
               double         x,
               double         y,
               SdDropArea    *self)
{
  gtk_widget_add_css_class (self->zone, "drop-hover");

  return GDK_ACTION_COPY;
}

static void
drop_leave_cb (GtkDropTarget *target,
               SdDropArea    *self)
{
  gtk_widget_remove_css_class (self->zone, "drop-hover");
}

/* Browsing */

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     SdDropArea      *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));

      sd_drop_area_set_message (self, NULL);
      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);

          add_file (self, file, FALSE);
        }
    }

  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
}

void
sd_drop_area_add_file (SdDropArea *self,
                       GFile      *file)
{
  g_return_if_fail (SD_IS_DROP_AREA (self));
  g_return_if_fail (G_IS_FILE (file));

  add_file (self, file, FALSE);
}

void
sd_drop_area_add_texture (SdDropArea *self,
                          GdkTexture *texture)
{
  g_return_if_fail (SD_IS_DROP_AREA (self));
  g_return_if_fail (GDK_IS_TEXTURE (texture));

  add_texture (self, texture);
}

gboolean
sd_drop_area_paste (SdDropArea   *self,
                    GdkClipboard *clipboard)
{
  g_autoptr(GdkContentFormats) formats = NULL;

  g_return_val_if_fail (SD_IS_DROP_AREA (self), FALSE);
  g_return_val_if_fail (GDK_IS_CLIPBOARD (clipboard), FALSE);

  if (self->client == NULL || !gtk_widget_is_sensitive (GTK_WIDGET (self)))
    return FALSE;

  /* Other apps offer MIME types; what matters is whether they make files or an image. */
  formats = gdk_content_formats_union_deserialize_gtypes (
              gdk_content_formats_ref (gdk_clipboard_get_formats (clipboard)));

  if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_FILE_LIST))
    gdk_clipboard_read_value_async (clipboard, GDK_TYPE_FILE_LIST, G_PRIORITY_DEFAULT,
                                    self->cancellable, clipboard_files_cb,
                                    add_data_new (self, FALSE));
  else if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_TEXTURE))
    gdk_clipboard_read_texture_async (clipboard, self->cancellable, clipboard_texture_cb,
                                      add_data_new (self, FALSE));
  else
    return FALSE;

  sd_drop_area_set_message (self, NULL);
  sd_drop_area_update_state (self);

  return TRUE;
}

void
sd_drop_area_browse (SdDropArea *self)
{
  GtkRoot *root;

  g_return_if_fail (SD_IS_DROP_AREA (self));

  if (self->chooser != NULL || self->client == NULL)
    return;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  self->chooser = gtk_file_chooser_native_new (_("Attach Files"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Attach"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Screenshots */

static void
screenshot_checked_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(SdDropArea) self = user_data;
  gboolean available = sd_screenshot_check_finish (result);

  if (g_cancellable_is_cancelled (self->portal_cancellable))
    return;

  self->screenshot_checked = TRUE;
  gtk_widget_set_visible (self->screenshot_button, available);
}

void
sd_drop_area_init_screenshot (SdDropArea *self)
{
  sd_screenshot_check_async (self->portal_cancellable, screenshot_checked_cb,
                             g_object_ref (self));
}

static void
screenshot_taken_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(SdDropArea) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  file = sd_screenshot_take_finish (result, &error);
  if (self->list_box == NULL)
    return;

  self->taking_screenshot = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "drop-area.screenshot", TRUE);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (file == NULL)
    {
      g_debug ("Cannot take a screenshot: %s", error->message);
      sd_drop_area_set_message (self, _("The screenshot could not be taken."));
      return;
    }

  /* The portal's file is the user's, like one they dropped: it is never deleted here. */
  sd_drop_area_set_message (self, NULL);
  add_file (self, file, FALSE);
}

void
sd_drop_area_screenshot_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  SdDropArea *self = SD_DROP_AREA (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->client == NULL || self->taking_screenshot)
    return;

  self->taking_screenshot = TRUE;
  gtk_widget_action_set_enabled (widget, "drop-area.screenshot", FALSE);
  sd_screenshot_take_async (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->cancellable,
                            screenshot_taken_cb, g_object_ref (self));
}

void
sd_drop_area_init_drop_target (SdDropArea *self)
{
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE, GDK_TYPE_TEXTURE };

  self->drop_target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (self->drop_target, types, G_N_ELEMENTS (types));
  g_signal_connect (self->drop_target, "drop", G_CALLBACK (drop_cb), self);
  g_signal_connect (self->drop_target, "enter", G_CALLBACK (drop_enter_cb), self);
  g_signal_connect (self->drop_target, "leave", G_CALLBACK (drop_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->drop_target));
}
