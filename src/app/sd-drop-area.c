#define G_LOG_DOMAIN "sd-drop-area"

#include "config.h"

#include "sd-drop-area.h"

#include "sd-app-errors.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#define FILE_ATTRIBUTES \
  G_FILE_ATTRIBUTE_STANDARD_TYPE "," \
  G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME "," \
  G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE "," \
  G_FILE_ATTRIBUTE_STANDARD_SIZE

/* Set on uploads of files this area wrote itself, so that they go when the upload goes. */
#define TEMP_FILE_KEY "sd-drop-area-temp-file"
/* The size seen when the file was added: an upload knows its own only once it has started. */
#define SIZE_KEY "sd-drop-area-size"

struct _SdDropArea
{
  GtkWidget             parent_instance;

  /* template widgets */
  GtkWidget            *zone;
  GtkRevealer          *message_revealer;
  GtkLabel             *message_label;
  GtkListBox           *list_box;

  /* borrowed: the widget owns its controllers */
  GtkDropTarget        *drop_target;

  /* owned */
  SdClient             *client;
  GListStore           *uploads;
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
  char                 *message;
  /* Files being looked at, and images being saved or read, before they become uploads. */
  guint                 n_adding;
  gboolean              busy;
  gboolean              failed;
};

G_DEFINE_FINAL_TYPE (SdDropArea, sd_drop_area, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_UPLOADS,
  PROP_BUSY,
  PROP_FAILED,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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

static void
delete_temp_file_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
  g_task_return_boolean (task, TRUE);
}

/* Removes a saved image and its private folder, off the main thread. */
static void
delete_temp_file (gpointer file)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  g_task_set_task_data (task, file, g_object_unref);
  g_task_run_in_thread (task, delete_temp_file_thread);
}

static void
set_message (SdDropArea *self,
             const char *message)
{
  if (g_strcmp0 (self->message, message) == 0)
    return;

  g_free (self->message);
  self->message = g_strdup (message);
  if (message != NULL)
    gtk_label_set_text (self->message_label, message);
  gtk_revealer_set_reveal_child (self->message_revealer, message != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

static void
update_state (SdDropArea *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->uploads));
  gboolean busy = self->n_adding > 0;
  gboolean failed = FALSE;

  /* Work that ends after dispose finds no widgets to update. */
  if (self->list_box == NULL)
    return;

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(SdUpload) upload = g_list_model_get_item (G_LIST_MODEL (self->uploads), i);
      SdUploadState state = sd_upload_get_state (upload);

      busy |= state == SD_UPLOAD_STATE_WAITING || state == SD_UPLOAD_STATE_UPLOADING;
      failed |= state == SD_UPLOAD_STATE_FAILED;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->list_box), n_items > 0);

  if (self->busy != busy)
    {
      self->busy = busy;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
  if (self->failed != failed)
    {
      self->failed = failed;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILED]);
    }
}

/* Cancels every file, leaving the widgets alone (they may be gone, in dispose). */
static void
cancel_all (SdDropArea *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->uploads));

  /* Work still in flight for the old files finds its cancellable cancelled and stops. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->n_adding = 0;

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(SdUpload) upload = g_list_model_get_item (G_LIST_MODEL (self->uploads), i);

      g_signal_handlers_disconnect_by_data (upload, self);
      sd_upload_cancel (upload);
    }
  g_list_store_remove_all (self->uploads);
}

/* Rows: one AdwActionRow per upload, kept in step with its state. */

typedef struct
{
  SdUpload       *upload;
  AdwActionRow   *row;
  GtkProgressBar *progress;
  GtkWidget      *done_image;
  GtkWidget      *retry_button;
} Row;

static void
row_free (Row *row)
{
  g_clear_object (&row->upload);
  g_free (row);
}

