#define G_LOG_DOMAIN "sd-support-page"

#include "config.h"

#include "sd-support-page-private.h"

#include "sd-outbox-row.h"

#include <glib/gi18n.h>

/*
 * The unsent tickets, shown above the list where they will be once sent,
 * and what follows when one is sent.
 */

static void
item_sent_cb (SdSupportPage *self,
              SdOutboxItem  *item,
              GObject       *created)
{
  g_autofree char *text = NULL;

  if (!SD_IS_TICKET (created))
    return;

  if (self->tickets != NULL)
    sd_ticket_list_reload (self->tickets);

  /* Just created and still looked for: it opens, as if it had never been away. */
  if (item == self->awaited)
    {
      g_clear_object (&self->awaited);
      if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "list"))
        {
          sd_support_page_open_ticket (self, SD_TICKET (created));
          return;
        }
    }

  /* Translators: %s is the ticket's subject. */
  text = g_strdup_printf (_("Ticket “%s” was sent to support"),
                          sd_ticket_get_subject (SD_TICKET (created)));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
}

static gboolean
is_ticket (gpointer item,
           gpointer user_data)
{
  return sd_outbox_item_get_kind (item) == SD_OUTBOX_ITEM_KIND_TICKET;
}

static GtkWidget *
create_outbox_row_cb (gpointer item,
                      gpointer user_data)
{
  SdSupportPage *self = user_data;

  return sd_outbox_row_new (self->outbox, item);
}

static void
update_outbox_list (SdSupportPage *self)
{
  GListModel *model = g_object_get_data (G_OBJECT (self->outbox_list), "sd-model");

  gtk_widget_set_visible (GTK_WIDGET (self->outbox_list),
                          model != NULL && g_list_model_get_n_items (model) > 0);
}

void
sd_support_page_set_outbox (SdSupportPage *self,
                            SdOutbox      *outbox,
                            SdDrafts      *drafts)
{
  g_autoptr(GtkFilterListModel) tickets = NULL;

  g_return_if_fail (SD_IS_SUPPORT_PAGE (self));
  g_return_if_fail (outbox == NULL || SD_IS_OUTBOX (outbox));

  g_set_object (&self->drafts, drafts);
  if (self->new_ticket_page != NULL)
    sd_new_ticket_page_set_outbox (self->new_ticket_page, outbox, drafts);
  if (self->ticket_page != NULL)
    sd_ticket_page_set_outbox (self->ticket_page, outbox, drafts);

  if (self->outbox == outbox)
    return;

  if (self->outbox != NULL)
    g_signal_handlers_disconnect_by_data (self->outbox, self);
  g_set_object (&self->outbox, outbox);
  g_clear_object (&self->awaited);
  gtk_list_box_bind_model (self->outbox_list, NULL, NULL, NULL, NULL);
  g_object_set_data (G_OBJECT (self->outbox_list), "sd-model", NULL);

  if (outbox != NULL)
    {
      /* Unsent tickets head the list, where they will be once sent. */
      tickets = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (outbox)),
                                           GTK_FILTER (gtk_custom_filter_new (is_ticket, NULL,
                                                                              NULL)));
      gtk_list_box_bind_model (self->outbox_list, G_LIST_MODEL (tickets), create_outbox_row_cb,
                               self, NULL);
      g_object_set_data_full (G_OBJECT (self->outbox_list), "sd-model", g_object_ref (tickets),
                              g_object_unref);
      g_signal_connect_object (tickets, "items-changed", G_CALLBACK (update_outbox_list), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (outbox, "item-sent", G_CALLBACK (item_sent_cb), self,
                               G_CONNECT_SWAPPED);
    }

  update_outbox_list (self);
}
