#define G_LOG_DOMAIN "sd-models"

#include "config.h"

#include "sd-access-entry.h"

#include "sd-error.h"
#include "sd-json.h"

struct _SdAccessEntry
{
  GObject    parent_instance;

  GDateTime *at;
  SdUser    *agent;
  char      *via;
  gint64     ticket_id;
};

G_DEFINE_FINAL_TYPE (SdAccessEntry, sd_access_entry, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_AT,
  PROP_AGENT,
  PROP_VIA,
  PROP_TICKET_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sd_access_entry_dispose (GObject *object)
{
  SdAccessEntry *self = (SdAccessEntry *)object;

  g_clear_object (&self->agent);

  G_OBJECT_CLASS (sd_access_entry_parent_class)->dispose (object);
}

static void
sd_access_entry_finalize (GObject *object)
{
  SdAccessEntry *self = (SdAccessEntry *)object;

  g_clear_pointer (&self->at, g_date_time_unref);
  g_clear_pointer (&self->via, g_free);

  G_OBJECT_CLASS (sd_access_entry_parent_class)->finalize (object);
}

static void
sd_access_entry_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SdAccessEntry *self = SD_ACCESS_ENTRY (object);

  switch (prop_id)
    {
    case PROP_AT:
      g_value_set_boxed (value, self->at);
      break;

    case PROP_AGENT:
      g_value_set_object (value, self->agent);
      break;

    case PROP_VIA:
      g_value_set_string (value, self->via);
      break;

    case PROP_TICKET_ID:
      g_value_set_int64 (value, self->ticket_id);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_access_entry_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SdAccessEntry *self = SD_ACCESS_ENTRY (object);

  switch (prop_id)
    {
    case PROP_AT:
      g_clear_pointer (&self->at, g_date_time_unref);
      self->at = g_value_dup_boxed (value);
      break;

    case PROP_AGENT:
      g_set_object (&self->agent, g_value_get_object (value));
      break;

    case PROP_VIA:
      g_free (self->via);
      self->via = g_value_dup_string (value);
      break;

    case PROP_TICKET_ID:
      self->ticket_id = g_value_get_int64 (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_access_entry_class_init (SdAccessEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sd_access_entry_dispose;
  object_class->finalize = sd_access_entry_finalize;
  object_class->get_property = sd_access_entry_get_property;
  object_class->set_property = sd_access_entry_set_property;

  properties[PROP_AT] =
    g_param_spec_boxed ("at", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  /* A reference: id and name only. */
  properties[PROP_AGENT] =
    g_param_spec_object ("agent", NULL, NULL,
                         SD_TYPE_USER,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_VIA] =
    g_param_spec_string ("via", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_TICKET_ID] =
    g_param_spec_int64 ("ticket-id", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_access_entry_init (SdAccessEntry *self)
{
}

static gboolean
via_is_known (const char *via)
{
  return g_strcmp0 (via, "pin") == 0 || g_strcmp0 (via, "invitation") == 0;
}

/*
 * "at" is required: a log line without its time tells the customer nothing.
 * "ticket_id" is null for an access with a PIN, which names no ticket.
 */
SdAccessEntry *
sd_access_entry_new_from_json (JsonNode  *node,
                               GError   **error)
{
  g_autoptr(GDateTime) at = NULL;
  g_autoptr(SdUser) agent = NULL;
  JsonObject *object;
  JsonObject *agent_object = NULL;
  JsonNode *ticket_node;
  const char *via = NULL;
  gint64 ticket_id = 0;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      (object = json_node_get_object (node)) == NULL)
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "An access log entry must be a JSON object");
      return NULL;
    }

  if (!sd_json_get_time (object, "at", TRUE, &at, error) ||
      !sd_json_get_object (object, "agent", TRUE, &agent_object, error) ||
      !sd_json_get_string (object, "via", TRUE, &via, error) ||
      !sd_json_get_int (object, "ticket_id", FALSE, &ticket_id, error))
    return NULL;

  if (!via_is_known (via))
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "The member “via” must be “pin” or “invitation”");
      return NULL;
    }

  /* Read only when present and not null, so a value that was read must be a real id. */
  ticket_node = json_object_get_member (object, "ticket_id");
  if (ticket_node != NULL && !JSON_NODE_HOLDS_NULL (ticket_node) && ticket_id <= 0)
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "The member “ticket_id” must be a positive integer or null");
      return NULL;
    }

  agent = sd_user_new_from_json (json_object_get_member (object, "agent"), error);
  if (agent == NULL)
    {
      g_prefix_error (error, "Invalid “agent”: ");
      return NULL;
    }

  return g_object_new (SD_TYPE_ACCESS_ENTRY,
                       "at", at,
                       "agent", agent,
                       "via", via,
                       "ticket-id", ticket_id,
                       NULL);
}

JsonNode *
sd_access_entry_to_json (SdAccessEntry *self)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (SD_IS_ACCESS_ENTRY (self), NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  sd_json_builder_add_time (builder, "at", self->at);
  json_builder_set_member_name (builder, "agent");
  if (self->agent != NULL)
    json_builder_add_value (builder, sd_user_to_reference_json (self->agent, FALSE));
  else
    json_builder_add_null_value (builder);
  sd_json_builder_add_string (builder, "via", self->via);
  json_builder_set_member_name (builder, "ticket_id");
  if (self->ticket_id > 0)
    json_builder_add_int_value (builder, self->ticket_id);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

GDateTime *
sd_access_entry_get_at (SdAccessEntry *self)
{
  g_return_val_if_fail (SD_IS_ACCESS_ENTRY (self), NULL);

  return self->at;
}

SdUser *
sd_access_entry_get_agent (SdAccessEntry *self)
{
  g_return_val_if_fail (SD_IS_ACCESS_ENTRY (self), NULL);

  return self->agent;
}

const char *
sd_access_entry_get_via (SdAccessEntry *self)
{
  g_return_val_if_fail (SD_IS_ACCESS_ENTRY (self), NULL);

  return self->via;
}

gint64
sd_access_entry_get_ticket_id (SdAccessEntry *self)
{
  g_return_val_if_fail (SD_IS_ACCESS_ENTRY (self), 0);

  return self->ticket_id;
}
