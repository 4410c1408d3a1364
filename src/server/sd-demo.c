#define G_LOG_DOMAIN "sd-demo"

#include "config.h"

#include "sd-demo.h"

#include "sd-accounts.h"
#include "sd-api.h"
#include "sd-auth.h"
#include "sd-files.h"

#include <string.h>

#define HOUR (60 * 60)

/* A small screenshot-like picture, so that the demo shows an image attachment. */
static const char screenshot_png[] =
  "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x40\x00\x00\x00\x28"
  "\x08\x02\x00\x00\x00\xc1\xac\x6b\xbe\x00\x00\x00\x58\x49\x44\x41\x54\x78\xda\xed\xd3\xb1\x0d\x80"
  "\x30\x10\x04\xc1\xef\xc3\xa9\x5b\x70\x33\xd4\x43\xa1\x0e\xa8\x82\xc8\x31\xb1\x91\xd0\xf3\xb3\xba"
  "\x06\x26\xb8\x18\xe7\x95\x7a\x01\x00\x00\x00\x00\xb0\x05\xb8\x93\x07\x00\x00\xf0\xec\xf8\x22\x80"
  "\x3f\x01\x9c\x18\x00\x20\x39\x60\xb6\xfe\xd6\x00\x6a\x02\x9c\x18\x00\x00\x00\x00\x00\x00\x00\x00"
  "\x00\xa0\x0e\x60\x01\x1a\x40\x48\x73\x1d\x24\xef\x95\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60"
  "\x82";

static const char firewall_log[] =
  "2026-11-24 09:12:03 WARN  update-service: connection to updates.example.com:443 refused\n"
  "2026-11-24 09:12:03 INFO  firewall: rule 'block-outbound-unknown' matched (pid 4242)\n"
  "2026-11-24 09:12:33 ERROR update-service: giving up after 3 attempts\n";

typedef struct
{
  const char *author;   /* an email of the demo users */
  const char *kind;
  const char *body;
  const char *filename; /* an attachment, or NULL */
  const char *content_type;
  const char *content;
  gsize       content_length;
} DemoMessage;

typedef struct
{
  const char  *requester;
  const char  *category;
  const char  *subject;
  const char  *status;
  int          hours_ago;
  DemoMessage  messages[5];
} DemoTicket;

static const DemoTicket tickets[] = {
  {
    "customer@example.com", "antivirus-firewall", "Firewall blocks the update service", "pending", 50,
    {
      { "customer@example.com", "comment",
        "Since Monday the update service cannot reach the server. Our firewall seems to block "
        "it, but we did not change any rule.", NULL, NULL, NULL, 0 },
      { "agent@example.com", "comment",
        "Thank you for the report. Could you send us the firewall log from the time of the "
        "failed update?", NULL, NULL, NULL, 0 },
      { "customer@example.com", "comment", "Here is the log from this morning.",
        "firewall.log", "text/plain", firewall_log, sizeof firewall_log - 1 },
    },
  },
  {
    "customer@example.com", "billing", "Invoice shows the wrong VAT number", "solved", 120,
    {
      { "customer@example.com", "comment",
        "Our November invoice shows the VAT number of our old address.", NULL, NULL, NULL, 0 },
      { "agent@example.com", "comment",
        "We corrected the VAT number and sent you a new invoice.", NULL, NULL, NULL, 0 },
      { "agent@example.com", "event", "Jordan Lee marked this ticket as solved",
        NULL, NULL, NULL, 0 },
    },
  },
  {
    "customer@example.com", "data-not-captured", "Sales figures from yesterday are missing",
    "pending", 6,
    {
      { "customer@example.com", "comment",
        "The dashboard shows no sales for yesterday, although the shop was open. See the "
        "screenshot.", "dashboard.png", "image/png", screenshot_png, sizeof screenshot_png - 1 },
    },
  },
  {
    "customer@example.com", "installation", "Installer stops at 80 %", "solved", 300,
    {
      { "customer@example.com", "comment",
        "The installer stops at 80 % on two of our computers.", NULL, NULL, NULL, 0 },
      { "agent@example.com", "comment",
        "Please run the installer as administrator; version 4.2 fixes this for good.",
        NULL, NULL, NULL, 0 },
      { "customer@example.com", "comment", "That worked, thank you!", NULL, NULL, NULL, 0 },
      { "agent@example.com", "event", "Jordan Lee marked this ticket as solved",
        NULL, NULL, NULL, 0 },
    },
  },
  {
    "other@example.org", "account", "Cannot sign in after changing my password", "pending", 30,
    {
      { "other@example.org", "comment",
        "After changing my password yesterday, the sign-in page says my password is wrong.",
        NULL, NULL, NULL, 0 },
    },
  },
};

