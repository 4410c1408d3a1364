#define G_LOG_DOMAIN "sd-models"

#include "config.h"

#include "sd-ticket.h"

#include "sd-model-enums.h"

struct _SdTicket
{
  GObject         parent_instance;

  gint64          id;
  char           *subject;
  char           *category;
  SdTicketStatus  status;
  SdUser         *requester;
  GDateTime      *created_at;
  GDateTime      *updated_at;
  gint64          message_count;
  GDateTime      *last_message_at;
};

G_DEFINE_FINAL_TYPE (SdTicket, sd_ticket, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_SUBJECT,
  PROP_CATEGORY,
  PROP_STATUS,
  PROP_REQUESTER,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_MESSAGE_COUNT,
  PROP_LAST_MESSAGE_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
sd_ticket_status_to_string (SdTicketStatus status)
{
  switch (status)
    {
    case SD_TICKET_STATUS_PENDING:
      return "pending";

    case SD_TICKET_STATUS_SOLVED:
      return "solved";

    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
sd_ticket_status_from_string (const char     *text,
                              SdTicketStatus *out_status)
{
  SdTicketStatus status;

  if (g_strcmp0 (text, "pending") == 0)
    status = SD_TICKET_STATUS_PENDING;
  else if (g_strcmp0 (text, "solved") == 0)
    status = SD_TICKET_STATUS_SOLVED;
  else
    return FALSE;

  if (out_status != NULL)
    *out_status = status;

  return TRUE;
}

static gboolean
date_time_equal0 (GDateTime *a,
                  GDateTime *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return g_date_time_equal (a, b);
}

/* Replaces *field by @value unless they are the same instant; TRUE when it changed. */
static gboolean
set_date_time (GDateTime **field,
               GDateTime  *value)
{
  if (date_time_equal0 (*field, value))
    return FALSE;

  g_clear_pointer (field, g_date_time_unref);
  if (value != NULL)
    *field = g_date_time_ref (value);

  return TRUE;
}

static gboolean
user_equal0 (SdUser *a,
             SdUser *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  return sd_user_get_id (a) == sd_user_get_id (b) &&
         g_strcmp0 (sd_user_get_name (a), sd_user_get_name (b)) == 0 &&
         g_strcmp0 (sd_user_get_email (a), sd_user_get_email (b)) == 0 &&
         sd_user_get_role (a) == sd_user_get_role (b) &&
         sd_user_get_organization_id (a) == sd_user_get_organization_id (b) &&
         g_strcmp0 (sd_user_get_organization_name (a), sd_user_get_organization_name (b)) == 0;
}

static void
sd_ticket_dispose (GObject *object)
{
  SdTicket *self = (SdTicket *)object;

  g_clear_object (&self->requester);

  G_OBJECT_CLASS (sd_ticket_parent_class)->dispose (object);
}

static void
sd_ticket_finalize (GObject *object)
{
  SdTicket *self = (SdTicket *)object;

  g_clear_pointer (&self->subject, g_free);
  g_clear_pointer (&self->category, g_free);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->updated_at, g_date_time_unref);
  g_clear_pointer (&self->last_message_at, g_date_time_unref);

  G_OBJECT_CLASS (sd_ticket_parent_class)->finalize (object);
}

static void
sd_ticket_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SdTicket *self = SD_TICKET (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_SUBJECT:
      g_value_set_string (value, self->subject);
      break;

    case PROP_CATEGORY:
      g_value_set_string (value, self->category);
      break;

    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;

    case PROP_REQUESTER:
      g_value_set_object (value, self->requester);
      break;

    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;

    case PROP_UPDATED_AT:
      g_value_set_boxed (value, self->updated_at);
      break;

    case PROP_MESSAGE_COUNT:
      g_value_set_int64 (value, self->message_count);
      break;

    case PROP_LAST_MESSAGE_AT:
      g_value_set_boxed (value, self->last_message_at);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_ticket_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  SdTicket *self = SD_TICKET (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_get_int64 (value);
      break;

    case PROP_SUBJECT:
      sd_ticket_set_subject (self, g_value_get_string (value));
      break;

    case PROP_CATEGORY:
      sd_ticket_set_category (self, g_value_get_string (value));
      break;

    case PROP_STATUS:
      sd_ticket_set_status (self, g_value_get_enum (value));
      break;

    case PROP_REQUESTER:
      sd_ticket_set_requester (self, g_value_get_object (value));
      break;

    case PROP_CREATED_AT:
      sd_ticket_set_created_at (self, g_value_get_boxed (value));
      break;

    case PROP_UPDATED_AT:
      sd_ticket_set_updated_at (self, g_value_get_boxed (value));
      break;

    case PROP_MESSAGE_COUNT:
      sd_ticket_set_message_count (self, g_value_get_int64 (value));
      break;

    case PROP_LAST_MESSAGE_AT:
      sd_ticket_set_last_message_at (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_ticket_class_init (SdTicketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sd_ticket_dispose;
  object_class->finalize = sd_ticket_finalize;
  object_class->get_property = sd_ticket_get_property;
  object_class->set_property = sd_ticket_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties[PROP_SUBJECT] =
    g_param_spec_string ("subject", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /* The id of an SdCategory, such as "billing". */
  properties[PROP_CATEGORY] =
    g_param_spec_string ("category", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL,
                       SD_TYPE_TICKET_STATUS,
                       SD_TICKET_STATUS_PENDING,
                       (G_PARAM_READWRITE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  properties[PROP_REQUESTER] =
    g_param_spec_object ("requester", NULL, NULL,
                         SD_TYPE_USER,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READWRITE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties[PROP_UPDATED_AT] =
    g_param_spec_boxed ("updated-at", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READWRITE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties[PROP_MESSAGE_COUNT] =
    g_param_spec_int64 ("message-count", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties[PROP_LAST_MESSAGE_AT] =
    g_param_spec_boxed ("last-message-at", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READWRITE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_ticket_init (SdTicket *self)
{
  self->status = SD_TICKET_STATUS_PENDING;
}

SdTicket *
sd_ticket_new (gint64 id)
{
  g_return_val_if_fail (id >= 0, NULL);

  return g_object_new (SD_TYPE_TICKET,
                       "id", id,
                       NULL);
}

gint64
sd_ticket_get_id (SdTicket *self)
{
  g_return_val_if_fail (SD_IS_TICKET (self), 0);

  return self->id;
}

const char *
sd_ticket_get_subject (SdTicket *self)
{
  g_return_val_if_fail (SD_IS_TICKET (self), NULL);

  return self->subject;
}

void
sd_ticket_set_subject (SdTicket   *self,
                       const char *subject)
{
  g_return_if_fail (SD_IS_TICKET (self));

  if (g_strcmp0 (self->subject, subject) == 0)
    return;

  g_free (self->subject);
  self->subject = g_strdup (subject);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBJECT]);
}

const char *
sd_ticket_get_category (SdTicket *self)
{
  g_return_val_if_fail (SD_IS_TICKET (self), NULL);

  return self->category;
}

void
sd_ticket_set_category (SdTicket   *self,
                        const char *category)
{
  g_return_if_fail (SD_IS_TICKET (self));

  if (g_strcmp0 (self->category, category) == 0)
    return;

  g_free (self->category);
  self->category = g_strdup (category);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATEGORY]);
}

SdTicketStatus
sd_ticket_get_status (SdTicket *self)
{
  g_return_val_if_fail (SD_IS_TICKET (self), SD_TICKET_STATUS_PENDING);

  return self->status;
}

void
sd_ticket_set_status (SdTicket       *self,
                      SdTicketStatus  status)
{
  g_return_if_fail (SD_IS_TICKET (self));
  g_return_if_fail (status == SD_TICKET_STATUS_PENDING || status == SD_TICKET_STATUS_SOLVED);

  if (self->status == status)
    return;

  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

SdUser *
sd_ticket_get_requester (SdTicket *self)
{
  g_return_val_if_fail (SD_IS_TICKET (self), NULL);

  return self->requester;
}

void
sd_ticket_set_requester (SdTicket *self,
                         SdUser   *requester)
{
  g_return_if_fail (SD_IS_TICKET (self));
  g_return_if_fail (requester == NULL || SD_IS_USER (requester));

  if (g_set_object (&self->requester, requester))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUESTER]);
}

GDateTime *
sd_ticket_get_created_at (SdTicket *self)
{
  g_return_val_if_fail (SD_IS_TICKET (self), NULL);

  return self->created_at;
}

void
sd_ticket_set_created_at (SdTicket  *self,
                          GDateTime *created_at)
{
  g_return_if_fail (SD_IS_TICKET (self));

  if (set_date_time (&self->created_at, created_at))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

GDateTime *
sd_ticket_get_updated_at (SdTicket *self)
{
  g_return_val_if_fail (SD_IS_TICKET (self), NULL);

  return self->updated_at;
}

void
sd_ticket_set_updated_at (SdTicket  *self,
                          GDateTime *updated_at)
{
  g_return_if_fail (SD_IS_TICKET (self));

  if (set_date_time (&self->updated_at, updated_at))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
}

gint64
sd_ticket_get_message_count (SdTicket *self)
{
  g_return_val_if_fail (SD_IS_TICKET (self), 0);

  return self->message_count;
}

void
sd_ticket_set_message_count (SdTicket *self,
                             gint64    message_count)
{
  g_return_if_fail (SD_IS_TICKET (self));
  g_return_if_fail (message_count >= 0);

  if (self->message_count == message_count)
    return;

  self->message_count = message_count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE_COUNT]);
}

GDateTime *
sd_ticket_get_last_message_at (SdTicket *self)
{
  g_return_val_if_fail (SD_IS_TICKET (self), NULL);

  return self->last_message_at;
}

void
sd_ticket_set_last_message_at (SdTicket  *self,
                               GDateTime *last_message_at)
{
  g_return_if_fail (SD_IS_TICKET (self));

  if (set_date_time (&self->last_message_at, last_message_at))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_MESSAGE_AT]);
}

/*
 * A list row bound to @self then redraws only what really changed. A fresh
 * SdUser with the same values as the current requester is not taken, so that
 * a refresh with identical data notifies nothing at all.
 */
void
sd_ticket_update_from (SdTicket *self,
                       SdTicket *other)
{
  g_return_if_fail (SD_IS_TICKET (self));
  g_return_if_fail (SD_IS_TICKET (other));
  g_return_if_fail (self->id == other->id);

  if (self == other)
    return;

  g_object_freeze_notify (G_OBJECT (self));

  sd_ticket_set_subject (self, other->subject);
  sd_ticket_set_category (self, other->category);
  sd_ticket_set_status (self, other->status);
  if (!user_equal0 (self->requester, other->requester))
    sd_ticket_set_requester (self, other->requester);
  sd_ticket_set_created_at (self, other->created_at);
  sd_ticket_set_updated_at (self, other->updated_at);
  sd_ticket_set_message_count (self, other->message_count);
  sd_ticket_set_last_message_at (self, other->last_message_at);

  g_object_thaw_notify (G_OBJECT (self));
}
