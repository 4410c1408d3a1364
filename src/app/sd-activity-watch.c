#define G_LOG_DOMAIN "sd-activity-watch"

#include "config.h"

#include "sd-activity-watch.h"

/* The first page of the ticket list: where any ticket with new activity is. */
#define TICKETS_PER_LOOK 50
#define MESSAGES_PER_PAGE 100

struct _SdActivityWatch
{
  GObject       parent_instance;

  /* owned */
  SdClient     *client;
  /* Cancelled when the watch stops: nothing from before may be told after. */
  GCancellable *cancellable;
  /* ticket id -> Seen, for the user's tickets on the first page */
  GHashTable   *seen;
  SdPinStatus  *pin;
  guint         timeout_id;
  guint         interval;
  /* Requests of the current look still on their way; the next look waits for them. */
  guint         n_pending;
  /* The newest activity of any ticket seen, in Unix time: a ticket that comes to the
   * first page later has news only after it. */
  gint64        high_water;
  gboolean      running;
  gboolean      tickets_primed;
  gboolean      pin_primed;
};

G_DEFINE_FINAL_TYPE (SdActivityWatch, sd_activity_watch, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_INTERVAL,
  PROP_PRIMED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  AGENT_REPLIED,
  PIN_USED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What is known of one ticket. */
typedef struct
{
  gint64 message_count;
  gint64 last_message_at;
  /* The newest message looked at; 0 while none was. */
  gint64 last_message_id;
} Seen;

/* How to tell the new messages among those fetched for a ticket. */
typedef enum
{
  /* All those after the newest one looked at (they were asked for "after" it). */
  NEW_AFTER_ID,
  /* All but the first @old_count, which were there before. */
  NEW_AFTER_COUNT,
  /* Those made after @since: the ticket was not seen before. */
  NEW_AFTER_TIME,
} NewRule;

typedef struct
{
  SdActivityWatch *watch;
  GCancellable    *cancellable;
  SdTicket        *ticket;
  GPtrArray       *messages;
  NewRule          rule;
  gint64           after_id;
  gint64           old_count;
  gint64           since;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_clear_object (&fetch->watch);
  g_clear_object (&fetch->cancellable);
  g_clear_object (&fetch->ticket);
  g_clear_pointer (&fetch->messages, g_ptr_array_unref);
  g_free (fetch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fetch, fetch_free)

static gint64
unix_time (GDateTime *time)
{
  return time != NULL ? g_date_time_to_unix (time) : 0;
}

static gint64
user_id (SdActivityWatch *self)
{
  SdUser *user = sd_client_get_user (self->client);

  return user != NULL ? sd_user_get_id (user) : -1;
}

static gboolean
is_current (SdActivityWatch *self,
            GCancellable    *cancellable)
{
  return self->running && cancellable == self->cancellable &&
         !g_cancellable_is_cancelled (cancellable);
}

static void
update_primed (SdActivityWatch *self,
               gboolean         was_primed)
{
  if (was_primed != sd_activity_watch_get_primed (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRIMED]);
}

static void
request_done (SdActivityWatch *self,
              GCancellable    *cancellable)
{
  if (cancellable == self->cancellable && self->n_pending > 0)
    self->n_pending--;
}

static gboolean
is_agent_reply (SdActivityWatch *self,
                SdMessage       *message)
{
  SdUser *author = sd_message_get_author (message);

  return sd_message_get_kind (message) == SD_MESSAGE_KIND_COMMENT && author != NULL &&
         sd_user_get_role (author) == SD_ROLE_AGENT && sd_user_get_id (author) != user_id (self);
}

static void fetch_messages (SdActivityWatch *self,
                            Fetch           *fetch,
                            const char      *cursor);

/* Every message of @fetch is in: tells the agents' new ones, and remembers them all as seen. */
static void
fetch_finished (SdActivityWatch *self,
                Fetch           *fetch)
{
  gint64 id = sd_ticket_get_id (fetch->ticket);
  Seen *seen = g_hash_table_lookup (self->seen, &id);
  gint64 last_id = seen != NULL ? seen->last_message_id : 0;

  for (guint i = 0; i < fetch->messages->len; i++)
    {
      SdMessage *message = g_ptr_array_index (fetch->messages, i);
      gboolean is_new;

      switch (fetch->rule)
        {
        case NEW_AFTER_ID:
          is_new = sd_message_get_id (message) > fetch->after_id;
          break;
        case NEW_AFTER_COUNT:
          is_new = i >= fetch->old_count;
          break;
        case NEW_AFTER_TIME:
        default:
          is_new = unix_time (sd_message_get_created_at (message)) > fetch->since;
          break;
        }

      last_id = MAX (last_id, sd_message_get_id (message));
      if (is_new && is_agent_reply (self, message))
        g_signal_emit (self, signals[AGENT_REPLIED], 0, fetch->ticket, message);
    }

  if (seen == NULL)
    {
      seen = g_new0 (Seen, 1);
      g_hash_table_insert (self->seen, g_memdup2 (&id, sizeof id), seen);
    }
  seen->message_count = sd_ticket_get_message_count (fetch->ticket);
  seen->last_message_at = unix_time (sd_ticket_get_last_message_at (fetch->ticket));
  seen->last_message_id = last_id;
}

static void
messages_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Fetch) fetch = user_data;
  SdActivityWatch *self = fetch->watch;
  g_autoptr(SdPage) page = NULL;
  g_autoptr(GError) error = NULL;

  page = sd_client_list_messages_finish (SD_CLIENT (source), result, &error);
  if (!is_current (self, fetch->cancellable))
    return;

  if (page == NULL)
    {
      /* The ticket stays as it was seen, so the next look asks again. */
      g_debug ("Cannot look at the messages of ticket %" G_GINT64_FORMAT ": %s",
               sd_ticket_get_id (fetch->ticket), error->message);
      request_done (self, fetch->cancellable);
      return;
    }

  for (guint i = 0; i < page->items->len; i++)
    g_ptr_array_add (fetch->messages, g_object_ref (g_ptr_array_index (page->items, i)));

  if (page->next_cursor != NULL && page->items->len > 0)
    {
      fetch_messages (self, g_steal_pointer (&fetch), page->next_cursor);
      return;
    }

  fetch_finished (self, fetch);
  request_done (self, fetch->cancellable);
}

