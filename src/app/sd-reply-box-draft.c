#define G_LOG_DOMAIN "sd-reply-box"

#include "config.h"

#include "sd-reply-box-private.h"

#include <glib/gi18n.h>

/*
 * Each ticket's unsent reply on disk: saved a moment after the user changes
 * it, and brought back once into an empty field when the ticket is shown
 * (after a restart, a crash, or signing in again).
 *
 *   "ticket-42": {"text": "…", "files": [{"path": "/home/…/log.txt"}]}
 */

#define SAVE_DELAY_MS 500

static char *
draft_name (gint64 ticket_id)
{
  return g_strdup_printf ("ticket-%" G_GINT64_FORMAT, ticket_id);
}

static gboolean
is_shown (SdReplyBox *self,
          gint64      ticket_id)
{
  return self->ticket != NULL && sd_ticket_get_id (self->ticket) == ticket_id;
}

static void
save (SdReplyBox *self,
      gint64      ticket_id)
{
  Draft *draft = sd_reply_box_lookup_draft (self, ticket_id);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *name = draft_name (ticket_id);
  g_autofree char *text = NULL;
  g_autofree char *trimmed = NULL;
  guint n_files;

  if (self->disk_drafts == NULL || draft == NULL)
    return;

  text = is_shown (self, ticket_id) ? sd_reply_box_dup_text (self) : g_strdup (draft->text);
  trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  n_files = g_list_model_get_n_items (G_LIST_MODEL (draft->uploads));

  /* An emptied reply is no draft. */
  if (*trimmed != '\0' || n_files > 0)
    {
      builder = json_builder_new ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, text != NULL ? text : "");
      sd_drafts_builder_add_files (builder, G_LIST_MODEL (draft->uploads));
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
    }

  sd_drafts_save (self->disk_drafts, name, node);
}

void
sd_reply_box_save_now (SdReplyBox *self)
{
  if (self->save_source == 0)
    return;

  g_clear_handle_id (&self->save_source, g_source_remove);
  save (self, self->save_ticket_id);
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  SdReplyBox *self = user_data;

  self->save_source = 0;
  save (self, self->save_ticket_id);

  return G_SOURCE_REMOVE;
}

void
sd_reply_box_schedule_save (SdReplyBox *self)
{
  gint64 ticket_id;

  if (self->quiet > 0 || self->disk_drafts == NULL || self->ticket == NULL)
    return;

  ticket_id = sd_ticket_get_id (self->ticket);
  if (self->save_source != 0 && self->save_ticket_id != ticket_id)
    sd_reply_box_save_now (self);

  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_ticket_id = ticket_id;
  self->save_source = g_timeout_add (SAVE_DELAY_MS, save_timeout_cb, self);
}

void
sd_reply_box_forget_draft (SdReplyBox *self,
                           gint64      ticket_id)
{
  g_autofree char *name = draft_name (ticket_id);

  if (self->save_source != 0 && self->save_ticket_id == ticket_id)
    g_clear_handle_id (&self->save_source, g_source_remove);

  if (self->disk_drafts != NULL)
    sd_drafts_save (self->disk_drafts, name, NULL);
}

typedef struct
{
  SdReplyBox *box;
  SdDrafts   *drafts;
  gint64      ticket_id;
} RestoreData;

static void
restore_data_free (RestoreData *data)
{
  g_clear_object (&data->box);
  g_clear_object (&data->drafts);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RestoreData, restore_data_free)

static void
draft_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(RestoreData) data = user_data;
  SdReplyBox *self = data->box;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *current = NULL;
  g_autoptr(GPtrArray) files = NULL;
  JsonObject *object;
  const char *text;
  Draft *draft;

  node = sd_drafts_load_finish (SD_DRAFTS (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    {
      /* Left on disk as it is: what cannot be read now is not overwritten unasked. */
      g_warning ("Cannot read the draft of ticket %" G_GINT64_FORMAT ": %s", data->ticket_id,
                 error->message);
      return;
    }

  /* Another account meanwhile, or the user began writing: theirs wins. */
  draft = sd_reply_box_lookup_draft (self, data->ticket_id);
  if (node == NULL || data->drafts != self->disk_drafts || draft == NULL || draft->sending ||
      g_list_model_get_n_items (G_LIST_MODEL (draft->uploads)) > 0)
    return;

  current = is_shown (self, data->ticket_id) ? sd_reply_box_dup_text (self)
                                             : g_strdup (draft->text);
  if (current != NULL && *g_strstrip (current) != '\0')
    return;

  object = json_node_get_object (node);
  text = json_object_get_string_member_with_default (object, "text", "");

  self->quiet++;
  if (is_shown (self, data->ticket_id))
    gtk_text_buffer_set_text (self->buffer, text, -1);
  else
    {
      g_free (draft->text);
      draft->text = g_strdup (text);
    }

  /* Files come back while they are still where they were; they upload again. */
  files = sd_drafts_dup_files (object);
  for (guint i = 0; i < files->len; i++)
    sd_reply_box_attach_file (self, data->ticket_id, g_ptr_array_index (files, i));
  self->quiet--;

  sd_reply_box_update_compose_state (self);
}

void
sd_reply_box_restore_draft (SdReplyBox *self)
{
  g_autofree char *name = NULL;
  RestoreData *data;
  Draft *draft;

  draft = sd_reply_box_current_draft (self);
  if (draft == NULL || self->disk_drafts == NULL || draft->restored)
    return;

  draft->restored = TRUE;
  name = draft_name (sd_ticket_get_id (self->ticket));

  data = g_new0 (RestoreData, 1);
  data->box = g_object_ref (self);
  data->drafts = g_object_ref (self->disk_drafts);
  data->ticket_id = sd_ticket_get_id (self->ticket);
  sd_drafts_load_async (self->disk_drafts, name, self->cancellable, draft_loaded_cb, data);
}
