#define G_LOG_DOMAIN "sd-bench-seed"

#include "config.h"

#include "sd-accounts.h"
#include "sd-api.h"
#include "sd-auth.h"
#include "sd-bench-words.h"
#include "sd-store.h"

#include <glib/gstdio.h>
#include <sodium.h>
#include <stdio.h>

/*
 * Fills a new data dir of supportdesk-server with many tickets, through the
 * server's own store (sd_store_open(): the real schema and migrations) and
 * its own accounts code, in one transaction with prepared statements.
 *
 * Organizations and users (password "bench-password" for all):
 *   Example Corp   customer@example.com and 19 colleagues: --tickets tickets,
 *                  --messages messages in all (the first of each ticket is its
 *                  description; a solved ticket ends with an event)
 *   Small Shop     small@example.net: --small-tickets tickets, 5 messages each
 *   Example Support  agent@example.com, the agent who answers
 *
 * Rows are written as the API's handlers write them (sd_api_insert_ticket(),
 * sd_api_add_message(), the status change of sd_api_ticket_update()): the
 * search document of a ticket is its subject and, in "messages", a newline
 * and the body of each comment in turn. --via-api writes through those very
 * functions instead: slower, and there to check that both give the same
 * database.
 */

#define PASSWORD "bench-password"
#define N_COLLEAGUES 19
#define DAY (24 * 60 * 60)
/* What sd_api_ticket_update() writes when the agent solves a ticket. */
#define SOLVED_EVENT "Jordan Lee marked this ticket as solved"

static const char * const categories[] = {
  "antivirus-firewall", "data-not-captured", "billing", "installation", "account", "other",
};

typedef struct
{
  SdStore       *store;
  SdBenchWords  *words;
  SdBenchRandom  random;
  gboolean       via_api;
  gint64         agent_id;
  gint64         next_ticket_id;
  guint          rare_every;
  guint64        n_messages;
  gint64         now;
} Seeder;

static gint64
add_user (Seeder      *seeder,
          const char  *email,
          const char  *name,
          SdRole       role,
          const char  *organization,
          const char  *hash)
{
  g_autoptr(GError) error = NULL;
  gint64 id = sd_accounts_add_user (seeder->store, email, name, role, organization, hash, &error);

  if (id == 0)
    g_error ("Cannot add %s: %s", email, error->message);

  return id;
}

static gint64
organization_of (Seeder *seeder,
                 gint64  user_id)
{
  g_autoptr(SdStatement) stmt = NULL;

  stmt = sd_store_prepare (seeder->store, "SELECT organization_id FROM users WHERE id = ?1");

  sqlite3_bind_int64 (stmt, 1, user_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    g_error ("No user %" G_GINT64_FORMAT, user_id);

  return sqlite3_column_int64 (stmt, 0);
}

static void
run (Seeder       *seeder,
     sqlite3_stmt *stmt)
{
  g_autoptr(GError) error = NULL;

  if (!sd_store_run (seeder->store, stmt, &error))
    g_error ("%s", error->message);
}

static char *
make_subject (Seeder *seeder)
{
  GString *subject = g_string_new (NULL);
  guint n = 3 + sd_bench_random_range (&seeder->random, 7);

  for (guint i = 0; i < n; i++)
    {
      const char *word = sd_bench_words_draw_content (seeder->words, &seeder->random);

      if (i > 0)
        g_string_append_c (subject, ' ');
      g_string_append (subject, word);
    }
  subject->str[0] = g_ascii_toupper (subject->str[0]);

  return g_string_free (subject, FALSE);
}

static char *
make_body (Seeder *seeder)
{
  GString *body = g_string_new (NULL);
  /* Mostly short, some long: 8 to about 120 words. */
  double u = sd_bench_random_double (&seeder->random);
  guint n = 8 + (guint)(u * u * 112);
  const char *rare = NULL;

  if (sd_bench_random_range (&seeder->random, seeder->rare_every) == 0)
    rare = sd_bench_words_rare (seeder->words,
                                sd_bench_random_range (&seeder->random,
                                                       sd_bench_words_n_rare (seeder->words)));

  sd_bench_words_text (seeder->words, &seeder->random, n, rare, body);

  return g_string_free (body, FALSE);
}

static void
insert_ticket (Seeder     *seeder,
               gint64      id,
               const char *subject,
               const char *category,
               gboolean    solved,
               gint64      requester_id,
               gint64      organization_id,
               gint64      created,
               gint64      last_at,
               guint       n_messages)
{
  sqlite3_stmt *stmt;

  stmt = sd_store_prepare (seeder->store,
                           "INSERT INTO tickets (id, subject, category_id, status, requester_id,"
                           " organization_id, created_at, updated_at, message_count,"
                           " last_message_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8)");
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, subject, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, category, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, solved ? "solved" : "pending", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, requester_id);
  sqlite3_bind_int64 (stmt, 6, organization_id);
  sqlite3_bind_int64 (stmt, 7, created);
  sqlite3_bind_int64 (stmt, 8, last_at);
  sqlite3_bind_int64 (stmt, 9, n_messages);
  run (seeder, stmt);
}