static void
fetch_messages (SdActivityWatch *self,
                Fetch           *fetch,
                const char      *cursor)
{
  sd_client_list_messages_async (self->client, sd_ticket_get_id (fetch->ticket),
                                 fetch->rule == NEW_AFTER_ID ? fetch->after_id : 0,
                                 cursor, MESSAGES_PER_PAGE, fetch->cancellable,
                                 messages_cb, fetch);
}

/* @ticket has activity that was not looked at: fetches what it may be. */
static void
look_into (SdActivityWatch *self,
           SdTicket        *ticket,
           Seen            *seen,
           gint64           since)
{
  Fetch *fetch = g_new0 (Fetch, 1);

  fetch->watch = g_object_ref (self);
  fetch->cancellable = g_object_ref (self->cancellable);
  fetch->ticket = g_object_ref (ticket);
  fetch->messages = g_ptr_array_new_with_free_func (g_object_unref);
  fetch->since = since;

  if (seen != NULL && seen->last_message_id > 0)
    {
      fetch->rule = NEW_AFTER_ID;
      fetch->after_id = seen->last_message_id;
    }
  else if (seen != NULL)
    {
      /* Messages are only ever added, so the first ones are those that were counted. */
      fetch->rule = NEW_AFTER_COUNT;
      fetch->old_count = seen->message_count;
    }
  else
    fetch->rule = NEW_AFTER_TIME;

  self->n_pending++;
  fetch_messages (self, fetch, NULL);
}

