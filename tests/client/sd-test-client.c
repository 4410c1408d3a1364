#define G_LOG_DOMAIN "sd-test"

#include "config.h"

#include "sd-test-client.h"

static void
timed_out_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
}

void
sd_test_wait_until (SdTestCondition condition,
                    gpointer        data)
{
  gboolean timed_out = FALSE;
  guint timeout_id;

  timeout_id = g_timeout_add_once (SD_TEST_TIMEOUT_SECONDS * 1000, timed_out_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (timeout_id);

  if (timed_out)
    g_error ("Waited more than %d seconds", SD_TEST_TIMEOUT_SECONDS);
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *)data;
}

void
sd_test_wait_for_flag (gboolean *flag)
{
  sd_test_wait_until (flag_is_set, flag);
}

static gboolean
result_is_set (gpointer data)
{
  return *(GAsyncResult **)data != NULL;
}

void
sd_test_wait_for_result (GAsyncResult **result)
{
  sd_test_wait_until (result_is_set, result);
}

void
sd_test_store_result_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  /* Every path of every call completes exactly once. */
  g_assert_null (*out);
  *out = g_object_ref (result);
}

void
sd_test_run_for (guint milliseconds)
{
  gboolean done = FALSE;

  g_timeout_add_once (milliseconds, timed_out_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

SdClient *
sd_test_client_new (SdTestServer *server,
                    const char   *email)
{
  g_autofree char *token = sd_test_login (server, email, SD_TEST_PASSWORD);
  SdClient *client = sd_client_new (server->url);

  sd_client_set_token (client, token);

  return client;
}

gint64
sd_test_create_ticket (SdTestServer *server,
                       const char   *token,
                       const char   *subject)
{
  g_autoptr(SdTestResponse) response = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "category");
  json_builder_add_string_value (builder, "billing");
  json_builder_set_member_name (builder, "subject");
  json_builder_add_string_value (builder, subject);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, "Made by a test");
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  json = json_to_string (node, FALSE);

  response = sd_test_request (server, "POST", "/api/v1/tickets", token, json);
  g_assert_cmpuint (response->status, ==, 201);

  return json_object_get_int_member (sd_test_response_object (response), "id");
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *)data == NULL;
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
sd_test_finalize_outbox (SdOutbox *outbox)
{
  gpointer weak = outbox;
  /* The worker's thread finalizes it without waking this loop: a tick looks. */
  guint tick = g_timeout_add (5, tick_cb, NULL);

  g_object_add_weak_pointer (G_OBJECT (outbox), &weak);
  g_object_unref (outbox);
  sd_test_wait_until (is_null, &weak);
  g_source_remove (tick);
}
