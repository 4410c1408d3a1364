#define G_LOG_DOMAIN "sd-new-ticket-page"

#include "config.h"

#include "sd-new-ticket-page-private.h"

#include "sd-app-errors.h"

#include <glib/gi18n.h>
#include <string.h>


G_DEFINE_FINAL_TYPE (SdNewTicketPage, sd_new_ticket_page, GTK_TYPE_WIDGET)

enum {
  QUEUED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

char *
sd_new_ticket_page_dup_subject (SdNewTicketPage *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->subject_row))));
}

char *
sd_new_ticket_page_dup_description (SdNewTicketPage *self)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (self->description_buffer, &start, &end);

  return g_strstrip (gtk_text_buffer_get_text (self->description_buffer, &start, &end, FALSE));
}

/* The chosen category's id, or NULL while the placeholder is selected. */
const char *
sd_new_ticket_page_get_category (SdNewTicketPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->category_dropdown);

  if (selected == GTK_INVALID_LIST_POSITION || selected == 0 ||
      selected > self->category_ids->len)
    return NULL;

  return g_ptr_array_index (self->category_ids, selected - 1);
}

void
sd_new_ticket_page_update_state (SdNewTicketPage *self)
{
  g_autofree char *subject = sd_new_ticket_page_dup_subject (self);
  g_autofree char *description = sd_new_ticket_page_dup_description (self);
  gboolean ready = self->client != NULL && self->outbox != NULL && !self->creating;
  gboolean valid;

  /*
   * Files still uploading, or whose upload failed for now, are the outbox's
   * to finish; one the server refuses (too large, say) must go first.
   */
  valid = ready && sd_new_ticket_page_get_category (self) != NULL && *subject != '\0' &&
          *description != '\0' && !sd_drop_area_get_busy (self->drop_area) &&
          !sd_upload_list_has_refused (sd_drop_area_get_uploads (self->drop_area));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "new-ticket.create", valid);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "new-ticket.browse", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "new-ticket.discard-draft",
                                 !self->creating && !sd_new_ticket_page_is_empty (self));
  gtk_widget_set_sensitive (self->form_box, !self->creating);
  gtk_stack_set_visible_child_name (self->button_stack, self->creating ? "busy" : "label");
}

/* Shows @message under @field, or hides it when NULL; assistive technologies hear it too. */
static void
show_field_error (GtkWidget  *field,
                  GtkLabel   *label,
                  const char *message)
{
  if (message != NULL)
    gtk_label_set_text (label, message);
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);

  if (field == NULL)
    return;

  gtk_accessible_update_state (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_STATE_INVALID,
                               message != NULL ? GTK_ACCESSIBLE_INVALID_TRUE
                                               : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
  /* Entry rows have a red look of their own for this. */
  if (ADW_IS_ENTRY_ROW (field) && message != NULL)
    gtk_widget_add_css_class (field, "error");
  else if (ADW_IS_ENTRY_ROW (field))
    gtk_widget_remove_css_class (field, "error");
}

static void
clear_field_errors (SdNewTicketPage *self)
{
  show_field_error (GTK_WIDGET (self->category_dropdown), self->category_error, NULL);
  show_field_error (GTK_WIDGET (self->subject_row), self->subject_error, NULL);
  show_field_error (GTK_WIDGET (self->description_view), self->description_error, NULL);
  show_field_error (NULL, self->uploads_error, NULL);
}

static void
category_changed_cb (SdNewTicketPage *self)
{
  sd_new_ticket_page_schedule_save (self);
  /* A failure to load the categories is shown here too; it stays until they load. */
  if (sd_new_ticket_page_get_category (self) != NULL)
    show_field_error (GTK_WIDGET (self->category_dropdown), self->category_error, NULL);
  sd_new_ticket_page_update_state (self);
}

static void
subject_changed_cb (SdNewTicketPage *self)
{
  sd_new_ticket_page_schedule_save (self);
  show_field_error (GTK_WIDGET (self->subject_row), self->subject_error, NULL);
  sd_new_ticket_page_update_state (self);
}

static void
description_changed_cb (SdNewTicketPage *self)
{
  sd_new_ticket_page_schedule_save (self);
  show_field_error (GTK_WIDGET (self->description_view), self->description_error, NULL);
  sd_new_ticket_page_update_state (self);
}

static void
uploads_changed_cb (SdNewTicketPage *self)
{
  sd_new_ticket_page_schedule_save (self);
  if (!sd_drop_area_get_failed (self->drop_area))
    show_field_error (NULL, self->uploads_error, NULL);
  sd_new_ticket_page_update_state (self);
}

