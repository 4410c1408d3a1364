#pragma once

#include "sd-support-page.h"

#include "sd-new-ticket-page.h"
#include "sd-ticket-list.h"
#include "sd-ticket-page.h"

G_BEGIN_DECLS

/*
 * What the files of SdSupportPage share: sd-support-page.c has the list,
 * the pages navigated to from it and the page's life,
 * sd-support-page-filters.c the search and the two filters, which are
 * remembered across restarts, and the categories they and the rows show,
 * sd-support-page-outbox.c the unsent tickets above the list.
 */

struct _SdSupportPage
{
  GtkWidget        parent_instance;

  /* template widgets */
  GtkStack        *stack;
  GtkSearchEntry  *search_entry;
  GtkDropDown     *category_dropdown;
  GtkStringList   *category_names;
  GtkDropDown     *status_dropdown;
  GtkStack        *list_stack;
  GtkListView     *list_view;
  AdwStatusPage   *error_page;
  GtkListBox      *outbox_list;

  /* borrowed: the stack's pages made when first shown, NULL until then */
  SdNewTicketPage *new_ticket_page;
  SdTicketPage    *ticket_page;

  /* owned */
  SdClient        *client;
  SdOutbox        *outbox;
  SdDrafts        *drafts;
  /* Where the filters are remembered ("last-category", "last-status"), or NULL. */
  GSettings       *settings;
  /* The ticket just created from the form: opened once sent, if the list is still shown. */
  SdOutboxItem    *awaited;
  SdTicketList    *tickets;
  GCancellable    *cancellable;
  /* The categories' ids, in the drop-down's order after "All categories". */
  GPtrArray       *category_ids;
  /* id -> name, for the rows */
  GHashTable      *category_names_by_id;
  /* The list's items that have a row now (GtkListItem, not owned): to show names that come late. */
  GHashTable      *bound_items;
  /* The category filtered by, NULL for all: known before the drop-down has the names. */
  char            *category_id;
  gboolean         categories_loaded;
  /* The list waits for the categories, to learn whether the remembered one still exists. */
  gboolean         query_deferred;
  /* The session's list has had its first answer ("list-loaded" was emitted). */
  gboolean         list_loaded;
};

/* sd-support-page.c */
/* Shows loading, the list, empty, no results, or what went wrong. */
void           sd_support_page_update_list_state (SdSupportPage *self);
/* Gives the list the query of the search and filters, if it changed. */
void           sd_support_page_filters_changed   (SdSupportPage *self);
/* Binds the rows there are again, as they are: to show names that came after them. */
void           sd_support_page_rebind_rows       (SdSupportPage *self);

/* sd-support-page-filters.c */
/* The drop-downs' factories; once, from init. */
void           sd_support_page_filters_init      (SdSupportPage *self);
SdTicketQuery *sd_support_page_current_query     (SdSupportPage *self);
/* Whether @query narrows the list down at all. */
gboolean       sd_support_page_query_filters     (const SdTicketQuery *query);
/* Selects the remembered status and category, from the page's settings. */
void           sd_support_page_restore_filters   (SdSupportPage *self);
/*
 * Fills the category drop-down with @categories (SdCategory) and selects
 * the chosen one, forgetting it if it no longer exists.
 */
void           sd_support_page_show_categories   (SdSupportPage *self,
                                                  GPtrArray     *categories);
/* "notify::selected" of either drop-down: the user chose a filter. */
void           sd_support_page_filter_chosen_cb  (SdSupportPage *self);
/* The answer of GET /categories, for the drop-down and the rows. */
void           sd_support_page_categories_loaded_cb (GObject      *source,
                                                     GAsyncResult *result,
                                                     gpointer      user_data);

G_END_DECLS