static gint64
user_id (SdStore     *store,
         const char  *email,
         GError     **error)
{
  g_autoptr(SdStatement) stmt = sd_store_prepare (store, "SELECT id FROM users WHERE email = ?1");

  sqlite3_bind_text (stmt, 1, email, -1, SQLITE_STATIC);
  if (sd_store_step (store, stmt, error) != SQLITE_ROW)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No demo user %s", email);
      return 0;
    }

  return sqlite3_column_int64 (stmt, 0);
}

static gboolean
add_attachment (SdStore            *store,
                const char         *files_dir,
                const DemoMessage  *message,
                gint64              owner_id,
                gint64              message_id,
                gint64              now,
                GError            **error)
{
  g_autoptr(SdUploadWriter) writer = NULL;
  sqlite3_stmt *stmt;

  writer = sd_upload_writer_new (files_dir, error);
  if (writer == NULL ||
      !sd_upload_writer_write (writer, (const guint8 *)message->content, message->content_length,
                               error) ||
      !sd_upload_writer_finish (writer, error))
    return FALSE;

  stmt = sd_store_prepare (store,
                           "INSERT INTO files (owner_id, filename, content_type, size, sha256,"
                           " created_at, message_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  sqlite3_bind_int64 (stmt, 1, owner_id);
  sqlite3_bind_text (stmt, 2, message->filename, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, message->content_type, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, message->content_length);
  sqlite3_bind_text (stmt, 5, sd_upload_writer_get_sha256 (writer), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, now);
  sqlite3_bind_int64 (stmt, 7, message_id);

  return sd_store_run (store, stmt, error) &&
         sd_upload_writer_commit (writer, sd_store_last_id (store), error);
}

static gboolean
add_ticket (SdStore           *store,
            const char        *files_dir,
            const DemoTicket  *ticket,
            gint64             now,
            GError           **error)
{
  gint64 requester, organization = 0, id, at;
  g_autoptr(SdStatement) org = NULL;
  sqlite3_stmt *stmt;

  requester = user_id (store, ticket->requester, error);
  if (requester == 0)
    return FALSE;

  org = sd_store_prepare (store, "SELECT organization_id FROM users WHERE id = ?1");
  sqlite3_bind_int64 (org, 1, requester);
  if (sd_store_step (store, org, error) != SQLITE_ROW)
    return FALSE;
  organization = sqlite3_column_int64 (org, 0);
  sd_statement_reset (org);

  at = now - ticket->hours_ago * HOUR;
  id = sd_api_insert_ticket (store, ticket->subject, ticket->category, requester, organization,
                             at, error);
  if (id == 0)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (ticket->messages) && ticket->messages[i].body; i++)
    {
      const DemoMessage *message = &ticket->messages[i];
      gint64 author, message_id;

      author = user_id (store, message->author, error);
      message_id = author != 0
                   ? sd_api_add_message (store, id, message->kind, author, message->body, at, error)
                   : 0;
      if (message_id == 0)
        return FALSE;

      if (message->filename != NULL &&
          !add_attachment (store, files_dir, message, author, message_id, at, error))
        return FALSE;

      at += HOUR + i * 7 * 60;
    }

  stmt = sd_store_prepare (store, "UPDATE tickets SET status = ?1 WHERE id = ?2");
  sqlite3_bind_text (stmt, 1, ticket->status, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, id);

  return sd_store_run (store, stmt, error);
}

gboolean
sd_demo_seed (SdStore     *store,
              const char  *files_dir,
              GError     **error)
{
  static const struct {
    const char *email;
    const char *name;
    SdRole      role;
    const char *organization;
  } users[] = {
    { "customer@example.com", "Alex Morgan", SD_ROLE_CUSTOMER, "Example Corp" },
    { "other@example.org", "Sam Rivera", SD_ROLE_CUSTOMER, "Northwind Traders" },
    { "agent@example.com", "Jordan Lee", SD_ROLE_AGENT, "SupportDesk Support" },
  };
  g_autofree char *hash = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(SdStatement) existing = NULL;
  int rc;

  existing = sd_store_prepare (store, "SELECT 1 FROM users WHERE email = ?1");
  sqlite3_bind_text (existing, 1, users[0].email, -1, SQLITE_STATIC);
  rc = sd_store_step (store, existing, error);
  sd_statement_reset (existing);
  if (rc == 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    return TRUE;

  /* One hash serves every demo account: they share their published password. */
  hash = sd_auth_hash_password (SD_DEMO_PASSWORD, error);
  if (hash == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    if (sd_accounts_add_user (store, users[i].email, users[i].name, users[i].role,
                              users[i].organization, hash, error) == 0)
      return FALSE;

  if (!sd_store_begin (store, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (tickets); i++)
    if (!add_ticket (store, files_dir, &tickets[i], now, error))
      {
        sd_store_rollback (store);
        return FALSE;
      }

  if (!sd_store_commit (store, error))
    {
      sd_store_rollback (store);
      return FALSE;
    }

  return TRUE;
}