static void load_categories (SdNewTicketPage *self);

static void
categories_loaded_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(SdNewTicketPage) self = user_data;
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  /* A reload keeps what the user chose; a restored draft chose before the list came. */
  g_autofree char *chosen = g_strdup (sd_new_ticket_page_get_category (self) != NULL
                                        ? sd_new_ticket_page_get_category (self)
                                        : self->draft_category);
  guint selected = 0;

  categories = sd_client_list_categories_finish (SD_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading_categories = FALSE;
  if (categories == NULL)
    {
      g_autofree char *reason = sd_app_error_message (error);
      g_autofree char *message = NULL;

      /* Translators: %s says why, e.g. that the service cannot be reached. */
      message = g_strdup_printf (_("The categories cannot be loaded. %s"), reason);
      show_field_error (GTK_WIDGET (self->category_dropdown), self->category_error, message);
      return;
    }

  g_ptr_array_set_size (self->category_ids, 0);
  g_ptr_array_add (names, (gpointer)_("Choose a category"));
  for (guint i = 0; i < categories->len; i++)
    {
      SdCategory *category = g_ptr_array_index (categories, i);

      if (g_strcmp0 (chosen, sd_category_get_id (category)) == 0)
        selected = i + 1;
      g_ptr_array_add (self->category_ids, g_strdup (sd_category_get_id (category)));
      g_ptr_array_add (names, (gpointer)sd_category_get_name (category));
    }
  g_ptr_array_add (names, NULL);

  self->quiet++;
  gtk_string_list_splice (self->category_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->category_names)),
                          (const char * const *)names->pdata);
  gtk_drop_down_set_selected (self->category_dropdown, selected);
  self->quiet--;
  g_clear_pointer (&self->draft_category, g_free);
  show_field_error (GTK_WIDGET (self->category_dropdown), self->category_error, NULL);
  sd_new_ticket_page_update_state (self);
}

static void
load_categories (SdNewTicketPage *self)
{
  if (self->client == NULL || self->loading_categories)
    return;

  self->loading_categories = TRUE;
  sd_client_list_categories_async (self->client, self->cancellable, categories_loaded_cb,
                                   g_object_ref (self));
}

/* Why the ticket could not be kept on this computer, for a toast. */
static char *
storage_error_message (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
    return g_strdup (_("Your ticket could not be saved: the disk is full. Free some space "
                       "and try again."));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return g_strdup (_("Your ticket could not be saved: an attached file is gone. Remove it "
                       "and try again."));

  return g_strdup (_("Your ticket could not be saved on this computer. Check that your home "
                     "folder can be written to, and try again."));
}

static void
queued_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SdNewTicketPage) self = user_data;
  g_autoptr(SdOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;

  item = sd_outbox_add_finish (SD_OUTBOX (source), result, &error);

  self->creating = FALSE;
  sd_new_ticket_page_update_state (self);

  /* Everything the user wrote stays in the form (and its draft), to be created again. */
  if (item == NULL)
    {
      g_autofree char *message = storage_error_message (error);

      g_warning ("Cannot put the ticket in the outbox: %s", error->message);
      gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
      gtk_widget_grab_focus (GTK_WIDGET (self->create_button));
      return;
    }

  /* The outbox has it now, files and all; the draft would only bring it back. */
  sd_new_ticket_page_discard_draft (self);
  g_signal_emit (self, signals[QUEUED], 0, item);
}