static void
update_row (Row *row)
{
  SdUploadState state = sd_upload_get_state (row->upload);
  gint64 *known_size = g_object_get_data (G_OBJECT (row->upload), SIZE_KEY);
  gint64 bytes = sd_upload_get_size (row->upload);
  g_autofree char *size = NULL;
  g_autofree char *subtitle = NULL;

  if (bytes <= 0 && known_size != NULL)
    bytes = *known_size;
  size = g_format_size (MAX (bytes, 0));

  switch (state)
    {
    case SD_UPLOAD_STATE_UPLOADING:
      {
        g_autofree char *sent = g_format_size (MAX (sd_upload_get_sent (row->upload), 0));

        /* Translators: how much of a file is uploaded, e.g. "1.2 MB of 4.8 MB". */
        subtitle = g_strdup_printf (_("%s of %s"), sent, size);
      }
      break;
    case SD_UPLOAD_STATE_FAILED:
      {
        const GError *error = sd_upload_get_error (row->upload);
        g_autofree char *reason = NULL;

        if (error != NULL)
          reason = sd_app_error_message (error);
        /* Translators: a file's size, then why it could not be uploaded. */
        subtitle = g_strdup_printf (_("%s — Not uploaded. %s"), size,
                                    reason != NULL ? reason : "");
      }
      break;
    case SD_UPLOAD_STATE_WAITING:
      /* Translators: a file's size, and that its upload has not started yet. */
      subtitle = g_strdup_printf (_("%s — Waiting…"), size);
      break;
    case SD_UPLOAD_STATE_DONE:
    case SD_UPLOAD_STATE_CANCELLED:
    default:
      subtitle = g_steal_pointer (&size);
      break;
    }

  adw_action_row_set_subtitle (row->row, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (row->progress),
                          state == SD_UPLOAD_STATE_WAITING || state == SD_UPLOAD_STATE_UPLOADING);
  gtk_widget_set_visible (row->done_image, state == SD_UPLOAD_STATE_DONE);
  gtk_widget_set_visible (row->retry_button, state == SD_UPLOAD_STATE_FAILED);
}

static void
row_changed_cb (GtkWidget *widget)
{
  update_row (g_object_get_data (G_OBJECT (widget), "sd-row"));
}

static void
remove_clicked_cb (GtkButton *button,
                   SdUpload  *upload)
{
  GtkWidget *self = gtk_widget_get_ancestor (GTK_WIDGET (button), SD_TYPE_DROP_AREA);

  if (self != NULL)
    sd_drop_area_remove (SD_DROP_AREA (self), upload);
}