static void
tickets_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GCancellable) cancellable = user_data;
  SdActivityWatch *self;
  g_autoptr(SdPage) page = NULL;
  g_autoptr(GError) error = NULL;
  gboolean was_primed;
  gint64 since;

  page = sd_client_list_tickets_finish (SD_CLIENT (source), result, &error);
  self = g_object_get_data (G_OBJECT (cancellable), "sd-activity-watch");
  if (self == NULL || !is_current (self, cancellable))
    return;

  request_done (self, cancellable);
  if (page == NULL)
    {
      g_debug ("Cannot look at the tickets: %s", error->message);
      return;
    }

  was_primed = sd_activity_watch_get_primed (self);
  since = self->high_water;

  for (guint i = 0; i < page->items->len; i++)
    {
      SdTicket *ticket = g_ptr_array_index (page->items, i);
      SdUser *requester = sd_ticket_get_requester (ticket);
      gint64 id = sd_ticket_get_id (ticket);
      gint64 last_message_at = unix_time (sd_ticket_get_last_message_at (ticket));
      Seen *seen = g_hash_table_lookup (self->seen, &id);

      self->high_water = MAX (self->high_water, unix_time (sd_ticket_get_updated_at (ticket)));

      /* Colleagues' tickets in the same organization are theirs to hear about. */
      if (requester == NULL || sd_user_get_id (requester) != user_id (self))
        continue;

      if (!self->tickets_primed)
        {
          seen = g_new0 (Seen, 1);
          seen->message_count = sd_ticket_get_message_count (ticket);
          seen->last_message_at = last_message_at;
          g_hash_table_insert (self->seen, g_memdup2 (&id, sizeof id), seen);
        }
      else if (seen == NULL || seen->message_count != sd_ticket_get_message_count (ticket) ||
               seen->last_message_at != last_message_at)
        look_into (self, ticket, seen, since);
    }

  self->tickets_primed = TRUE;
  update_primed (self, was_primed);
}

static gboolean
pin_used_since (SdPinStatus *before,
                SdPinStatus *now)
{
  GDateTime *used_at = sd_pin_status_get_used_at (now);
  GDateTime *used_before = before != NULL ? sd_pin_status_get_used_at (before) : NULL;

  return used_at != NULL && (used_before == NULL || !g_date_time_equal (used_at, used_before));
}

static void
pin_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GCancellable) cancellable = user_data;
  SdActivityWatch *self;
  g_autoptr(SdPinStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  gboolean was_primed;

  status = sd_client_get_pin_finish (SD_CLIENT (source), result, &error);
  self = g_object_get_data (G_OBJECT (cancellable), "sd-activity-watch");
  if (self == NULL || !is_current (self, cancellable))
    return;

  request_done (self, cancellable);
  if (status == NULL)
    {
      g_debug ("Cannot look at the support PIN: %s", error->message);
      return;
    }

  was_primed = sd_activity_watch_get_primed (self);
  if (self->pin_primed && pin_used_since (self->pin, status))
    g_signal_emit (self, signals[PIN_USED], 0, status);

  g_set_object (&self->pin, status);
  self->pin_primed = TRUE;
  update_primed (self, was_primed);
}

static void
look (SdActivityWatch *self)
{
  /* A slow service is not asked again before it has answered. */
  if (self->n_pending > 0)
    return;

  self->n_pending += 2;
  sd_client_list_tickets_async (self->client, NULL, NULL, TICKETS_PER_LOOK, self->cancellable,
                                tickets_cb, g_object_ref (self->cancellable));
  sd_client_get_pin_async (self->client, self->cancellable, pin_cb,
                           g_object_ref (self->cancellable));
}

static gboolean
look_timeout_cb (gpointer user_data)
{
  look (SD_ACTIVITY_WATCH (user_data));

  return G_SOURCE_CONTINUE;
}

static void
start (SdActivityWatch *self)
{
  self->cancellable = g_cancellable_new ();
  /* The callbacks find the watch through their cancellable, which a stop cuts loose. */
  g_object_set_data (G_OBJECT (self->cancellable), "sd-activity-watch", self);
  self->timeout_id = g_timeout_add_seconds (self->interval, look_timeout_cb, self);
  look (self);
}