/* What the server would refuse is said at once, next to its field. */
static gboolean
check_fields (SdNewTicketPage *self,
              const char      *subject,
              const char      *description)
{
  if (g_utf8_strlen (subject, -1) > SD_NEW_TICKET_MAX_SUBJECT ||
      strpbrk (subject, "\r\n\t") != NULL)
    {
      show_field_error (GTK_WIDGET (self->subject_row), self->subject_error,
                        _("Enter a subject of at most 200 characters"));
      gtk_widget_grab_focus (GTK_WIDGET (self->subject_row));
      return FALSE;
    }

  if (g_utf8_strlen (description, -1) > SD_NEW_TICKET_MAX_DESCRIPTION)
    {
      show_field_error (GTK_WIDGET (self->description_view), self->description_error,
                        _("Enter a description of at most 65,536 characters"));
      gtk_widget_grab_focus (GTK_WIDGET (self->description_view));
      return FALSE;
    }

  return TRUE;
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SdNewTicketPage *self = SD_NEW_TICKET_PAGE (widget);
  g_autofree char *subject = sd_new_ticket_page_dup_subject (self);
  g_autofree char *description = sd_new_ticket_page_dup_description (self);
  g_autoptr(GPtrArray) uploads = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *files = sd_drop_area_get_uploads (self->drop_area);
  const char *category = sd_new_ticket_page_get_category (self);

  if (self->creating || self->outbox == NULL || category == NULL || *subject == '\0' ||
      *description == '\0' || sd_drop_area_get_busy (self->drop_area) ||
      sd_upload_list_has_refused (files))
    return;

  clear_field_errors (self);
  if (!check_fields (self, subject, description))
    return;

  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    g_ptr_array_add (uploads, g_list_model_get_item (files, i));

  /*
   * A focused text field made insensitive never hears that it lost the focus
   * (its cursor keeps blinking), so the focus leaves the form first.
   */
  if (gtk_widget_get_root (widget) != NULL)
    gtk_root_set_focus (gtk_widget_get_root (widget), NULL);
  self->creating = TRUE;
  sd_new_ticket_page_update_state (self);

  /* Not cancellable: once asked for, the ticket is kept, whatever happens to the page. */
  sd_outbox_add_ticket_async (self->outbox, category, subject, description, uploads, NULL,
                              queued_cb, g_object_ref (self));
}

static void
discard_draft_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SdNewTicketPage *self = SD_NEW_TICKET_PAGE (widget);

  sd_new_ticket_page_discard_draft (self);
  gtk_widget_activate_action (widget, "win.toast", "s", _("Draft discarded"));
}

static void
browse_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  sd_drop_area_browse (SD_NEW_TICKET_PAGE (widget)->drop_area);
}

/* Ctrl+V anywhere on the page attaches files or an image; text is left to the text fields. */
static gboolean
paste_shortcut_cb (GtkWidget *widget,
                   GVariant  *args,
                   gpointer   user_data)
{
  SdNewTicketPage *self = SD_NEW_TICKET_PAGE (widget);

  return sd_drop_area_paste (self->drop_area, gtk_widget_get_clipboard (widget));
}

static gboolean
pin_link_cb (SdNewTicketPage *self,
             GtkLinkButton   *button)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-page", "s", "pin");

  return TRUE;
}

static void
sd_new_ticket_page_map (GtkWidget *widget)
{
  SdNewTicketPage *self = SD_NEW_TICKET_PAGE (widget);

  GTK_WIDGET_CLASS (sd_new_ticket_page_parent_class)->map (widget);

  if (self->focus_on_map)
    {
      self->focus_on_map = FALSE;
      gtk_widget_grab_focus (GTK_WIDGET (self->category_dropdown));
    }

  /* The form cannot be sent without a category: try again when it comes into view. */
  if (self->category_ids->len == 0)
    load_categories (self);
}

