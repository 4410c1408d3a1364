#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * What the app harnesses (start-app, scroll-app) share. They run the real
 * app as its main.c does, linked from its static library, and only look at
 * its widgets from outside: nothing in the app knows it is measured.
 */

/* The GtkListView of the ticket list, once it has its model; else NULL. */
GtkListView *sd_bench_app_find_ticket_view (GtkWidget   *root);
/* The SdTicketList behind @view. */
GListModel  *sd_bench_app_ticket_model     (GtkListView *view);
/* Whether @view shows rows that were laid out: a painted frame holds them. */
gboolean     sd_bench_app_view_shows_rows  (GtkListView *view);
/*
 * Keeps @token in the keyring as the session of @email on @server, as the
 * app does after signing in, so that the next start resumes it.
 */
void         sd_bench_app_store_token      (const char  *server,
                                            const char  *email,
                                            const char  *token);

G_END_DECLS
