#pragma once

#include "sd-new-ticket-page.h"

#include "sd-drafts.h"
#include "sd-outbox.h"

G_BEGIN_DECLS

/* The service's limits (its defaults), checked before a ticket is queued. */
#define SD_NEW_TICKET_MAX_SUBJECT     200
#define SD_NEW_TICKET_MAX_DESCRIPTION 65536

/* Shared by sd-new-ticket-page.c (the form) and sd-new-ticket-page-draft.c (its draft). */
struct _SdNewTicketPage
{
  GtkWidget      parent_instance;

  /* template widgets */
  GtkWidget     *form_box;
  GtkDropDown   *category_dropdown;
  GtkStringList *category_names;
  GtkLabel      *category_error;
  AdwEntryRow   *subject_row;
  GtkLabel      *subject_error;
  GtkTextView   *description_view;
  GtkTextBuffer *description_buffer;
  GtkLabel      *description_error;
  SdDropArea    *drop_area;
  GtkLabel      *uploads_error;
  GtkWidget     *create_button;
  GtkStack      *button_stack;

  /* owned */
  SdClient      *client;
  SdOutbox      *outbox;
  SdDrafts      *drafts;
  /* Cancelled when the session changes or the page goes. */
  GCancellable  *cancellable;
  /* The categories' ids, in the drop-down's order after the placeholder. */
  GPtrArray     *category_ids;
  /* A restored draft's category, chosen once the categories are loaded. */
  char          *draft_category;
  /* Saves the draft a moment after the user stops typing. */
  guint          save_source;
  /* Above zero while the program, not the user, changes the form: nothing to save. */
  guint          quiet;
  gboolean       loading_categories;
  /* The ticket is being written to the outbox. */
  gboolean       creating;
  /* reset() asks for the first field to be focused once the page is shown. */
  gboolean       focus_on_map;
};

/* sd-new-ticket-page.c */
char       *sd_new_ticket_page_dup_subject     (SdNewTicketPage *self);
char       *sd_new_ticket_page_dup_description (SdNewTicketPage *self);
/* The chosen category's id, or NULL while the placeholder is selected. */
const char *sd_new_ticket_page_get_category    (SdNewTicketPage *self);
void        sd_new_ticket_page_update_state    (SdNewTicketPage *self);

/* sd-new-ticket-page-draft.c */
gboolean    sd_new_ticket_page_is_empty        (SdNewTicketPage *self);
/* Saves the draft soon, when the user changed the form. */
void        sd_new_ticket_page_schedule_save   (SdNewTicketPage *self);
/* Saves a draft whose save is pending, now. */
void        sd_new_ticket_page_save_now        (SdNewTicketPage *self);
/* Fills an empty form with the saved draft, if there is one. */
void        sd_new_ticket_page_restore_draft   (SdNewTicketPage *self);
/* Empties the form and forgets its draft. */
void        sd_new_ticket_page_discard_draft   (SdNewTicketPage *self);

G_END_DECLS