static void
stop (SdActivityWatch *self)
{
  gboolean was_primed = sd_activity_watch_get_primed (self);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->cancellable != NULL)
    {
      g_object_set_data (G_OBJECT (self->cancellable), "sd-activity-watch", NULL);
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
  self->n_pending = 0;
  g_hash_table_remove_all (self->seen);
  g_clear_object (&self->pin);
  self->high_water = 0;
  self->tickets_primed = FALSE;
  self->pin_primed = FALSE;
  update_primed (self, was_primed);
}

static void
sd_activity_watch_dispose (GObject *object)
{
  SdActivityWatch *self = (SdActivityWatch *)object;

  self->running = FALSE;
  stop (self);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (sd_activity_watch_parent_class)->dispose (object);
}

static void
sd_activity_watch_finalize (GObject *object)
{
  SdActivityWatch *self = (SdActivityWatch *)object;

  g_clear_pointer (&self->seen, g_hash_table_unref);

  G_OBJECT_CLASS (sd_activity_watch_parent_class)->finalize (object);
}

static void
sd_activity_watch_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SdActivityWatch *self = SD_ACTIVITY_WATCH (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval);
      break;
    case PROP_PRIMED:
      g_value_set_boolean (value, sd_activity_watch_get_primed (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_activity_watch_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SdActivityWatch *self = SD_ACTIVITY_WATCH (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      sd_activity_watch_set_running (self, g_value_get_boolean (value));
      break;
    case PROP_INTERVAL:
      sd_activity_watch_set_interval (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_activity_watch_class_init (SdActivityWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sd_activity_watch_dispose;
  object_class->finalize = sd_activity_watch_finalize;
  object_class->get_property = sd_activity_watch_get_property;
  object_class->set_property = sd_activity_watch_set_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL, 1, G_MAXUINT, SD_ACTIVITY_WATCH_INTERVAL,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PRIMED] =
    g_param_spec_boolean ("primed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[AGENT_REPLIED] =
    g_signal_new ("agent-replied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, SD_TYPE_TICKET, SD_TYPE_MESSAGE);
  signals[PIN_USED] =
    g_signal_new ("pin-used", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, SD_TYPE_PIN_STATUS);
}

static void
sd_activity_watch_init (SdActivityWatch *self)
{
  self->interval = SD_ACTIVITY_WATCH_INTERVAL;
  self->seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
}

SdActivityWatch *
sd_activity_watch_new (SdClient *client)
{
  SdActivityWatch *self;

  g_return_val_if_fail (SD_IS_CLIENT (client), NULL);

  self = g_object_new (SD_TYPE_ACTIVITY_WATCH, NULL);
  self->client = g_object_ref (client);

  return self;
}

gboolean
sd_activity_watch_get_running (SdActivityWatch *self)
{
  g_return_val_if_fail (SD_IS_ACTIVITY_WATCH (self), FALSE);

  return self->running;
}

void
sd_activity_watch_set_running (SdActivityWatch *self,
                               gboolean         running)
{
  g_return_if_fail (SD_IS_ACTIVITY_WATCH (self));

  running = !!running;
  if (self->running == running)
    return;

  self->running = running;
  if (running)
    start (self);
  else
    stop (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

guint
sd_activity_watch_get_interval (SdActivityWatch *self)
{
  g_return_val_if_fail (SD_IS_ACTIVITY_WATCH (self), 0);

  return self->interval;
}

void
sd_activity_watch_set_interval (SdActivityWatch *self,
                                guint            seconds)
{
  g_return_if_fail (SD_IS_ACTIVITY_WATCH (self));
  g_return_if_fail (seconds > 0);

  if (self->interval == seconds)
    return;

  self->interval = seconds;
  if (self->timeout_id != 0)
    {
      g_source_remove (self->timeout_id);
      self->timeout_id = g_timeout_add_seconds (seconds, look_timeout_cb, self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
}

gboolean
sd_activity_watch_get_primed (SdActivityWatch *self)
{
  g_return_val_if_fail (SD_IS_ACTIVITY_WATCH (self), FALSE);

  return self->tickets_primed && self->pin_primed;
}
