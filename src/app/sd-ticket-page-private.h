#pragma once

#include "sd-ticket-page.h"

#include "sd-reply-box.h"

G_BEGIN_DECLS

/* Shared by sd-ticket-page.c (the conversation) and sd-ticket-page-header.c (the top). */
struct _SdTicketPage
{
  GtkWidget          parent_instance;

  /* template widgets */
  GtkLabel          *subject_label;
  GtkLabel          *details_label;
  GtkLabel          *status_label;
  GtkWidget         *invite_button;
  GtkLabel          *invitation_label;
  GtkStack          *conversation_stack;
  GtkScrolledWindow *scrolled_window;
  GtkListBox        *message_list;
  AdwStatusPage     *error_page;
  SdReplyBox        *reply_box;

  /* owned */
  SdClient          *client;
  SdTicket          *ticket;
  /* Cancelled when the client changes: the categories. */
  GCancellable      *cancellable;
  /* Cancelled when the ticket changes: what is loaded for the one shown. */
  GCancellable      *ticket_cancellable;
  GListStore        *messages;
  GHashTable        *message_ids;
  GHashTable        *category_names;
  GDateTime         *invitation_expires_at;
  gint64             last_message_id;
  guint              refresh_id;
  guint              scroll_id;
  gulong             ticket_notify_id;
  gboolean           loading;
  gboolean           loaded;
  gboolean           inviting;
  /* Whether the conversation follows its newest message. */
  gboolean           stick_to_end;
};

/* sd-ticket-page.c */
void     sd_ticket_page_toast                  (SdTicketPage *self,
                                                const char   *text);
void     sd_ticket_page_toast_error            (SdTicketPage *self,
                                                const char   *what,
                                                const GError *error);
gboolean sd_ticket_page_is_agent               (SdTicketPage *self);

/* sd-ticket-page-header.c */
void     sd_ticket_page_update_header          (SdTicketPage *self);
void     sd_ticket_page_categories_loaded_cb   (GObject      *source,
                                                GAsyncResult *result,
                                                gpointer      user_data);
/* Shows when the invitation of support ends, or offers one (@expires_at NULL). */
void     sd_ticket_page_show_invitation        (SdTicketPage *self,
                                                GDateTime    *expires_at);
void     sd_ticket_page_invitations_loaded_cb  (GObject      *source,
                                                GAsyncResult *result,
                                                gpointer      user_data);
void     sd_ticket_page_invite_action          (GtkWidget    *widget,
                                                const char   *action_name,
                                                GVariant     *parameter);

G_END_DECLS
