#define G_LOG_DOMAIN "sd-client"

#include "config.h"

#include "sd-ticket-list.h"

#include "sd-list-diff.h"

/* An item this close to the end asked for means the user is about to see the end. */
#define LOOKAHEAD 10
/* The API's largest page. */
#define MAX_PAGE_SIZE 100
#define DEFAULT_PAGE_SIZE 50
/* Reloads compare at most this many items one by one; longer lists change as one run. */
#define MAX_DIFF_SIZE 256

struct _SdTicketList
{
  GObject        parent_instance;

  /* owned */
  SdClient      *client;
  SdTicketQuery *query;
  GPtrArray     *items;
  GHashTable    *by_id;
  char          *next_cursor;
  GError        *error;
  /* of the request in flight, or NULL: then nothing is loading */
  GCancellable  *cancellable;

  guint          load_more_id;
  guint          page_size;
  /* a first page came, so that an absent cursor means the end */
  guint          loaded : 1;
  /* the items were found for the query before the current one */
  guint          stale : 1;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SdTicketList, sd_ticket_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_PAGE_SIZE,
  PROP_QUERY,
  PROP_LOADING,
  PROP_HAS_MORE,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/*
 * Requests hold no reference to the list: dispose cancels the one in
 * flight, and a callback whose request was cancelled touches nothing,
 * since the list may be gone by then (or a newer request may have
 * replaced it).
 */
static void
start_request (SdTicketList *self)
{
  gboolean was_loading = self->cancellable != NULL;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_clear_handle_id (&self->load_more_id, g_source_remove);

  if (self->error != NULL)
    {
      g_clear_error (&self->error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }

  if (!was_loading)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* The request in flight ended: with @error (taken) when it failed. */
static void
end_request (SdTicketList *self,
             GError       *error)
{
  g_clear_object (&self->cancellable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);

  if (error != NULL)
    {
      g_clear_error (&self->error);
      self->error = error;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }
}

static void
set_next_cursor (SdTicketList *self,
                 const char   *next_cursor)
{
  gboolean had_more = sd_ticket_list_get_has_more (self);

  g_free (self->next_cursor);
  self->next_cursor = g_strdup (next_cursor);
  self->loaded = TRUE;

  if (had_more != sd_ticket_list_get_has_more (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_MORE]);
}

static gint64 *
id_key (SdTicket *ticket)
{
  return g_memdup2 (&(gint64) { sd_ticket_get_id (ticket) }, sizeof (gint64));
}

static void
index_items (SdTicketList *self)
{
  g_hash_table_remove_all (self->by_id);
  for (guint i = 0; i < self->items->len; i++)
    {
      SdTicket *ticket = g_ptr_array_index (self->items, i);

      g_hash_table_insert (self->by_id, id_key (ticket), ticket);
    }
}

typedef struct
{
  SdTicketList *self;
  GPtrArray    *fresh;
} Replace;

static void
replace_run_cb (guint    position,
                guint    n_removed,
                guint    new_position,
                guint    n_added,
                gpointer user_data)
{
  Replace *replace = user_data;
  SdTicketList *self = replace->self;

  if (n_removed > 0)
    g_ptr_array_remove_range (self->items, position, n_removed);
  for (guint k = 0; k < n_added; k++)
    g_ptr_array_insert (self->items, position + k,
                        g_object_ref (g_ptr_array_index (replace->fresh, new_position + k)));

  g_list_model_items_changed (G_LIST_MODEL (self), position, n_removed, n_added);
}

/*
 * The list becomes @page, in its order. A ticket already shown stays the
 * same object, updated in place, so that rows bound to it do not flicker
 * and whoever holds it sees the new values.
 */
static void
replace_items (SdTicketList *self,
               GPtrArray    *page)
{
  g_autoptr(GPtrArray) fresh = g_ptr_array_new_full (page->len, g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree gint64 *ids = g_new (gint64, MAX (page->len, 1));

  for (guint i = 0; i < page->len; i++)
    {
      SdTicket *ticket = g_ptr_array_index (page, i);
      SdTicket *shown;

      /* A page never names a ticket twice, but a broken one must not make a list that does. */
      ids[i] = sd_ticket_get_id (ticket);
      if (!g_hash_table_add (seen, &ids[i]))
        continue;

      shown = g_hash_table_lookup (self->by_id, &ids[i]);

      if (shown != NULL)
        {
          sd_ticket_update_from (shown, ticket);
          ticket = shown;
        }

      g_ptr_array_add (fresh, g_object_ref (ticket));
    }

  /* One items-changed per run that changed, each true of the list when it is emitted. */
  sd_list_diff (self->items->pdata, self->items->len, fresh->pdata, fresh->len, MAX_DIFF_SIZE,
                replace_run_cb, &(Replace) { self, fresh });
  index_items (self);
}

/* Adds what is new in @page at the end; a ticket already shown is only updated. */
static void
append_items (SdTicketList *self,
              GPtrArray    *page)
{
  guint position = self->items->len;

  for (guint i = 0; i < page->len; i++)
    {
      SdTicket *ticket = g_ptr_array_index (page, i);
      gint64 id = sd_ticket_get_id (ticket);
      SdTicket *shown = g_hash_table_lookup (self->by_id, &id);

      if (shown != NULL)
        {
          sd_ticket_update_from (shown, ticket);
          continue;
        }

      g_ptr_array_add (self->items, g_object_ref (ticket));
      g_hash_table_insert (self->by_id, id_key (ticket), ticket);
    }

  if (self->items->len > position)
    g_list_model_items_changed (G_LIST_MODEL (self), position, 0, self->items->len - position);
}

static void
remove_all_items (SdTicketList *self)
{
  guint n_items = self->items->len;

  if (n_items == 0)
    return;

  g_ptr_array_set_size (self->items, 0);
  g_hash_table_remove_all (self->by_id);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, n_items, 0);
}

static void
reloaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  SdTicketList *self = user_data;
  g_autoptr(SdPage) page = NULL;
  GError *error = NULL;

  page = sd_client_list_tickets_finish (SD_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      return;
    }

  /*
   * The state is final before items-changed is emitted: a list view asks
   * for the new items from its handler, and a request for the last of them
   * must find that more can be loaded.
   */
  g_object_freeze_notify (G_OBJECT (self));

  if (page == NULL)
    {
      end_request (self, error);
      /* What is shown was found for another query, and must not pass for its results. */
      if (self->stale)
        remove_all_items (self);
    }
  else
    {
      self->stale = FALSE;
      set_next_cursor (self, page->next_cursor);
      end_request (self, NULL);
      replace_items (self, page->items);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

static void
loaded_more_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  SdTicketList *self = user_data;
  g_autoptr(SdPage) page = NULL;
  GError *error = NULL;

  page = sd_client_list_tickets_finish (SD_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      return;
    }

  g_object_freeze_notify (G_OBJECT (self));

  if (page == NULL)
    {
      end_request (self, error);
    }
  else
    {
      set_next_cursor (self, page->next_cursor);
      end_request (self, NULL);
      append_items (self, page->items);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

static GType
sd_ticket_list_get_item_type (GListModel *model)
{
  return SD_TYPE_TICKET;
}

static guint
sd_ticket_list_get_n_items (GListModel *model)
{
  SdTicketList *self = SD_TICKET_LIST (model);

  return self->items->len;
}

static void
load_more_idle_cb (gpointer user_data)
{
  SdTicketList *self = user_data;

  self->load_more_id = 0;
  sd_ticket_list_load_more (self);
}

/*
 * Asking for an item near the end is how a list view says that the user
 * scrolled there. The next page is asked for from the main loop, not from
 * inside get_item(), where a list view does not expect "loading" to change.
 * After a failure nothing is loaded by itself, so that a broken connection
 * is not retried at every scroll; reload() or load_more() try again.
 */
static gpointer
sd_ticket_list_get_item (GListModel *model,
                         guint       position)
{
  SdTicketList *self = SD_TICKET_LIST (model);

  if (position >= self->items->len)
    return NULL;

  if (position + LOOKAHEAD >= self->items->len && sd_ticket_list_get_has_more (self) &&
      self->cancellable == NULL && self->error == NULL && self->load_more_id == 0)
    self->load_more_id = g_idle_add_once (load_more_idle_cb, self);

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = sd_ticket_list_get_item_type;
  iface->get_n_items = sd_ticket_list_get_n_items;
  iface->get_item = sd_ticket_list_get_item;
}

static void
sd_ticket_list_dispose (GObject *object)
{
  SdTicketList *self = (SdTicketList *)object;

  g_clear_handle_id (&self->load_more_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_hash_table_remove_all (self->by_id);
  g_ptr_array_set_size (self->items, 0);

  G_OBJECT_CLASS (sd_ticket_list_parent_class)->dispose (object);
}

static void
sd_ticket_list_finalize (GObject *object)
{
  SdTicketList *self = (SdTicketList *)object;

  g_clear_pointer (&self->query, sd_ticket_query_free);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->next_cursor, g_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (sd_ticket_list_parent_class)->finalize (object);
}

static void
sd_ticket_list_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SdTicketList *self = SD_TICKET_LIST (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    case PROP_PAGE_SIZE:
      g_value_set_uint (value, self->page_size);
      break;

    case PROP_QUERY:
      g_value_set_boxed (value, self->query);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, sd_ticket_list_get_loading (self));
      break;

    case PROP_HAS_MORE:
      g_value_set_boolean (value, sd_ticket_list_get_has_more (self));
      break;

    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_ticket_list_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SdTicketList *self = SD_TICKET_LIST (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;

    case PROP_PAGE_SIZE:
      self->page_size = g_value_get_uint (value);
      break;

    case PROP_QUERY:
      sd_ticket_list_set_query (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_ticket_list_class_init (SdTicketListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sd_ticket_list_dispose;
  object_class->finalize = sd_ticket_list_finalize;
  object_class->get_property = sd_ticket_list_get_property;
  object_class->set_property = sd_ticket_list_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         SD_TYPE_CLIENT,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_PAGE_SIZE] =
    g_param_spec_uint ("page-size", NULL, NULL,
                       1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE,
                       (G_PARAM_READWRITE |
                        G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  /* Setting it reloads, even when it is the same query. */
  properties[PROP_QUERY] =
    g_param_spec_boxed ("query", NULL, NULL,
                        SD_TYPE_TICKET_QUERY,
                        (G_PARAM_READWRITE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  properties[PROP_HAS_MORE] =
    g_param_spec_boolean ("has-more", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  /* The last failure, cleared when a request starts. */
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL,
                        G_TYPE_ERROR,
                        (G_PARAM_READABLE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_ticket_list_init (SdTicketList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->query = sd_ticket_query_new (NULL, NULL, NULL);
  self->page_size = DEFAULT_PAGE_SIZE;
}

/* @page_size 0 is the default; more than the API's largest page is that page. */
SdTicketList *
sd_ticket_list_new (SdClient *client,
                    guint     page_size)
{
  g_return_val_if_fail (SD_IS_CLIENT (client), NULL);

  return g_object_new (SD_TYPE_TICKET_LIST,
                       "client", client,
                       "page-size", page_size == 0 ? DEFAULT_PAGE_SIZE
                                                   : MIN (page_size, MAX_PAGE_SIZE),
                       NULL);
}

/* Never NULL: a list without filters has a query whose members are all NULL. */
const SdTicketQuery *
sd_ticket_list_get_query (SdTicketList *self)
{
  g_return_val_if_fail (SD_IS_TICKET_LIST (self), NULL);

  return self->query;
}

void
sd_ticket_list_set_query (SdTicketList        *self,
                          const SdTicketQuery *query)
{
  g_return_if_fail (SD_IS_TICKET_LIST (self));

  if (!sd_ticket_query_equal (self->query, query))
    {
      sd_ticket_query_free (self->query);
      self->query = query != NULL ? sd_ticket_query_copy (query)
                                  : sd_ticket_query_new (NULL, NULL, NULL);
      self->stale = self->items->len > 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUERY]);
    }

  sd_ticket_list_reload (self);
}

/*
 * As many tickets as are shown are fetched again (up to the API's largest
 * page), so that a reload does not cut short a list the user scrolled down.
 */
void
sd_ticket_list_reload (SdTicketList *self)
{
  guint limit;

  g_return_if_fail (SD_IS_TICKET_LIST (self));

  limit = self->stale ? self->page_size
                      : CLAMP (self->items->len, self->page_size, MAX_PAGE_SIZE);

  start_request (self);
  sd_client_list_tickets_async (self->client, self->query, NULL, limit, self->cancellable,
                                reloaded_cb, self);
}

void
sd_ticket_list_load_more (SdTicketList *self)
{
  g_return_if_fail (SD_IS_TICKET_LIST (self));

  if (!self->loaded)
    {
      if (self->cancellable == NULL)
        sd_ticket_list_reload (self);
      return;
    }

  if (self->cancellable != NULL || !sd_ticket_list_get_has_more (self))
    return;

  start_request (self);
  sd_client_list_tickets_async (self->client, self->query, self->next_cursor, self->page_size,
                                self->cancellable, loaded_more_cb, self);
}

gboolean
sd_ticket_list_get_loading (SdTicketList *self)
{
  g_return_val_if_fail (SD_IS_TICKET_LIST (self), FALSE);

  return self->cancellable != NULL;
}

gboolean
sd_ticket_list_get_has_more (SdTicketList *self)
{
  g_return_val_if_fail (SD_IS_TICKET_LIST (self), FALSE);

  return self->next_cursor != NULL;
}

const GError *
sd_ticket_list_get_error (SdTicketList *self)
{
  g_return_val_if_fail (SD_IS_TICKET_LIST (self), NULL);

  return self->error;
}