static void
retry_clicked_cb (GtkButton *button,
                  SdUpload  *upload)
{
  GtkWidget *self = gtk_widget_get_ancestor (GTK_WIDGET (button), SD_TYPE_DROP_AREA);

  if (self != NULL)
    sd_drop_area_retry (SD_DROP_AREA (self), upload);
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  SdUpload *upload = item;
  Row *row = g_new0 (Row, 1);
  g_autoptr(GIcon) icon = g_content_type_get_symbolic_icon (sd_upload_get_content_type (upload));
  GtkWidget *image;
  GtkWidget *remove_button;

  row->upload = g_object_ref (upload);
  row->row = ADW_ACTION_ROW (adw_action_row_new ());
  /* File names are the user's, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row->row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->row), sd_upload_get_filename (upload));
  adw_action_row_set_title_lines (row->row, 2);
  g_object_set_data_full (G_OBJECT (row->row), "sd-row", row, (GDestroyNotify)row_free);

  image = g_object_new (GTK_TYPE_IMAGE,
                        "gicon", icon,
                        "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                        NULL);
  adw_action_row_add_prefix (row->row, image);

  row->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_valign (GTK_WIDGET (row->progress), GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (GTK_WIDGET (row->progress), 64, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->progress), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Upload progress"), -1);
  g_object_bind_property (upload, "fraction", row->progress, "fraction", G_BINDING_SYNC_CREATE);
  adw_action_row_add_suffix (row->row, GTK_WIDGET (row->progress));

  row->done_image = gtk_image_new_from_icon_name ("emblem-ok-symbolic");
  gtk_widget_set_tooltip_text (row->done_image, _("Uploaded"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->done_image), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Uploaded"), -1);
  gtk_widget_add_css_class (row->done_image, "success");
  adw_action_row_add_suffix (row->row, row->done_image);

  row->retry_button = gtk_button_new_with_mnemonic (_("_Retry"));
  gtk_widget_set_valign (row->retry_button, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->retry_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Retry"), -1);
  g_signal_connect_data (row->retry_button, "clicked", G_CALLBACK (retry_clicked_cb),
                         g_object_ref (upload), (GClosureNotify)(void (*)(void))g_object_unref, 0);
  adw_action_row_add_suffix (row->row, row->retry_button);

  remove_button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (remove_button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (remove_button, _("Remove file"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Remove file"), -1);
  gtk_widget_add_css_class (remove_button, "flat");
  g_signal_connect_data (remove_button, "clicked", G_CALLBACK (remove_clicked_cb),
                         g_object_ref (upload), (GClosureNotify)(void (*)(void))g_object_unref, 0);
  adw_action_row_add_suffix (row->row, remove_button);

  g_signal_connect_object (upload, "notify::state", G_CALLBACK (row_changed_cb), row->row,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (upload, "notify::sent", G_CALLBACK (row_changed_cb), row->row,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (upload, "notify::size", G_CALLBACK (row_changed_cb), row->row,
                           G_CONNECT_SWAPPED);
  update_row (row);

  return GTK_WIDGET (row->row);
}

/* Adding files */

static void
upload_finished_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(SdDropArea) self = user_data;
  g_autoptr(SdUploadInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  /* The upload's state says how it went; its row and "busy" follow that. */
  info = sd_upload_start_finish (SD_UPLOAD (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_debug ("Upload of %s failed: %s", sd_upload_get_filename (SD_UPLOAD (source)),
             error->message);
  update_state (self);
}

static void
start_upload (SdDropArea *self,
              SdUpload   *upload)
{
  sd_upload_start_async (upload, self->cancellable, upload_finished_cb, g_object_ref (self));
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
        delete_temp_file (g_object_ref (file));
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
  else if ((size = g_file_info_get_size (info)) > SD_DROP_AREA_MAX_FILE_SIZE)
    {
      g_autofree char *limit = g_format_size_full (SD_DROP_AREA_MAX_FILE_SIZE,
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
      g_object_set_data_full (G_OBJECT (upload), SIZE_KEY, g_memdup2 (&size, sizeof size),
                              g_free);
      if (data->temporary)
        {
          g_object_set_data_full (G_OBJECT (upload), TEMP_FILE_KEY, g_object_ref (file),
                                  delete_temp_file);
          data->temporary = FALSE;
        }
      g_signal_connect_object (upload, "notify::state", G_CALLBACK (update_state), self,
                               G_CONNECT_SWAPPED);
      g_list_store_append (self->uploads, upload);
      start_upload (self, upload);
    }

  if (message != NULL)
    set_message (self, message);
  if (data->temporary)
    delete_temp_file (g_object_ref (file));

  update_state (self);
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
  update_state (self);
}

static void
add_file_list (SdDropArea  *self,
               GdkFileList *list)
{
  g_autoptr(GSList) files = gdk_file_list_get_files (list);

  for (GSList *l = files; l != NULL; l = l->next)
    add_file (self, l->data, FALSE);
}

/* Images: saved as PNG into a private folder, off the main thread. */

static void
save_texture_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GdkTexture *texture = task_data;
  g_autofree char *base = g_build_filename (g_get_user_cache_dir (), "supportdesk", NULL);
  g_autofree char *template = g_build_filename (base, "paste-XXXXXX", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d %H-%M-%S");
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  int saved_errno;

  /* Each image gets its own folder, so that two pasted in one second keep their names. */
  if (g_mkdir_with_parents (base, 0700) != 0 || g_mkdtemp_full (template, 0700) == NULL)
    {
      saved_errno = errno;
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               "Cannot make a folder in %s: %s", base, g_strerror (saved_errno));
      return;
    }

  /* Translators: the file name of a pasted image; %s is the date and time. */
  name = g_strdup_printf (_("Screenshot %s.png"), stamp);
  path = g_build_filename (template, name, NULL);
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_rmdir (template);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot write %s", path);
      return;
    }

  g_task_return_pointer (task, g_file_new_for_path (path), delete_temp_file);
}

static void
texture_saved_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(AddData) data = user_data;
  SdDropArea *self = data->self;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  /* When cancelled, the task's result is dropped, which deletes the file. */
  file = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_cancellable_is_cancelled (data->cancellable))
    {
      if (file != NULL)
        delete_temp_file (g_steal_pointer (&file));
      return;
    }

  self->n_adding--;
  if (file == NULL)
    {
      g_warning ("Cannot save a pasted image: %s", error->message);
      set_message (self, _("The image could not be saved, so it was not attached."));
      update_state (self);
      return;
    }

  add_file (self, file, TRUE);
  update_state (self);
}

