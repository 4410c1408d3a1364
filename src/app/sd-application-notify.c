#define G_LOG_DOMAIN "sd-application"

#include "config.h"

#include "sd-application-private.h"

#include "sd-format.h"

#include <glib/gi18n.h>

/* A notification shows a few lines; the rest is in the ticket. */
#define EXCERPT_CHARS 200

char *
sd_application_ticket_notification_id (gint64 ticket_id)
{
  return g_strdup_printf ("ticket-%" G_GINT64_FORMAT, ticket_id);
}

/* The start of @text on one line, ended with "…" when it goes on. */
static char *
excerpt (const char *text)
{
  g_autofree char *start = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *joined = NULL;
  glong length;

  if (text == NULL)
    return g_strdup ("");

  lines = g_strsplit_set (text, "\r\n", -1);
  joined = g_strjoinv (" ", lines);
  g_strstrip (joined);

  length = g_utf8_strlen (joined, -1);
  if (length <= EXCERPT_CHARS)
    return g_steal_pointer (&joined);

  start = g_utf8_substring (joined, 0, EXCERPT_CHARS - 1);
  g_strchomp (start);
  return g_strconcat (start, "…", NULL);
}

GNotification *
sd_application_notification_for_reply (SdTicket  *ticket,
                                       SdMessage *message)
{
  SdUser *author;
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GVariant) target = NULL;

  g_return_val_if_fail (SD_IS_TICKET (ticket), NULL);
  g_return_val_if_fail (SD_IS_MESSAGE (message), NULL);

  author = sd_message_get_author (message);
  text = excerpt (sd_message_get_body (message));

  /* Translators: the title of a notification; %s is the ticket's subject. */
  title = g_strdup_printf (_("New reply to “%s”"), sd_ticket_get_subject (ticket));
  if (author != NULL && sd_user_get_name (author) != NULL)
    /* Translators: in a notification: the agent's name, then the start of their reply. */
    body = g_strdup_printf (_("%s: %s"), sd_user_get_name (author), text);
  else
    body = g_steal_pointer (&text);

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);

  target = g_variant_ref_sink (g_variant_new_int64 (sd_ticket_get_id (ticket)));
  g_notification_set_default_action_and_target_value (notification, "app.open-ticket", target);
  g_notification_add_button_with_target_value (notification, _("Open ticket"),
                                               "app.open-ticket", target);

  return g_steal_pointer (&notification);
}

GNotification *
sd_application_notification_for_pin_use (SdPinStatus *status)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *body = NULL;
  g_autofree char *when = NULL;
  GDateTime *used_at;
  SdUser *used_by;

  g_return_val_if_fail (SD_IS_PIN_STATUS (status), NULL);

  used_at = sd_pin_status_get_used_at (status);
  used_by = sd_pin_status_get_used_by (status);
  when = used_at != NULL ? sd_format_time (used_at) : NULL;

  if (used_by != NULL && sd_user_get_name (used_by) != NULL && when != NULL)
    /* Translators: the agent's name, and a date and time. */
    body = g_strdup_printf (_("%s opened your dashboard on %s."), sd_user_get_name (used_by),
                            when);
  else if (when != NULL)
    /* Translators: %s is a date and time. */
    body = g_strdup_printf (_("Someone from support opened your dashboard on %s."), when);
  else
    body = g_strdup (_("Someone from support opened your dashboard."));

  notification = g_notification_new (_("Support used your PIN"));
  g_notification_set_body (notification, body);
  g_notification_set_default_action (notification, "app.show-pin");
  /* The PIN works once: whoever needs the dashboard again needs a new one. */
  g_notification_add_button (notification, _("Renew PIN"), "app.renew-pin");

  return g_steal_pointer (&notification);
}

static void
send (SdApplication *self,
      const char    *id,
      GNotification *notification)
{
  g_application_send_notification (G_APPLICATION (self), id, notification);
  g_hash_table_add (self->notifications, g_strdup (id));
}

static void
withdraw (SdApplication *self,
          const char    *id)
{
  /* Only what was sent is taken back: the desktop is not asked for every ticket opened. */
  if (g_hash_table_remove (self->notifications, id))
    g_application_withdraw_notification (G_APPLICATION (self), id);
}

void
sd_application_notify_reply (SdApplication *self,
                             SdTicket      *ticket,
                             SdMessage     *message)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = NULL;

  g_return_if_fail (SD_IS_APPLICATION (self));

  notification = sd_application_notification_for_reply (ticket, message);
  id = sd_application_ticket_notification_id (sd_ticket_get_id (ticket));
  send (self, id, notification);
}

void
sd_application_notify_pin_use (SdApplication *self,
                               SdPinStatus   *status)
{
  g_autoptr(GNotification) notification = NULL;

  g_return_if_fail (SD_IS_APPLICATION (self));

  notification = sd_application_notification_for_pin_use (status);
  send (self, SD_APPLICATION_PIN_NOTIFICATION_ID, notification);
}

void
sd_application_withdraw_ticket_notification (SdApplication *self,
                                             gint64         ticket_id)
{
  g_autofree char *id = NULL;

  g_return_if_fail (SD_IS_APPLICATION (self));

  id = sd_application_ticket_notification_id (ticket_id);
  withdraw (self, id);
}

void
sd_application_withdraw_pin_notification (SdApplication *self)
{
  g_return_if_fail (SD_IS_APPLICATION (self));

  withdraw (self, SD_APPLICATION_PIN_NOTIFICATION_ID);
}

void
sd_application_withdraw_notifications (SdApplication *self)
{
  g_autofree char **ids = NULL;

  g_return_if_fail (SD_IS_APPLICATION (self));

  ids = (char **)g_hash_table_get_keys_as_array (self->notifications, NULL);
  for (guint i = 0; ids[i] != NULL; i++)
    g_application_withdraw_notification (G_APPLICATION (self), ids[i]);
  g_hash_table_remove_all (self->notifications);
}
