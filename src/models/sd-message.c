#define G_LOG_DOMAIN "sd-models"

#include "config.h"

#include "sd-message.h"

#include "sd-error.h"
#include "sd-json.h"
#include "sd-model-enums.h"

#include <string.h>

struct _SdMessage
{
  GObject        parent_instance;

  gint64         id;
  gint64         ticket_id;
  SdMessageKind  kind;
  SdUser        *author;
  char          *body;
  GDateTime     *created_at;
  GListStore    *attachments;
};

G_DEFINE_FINAL_TYPE (SdMessage, sd_message, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TICKET_ID,
  PROP_KIND,
  PROP_AUTHOR,
  PROP_BODY,
  PROP_CREATED_AT,
  PROP_ATTACHMENTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
sd_message_kind_to_string (SdMessageKind kind)
{
  switch (kind)
    {
    case SD_MESSAGE_KIND_COMMENT:
      return "comment";

    case SD_MESSAGE_KIND_EVENT:
      return "event";

    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
sd_message_kind_from_string (const char    *text,
                             SdMessageKind *out_kind)
{
  SdMessageKind kind;

  if (g_strcmp0 (text, "comment") == 0)
    kind = SD_MESSAGE_KIND_COMMENT;
  else if (g_strcmp0 (text, "event") == 0)
    kind = SD_MESSAGE_KIND_EVENT;
  else
    return FALSE;

  if (out_kind != NULL)
    *out_kind = kind;

  return TRUE;
}

static void
sd_message_dispose (GObject *object)
{
  SdMessage *self = (SdMessage *)object;

  g_clear_object (&self->author);
  g_clear_object (&self->attachments);

  G_OBJECT_CLASS (sd_message_parent_class)->dispose (object);
}

static void
sd_message_finalize (GObject *object)
{
  SdMessage *self = (SdMessage *)object;

  g_clear_pointer (&self->body, g_free);
  g_clear_pointer (&self->created_at, g_date_time_unref);

  G_OBJECT_CLASS (sd_message_parent_class)->finalize (object);
}

static void
sd_message_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SdMessage *self = SD_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_TICKET_ID:
      g_value_set_int64 (value, self->ticket_id);
      break;

    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_AUTHOR:
      g_value_set_object (value, self->author);
      break;

    case PROP_BODY:
      g_value_set_string (value, self->body);
      break;

    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;

    case PROP_ATTACHMENTS:
      g_value_set_object (value, self->attachments);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_message_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  SdMessage *self = SD_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_get_int64 (value);
      break;

    case PROP_TICKET_ID:
      self->ticket_id = g_value_get_int64 (value);
      break;

    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;

    case PROP_AUTHOR:
      g_set_object (&self->author, g_value_get_object (value));
      break;

    case PROP_BODY:
      g_free (self->body);
      self->body = g_value_dup_string (value);
      break;

    case PROP_CREATED_AT:
      g_clear_pointer (&self->created_at, g_date_time_unref);
      self->created_at = g_value_dup_boxed (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_message_class_init (SdMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sd_message_dispose;
  object_class->finalize = sd_message_finalize;
  object_class->get_property = sd_message_get_property;
  object_class->set_property = sd_message_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL,
                        0, G_MAXINT64, 0,
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

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       SD_TYPE_MESSAGE_KIND,
                       SD_MESSAGE_KIND_COMMENT,
                       (G_PARAM_READWRITE |
                        G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  properties[PROP_AUTHOR] =
    g_param_spec_object ("author", NULL, NULL,
                         SD_TYPE_USER,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_BODY] =
    g_param_spec_string ("body", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties[PROP_ATTACHMENTS] =
    g_param_spec_object ("attachments", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_message_init (SdMessage *self)
{
  self->kind = SD_MESSAGE_KIND_COMMENT;
  self->attachments = g_list_store_new (SD_TYPE_ATTACHMENT);
}

SdMessage *
sd_message_new (gint64         id,
                gint64         ticket_id,
                SdMessageKind  kind,
                SdUser        *author,
                const char    *body,
                GDateTime     *created_at)
{
  g_return_val_if_fail (id >= 0, NULL);
  g_return_val_if_fail (ticket_id >= 0, NULL);
  g_return_val_if_fail (author == NULL || SD_IS_USER (author), NULL);

  return g_object_new (SD_TYPE_MESSAGE,
                       "id", id,
                       "ticket-id", ticket_id,
                       "kind", kind,
                       "author", author,
                       "body", body,
                       "created-at", created_at,
                       NULL);
}

static gboolean
read_attachments (SdMessage   *self,
                  JsonObject  *object,
                  GError     **error)
{
  JsonArray *array = NULL;
  guint length;

  if (!sd_json_get_array (object, "attachments", FALSE, &array, error))
    return FALSE;
  if (array == NULL)
    return TRUE;

  length = json_array_get_length (array);
  for (guint i = 0; i < length; i++)
    {
      g_autoptr(SdAttachment) attachment = NULL;

      attachment = sd_attachment_new_from_json (json_array_get_element (array, i), error);
      if (attachment == NULL)
        {
          g_prefix_error (error, "Invalid “attachments[%u]”: ", i);
          return FALSE;
        }

      g_list_store_append (self->attachments, attachment);
    }

  return TRUE;
}

/*
 * "attachments" may be absent (no attachments). "author" may be null for an
 * event, which the server can write on its own; a comment always has one.
 */
SdMessage *
sd_message_new_from_json (JsonNode  *node,
                          GError   **error)
{
  g_autoptr(SdMessage) message = NULL;
  g_autoptr(SdUser) author = NULL;
  g_autoptr(GDateTime) created_at = NULL;
  JsonObject *object;
  JsonObject *author_object = NULL;
  const char *kind_text = NULL;
  const char *body = NULL;
  SdMessageKind kind;
  gint64 id = 0;
  gint64 ticket_id = 0;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      (object = json_node_get_object (node)) == NULL)
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "A message must be a JSON object");
      return NULL;
    }

  if (!sd_json_get_int (object, "id", TRUE, &id, error) ||
      !sd_json_get_int (object, "ticket_id", TRUE, &ticket_id, error) ||
      !sd_json_get_string (object, "kind", TRUE, &kind_text, error))
    return NULL;

  if (id <= 0 || ticket_id <= 0)
    {
      g_set_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                   "The member “%s” must be a positive integer", id <= 0 ? "id" : "ticket_id");
      return NULL;
    }

  if (!sd_message_kind_from_string (kind_text, &kind))
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "The member “kind” must be “comment” or “event”");
      return NULL;
    }

  if (!sd_json_get_object (object, "author", kind == SD_MESSAGE_KIND_COMMENT,
                           &author_object, error) ||
      !sd_json_get_string (object, "body", TRUE, &body, error) ||
      !sd_json_get_time (object, "created_at", FALSE, &created_at, error))
    return NULL;

  if (author_object != NULL)
    {
      author = sd_user_new_from_json (json_object_get_member (object, "author"), error);
      if (author == NULL)
        {
          g_prefix_error (error, "Invalid “author”: ");
          return NULL;
        }
    }

  message = sd_message_new (id, ticket_id, kind, author, body, created_at);
  if (!read_attachments (message, object, error))
    return NULL;

  return g_steal_pointer (&message);
}

JsonNode *
sd_message_to_json (SdMessage *self)
{
  g_autoptr(JsonBuilder) builder = NULL;
  guint n_attachments;

  g_return_val_if_fail (SD_IS_MESSAGE (self), NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, self->id);
  json_builder_set_member_name (builder, "ticket_id");
  json_builder_add_int_value (builder, self->ticket_id);
  sd_json_builder_add_string (builder, "kind", sd_message_kind_to_string (self->kind));
  json_builder_set_member_name (builder, "author");
  if (self->author != NULL)
    json_builder_add_value (builder, sd_user_to_reference_json (self->author, TRUE));
  else
    json_builder_add_null_value (builder);
  sd_json_builder_add_string (builder, "body", self->body);
  sd_json_builder_add_time (builder, "created_at", self->created_at);

  json_builder_set_member_name (builder, "attachments");
  json_builder_begin_array (builder);
  n_attachments = g_list_model_get_n_items (G_LIST_MODEL (self->attachments));
  for (guint i = 0; i < n_attachments; i++)
    {
      g_autoptr(SdAttachment) attachment = NULL;

      attachment = g_list_model_get_item (G_LIST_MODEL (self->attachments), i);
      json_builder_add_value (builder, sd_attachment_to_json (attachment));
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

gint64
sd_message_get_id (SdMessage *self)
{
  g_return_val_if_fail (SD_IS_MESSAGE (self), 0);

  return self->id;
}

gint64
sd_message_get_ticket_id (SdMessage *self)
{
  g_return_val_if_fail (SD_IS_MESSAGE (self), 0);

  return self->ticket_id;
}

SdMessageKind
sd_message_get_kind (SdMessage *self)
{
  g_return_val_if_fail (SD_IS_MESSAGE (self), SD_MESSAGE_KIND_COMMENT);

  return self->kind;
}

SdUser *
sd_message_get_author (SdMessage *self)
{
  g_return_val_if_fail (SD_IS_MESSAGE (self), NULL);

  return self->author;
}

const char *
sd_message_get_body (SdMessage *self)
{
  g_return_val_if_fail (SD_IS_MESSAGE (self), NULL);

  return self->body;
}

GDateTime *
sd_message_get_created_at (SdMessage *self)
{
  g_return_val_if_fail (SD_IS_MESSAGE (self), NULL);

  return self->created_at;
}

GListModel *
sd_message_get_attachments (SdMessage *self)
{
  g_return_val_if_fail (SD_IS_MESSAGE (self), NULL);

  return G_LIST_MODEL (self->attachments);
}

void
sd_message_add_attachment (SdMessage    *self,
                           SdAttachment *attachment)
{
  g_return_if_fail (SD_IS_MESSAGE (self));
  g_return_if_fail (SD_IS_ATTACHMENT (attachment));

  g_list_store_append (self->attachments, attachment);
}

/*
 * Trailing line breaks are dropped first, so that the quote does not end in
 * empty ">" lines, and "\r\n" counts as one break, so that no stray "\r" is
 * quoted. The final empty line leaves the cursor below the quote.
 */
char *
sd_message_dup_quoted_body (SdMessage *self)
{
  g_autoptr(GString) quoted = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *body = NULL;
  gsize length;

  g_return_val_if_fail (SD_IS_MESSAGE (self), NULL);

  body = g_strdup (self->body != NULL ? self->body : "");
  length = strlen (body);
  while (length > 0 && (body[length - 1] == '\n' || body[length - 1] == '\r'))
    body[--length] = '\0';

  if (length == 0)
    return g_strdup ("");

  quoted = g_string_sized_new (length + length / 8 + 8);
  lines = g_strsplit (body, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gsize line_length = strlen (lines[i]);

      if (line_length > 0 && lines[i][line_length - 1] == '\r')
        lines[i][--line_length] = '\0';

      if (line_length == 0)
        g_string_append (quoted, ">\n");
      else
        g_string_append_printf (quoted, "> %s\n", lines[i]);
    }
  g_string_append_c (quoted, '\n');

  return g_string_free (g_steal_pointer (&quoted), FALSE);
}