/* A texture that can be read from another thread: memory textures are immutable. */
static GdkTexture *
memory_texture (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = (gsize)width * 4;
  g_autofree guchar *pixels = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (GDK_IS_MEMORY_TEXTURE (texture))
    return g_object_ref (texture);

  pixels = g_malloc (stride * height);
  gdk_texture_download (texture, pixels, stride);
  bytes = g_bytes_new_take (g_steal_pointer (&pixels), stride * height);

  return gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes, stride);
}

static void
add_texture (SdDropArea *self,
             GdkTexture *texture)
{
  AddData *data = add_data_new (self, FALSE);
  g_autoptr(GTask) task = g_task_new (NULL, data->cancellable, texture_saved_cb, data);

  g_task_set_source_tag (task, add_texture);
  g_task_set_task_data (task, memory_texture (texture), g_object_unref);
  g_task_run_in_thread (task, save_texture_thread);
  update_state (self);
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
      set_message (data->self, _("The files on the clipboard could not be read."));
    }
  else
    add_file_list (data->self, g_value_get_boxed (value));

  update_state (data->self);
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
      set_message (data->self, _("The image on the clipboard could not be read."));
    }
  else
    add_texture (data->self, texture);

  update_state (data->self);
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

  set_message (self, NULL);
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

      set_message (self, NULL);
      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);

          add_file (self, file, FALSE);
        }
    }

  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
}

static void
browse_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  sd_drop_area_browse (SD_DROP_AREA (widget));
}

static void
sd_drop_area_dispose (GObject *object)
{
  SdDropArea *self = (SdDropArea *)object;
  GtkWidget *child;

  cancel_all (self);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->client);

  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_DROP_AREA);
  /* The template's top box has no id, so disposing the template leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (sd_drop_area_parent_class)->dispose (object);
}

static void
sd_drop_area_finalize (GObject *object)
{
  SdDropArea *self = (SdDropArea *)object;

  g_clear_object (&self->uploads);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (sd_drop_area_parent_class)->finalize (object);
}

static void
sd_drop_area_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SdDropArea *self = SD_DROP_AREA (object);

  switch (prop_id)
    {
    case PROP_UPLOADS:
      g_value_set_object (value, self->uploads);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_FAILED:
      g_value_set_boolean (value, self->failed);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_drop_area_class_init (SdDropAreaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_drop_area_dispose;
  object_class->finalize = sd_drop_area_finalize;
  object_class->get_property = sd_drop_area_get_property;

  properties[PROP_UPLOADS] =
    g_param_spec_object ("uploads", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FAILED] =
    g_param_spec_boolean ("failed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/SupportDesk/sd-drop-area.ui");
  gtk_widget_class_bind_template_child (widget_class, SdDropArea, zone);
  gtk_widget_class_bind_template_child (widget_class, SdDropArea, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, SdDropArea, message_label);
  gtk_widget_class_bind_template_child (widget_class, SdDropArea, list_box);

  gtk_widget_class_install_action (widget_class, "drop-area.browse", NULL, browse_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
sd_drop_area_init (SdDropArea *self)
{
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE, GDK_TYPE_TEXTURE };

  self->cancellable = g_cancellable_new ();
  self->uploads = g_list_store_new (SD_TYPE_UPLOAD);

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->uploads),
                           create_row_cb, self, NULL);

  self->drop_target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (self->drop_target, types, G_N_ELEMENTS (types));
  g_signal_connect (self->drop_target, "drop", G_CALLBACK (drop_cb), self);
  g_signal_connect (self->drop_target, "enter", G_CALLBACK (drop_enter_cb), self);
  g_signal_connect (self->drop_target, "leave", G_CALLBACK (drop_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->drop_target));
}

GtkWidget *
sd_drop_area_new (void)
{
  return g_object_new (SD_TYPE_DROP_AREA, NULL);
}

void
sd_drop_area_set_client (SdDropArea *self,
                         SdClient   *client)
{
  g_return_if_fail (SD_IS_DROP_AREA (self));
  g_return_if_fail (client == NULL || SD_IS_CLIENT (client));

  if (self->client == client)
    return;

  /* Uploads belong to the session that made them. */
  sd_drop_area_clear (self);
  g_set_object (&self->client, client);
}

