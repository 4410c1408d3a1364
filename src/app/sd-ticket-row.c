#define G_LOG_DOMAIN "sd-ticket-row"

#include "config.h"

#include "sd-ticket-row.h"

#include "sd-format.h"

#include <glib/gi18n.h>

struct _SdTicketRow
{
  GtkWidget  parent_instance;

  /* template widgets */
  GtkWidget *box;
  GtkLabel  *subject_label;
  GtkLabel  *details_label;
  GtkLabel  *status_label;

  /* owned */
  SdTicket  *ticket;
  char      *category_name;
  gulong     notify_handler;
};

G_DEFINE_FINAL_TYPE (SdTicketRow, sd_ticket_row, GTK_TYPE_WIDGET)

static void
update (SdTicketRow *self)
{
  g_autofree char *when = NULL;
  g_autofree char *details = NULL;
  gboolean solved;

  if (self->ticket == NULL)
    return;

  when = sd_format_relative_time (sd_ticket_get_updated_at (self->ticket));
  /* Translators: ticket number, category and last activity, e.g. "#12 · Billing · 2 hours ago". */
  details = g_strdup_printf (_("#%lld · %s · %s"), (long long) sd_ticket_get_id (self->ticket),
                             self->category_name, when);
  solved = sd_ticket_get_status (self->ticket) == SD_TICKET_STATUS_SOLVED;

  gtk_label_set_text (self->subject_label, sd_ticket_get_subject (self->ticket));
  gtk_label_set_text (self->details_label, details);
  gtk_label_set_text (self->status_label, solved ? _("Solved") : _("Pending"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), solved ? "pending" : "solved");
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), solved ? "solved" : "pending");
}

static void
unbind (SdTicketRow *self)
{
  if (self->ticket != NULL)
    g_clear_signal_handler (&self->notify_handler, self->ticket);
  g_clear_object (&self->ticket);
  g_clear_pointer (&self->category_name, g_free);
}

static void
sd_ticket_row_dispose (GObject *object)
{
  SdTicketRow *self = (SdTicketRow *)object;

  unbind (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_TICKET_ROW);

  G_OBJECT_CLASS (sd_ticket_row_parent_class)->dispose (object);
}

static void
sd_ticket_row_class_init (SdTicketRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_ticket_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/SupportDesk/sd-ticket-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SdTicketRow, box);
  gtk_widget_class_bind_template_child (widget_class, SdTicketRow, subject_label);
  gtk_widget_class_bind_template_child (widget_class, SdTicketRow, details_label);
  gtk_widget_class_bind_template_child (widget_class, SdTicketRow, status_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
sd_ticket_row_init (SdTicketRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sd_ticket_row_new (void)
{
  return g_object_new (SD_TYPE_TICKET_ROW, NULL);
}

void
sd_ticket_row_bind (SdTicketRow *self,
                    SdTicket    *ticket,
                    const char  *category_name)
{
  g_return_if_fail (SD_IS_TICKET_ROW (self));

  unbind (self);

  if (ticket == NULL)
    return;

  self->ticket = g_object_ref (ticket);
  self->category_name = g_strdup (category_name);
  /* A reload updates tickets in place: the row follows. */
  self->notify_handler = g_signal_connect_object (ticket, "notify", G_CALLBACK (update), self,
                                                  G_CONNECT_SWAPPED);
  update (self);
}