/*
 * One ticket with @n_messages messages (at least 1), created at @created and
 * active until some time after; the last is a "solved" event when @solved.
 */
static void
add_ticket (Seeder  *seeder,
            gint64   requester_id,
            gint64   organization_id,
            gint64   created,
            guint    n_messages,
            gboolean solved)
{
  g_autofree char *subject = make_subject (seeder);
  const char *category = categories[sd_bench_random_range (&seeder->random,
                                                           G_N_ELEMENTS (categories))];
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);
  g_autofree gint64 *times = g_new (gint64, n_messages);
  g_autoptr(GString) document = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  gint64 id = seeder->next_ticket_id++;
  guint n_comments = solved ? n_messages - 1 : n_messages;
  sqlite3_stmt *stmt;

  for (guint i = 0; i < n_messages; i++)
    {
      /* Answers come minutes to days apart. */
      times[i] = i == 0 ? created : times[i - 1] + 60 + sd_bench_random_range (&seeder->random,
                                                                              2 * DAY);
      /* Nothing happened in the future. */
      times[i] = MIN (times[i], seeder->now - 60 * (gint64)(n_messages - i));
      g_ptr_array_add (bodies, i < n_comments ? make_body (seeder)
                                              : g_strdup (SOLVED_EVENT));
    }

  if (seeder->via_api)
    {
      if (sd_api_insert_ticket (seeder->store, subject, category, requester_id, organization_id,
                                created, &error) != id)
        g_error ("Cannot add ticket %" G_GINT64_FORMAT ": %s", id,
                 error != NULL ? error->message : "another id");
    }
  else
    {
      insert_ticket (seeder, id, subject, category, solved, requester_id, organization_id,
                     created, times[n_messages - 1], n_messages);
    }

  for (guint i = 0; i < n_messages; i++)
    {
      gboolean event = i >= n_comments;
      gint64 author = i % 2 == 0 && !event ? requester_id : seeder->agent_id;
      const char *body = g_ptr_array_index (bodies, i);

      if (seeder->via_api)
        {
          if (event)
            {
              stmt = sd_store_prepare (seeder->store,
                                       "UPDATE tickets SET status = 'solved' WHERE id = ?1");
              sqlite3_bind_int64 (stmt, 1, id);
              run (seeder, stmt);
            }
          if (sd_api_add_message (seeder->store, id, event ? "event" : "comment", author, body,
                                  times[i], &error) == 0)
            g_error ("Cannot add a message: %s", error->message);
          continue;
        }

      stmt = sd_store_prepare (seeder->store,
                               "INSERT INTO messages (ticket_id, kind, author_id, body, created_at)"
                               " VALUES (?1, ?2, ?3, ?4, ?5)");
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_text (stmt, 2, event ? "event" : "comment", -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, author);
      sqlite3_bind_text (stmt, 4, body, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 5, times[i]);
      run (seeder, stmt);

      if (!event)
        {
          g_string_append_c (document, '\n');
          g_string_append (document, body);
        }
    }
  seeder->n_messages += n_messages;

  if (seeder->via_api)
    return;

  stmt = sd_store_prepare (seeder->store,
                           "INSERT INTO ticket_search (rowid, subject, messages)"
                           " VALUES (?1, ?2, ?3)");
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, subject, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, document->str, document->len, SQLITE_STATIC);
  run (seeder, stmt);
}

/*
 * @n_tickets tickets of the requesters in @requesters, with @n_messages
 * messages in all, created evenly over the two years before @now.
 */