GListModel *
sd_drop_area_get_uploads (SdDropArea *self)
{
  g_return_val_if_fail (SD_IS_DROP_AREA (self), NULL);

  return G_LIST_MODEL (self->uploads);
}

gboolean
sd_drop_area_get_busy (SdDropArea *self)
{
  g_return_val_if_fail (SD_IS_DROP_AREA (self), FALSE);

  return self->busy;
}

gboolean
sd_drop_area_get_failed (SdDropArea *self)
{
  g_return_val_if_fail (SD_IS_DROP_AREA (self), FALSE);

  return self->failed;
}

const char *
sd_drop_area_get_message (SdDropArea *self)
{
  g_return_val_if_fail (SD_IS_DROP_AREA (self), NULL);

  return self->message;
}

char **
sd_drop_area_dup_tokens (SdDropArea *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n_items;

  g_return_val_if_fail (SD_IS_DROP_AREA (self), NULL);

  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->uploads));
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(SdUpload) upload = g_list_model_get_item (G_LIST_MODEL (self->uploads), i);
      SdUploadInfo *info = sd_upload_get_info (upload);

      if (sd_upload_get_state (upload) == SD_UPLOAD_STATE_DONE && info != NULL)
        g_strv_builder_add (builder, sd_upload_info_get_token (info));
    }

  return g_strv_builder_end (builder);
}

GtkDropTarget *
sd_drop_area_get_drop_target (SdDropArea *self)
{
  g_return_val_if_fail (SD_IS_DROP_AREA (self), NULL);

  return self->drop_target;
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

  set_message (self, NULL);
  update_state (self);

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

void
sd_drop_area_remove (SdDropArea *self,
                     SdUpload   *upload)
{
  guint position;

  g_return_if_fail (SD_IS_DROP_AREA (self));
  g_return_if_fail (SD_IS_UPLOAD (upload));

  if (!g_list_store_find (self->uploads, upload, &position))
    return;

  g_signal_handlers_disconnect_by_data (upload, self);
  sd_upload_cancel (upload);
  g_list_store_remove (self->uploads, position);
  update_state (self);
}

void
sd_drop_area_retry (SdDropArea *self,
                    SdUpload   *upload)
{
  g_return_if_fail (SD_IS_DROP_AREA (self));
  g_return_if_fail (SD_IS_UPLOAD (upload));

  if (sd_upload_get_state (upload) != SD_UPLOAD_STATE_FAILED ||
      !g_list_store_find (self->uploads, upload, NULL))
    return;

  start_upload (self, upload);
  update_state (self);
}

void
sd_drop_area_clear (SdDropArea *self)
{
  g_return_if_fail (SD_IS_DROP_AREA (self));

  cancel_all (self);
  set_message (self, NULL);
  update_state (self);
}