static void
sd_new_ticket_page_dispose (GObject *object)
{
  SdNewTicketPage *self = (SdNewTicketPage *)object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  sd_new_ticket_page_save_now (self);
  g_clear_object (&self->client);
  g_clear_object (&self->outbox);
  g_clear_object (&self->drafts);

  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_NEW_TICKET_PAGE);
  /* The template's top box has no id, so disposing the template leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (sd_new_ticket_page_parent_class)->dispose (object);
}

static void
sd_new_ticket_page_finalize (GObject *object)
{
  SdNewTicketPage *self = (SdNewTicketPage *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->category_ids, g_ptr_array_unref);
  g_clear_pointer (&self->draft_category, g_free);

  G_OBJECT_CLASS (sd_new_ticket_page_parent_class)->finalize (object);
}

static void
sd_new_ticket_page_class_init (SdNewTicketPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_new_ticket_page_dispose;
  object_class->finalize = sd_new_ticket_page_finalize;

  widget_class->map = sd_new_ticket_page_map;

  /**
   * SdNewTicketPage::queued:
   * @item: the ticket, safely in the outbox and on its way
   */
  signals[QUEUED] = g_signal_new ("queued", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SD_TYPE_OUTBOX_ITEM);

  g_type_ensure (SD_TYPE_DROP_AREA);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/SupportDesk/sd-new-ticket-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SdNewTicketPage, form_box);
  gtk_widget_class_bind_template_child (widget_class, SdNewTicketPage, category_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SdNewTicketPage, category_names);
  gtk_widget_class_bind_template_child (widget_class, SdNewTicketPage, category_error);
  gtk_widget_class_bind_template_child (widget_class, SdNewTicketPage, subject_row);
  gtk_widget_class_bind_template_child (widget_class, SdNewTicketPage, subject_error);
  gtk_widget_class_bind_template_child (widget_class, SdNewTicketPage, description_view);
  gtk_widget_class_bind_template_child (widget_class, SdNewTicketPage, description_buffer);
  gtk_widget_class_bind_template_child (widget_class, SdNewTicketPage, description_error);
  gtk_widget_class_bind_template_child (widget_class, SdNewTicketPage, drop_area);
  gtk_widget_class_bind_template_child (widget_class, SdNewTicketPage, uploads_error);
  gtk_widget_class_bind_template_child (widget_class, SdNewTicketPage, create_button);
  gtk_widget_class_bind_template_child (widget_class, SdNewTicketPage, button_stack);
  gtk_widget_class_bind_template_callback (widget_class, category_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, subject_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, description_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, uploads_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, pin_link_cb);

  gtk_widget_class_install_action (widget_class, "new-ticket.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "new-ticket.browse", NULL, browse_action);
  gtk_widget_class_install_action (widget_class, "new-ticket.discard-draft", NULL,
                                   discard_draft_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
sd_new_ticket_page_init (SdNewTicketPage *self)
{
  GtkEventController *shortcuts;
  GtkShortcut *shortcut;
  const char *placeholder[] = { _("Choose a category"), NULL };

  self->cancellable = g_cancellable_new ();
  self->category_ids = g_ptr_array_new_with_free_func (g_free);

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_string_list_splice (self->category_names, 0, 0, placeholder);

  /* In the capture phase, so that the files win over the text fields' own Ctrl+V. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_v, GDK_CONTROL_MASK),
                               gtk_callback_action_new (paste_shortcut_cb, NULL, NULL));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), shortcut);
  shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Return, GDK_CONTROL_MASK),
                               gtk_named_action_new ("new-ticket.create"));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), shortcut);
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  sd_new_ticket_page_update_state (self);
}

void
sd_new_ticket_page_set_outbox (SdNewTicketPage *self,
                               SdOutbox        *outbox,
                               SdDrafts        *drafts)
{
  g_return_if_fail (SD_IS_NEW_TICKET_PAGE (self));
  g_return_if_fail (outbox == NULL || SD_IS_OUTBOX (outbox));
  g_return_if_fail (drafts == NULL || SD_IS_DRAFTS (drafts));

  /* What was typed for the last account is on its disk before anything else happens. */
  sd_new_ticket_page_save_now (self);
  g_set_object (&self->outbox, outbox);

  if (g_set_object (&self->drafts, drafts))
    {
      sd_new_ticket_page_reset (self);
      sd_new_ticket_page_restore_draft (self);
    }

  sd_new_ticket_page_update_state (self);
}

void
sd_new_ticket_page_set_client (SdNewTicketPage *self,
                               SdClient        *client)
{
  g_return_if_fail (SD_IS_NEW_TICKET_PAGE (self));
  g_return_if_fail (client == NULL || SD_IS_CLIENT (client));

  if (self->client == client)
    return;

  sd_new_ticket_page_save_now (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loading_categories = FALSE;
  g_set_object (&self->client, client);
  sd_drop_area_set_client (self->drop_area, client);

  /* Categories belong to the server of the session. */
  g_ptr_array_set_size (self->category_ids, 0);
  gtk_string_list_splice (self->category_names, 1,
                          g_list_model_get_n_items (G_LIST_MODEL (self->category_names)) - 1,
                          NULL);
  sd_new_ticket_page_reset (self);
  load_categories (self);
}

void
sd_new_ticket_page_reset (SdNewTicketPage *self)
{
  g_return_if_fail (SD_IS_NEW_TICKET_PAGE (self));

  /* Emptied by the program, not by the user: the draft stays as it is. */
  self->quiet++;
  gtk_drop_down_set_selected (self->category_dropdown, 0);
  gtk_editable_set_text (GTK_EDITABLE (self->subject_row), "");
  gtk_text_buffer_set_text (self->description_buffer, "", -1);
  sd_drop_area_clear (self->drop_area);
  clear_field_errors (self);
  self->quiet--;
  g_clear_handle_id (&self->save_source, g_source_remove);
  sd_new_ticket_page_update_state (self);

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self->category_dropdown));
  else
    self->focus_on_map = TRUE;

  if (self->category_ids->len == 0)
    load_categories (self);
}

SdDropArea *
sd_new_ticket_page_get_drop_area (SdNewTicketPage *self)
{
  g_return_val_if_fail (SD_IS_NEW_TICKET_PAGE (self), NULL);

  return self->drop_area;
}
