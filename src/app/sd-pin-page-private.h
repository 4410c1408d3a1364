#pragma once

#include "sd-pin-page.h"

G_BEGIN_DECLS

/*
 * What the files of SdPinPage share: sd-pin-page.c has the PIN and the
 * page's life, sd-pin-page-lists.c the access log and the invitations.
 */

struct _SdPinPage
{
  GtkWidget     parent_instance;

  /* template widgets */
  GtkStack     *pin_stack;
  GtkLabel     *pin_label;
  GtkLabel     *error_label;
  GtkLabel     *state_label;
  GtkLabel     *hint_label;
  GtkListBox   *log_list;
  GtkLabel     *log_placeholder;
  GtkListBox   *invitation_list;
  GtkLabel     *invitation_placeholder;

  /* owned */
  SdClient     *client;
  SdPinStatus  *status;
  /* The plain digits: known only from a renewal, or from the keyring after a restart. */
  char         *pin;
  /* When that PIN was made: tells a PIN replaced elsewhere from an answer overtaken by a
   * renewal. */
  GDateTime    *pin_created_at;
  GListStore   *log;
  GListStore   *invitations;
  /* Renewing, clearing, revoking and keyring writes of this session. */
  GCancellable *cancellable;
  /* The status load and its keyring lookup: renewing or clearing cancels them, so that
   * an answer from before cannot undo it. */
  GCancellable *status_cancellable;
  GCancellable *lists_cancellable;
  /* The load error last told, so that refreshing while offline does not repeat it. */
  char         *load_error;
  gboolean      status_loaded;
  gboolean      keyring_checked;
  gboolean      busy;
  /* Renew once the status now loading tells whether the PIN still works. */
  gboolean      renew_when_loaded;
};

/* sd-pin-page.c */
void  sd_pin_page_toast                     (SdPinPage    *self,
                                             const char   *title);
/* A human message for @error; an unauthorized answer here means the session ended. */
char *sd_pin_page_error_message             (const GError *error);

/* sd-pin-page-lists.c */
/* Shows the two lists' models in their list boxes; once, from init. */
void  sd_pin_page_lists_init                (SdPinPage    *self);
/* Empties both lists, as before anything is loaded. */
void  sd_pin_page_lists_reset               (SdPinPage    *self);
void  sd_pin_page_load_lists                (SdPinPage    *self);
/* "pin.revoke-invitation" (int64 invitation id). */
void  sd_pin_page_revoke_invitation_action  (GtkWidget    *widget,
                                             const char   *action_name,
                                             GVariant     *parameter);

G_END_DECLS
