#define G_LOG_DOMAIN "sd-support-page"

#include "config.h"

#include "sd-support-page-private.h"

#include "sd-app-errors.h"
#include "sd-ticket-row.h"

#include <glib/gi18n.h>

#define PAGE_SIZE 50

G_DEFINE_FINAL_TYPE (SdSupportPage, sd_support_page, GTK_TYPE_WIDGET)

enum {
  TICKET_OPENED,
  LIST_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Never a blank pane: loading, the list, empty, no results, or what went wrong. */
void
sd_support_page_update_list_state (SdSupportPage *self)
{
  const GError *error;
  guint n_items;

  if (self->tickets == NULL)
    return;

  if (self->query_deferred)
    {
      gtk_stack_set_visible_child_name (self->list_stack, "loading");
      return;
    }

  error = sd_ticket_list_get_error (self->tickets);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->tickets));

  if (n_items > 0)
    gtk_stack_set_visible_child_name (self->list_stack, "list");
  else if (sd_ticket_list_get_loading (self->tickets))
    gtk_stack_set_visible_child_name (self->list_stack, "loading");
  else if (error != NULL)
    {
      g_autofree char *message = sd_app_error_message (error);

      adw_status_page_set_description (self->error_page, message);
      gtk_stack_set_visible_child_name (self->list_stack, "error");
    }
  else if (sd_support_page_query_filters (sd_ticket_list_get_query (self->tickets)))
    gtk_stack_set_visible_child_name (self->list_stack, "no-results");
  else
    gtk_stack_set_visible_child_name (self->list_stack, "empty");
}

void
sd_support_page_filters_changed (SdSupportPage *self)
{
  g_autoptr(SdTicketQuery) query = NULL;

  if (self->tickets == NULL || self->query_deferred)
    return;

  query = sd_support_page_current_query (self);
  if (!sd_ticket_query_equal (query, sd_ticket_list_get_query (self->tickets)))
    sd_ticket_list_set_query (self->tickets, query);
}

static void
list_loading_cb (SdSupportPage *self)
{
  sd_support_page_update_list_state (self);

  if (self->tickets == NULL || self->list_loaded || sd_ticket_list_get_loading (self->tickets))
    return;

  self->list_loaded = TRUE;
  g_signal_emit (self, signals[LIST_LOADED], 0);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              SdSupportPage            *self)
{
  gtk_list_item_set_child (item, sd_ticket_row_new ());
}

/* Shows @item's ticket in its row, with its category's name once the names are there. */
static void
bind_item (SdSupportPage *self,
           GtkListItem   *item)
{
  SdTicket *ticket = gtk_list_item_get_item (item);
  const char *category = sd_ticket_get_category (ticket);
  const char *name = g_hash_table_lookup (self->category_names_by_id, category);

  sd_ticket_row_bind (SD_TICKET_ROW (gtk_list_item_get_child (item)), ticket,
                      name != NULL ? name : category);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             SdSupportPage            *self)
{
  bind_item (self, item);
  g_hash_table_add (self->bound_items, item);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               SdSupportPage            *self)
{
  g_hash_table_remove (self->bound_items, item);
  sd_ticket_row_bind (SD_TICKET_ROW (gtk_list_item_get_child (item)), NULL, NULL);
}

static void
ticket_activated_cb (SdSupportPage *self,
                     guint          position)
{
  g_autoptr(SdTicket) ticket = g_list_model_get_item (G_LIST_MODEL (self->tickets), position);

  if (ticket != NULL)
    sd_support_page_open_ticket (self, ticket);
}

static void
ticket_queued_cb (SdSupportPage   *self,
                  SdOutboxItem    *item,
                  SdNewTicketPage *page)
{
  /* Back to the list, where the ticket shows at the top until the server has it. */
  g_set_object (&self->awaited, item);
  gtk_stack_set_visible_child_name (self->stack, "list");
  gtk_widget_grab_focus (GTK_WIDGET (self->outbox_list));
}

/*
 * The form and the conversation are made when first shown: the start,
 * which shows only the list, does without them.
 */
static SdNewTicketPage *
ensure_new_ticket_page (SdSupportPage *self)
{
  if (self->new_ticket_page == NULL)
    {
      self->new_ticket_page = g_object_new (SD_TYPE_NEW_TICKET_PAGE, NULL);
      g_signal_connect_object (self->new_ticket_page, "queued", G_CALLBACK (ticket_queued_cb),
                               self, G_CONNECT_SWAPPED);
      gtk_stack_add_named (self->stack, GTK_WIDGET (self->new_ticket_page), "new-ticket");
      sd_new_ticket_page_set_client (self->new_ticket_page, self->client);
      sd_new_ticket_page_set_outbox (self->new_ticket_page, self->outbox, self->drafts);
    }

  return self->new_ticket_page;
}

