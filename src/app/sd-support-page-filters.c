#define G_LOG_DOMAIN "sd-support-page"

#include "config.h"

#include "sd-support-page-private.h"

#include <glib/gi18n.h>

/* The status drop-down's choices, in its order: "All", "Pending", "Solved". */
static const char * const statuses[] = { NULL, "pending", "solved" };

SdTicketQuery *
sd_support_page_current_query (SdSupportPage *self)
{
  guint status = gtk_drop_down_get_selected (self->status_dropdown);

  return sd_ticket_query_new (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)),
                              self->category_id,
                              status < G_N_ELEMENTS (statuses) ? statuses[status] : NULL);
}

gboolean
sd_support_page_query_filters (const SdTicketQuery *query)
{
  return (query->q != NULL && *query->q != '\0') || query->category != NULL ||
         query->status != NULL;
}

static void
save_filters (SdSupportPage *self)
{
  guint status = gtk_drop_down_get_selected (self->status_dropdown);
  const char *name = status < G_N_ELEMENTS (statuses) ? statuses[status] : NULL;

  if (self->settings == NULL)
    return;

  g_settings_set_string (self->settings, "last-status", name != NULL ? name : "");
  g_settings_set_string (self->settings, "last-category",
                         self->category_id != NULL ? self->category_id : "");
}

void
sd_support_page_filter_chosen_cb (SdSupportPage *self)
{
  guint category = gtk_drop_down_get_selected (self->category_dropdown);
  const char *category_id = NULL;

  /* Before the names are there, the drop-down only says "All categories", whatever is chosen. */
  if (self->categories_loaded)
    {
      if (category != GTK_INVALID_LIST_POSITION && category > 0 &&
          category <= self->category_ids->len)
        category_id = g_ptr_array_index (self->category_ids, category - 1);

      g_free (self->category_id);
      self->category_id = g_strdup (category_id);
    }

  save_filters (self);
  sd_support_page_filters_changed (self);
}

/* Shows the chosen category in the drop-down; forgets it if the service no longer has it. */
static void
select_category (SdSupportPage *self)
{
  guint position = 0;

  if (self->category_id != NULL)
    {
      for (guint i = 0; i < self->category_ids->len; i++)
        if (g_str_equal (g_ptr_array_index (self->category_ids, i), self->category_id))
          position = i + 1;

      if (position == 0)
        {
          g_clear_pointer (&self->category_id, g_free);
          save_filters (self);
        }
    }

  g_signal_handlers_block_by_func (self->category_dropdown, sd_support_page_filter_chosen_cb,
                                   self);
  gtk_drop_down_set_selected (self->category_dropdown, position);
  g_signal_handlers_unblock_by_func (self->category_dropdown, sd_support_page_filter_chosen_cb,
                                     self);
}

void
sd_support_page_restore_filters (SdSupportPage *self)
{
  g_autofree char *status = NULL;
  g_autofree char *category = NULL;
  guint position = 0;

  if (self->settings == NULL)
    return;

  status = g_settings_get_string (self->settings, "last-status");
  category = g_settings_get_string (self->settings, "last-category");

  for (guint i = 1; i < G_N_ELEMENTS (statuses); i++)
    if (g_str_equal (status, statuses[i]))
      position = i;

  g_signal_handlers_block_by_func (self->status_dropdown, sd_support_page_filter_chosen_cb, self);
  gtk_drop_down_set_selected (self->status_dropdown, position);
  g_signal_handlers_unblock_by_func (self->status_dropdown, sd_support_page_filter_chosen_cb,
                                     self);

  g_free (self->category_id);
  self->category_id = *category != '\0' ? g_steal_pointer (&category) : NULL;
  if (self->categories_loaded)
    select_category (self);

  sd_support_page_filters_changed (self);
}

void
sd_support_page_show_categories (SdSupportPage *self,
                                 GPtrArray     *categories)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  g_ptr_array_set_size (self->category_ids, 0);
  g_hash_table_remove_all (self->category_names_by_id);

  g_ptr_array_add (names, (gpointer)_("All categories"));
  for (guint i = 0; i < categories->len; i++)
    {
      SdCategory *category = g_ptr_array_index (categories, i);

      g_ptr_array_add (self->category_ids, g_strdup (sd_category_get_id (category)));
      g_hash_table_insert (self->category_names_by_id, g_strdup (sd_category_get_id (category)),
                           g_strdup (sd_category_get_name (category)));
      g_ptr_array_add (names, (gpointer)sd_category_get_name (category));
    }
  g_ptr_array_add (names, NULL);

  /* Replacing the names resets the selection: the chosen category is selected again. */
  g_signal_handlers_block_by_func (self->category_dropdown, sd_support_page_filter_chosen_cb,
                                   self);
  gtk_string_list_splice (self->category_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->category_names)),
                          (const char * const *)names->pdata);
  g_signal_handlers_unblock_by_func (self->category_dropdown, sd_support_page_filter_chosen_cb,
                                     self);
  self->categories_loaded = TRUE;
  select_category (self);

  if (self->query_deferred)
    {
      g_autoptr(SdTicketQuery) query = sd_support_page_current_query (self);

      self->query_deferred = FALSE;
      if (self->tickets != NULL)
        sd_ticket_list_set_query (self->tickets, query);
      sd_support_page_update_list_state (self);
    }
  else
    sd_support_page_filters_changed (self);
}

static void
setup_choice_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  ellipsize)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  /* In the button, long names shorten, so the filters fit a narrow window. */
  if (GPOINTER_TO_INT (ellipsize))
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (label), 3);
    }
  gtk_list_item_set_child (item, label);
}

static void
bind_choice_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkStringObject *choice = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      gtk_string_object_get_string (choice));
}

static GtkListItemFactory *
choice_factory (gboolean ellipsize)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_choice_cb), GINT_TO_POINTER (ellipsize));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_choice_cb), NULL);

  return factory;
}

static void
setup_drop_down (GtkDropDown *drop_down)
{
  g_autoptr(GtkListItemFactory) button_factory = choice_factory (TRUE);
  g_autoptr(GtkListItemFactory) list_factory = choice_factory (FALSE);

  gtk_drop_down_set_factory (drop_down, button_factory);
  gtk_drop_down_set_list_factory (drop_down, list_factory);
}

void
sd_support_page_filters_init (SdSupportPage *self)
{
  const char *all[] = { _("All categories"), NULL };

  gtk_string_list_splice (self->category_names, 0, 0, all);
  setup_drop_down (self->category_dropdown);
  setup_drop_down (self->status_dropdown);
}

void
sd_support_page_categories_loaded_cb (GObject      *source,
                                      GAsyncResult *result,
                                      gpointer      user_data)
{
  g_autoptr(SdSupportPage) self = user_data;
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GError) error = NULL;

  categories = sd_client_list_categories_finish (SD_CLIENT (source), result, &error);
  if (categories == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Cannot load the categories: %s", error->message);
      /* The list waits no longer: the remembered category is likely still good. */
      if (self->query_deferred && self->tickets != NULL)
        {
          g_autoptr(SdTicketQuery) query = sd_support_page_current_query (self);

          self->query_deferred = FALSE;
          sd_ticket_list_set_query (self->tickets, query);
          sd_support_page_update_list_state (self);
        }
      return;
    }

  sd_support_page_show_categories (self, categories);

  /* Rows bound before the names arrived show ids. */
  sd_support_page_rebind_rows (self);
}
