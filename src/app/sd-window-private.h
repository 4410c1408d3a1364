#pragma once

#include "sd-window.h"

#include "sd-activity-watch.h"
#include "sd-drafts.h"
#include "sd-pin-page.h"
#include "sd-sign-in-page.h"
#include "sd-support-page.h"

G_BEGIN_DECLS

/*
 * What the files of SdWindow share: sd-window.c has the window's life, its
 * pages and actions, sd-window-session.c its session (resumed, signed in and
 * out, ended), sd-window-background.c what it does while the user is
 * elsewhere (the network, the activity watch and its notifications) and
 * what notifications ask of it.
 */

struct _SdWindow
{
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *session_stack;
  GtkBox               *sign_in_box;
  AdwViewStack         *view_stack;
  SdSupportPage        *support_page;
  SdPinPage            *pin_page;
  GtkRevealer          *offline_revealer;

  /* Made when first shown: most starts resume a session and never show it. */
  SdSignInPage         *sign_in_page;
  /* Made when first asked for (owned), then hidden when closed. */
  GtkWindow            *shortcuts_window;

  /* owned */
  SdClient             *client;
  /*
   * A session confirmed as the window starts waits for its list's first answer
   * before it is shown, for at most a moment: the page is not painted empty
   * just before the rows come.
   */
  SdClient             *confirmed_client;
  guint                 confirmed_id;
  /* The signed-in account's unsent work and drafts; kept while it signs in again. */
  SdOutbox             *outbox;
  SdDrafts             *drafts;
  /* Looks for agents' replies and uses of the PIN while the window is in the background. */
  SdActivityWatch      *watch;
  GCancellable         *cancellable;
  /* Cancelled by the next look at the network. */
  GCancellable         *reach_cancellable;
  /*
   * What the signed-in window does not need for its first view (the PIN
   * page's data, the limits, the network and the watch) waits until the
   * ticket list has its first page painted.
   */
  gboolean              rest_pending;
  guint                 rest_id;
  GdkFrameClock        *rest_clock;
  gulong                rest_paint_id;

  /*
   * What a notification asked for before there was a session (it started
   * the app, say), done once signed in: a ticket to open (0 for none), the
   * PIN page, and a renewal of the PIN.
   */
  gint64                pending_ticket_id;
  gboolean              pending_pin;
  gboolean              pending_renew;
};

/* sd-window-session.c */
/* Connects to the support page; once, from init. */
void sd_window_session_init          (SdWindow *self);
/* Looks for a session kept in the keyring, and resumes it or shows the sign-in page. */
void sd_window_resume_session        (SdWindow *self);
/* Signs out on the server and here, and shows the sign-in page. */
void sd_window_sign_out              (SdWindow *self);
void sd_window_session_dispose       (SdWindow *self);

/* sd-window-background.c */
/* Connects to the window's focus and pages; once, from init. */
void sd_window_background_init       (SdWindow *self);
/* The session's client is set: watches it, and does what waited for a session. */
void sd_window_background_signed_in  (SdWindow *self);
/* The session ended: stops watching. */
void sd_window_background_signed_out (SdWindow *self);
/* Whether the service's host can be reached, asked again at every change of the network. */
void sd_window_check_network         (SdWindow *self);
/* The rest of signing in, once the list has its first page or another page is shown. */
void sd_window_finish_sign_in        (SdWindow *self);
void sd_window_cancel_rest           (SdWindow *self);
/* "list-loaded" of the support page: the rest follows once the list is painted. */
void sd_window_list_loaded_cb        (SdWindow *self);
/* Another page is shown: what waits for it is done at once. */
void sd_window_page_shown_cb         (SdWindow *self);

G_END_DECLS