static SdTicketPage *
ensure_ticket_page (SdSupportPage *self)
{
  if (self->ticket_page == NULL)
    {
      self->ticket_page = g_object_new (SD_TYPE_TICKET_PAGE, NULL);
      gtk_stack_add_named (self->stack, GTK_WIDGET (self->ticket_page), "ticket");
      sd_ticket_page_set_client (self->ticket_page, self->client);
      sd_ticket_page_set_outbox (self->ticket_page, self->outbox, self->drafts);
    }

  return self->ticket_page;
}

void
sd_support_page_rebind_rows (SdSupportPage *self)
{
  GHashTableIter iter;
  gpointer item;

  g_hash_table_iter_init (&iter, self->bound_items);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    bind_item (self, item);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SdSupportPage *self = SD_SUPPORT_PAGE (widget);

  gtk_stack_set_visible_child_name (self->stack, "list");
  if (self->ticket_page != NULL)
    sd_ticket_page_set_ticket (self->ticket_page, NULL);
  if (self->tickets != NULL)
    sd_ticket_list_reload (self->tickets);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  sd_support_page_refresh (SD_SUPPORT_PAGE (widget));
}

static void
sd_support_page_dispose (GObject *object)
{
  SdSupportPage *self = (SdSupportPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->tickets);
  g_clear_object (&self->client);
  if (self->outbox != NULL)
    g_signal_handlers_disconnect_by_data (self->outbox, self);
  g_clear_object (&self->outbox);
  g_clear_object (&self->drafts);
  g_clear_object (&self->awaited);
  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_SUPPORT_PAGE);

  G_OBJECT_CLASS (sd_support_page_parent_class)->dispose (object);
}

static void
sd_support_page_finalize (GObject *object)
{
  SdSupportPage *self = (SdSupportPage *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->category_ids, g_ptr_array_unref);
  g_clear_pointer (&self->category_names_by_id, g_hash_table_unref);
  g_clear_pointer (&self->bound_items, g_hash_table_unref);
  g_clear_pointer (&self->category_id, g_free);

  G_OBJECT_CLASS (sd_support_page_parent_class)->finalize (object);
}