static void
add_tickets (Seeder *seeder,
             GArray *requesters,
             gint64  organization_id,
             guint   n_tickets,
             guint64 n_messages,
             gint64  now)
{
  g_autofree guint *counts = g_new (guint, n_tickets);
  gint64 span = 730 * (gint64)DAY;

  /* One description each, the rest spread at random: about n_messages / n_tickets each. */
  for (guint i = 0; i < n_tickets; i++)
    counts[i] = 1;
  for (guint64 i = n_tickets; i < n_messages; i++)
    counts[sd_bench_random_range (&seeder->random, n_tickets)]++;

  for (guint i = 0; i < n_tickets; i++)
    {
      gint64 created = now - span + span * i / n_tickets - 10 * DAY;
      gint64 requester = g_array_index (requesters, gint64,
                                        sd_bench_random_range (&seeder->random, requesters->len));
      /* Most tickets that had an answer are solved by now. */
      gboolean solved = counts[i] >= 2 && sd_bench_random_range (&seeder->random, 10) < 7;

      add_ticket (seeder, requester, organization_id, created, counts[i], solved);

      if (i % 10000 == 9999)
        {
          g_printerr ("\r  %u tickets", i + 1);
          fflush (stderr);
        }
    }
  if (n_tickets >= 10000)
    g_printerr ("\n");
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) big = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) small = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(SdBenchWords) words = NULL;
  g_autoptr(SdStore) store = NULL;
  Seeder seeder = { 0 };
  int n_tickets = 100000, n_messages = 500000, n_small = 100, n_words = 4000, n_rare = 1000;
  gboolean via_api = FALSE;
  gint64 start = g_get_monotonic_time ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 customer, small_customer;
  const GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "A new data dir to fill", "DIR" },
    { "tickets", 0, 0, G_OPTION_ARG_INT, &n_tickets, "Tickets of the big organization", "N" },
    { "messages", 0, 0, G_OPTION_ARG_INT, &n_messages, "Their messages in all", "N" },
    { "small-tickets", 0, 0, G_OPTION_ARG_INT, &n_small, "Tickets of the small one", "N" },
    { "words", 0, 0, G_OPTION_ARG_INT, &n_words, "Size of the vocabulary", "N" },
    { "rare-words", 0, 0, G_OPTION_ARG_INT, &n_rare, "Rare words", "N" },
    { "via-api", 0, 0, G_OPTION_ARG_NONE, &via_api,
      "Write through the API's own functions (slow; to compare)", NULL },
    { NULL }
  };

  context = g_option_context_new ("- fill a supportdesk-server data dir for the benchmarks");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || data_dir == NULL ||
      n_tickets < 1 || n_messages < n_tickets || n_small < 0 || n_words < 100 || n_rare < 1)
    {
      g_printerr ("seed: %s\n",
                  error != NULL ? error->message
                                : "give --data-dir, and --messages ≥ --tickets ≥ 1");
      return 2;
    }

  if (sodium_init () < 0)
    g_error ("Cannot initialize libsodium");

  db_path = g_build_filename (data_dir, "supportdesk.db", NULL);
  if (g_mkdir_with_parents (data_dir, 0700) != 0 || g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      g_printerr ("seed: %s must be a new, empty data dir\n", data_dir);
      return 1;
    }

  store = sd_store_open (db_path, &error);
  if (store == NULL)
    g_error ("%s", error->message);

  hash = sd_auth_hash_password (PASSWORD, &error);
  if (hash == NULL)
    g_error ("%s", error->message);

  words = sd_bench_words_new (n_words, n_rare);
  seeder.store = store;
  seeder.words = words;
  seeder.via_api = via_api;
  seeder.next_ticket_id = 1;
  seeder.now = now;
  /* About five messages of each rare word over the whole set. */
  seeder.rare_every = MAX (1, n_messages / (5 * n_rare));
  sd_bench_random_init (&seeder.random, 42);

  seeder.agent_id = add_user (&seeder, "agent@example.com", "Jordan Lee", SD_ROLE_AGENT,
                              "Example Support", hash);
  customer = add_user (&seeder, "customer@example.com", "Alex Morgan", SD_ROLE_CUSTOMER,
                       "Example Corp", hash);
  g_array_append_val (big, customer);
  for (guint i = 1; i <= N_COLLEAGUES; i++)
    {
      g_autofree char *email = g_strdup_printf ("colleague%02u@example.com", i);
      g_autofree char *name = g_strdup_printf ("Colleague %u", i);
      gint64 id = add_user (&seeder, email, name, SD_ROLE_CUSTOMER, "Example Corp", hash);

      g_array_append_val (big, id);
    }
  small_customer = add_user (&seeder, "small@example.net", "Sam Small", SD_ROLE_CUSTOMER,
                             "Small Shop", hash);
  g_array_append_val (small, small_customer);

  /*
   * The users went in one transaction each (sd_accounts_add_user() opens its
   * own); the tickets go in one. A bulk load may use more memory than the
   * server does; the file is the same.
   */
  if (!sd_store_exec (store, "PRAGMA cache_size = -262144", &error) ||
      !sd_store_begin (store, &error))
    g_error ("%s", error->message);

  add_tickets (&seeder, big, organization_of (&seeder, customer), n_tickets, n_messages, now);
  if (n_small > 0)
    add_tickets (&seeder, small, organization_of (&seeder, small_customer), n_small,
                 5 * (guint64)n_small, now);

  if (!sd_store_commit (store, &error) ||
      !sd_store_exec (store, "PRAGMA wal_checkpoint(TRUNCATE)", &error))
    g_error ("%s", error->message);

  g_printerr ("Seeded %" G_GINT64_FORMAT " tickets and %" G_GUINT64_FORMAT " messages in %.1f s\n",
              seeder.next_ticket_id - 1, seeder.n_messages,
              (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC);

  return 0;
}
