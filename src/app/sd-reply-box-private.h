#pragma once

#include "sd-reply-box.h"

#include "sd-drafts.h"
#include "sd-outbox.h"
#include "sd-upload.h"

G_BEGIN_DECLS

/*
 * What the user wrote for one ticket, kept while other tickets are shown so
 * that going back and forth loses nothing, and on disk (sd-reply-box-draft.c)
 * so that a restart loses nothing either.
 */
typedef struct
{
  /* The field's text while another ticket is shown. */
  char       *text;
  /* SdUpload, in the order the files were attached. */
  GListStore *uploads;
  /* The message is being written to the outbox. */
  gboolean    sending;
  /* The draft on disk was looked for already. */
  gboolean    restored;
} Draft;

/* Shared by the files of SdReplyBox: sd-reply-box.c, -uploads.c and -draft.c. */
struct _SdReplyBox
{
  GtkWidget      parent_instance;

  /* template widgets */
  GtkWidget     *clamp;
  GtkListBox    *pending_list;
  GtkFlowBox    *upload_box;
  GtkTextView   *message_view;
  GtkTextBuffer *buffer;
  GtkLabel      *hint_label;
  GtkSpinner    *send_spinner;
  GtkWidget     *discard_draft_button;

  /* owned */
  SdClient      *client;
  SdOutbox      *outbox;
  SdDrafts      *disk_drafts;
  SdTicket      *ticket;
  /* Cancelled when the client changes: uploads, reading the files to attach, drafts. */
  GCancellable  *cancellable;
  /* ticket id -> Draft */
  GHashTable    *drafts;
  gulong         uploads_changed_id;
  /* Saves the shown ticket's draft a moment after the user stops typing. */
  guint          save_source;
  gint64         save_ticket_id;
  /* Above zero while the program, not the user, changes the field: nothing to save. */
  guint          quiet;
};

/* A callback's hold on the box and the ticket it was for. */
typedef struct
{
  SdReplyBox *box;
  gint64      ticket_id;
} TicketData;

TicketData *ticket_data_new                  (SdReplyBox   *self,
                                              gint64        ticket_id);
void        ticket_data_free                 (TicketData   *data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TicketData, ticket_data_free)

/* sd-reply-box.c */
Draft      *sd_reply_box_lookup_draft        (SdReplyBox   *self,
                                              gint64        ticket_id);
/* The shown ticket's draft, made when there is none yet; NULL when no ticket is shown. */
Draft      *sd_reply_box_current_draft       (SdReplyBox   *self);
void        sd_reply_box_update_compose_state (SdReplyBox  *self);
char       *sd_reply_box_dup_text            (SdReplyBox   *self);
void        sd_reply_box_toast               (SdReplyBox   *self,
                                              const char   *text);
void        sd_reply_box_toast_error         (SdReplyBox   *self,
                                              const char   *what,
                                              const GError *error);

/* sd-reply-box-uploads.c */
/* Chips of the shown draft's files, for the flow box. */
GtkWidget  *sd_reply_box_create_upload_chip  (gpointer      item,
                                              gpointer      user_data);
/* Adds @file to the draft of @ticket_id and starts its upload. */
void        sd_reply_box_attach_file         (SdReplyBox   *self,
                                              gint64        ticket_id,
                                              GFile        *file);
void        sd_reply_box_attach_action       (GtkWidget    *widget,
                                              const char   *action_name,
                                              GVariant     *parameter);

/* sd-reply-box-draft.c */
void        sd_reply_box_schedule_save       (SdReplyBox   *self);
void        sd_reply_box_save_now            (SdReplyBox   *self);
/* Brings back the shown ticket's draft from disk, once, into an empty field. */
void        sd_reply_box_restore_draft       (SdReplyBox   *self);
/* Forgets the draft of @ticket_id on disk. */
void        sd_reply_box_forget_draft        (SdReplyBox   *self,
                                              gint64        ticket_id);

G_END_DECLS
