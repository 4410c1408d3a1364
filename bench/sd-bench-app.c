#define G_LOG_DOMAIN "sd-bench"

#include "config.h"

#include "sd-bench-app.h"

#include "sd-credentials.h"
#include "sd-ticket-list.h"

static GListModel *
underlying_model (GtkListView *view)
{
  GtkSelectionModel *selection = gtk_list_view_get_model (view);

  if (GTK_IS_NO_SELECTION (selection))
    return gtk_no_selection_get_model (GTK_NO_SELECTION (selection));
  if (GTK_IS_SINGLE_SELECTION (selection))
    return gtk_single_selection_get_model (GTK_SINGLE_SELECTION (selection));

  return NULL;
}

GtkListView *
sd_bench_app_find_ticket_view (GtkWidget *root)
{
  if (GTK_IS_LIST_VIEW (root) && SD_IS_TICKET_LIST (underlying_model (GTK_LIST_VIEW (root))))
    return GTK_LIST_VIEW (root);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkListView *found = sd_bench_app_find_ticket_view (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GListModel *
sd_bench_app_ticket_model (GtkListView *view)
{
  return underlying_model (view);
}

gboolean
sd_bench_app_view_shows_rows (GtkListView *view)
{
  GListModel *model = underlying_model (view);
  GtkWidget *row;

  if (model == NULL || g_list_model_get_n_items (model) == 0 ||
      !gtk_widget_get_mapped (GTK_WIDGET (view)))
    return FALSE;

  for (row = gtk_widget_get_first_child (GTK_WIDGET (view));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (gtk_widget_get_mapped (row) && gtk_widget_get_height (row) > 0)
      return TRUE;

  return FALSE;
}

typedef struct
{
  gboolean  done;
  GError   *error;
} Stored;

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Stored *stored = user_data;

  sd_credentials_store_token_finish (result, &stored->error);
  stored->done = TRUE;
}

static void
cleared_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Stored *cleared = user_data;

  sd_credentials_clear_token_finish (result, &cleared->error);
  cleared->done = TRUE;
}

void
sd_bench_app_store_token (const char *server,
                          const char *email,
                          const char *token)
{
  Stored cleared = { FALSE, NULL };
  Stored stored = { FALSE, NULL };

  /*
   * The app resumes the account whose item changed last; storing a token
   * that is already there may change nothing. With the server's other
   * sessions gone, this one is the only one to resume.
   */
  sd_credentials_clear_token_async (server, NULL, NULL, cleared_cb, &cleared);
  while (!cleared.done)
    g_main_context_iteration (NULL, TRUE);
  if (cleared.error != NULL)
    g_error ("Cannot clear the keyring's sessions: %s", cleared.error->message);

  sd_credentials_store_token_async (server, email, token, NULL, stored_cb, &stored);
  while (!stored.done)
    g_main_context_iteration (NULL, TRUE);

  if (stored.error != NULL)
    g_error ("Cannot keep the session in the keyring: %s", stored.error->message);
}