static void
sd_support_page_class_init (SdSupportPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_support_page_dispose;
  object_class->finalize = sd_support_page_finalize;

  g_type_ensure (SD_TYPE_NEW_TICKET_PAGE);
  g_type_ensure (SD_TYPE_TICKET_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/SupportDesk/sd-support-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SdSupportPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SdSupportPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SdSupportPage, category_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SdSupportPage, category_names);
  gtk_widget_class_bind_template_child (widget_class, SdSupportPage, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SdSupportPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, SdSupportPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, SdSupportPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, SdSupportPage, outbox_list);
  gtk_widget_class_bind_template_callback_full (widget_class, "search_changed_cb",
                                                G_CALLBACK (sd_support_page_filters_changed));
  gtk_widget_class_bind_template_callback_full (widget_class, "filter_chosen_cb",
                                                G_CALLBACK (sd_support_page_filter_chosen_cb));
  gtk_widget_class_bind_template_callback (widget_class, ticket_activated_cb);

  signals[TICKET_OPENED] =
    g_signal_new ("ticket-opened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, SD_TYPE_TICKET);
  signals[LIST_LOADED] =
    g_signal_new ("list-loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "support.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "support.reload", NULL, reload_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
sd_support_page_init (SdSupportPage *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  self->cancellable = g_cancellable_new ();
  self->category_ids = g_ptr_array_new_with_free_func (g_free);
  self->category_names_by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->bound_items = g_hash_table_new (NULL, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  sd_support_page_filters_init (self);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
}

void
sd_support_page_set_client (SdSupportPage *self,
                            SdClient      *client)
{
  g_autoptr(SdTicketQuery) query = NULL;
  g_autoptr(GtkNoSelection) selection = NULL;

  g_return_if_fail (SD_IS_SUPPORT_PAGE (self));

  if (self->client == client)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->client, client);

  gtk_list_view_set_model (self->list_view, NULL);
  g_clear_object (&self->tickets);
  self->list_loaded = FALSE;
  gtk_stack_set_visible_child_name (self->stack, "list");
  if (self->new_ticket_page != NULL)
    sd_new_ticket_page_set_client (self->new_ticket_page, client);
  if (self->ticket_page != NULL)
    sd_ticket_page_set_client (self->ticket_page, client);

  if (client == NULL)
    return;

  /* A new session starts from a clean list. */
  g_signal_handlers_block_by_func (self->search_entry, sd_support_page_filters_changed, self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  g_signal_handlers_unblock_by_func (self->search_entry, sd_support_page_filters_changed, self);

  self->tickets = sd_ticket_list_new (client, PAGE_SIZE);
  g_signal_connect_object (self->tickets, "items-changed",
                           G_CALLBACK (sd_support_page_update_list_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tickets, "notify::loading",
                           G_CALLBACK (list_loading_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tickets, "notify::error",
                           G_CALLBACK (sd_support_page_update_list_state), self,
                           G_CONNECT_SWAPPED);

  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->tickets)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));

  /*
   * A remembered category may be gone from the service: asking for it would
   * fail, so the list waits for the categories first. Without one, it loads
   * at once.
   */
  self->categories_loaded = FALSE;
  self->query_deferred = self->category_id != NULL;
  if (!self->query_deferred)
    {
      query = sd_support_page_current_query (self);
      sd_ticket_list_set_query (self->tickets, query);
    }
  sd_support_page_update_list_state (self);

  sd_client_list_categories_async (client, self->cancellable, sd_support_page_categories_loaded_cb,
                                   g_object_ref (self));
}

void
sd_support_page_new_ticket (SdSupportPage *self)
{
  g_return_if_fail (SD_IS_SUPPORT_PAGE (self));

  /* An unfinished form stays as it was left: nothing typed is thrown away. The form
   * empties itself once its ticket is created. */
  ensure_new_ticket_page (self);
  gtk_stack_set_visible_child_name (self->stack, "new-ticket");
}

void
sd_support_page_make_form (SdSupportPage *self)
{
  g_return_if_fail (SD_IS_SUPPORT_PAGE (self));

  ensure_new_ticket_page (self);
}

void
sd_support_page_focus_search (SdSupportPage *self)
{
  g_return_if_fail (SD_IS_SUPPORT_PAGE (self));

  gtk_stack_set_visible_child_name (self->stack, "list");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
sd_support_page_open_ticket (SdSupportPage *self,
                             SdTicket      *ticket)
{
  g_return_if_fail (SD_IS_SUPPORT_PAGE (self));
  g_return_if_fail (SD_IS_TICKET (ticket));

  sd_ticket_page_set_ticket (ensure_ticket_page (self), ticket);
  gtk_stack_set_visible_child_name (self->stack, "ticket");
  g_signal_emit (self, signals[TICKET_OPENED], 0, ticket);
}

static void
ticket_found_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SdSupportPage) self = user_data;
  g_autoptr(SdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;

  ticket = sd_client_get_ticket_finish (SD_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (ticket == NULL)
    {
      g_autofree char *message = sd_app_error_message (error);
      /* Translators: what failed, then why. */
      g_autofree char *text = g_strdup_printf (_("The ticket cannot be opened. %s"), message);

      g_debug ("Cannot open ticket: %s", error->message);
      gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
      return;
    }

  sd_support_page_open_ticket (self, ticket);
}

void
sd_support_page_open_ticket_by_id (SdSupportPage *self,
                                   gint64         ticket_id)
{
  GListModel *tickets;

  g_return_if_fail (SD_IS_SUPPORT_PAGE (self));
  g_return_if_fail (ticket_id > 0);

  if (self->client == NULL)
    return;

  /* The list's own object, when it has one, so that the list follows what the page learns. */
  tickets = self->tickets != NULL ? G_LIST_MODEL (self->tickets) : NULL;
  for (guint i = 0; tickets != NULL && i < g_list_model_get_n_items (tickets); i++)
    {
      g_autoptr(SdTicket) ticket = g_list_model_get_item (tickets, i);

      if (sd_ticket_get_id (ticket) == ticket_id)
        {
          sd_support_page_open_ticket (self, ticket);
          sd_ticket_page_refresh (self->ticket_page);
          return;
        }
    }

  sd_client_get_ticket_async (self->client, ticket_id, self->cancellable, ticket_found_cb,
                              g_object_ref (self));
}

gboolean
sd_support_page_get_list_loaded (SdSupportPage *self)
{
  g_return_val_if_fail (SD_IS_SUPPORT_PAGE (self), FALSE);

  return self->list_loaded;
}

SdTicket *
sd_support_page_get_open_ticket (SdSupportPage *self)
{
  g_return_val_if_fail (SD_IS_SUPPORT_PAGE (self), NULL);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "ticket") != 0)
    return NULL;

  return sd_ticket_page_get_ticket (self->ticket_page);
}

void
sd_support_page_set_settings (SdSupportPage *self,
                              GSettings     *settings)
{
  g_return_if_fail (SD_IS_SUPPORT_PAGE (self));
  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));

  if (!g_set_object (&self->settings, settings))
    return;

  sd_support_page_restore_filters (self);
}

void
sd_support_page_refresh (SdSupportPage *self)
{
  const char *visible;

  g_return_if_fail (SD_IS_SUPPORT_PAGE (self));

  visible = gtk_stack_get_visible_child_name (self->stack);
  if (g_str_equal (visible, "ticket"))
    sd_ticket_page_refresh (self->ticket_page);
  else if (g_str_equal (visible, "list") && self->tickets != NULL)
    sd_ticket_list_reload (self->tickets);
}
