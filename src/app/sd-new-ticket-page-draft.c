#define G_LOG_DOMAIN "sd-new-ticket-page"

#include "config.h"

#include "sd-new-ticket-page-private.h"

#include <glib/gi18n.h>

/*
 * The form's draft: saved a moment after each change the user makes, and
 * brought back into an empty form when the page gets its account's drafts
 * (after a restart, a crash, or signing in again).
 *
 *   {"category": "billing"|null, "subject": "…", "description": "…",
 *    "files": [{"path": "/home/…/log.txt"}]}
 */

#define DRAFT_NAME     "new-ticket"
#define SAVE_DELAY_MS  500

gboolean
sd_new_ticket_page_is_empty (SdNewTicketPage *self)
{
  g_autofree char *subject = sd_new_ticket_page_dup_subject (self);
  g_autofree char *description = sd_new_ticket_page_dup_description (self);

  return sd_new_ticket_page_get_category (self) == NULL && *subject == '\0' &&
         *description == '\0' &&
         g_list_model_get_n_items (sd_drop_area_get_uploads (self->drop_area)) == 0;
}

static JsonNode *
build_draft (SdNewTicketPage *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GListModel *uploads = sd_drop_area_get_uploads (self->drop_area);
  GtkTextIter start, end;
  g_autofree char *description = NULL;
  const char *category = sd_new_ticket_page_get_category (self);

  /* The text as typed, untrimmed: it comes back exactly as it was. */
  gtk_text_buffer_get_bounds (self->description_buffer, &start, &end);
  description = gtk_text_buffer_get_text (self->description_buffer, &start, &end, FALSE);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "category");
  if (category != NULL)
    json_builder_add_string_value (builder, category);
  else if (self->draft_category != NULL)
    json_builder_add_string_value (builder, self->draft_category);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "subject");
  json_builder_add_string_value (builder, gtk_editable_get_text (GTK_EDITABLE (self->subject_row)));
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, description);

  sd_drafts_builder_add_files (builder, uploads);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
save (SdNewTicketPage *self)
{
  g_autoptr(JsonNode) draft = NULL;

  if (self->drafts == NULL)
    return;

  /* An emptied form is no draft. */
  if (!sd_new_ticket_page_is_empty (self))
    draft = build_draft (self);
  sd_drafts_save (self->drafts, DRAFT_NAME, draft);
}

void
sd_new_ticket_page_save_now (SdNewTicketPage *self)
{
  if (self->save_source == 0)
    return;

  g_clear_handle_id (&self->save_source, g_source_remove);
  save (self);
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  SdNewTicketPage *self = user_data;

  self->save_source = 0;
  save (self);

  return G_SOURCE_REMOVE;
}

void
sd_new_ticket_page_schedule_save (SdNewTicketPage *self)
{
  if (self->quiet > 0 || self->drafts == NULL)
    return;

  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add (SAVE_DELAY_MS, save_timeout_cb, self);
}

static void
draft_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SdNewTicketPage) self = user_data;
  g_autoptr(JsonNode) draft = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = NULL;
  JsonObject *object;
  const char *category;

  draft = sd_drafts_load_finish (SD_DRAFTS (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    {
      /* Left on disk as it is: what cannot be read now is not overwritten unasked. */
      g_warning ("Cannot read the draft of the new ticket: %s", error->message);
      return;
    }

  /* Gone to another account meanwhile, or the user began another ticket: theirs wins. */
  if (draft == NULL || SD_DRAFTS (source) != self->drafts || !sd_new_ticket_page_is_empty (self))
    return;

  object = json_node_get_object (draft);
  category = json_object_get_string_member_with_default (object, "category", NULL);

  self->quiet++;
  g_free (self->draft_category);
  self->draft_category = g_strdup (category);
  for (guint i = 0; category != NULL && i < self->category_ids->len; i++)
    if (g_str_equal (category, g_ptr_array_index (self->category_ids, i)))
      {
        gtk_drop_down_set_selected (self->category_dropdown, i + 1);
        g_clear_pointer (&self->draft_category, g_free);
        break;
      }
  gtk_editable_set_text (GTK_EDITABLE (self->subject_row),
                         json_object_get_string_member_with_default (object, "subject", ""));
  gtk_text_buffer_set_text (self->description_buffer,
                            json_object_get_string_member_with_default (object, "description",
                                                                        ""),
                            -1);

  /* Files come back while they are still where they were; they upload again. */
  files = sd_drafts_dup_files (object);
  for (guint i = 0; i < files->len; i++)
    sd_drop_area_add_file (self->drop_area, g_ptr_array_index (files, i));
  self->quiet--;

  sd_new_ticket_page_update_state (self);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s",
                              _("Your unfinished ticket was restored"));
}

void
sd_new_ticket_page_restore_draft (SdNewTicketPage *self)
{
  if (self->drafts == NULL)
    return;

  sd_drafts_load_async (self->drafts, DRAFT_NAME, self->cancellable, draft_loaded_cb,
                        g_object_ref (self));
}

void
sd_new_ticket_page_discard_draft (SdNewTicketPage *self)
{
  /* Sent (the outbox has copies) or thrown away: pasted images are no longer needed. */
  sd_drop_area_release (self->drop_area);
  sd_new_ticket_page_reset (self);
  if (self->drafts != NULL)
    sd_drafts_save (self->drafts, DRAFT_NAME, NULL);
}
