#pragma once

#include <adwaita.h>

#include "sd-application.h"
#include "sd-test-server.h"
#include "sd-window.h"

G_BEGIN_DECLS

/*
 * The real app, in this process, with its real window on the test's X
 * server, talking to a real supportdesk-server, with the session's keyring.
 */
typedef struct
{
  SdTestServer  *server;
  SdApplication *app;
  SdWindow      *window;
} SdTestApp;

/* A registered, activated app with its window, pointed at @server_url. */
SdApplication *sd_test_application_new (const char *server_url);
SdTestApp  *sd_test_app_new            (void);
/* The same with more options for the server (NULL-terminated), or NULL. */
SdTestApp  *sd_test_app_new_full       (const char * const *server_args);
void        sd_test_app_free           (SdTestApp   *self);
/*
 * Quits the app as Ctrl+Q does, running it as the program's main() does, and
 * returns when g_application_run() does, which is when the program would
 * end: only what is on disk by then counts. The server and the data on disk
 * stay; the app and window are gone.
 */
void        sd_test_app_quit           (SdTestApp   *self);
/*
 * Drops the app and its window without asking the window to close: as near
 * to a crash as the same process gets. Widgets still save as they go, so a
 * test that means a crash first waits until what it typed is on disk.
 */
void        sd_test_app_crash          (SdTestApp   *self);
/*
 * Starts the app and its window again against the same server URL, as the
 * program's next start, and waits until it shows the sign-in page or a
 * resumed session.
 */
void        sd_test_app_start_again    (SdTestApp   *self);
/* sd_test_app_quit() (with @quit) or sd_test_app_crash(), then sd_test_app_start_again(). */
void        sd_test_app_restart        (SdTestApp   *self,
                                        gboolean     quit);
/* Fills the sign-in page and signs in; waits for the signed-in window. */
void        sd_test_app_sign_in        (SdTestApp   *self,
                                        const char  *email);

/* Iterates the main loop until @condition holds, failing the test after 15 s. */
#define sd_test_wait_until(condition) \
  G_STMT_START { \
    gint64 _deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC; \
    while (!(condition)) \
      { \
        if (g_get_monotonic_time () > _deadline) \
          g_error ("Timed out waiting for: %s", #condition); \
        g_main_context_iteration (NULL, FALSE); \
        g_usleep (1000); \
      } \
  } G_STMT_END

/* Lets pending work and redraws happen for @ms milliseconds. */
void        sd_test_spin               (guint        ms);

/*
 * The first widget below @root (depth first) whose accessible label is
 * @label, and that is of @type (G_TYPE_NONE for any); NULL when none.
 * Only mapped widgets count unless @include_hidden.
 */
GtkWidget  *sd_test_find               (GtkWidget   *root,
                                        const char  *label,
                                        GType        type,
                                        gboolean     include_hidden);
/* The first widget of @type below @root, optionally with @css_class. */
GtkWidget  *sd_test_find_type          (GtkWidget   *root,
                                        GType        type,
                                        const char  *css_class);
/* Whether some GtkLabel below @root shows exactly @text. */
gboolean    sd_test_has_label          (GtkWidget   *root,
                                        const char  *text);
/* Finds a button by accessible label and clicks it, asserting it is sensitive. */
void        sd_test_click              (GtkWidget   *root,
                                        const char  *label);

/* Whether some mapped GtkLabel below @root shows a text that starts with @prefix. */
gboolean    sd_test_has_label_prefix   (GtkWidget   *root,
                                        const char  *prefix);
/* Whether some mapped GtkLabel below @root shows a text that holds @text anywhere. */
gboolean    sd_test_shows_text         (GtkWidget   *root,
                                        const char  *text);
/*
 * Finds a button by the text it shows, its mnemonic's underscore left out,
 * and clicks it, asserting it is sensitive: for buttons whose text is their
 * only name.
 */
void        sd_test_click_text         (GtkWidget   *root,
                                        const char  *text);
/*
 * Presses @keys ("ctrl+Return", xdotool's names) on the real keyboard of the
 * test's X server, with @window focused, and waits until the X server has
 * them: they take the whole way of a key press through GTK.
 */
void        sd_test_press_keys         (GtkWindow       *window,
                                        const char      *keys);
/* Whether @action of @app has the accelerator @accel among its own. */
gboolean    sd_test_has_accel          (GtkApplication  *app,
                                        const char      *action,
                                        const char      *accel);
/* The visible AdwMessageDialog, or NULL. */
AdwMessageDialog *sd_test_find_dialog (void);
/*
 * Answers @dialog with @response and closes it, as its button does
 * (adw_message_dialog_response() alone leaves it open).
 */
void        sd_test_respond            (AdwMessageDialog *dialog,
                                        const char       *response);
/* The first visible toplevel of @type, or NULL. */
GtkWindow  *sd_test_find_toplevel      (GType        type);
/* Reads the text on @clipboard, waiting for it; NULL when it holds none. */
char       *sd_test_read_clipboard     (GdkClipboard *clipboard);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdTestApp, sd_test_app_free)

G_END_DECLS
