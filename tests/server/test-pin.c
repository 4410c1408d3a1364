#include "config.h"

#include "sd-test-server.h"

#include <string.h>

/*
 * The support PIN: how customers make and clear it, how agents redeem it
 * (once, whatever the number of racing requests), the identical refusals,
 * the rate limit, and that the PIN itself is kept nowhere.
 */

#define PIN_LIFETIME (24 * 60 * 60)
#define DASHBOARD_LIFETIME (60 * 60)

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
is_pin (const char *text)
{
  return text != NULL && strlen (text) == 9 && strspn (text, "0123456789") == 9;
}

/* Makes a new PIN for the customer of @token; asserts the answer. */
static char *
create_pin (SdTestServer *server,
            const char   *token)
{
  g_autoptr(SdTestResponse) response = NULL;
  g_autoptr(GDateTime) created = NULL;
  g_autoptr(GDateTime) expires = NULL;
  JsonObject *object;

  response = sd_test_request (server, "POST", "/api/v1/support-pin", token, NULL);
  g_assert_cmpuint (response->status, ==, 201);
  object = sd_test_response_object (response);
  g_assert_true (is_pin (json_object_get_string_member (object, "pin")));

  sd_test_assert_time_near (json_object_get_string_member (object, "created_at"),
                            now_seconds (), 60);
  created = g_date_time_new_from_iso8601 (json_object_get_string_member (object, "created_at"),
                                          NULL);
  expires = g_date_time_new_from_iso8601 (json_object_get_string_member (object, "expires_at"),
                                          NULL);
  g_assert_cmpint (g_date_time_to_unix (expires) - g_date_time_to_unix (created), ==,
                   PIN_LIFETIME);

  return g_strdup (json_object_get_string_member (object, "pin"));
}

static SdTestResponse *
redeem (SdTestServer *server,
        const char   *agent_token,
        const char   *email,
        const char   *pin)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "customer_email");
  json_builder_add_string_value (builder, email);
  json_builder_set_member_name (builder, "pin");
  json_builder_add_string_value (builder, pin);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);

  return sd_test_request (server, "POST", "/api/v1/agent/dashboard-sessions", agent_token, json);
}

/* Asserts a refusal, and that it says what every other refusal says. */
static void
assert_refused (SdTestResponse  *response,
                char           **message)
{
  JsonObject *error;
  const char *text;

  sd_test_assert_error (response, 403, "forbidden", NULL);
  error = json_object_get_object_member (sd_test_response_object (response), "error");
  text = json_object_get_string_member (error, "message");

  if (*message == NULL)
    *message = g_strdup (text);
  else
    g_assert_cmpstr (text, ==, *message);
}

static JsonObject *
get_object (SdTestServer   *server,
            const char     *path,
            const char     *token,
            SdTestResponse **out_response)
{
  SdTestResponse *response = sd_test_request (server, "GET", path, token, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  *out_response = response;

  return sd_test_response_object (response);
}

static gint64
user_id (SdTestServer *server,
         const char   *token)
{
  g_autoptr(SdTestResponse) response = NULL;
  JsonObject *session = get_object (server, "/api/v1/session", token, &response);

  return json_object_get_int_member (json_object_get_object_member (session, "user"), "id");
}

/* The 9-digit sequence of @pin with @separator after every third digit. */
static char *
spaced (const char *pin,
        char        separator)
{
  return g_strdup_printf ("%.3s%c%.3s%c%.3s", pin, separator, pin + 3, separator, pin + 6);
}

static void
test_create (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *other = sd_test_login (server, SD_TEST_OTHER, SD_TEST_PASSWORD);
  g_autoptr(SdTestResponse) created = NULL;
  g_autoptr(SdTestResponse) status = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char * const key[] = { "Idempotency-Key", "pin-1", NULL };
  JsonObject *object;
  JsonObject *pin_object;
  const char *pin;

  /* Before any PIN: inactive, and nothing else to tell. */
  object = get_object (server, "/api/v1/support-pin", other, &status);
  g_assert_false (json_object_get_boolean_member (object, "active"));
  g_assert_true (json_object_get_null_member (object, "created_at"));
  g_assert_true (json_object_get_null_member (object, "expires_at"));
  g_assert_true (json_object_get_null_member (object, "used_at"));
  g_assert_true (json_object_get_null_member (object, "used_by"));
  g_clear_pointer (&status, sd_test_response_free);

  created = sd_test_request (server, "POST", "/api/v1/support-pin", customer, NULL);
  g_assert_cmpuint (created->status, ==, 201);
  pin_object = sd_test_response_object (created);
  pin = json_object_get_string_member (pin_object, "pin");
  g_assert_true (is_pin (pin));
  sd_test_assert_time_near (json_object_get_string_member (pin_object, "created_at"),
                            now_seconds (), 60);
  sd_test_assert_time_near (json_object_get_string_member (pin_object, "expires_at"),
                            now_seconds () + PIN_LIFETIME, 60);

  /* The status tells about the PIN, without the PIN. */
  object = get_object (server, "/api/v1/support-pin", customer, &status);
  g_assert_true (json_object_get_boolean_member (object, "active"));
  g_assert_cmpstr (json_object_get_string_member (object, "created_at"), ==,
                   json_object_get_string_member (pin_object, "created_at"));
  g_assert_cmpstr (json_object_get_string_member (object, "expires_at"), ==,
                   json_object_get_string_member (pin_object, "expires_at"));
  g_assert_true (json_object_get_null_member (object, "used_at"));
  g_assert_true (json_object_get_null_member (object, "used_by"));
  g_assert_false (json_object_has_member (object, "pin"));
  g_assert_null (g_strstr_len (g_bytes_get_data (status->body, NULL),
                               g_bytes_get_size (status->body), pin));
  g_clear_pointer (&status, sd_test_response_free);

  /* Another customer's PIN is theirs alone. */
  object = get_object (server, "/api/v1/support-pin", other, &status);
  g_assert_false (json_object_get_boolean_member (object, "active"));
  g_clear_pointer (&status, sd_test_response_free);

  /* Every renewal is a new random PIN; an Idempotency-Key changes nothing
   * here (it would have to keep the PIN to answer it again). */
  g_hash_table_add (seen, g_strdup (pin));
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(SdTestResponse) again = NULL;

      again = sd_test_request_full (server, "POST", "/api/v1/support-pin", customer, NULL, NULL,
                                    i < 2 ? key : NULL);
      g_assert_cmpuint (again->status, ==, 201);
      pin = json_object_get_string_member (sd_test_response_object (again), "pin");
      g_assert_true (is_pin (pin));
      g_assert_true (g_hash_table_add (seen, g_strdup (pin)));
    }
}

static void
test_redeem (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *agent = sd_test_login (server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_autofree char *pin = create_pin (server, customer);
  g_autofree char *message = NULL;
  g_autofree char *second_pin = NULL;
  g_autofree char *dashed = NULL;
  g_autoptr(SdTestResponse) response = NULL;
  g_autoptr(SdTestResponse) status = NULL;
  gint64 agent_id = user_id (server, agent);
  gint64 customer_id = user_id (server, customer);
  JsonObject *object;
  JsonObject *user;
  JsonObject *entry;
  JsonArray *entries;
  const char *dashboard;

  response = redeem (server, agent, SD_TEST_CUSTOMER, pin);
  g_assert_cmpuint (response->status, ==, 201);
  g_assert_null (g_strstr_len (g_bytes_get_data (response->body, NULL),
                               g_bytes_get_size (response->body), pin));
  object = sd_test_response_object (response);
  dashboard = json_object_get_string_member (object, "token");
  g_assert_cmpuint (strlen (dashboard), ==, 43);
  g_assert_cmpstr (dashboard, !=, agent);
  sd_test_assert_time_near (json_object_get_string_member (object, "expires_at"),
                            now_seconds () + DASHBOARD_LIFETIME, 60);
  user = json_object_get_object_member (object, "customer");
  g_assert_cmpint (json_object_get_int_member (user, "id"), ==, customer_id);
  g_assert_cmpstr (json_object_get_string_member (user, "email"), ==, SD_TEST_CUSTOMER);
  g_assert_cmpstr (json_object_get_string_member (user, "name"), ==, "Alex Morgan");
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "customer");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (user,
                                                                                 "organization"),
                                                  "name"), ==, "Example Corp");

  /* The session acts as the customer, and says who holds it. */
  object = get_object (server, "/api/v1/session", dashboard, &status);
  user = json_object_get_object_member (object, "user");
  g_assert_cmpint (json_object_get_int_member (user, "id"), ==, customer_id);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object,
                                                                              "dashboard_agent"),
                                               "id"), ==, agent_id);
  g_clear_pointer (&status, sd_test_response_free);
  g_clear_pointer (&response, sd_test_response_free);

  /* One time only. */
  response = redeem (server, agent, SD_TEST_CUSTOMER, pin);
  assert_refused (response, &message);
  g_clear_pointer (&response, sd_test_response_free);

  /* The customer sees that, and by whom. */
  object = get_object (server, "/api/v1/support-pin", customer, &status);
  g_assert_false (json_object_get_boolean_member (object, "active"));
  g_assert_false (json_object_get_null_member (object, "created_at"));
  g_assert_false (json_object_get_null_member (object, "expires_at"));
  sd_test_assert_time_near (json_object_get_string_member (object, "used_at"), now_seconds (),
                            60);
  user = json_object_get_object_member (object, "used_by");
  g_assert_cmpint (json_object_get_int_member (user, "id"), ==, agent_id);
  g_assert_cmpstr (json_object_get_string_member (user, "name"), ==, "Jordan Lee");
  g_clear_pointer (&status, sd_test_response_free);

  object = get_object (server, "/api/v1/access-log", customer, &status);
  entries = json_object_get_array_member (object, "entries");
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  entry = json_array_get_object_element (entries, 0);
  sd_test_assert_time_near (json_object_get_string_member (entry, "at"), now_seconds (), 60);
  user = json_object_get_object_member (entry, "agent");
  g_assert_cmpint (json_object_get_int_member (user, "id"), ==, agent_id);
  g_assert_cmpstr (json_object_get_string_member (user, "name"), ==, "Jordan Lee");
  g_assert_cmpstr (json_object_get_string_member (entry, "via"), ==, "pin");
  g_assert_true (json_object_has_member (entry, "ticket_id"));
  g_assert_true (json_object_get_null_member (entry, "ticket_id"));
  g_clear_pointer (&status, sd_test_response_free);

  /* A new PIN works, typed with dashes and the email in capitals; the
   * log grows, and names nobody to another organization. */
  second_pin = create_pin (server, customer);
  dashed = spaced (second_pin, '-');
  response = redeem (server, agent, "Customer@EXAMPLE.com", dashed);
  g_assert_cmpuint (response->status, ==, 201);
  g_clear_pointer (&response, sd_test_response_free);

  object = get_object (server, "/api/v1/access-log", customer, &status);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "entries")), ==,
                    2);
  g_assert_true (json_object_get_null_member (object, "next_cursor"));
  g_clear_pointer (&status, sd_test_response_free);

  {
    g_autofree char *other = sd_test_login (server, SD_TEST_OTHER, SD_TEST_PASSWORD);

    object = get_object (server, "/api/v1/access-log", other, &status);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "entries")),
                      ==, 0);
  }
}

static void
test_spaces (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *agent = sd_test_login (server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_autofree char *pin = create_pin (server, customer);
  g_autofree char *with_spaces = spaced (pin, ' ');
  g_autoptr(SdTestResponse) response = NULL;

  /* As a customer reads it out: "482 913 706". */
  response = redeem (server, agent, SD_TEST_CUSTOMER, with_spaces);
  g_assert_cmpuint (response->status, ==, 201);
}

static void
test_renew_replaces (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *agent = sd_test_login (server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_autofree char *old_pin = create_pin (server, customer);
  g_autofree char *new_pin = create_pin (server, customer);
  g_autofree char *message = NULL;
  g_autoptr(SdTestResponse) response = NULL;

  g_assert_cmpstr (old_pin, !=, new_pin);

  response = redeem (server, agent, SD_TEST_CUSTOMER, old_pin);
  assert_refused (response, &message);
  g_clear_pointer (&response, sd_test_response_free);

  response = redeem (server, agent, SD_TEST_CUSTOMER, new_pin);
  g_assert_cmpuint (response->status, ==, 201);
}

static void
test_clear (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *agent = sd_test_login (server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_autofree char *pin = create_pin (server, customer);
  g_autofree char *renewed = NULL;
  g_autofree char *message = NULL;
  g_autoptr(SdTestResponse) response = NULL;
  g_autoptr(SdTestResponse) status = NULL;
  JsonObject *object;

  response = sd_test_request (server, "DELETE", "/api/v1/support-pin", customer, NULL);
  g_assert_cmpuint (response->status, ==, 204);
  g_assert_cmpuint (g_bytes_get_size (response->body), ==, 0);
  g_clear_pointer (&response, sd_test_response_free);

  object = get_object (server, "/api/v1/support-pin", customer, &status);
  g_assert_false (json_object_get_boolean_member (object, "active"));
  g_assert_true (json_object_get_null_member (object, "created_at"));
  g_assert_true (json_object_get_null_member (object, "expires_at"));
  g_assert_true (json_object_get_null_member (object, "used_at"));
  g_assert_true (json_object_get_null_member (object, "used_by"));
  g_clear_pointer (&status, sd_test_response_free);

  response = redeem (server, agent, SD_TEST_CUSTOMER, pin);
  assert_refused (response, &message);
  g_clear_pointer (&response, sd_test_response_free);

  /* Clearing what is cleared is no error. */
  response = sd_test_request (server, "DELETE", "/api/v1/support-pin", customer, NULL);
  g_assert_cmpuint (response->status, ==, 204);
  g_clear_pointer (&response, sd_test_response_free);

  /* Until the next renewal. */
  renewed = create_pin (server, customer);
  response = redeem (server, agent, SD_TEST_CUSTOMER, renewed);
  g_assert_cmpuint (response->status, ==, 201);
}

static void
test_refusals_alike (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *other = sd_test_login (server, SD_TEST_OTHER, SD_TEST_PASSWORD);
  g_autofree char *agent = sd_test_login (server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_autofree char *pin = create_pin (server, customer);
  g_autofree char *wrong = g_strdup (pin);
  g_autofree char *message = NULL;
  g_autoptr(SdTestResponse) response = NULL;
  g_autoptr(SdTestResponse) status = NULL;

  /* A wrong digit. */
  wrong[8] = wrong[8] == '9' ? '0' : wrong[8] + 1;
  response = redeem (server, agent, SD_TEST_CUSTOMER, wrong);
  assert_refused (response, &message);
  g_clear_pointer (&response, sd_test_response_free);

  /* Not nine digits: the same answer. Four failures so far for this customer. */
  {
    g_autofree char *ten = g_strconcat (pin, "0", NULL);
    const char *malformed[] = { "12345", ten, "" };

    for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
      {
        response = redeem (server, agent, SD_TEST_CUSTOMER, malformed[i]);
        assert_refused (response, &message);
        g_clear_pointer (&response, sd_test_response_free);
      }
  }

  /* Nobody, an agent, a customer without a PIN: the same. */
  response = redeem (server, agent, "nobody@example.com", pin);
  assert_refused (response, &message);
  g_clear_pointer (&response, sd_test_response_free);
  response = redeem (server, agent, SD_TEST_AGENT, pin);
  assert_refused (response, &message);
  g_clear_pointer (&response, sd_test_response_free);
  response = redeem (server, agent, SD_TEST_OTHER, pin);
  assert_refused (response, &message);
  g_clear_pointer (&response, sd_test_response_free);

  /* Another customer's cleared PIN, and used PIN: the same. */
  {
    g_autofree char *cleared = create_pin (server, other);
    g_autofree char *used = NULL;

    response = sd_test_request (server, "DELETE", "/api/v1/support-pin", other, NULL);
    g_assert_cmpuint (response->status, ==, 204);
    g_clear_pointer (&response, sd_test_response_free);
    response = redeem (server, agent, SD_TEST_OTHER, cleared);
    assert_refused (response, &message);
    g_clear_pointer (&response, sd_test_response_free);

    used = create_pin (server, other);
    response = redeem (server, agent, SD_TEST_OTHER, used);
    g_assert_cmpuint (response->status, ==, 201);
    g_clear_pointer (&response, sd_test_response_free);
    response = redeem (server, agent, SD_TEST_OTHER, used);
    assert_refused (response, &message);
    g_clear_pointer (&response, sd_test_response_free);
  }

  /* None of that touched the customer's PIN, which still works. */
  {
    JsonObject *object = get_object (server, "/api/v1/support-pin", customer, &status);

    g_assert_true (json_object_get_boolean_member (object, "active"));
  }
  response = redeem (server, agent, SD_TEST_CUSTOMER, pin);
  g_assert_cmpuint (response->status, ==, 201);
}

static void
test_rate_limit (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *other = sd_test_login (server, SD_TEST_OTHER, SD_TEST_PASSWORD);
  g_autofree char *agent = sd_test_login (server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_autofree char *pin = create_pin (server, customer);
  g_autofree char *other_pin = create_pin (server, other);
  g_autofree char *wrong = g_strdup (pin);
  g_autofree char *message = NULL;
  g_autoptr(SdTestResponse) response = NULL;
  g_autoptr(SdTestResponse) status = NULL;
  const char *attempts[] = { pin, wrong, "Customer@Example.COM" };

  wrong[0] = wrong[0] == '9' ? '0' : wrong[0] + 1;

  for (guint i = 0; i < 5; i++)
    {
      response = redeem (server, agent, SD_TEST_CUSTOMER, wrong);
      assert_refused (response, &message);
      g_clear_pointer (&response, sd_test_response_free);
    }

  /* From the sixth attempt on, even the right PIN is turned away, however
   * the email is written. */
  for (guint i = 0; i < G_N_ELEMENTS (attempts); i++)
    {
      const char *email = i == 2 ? attempts[i] : SD_TEST_CUSTOMER;
      const char *tried = i == 2 ? pin : attempts[i];
      const char *retry_after;
      guint64 seconds = 0;

      response = redeem (server, agent, email, tried);
      sd_test_assert_error (response, 429, "rate_limited", NULL);
      retry_after = soup_message_headers_get_one (response->headers, "Retry-After");
      g_assert_nonnull (retry_after);
      g_assert_true (g_ascii_string_to_unsigned (retry_after, 10, 1, 15 * 60, &seconds, NULL));
      g_clear_pointer (&response, sd_test_response_free);
    }

  /* The PIN was not spent by the refused attempts. */
  {
    JsonObject *object = get_object (server, "/api/v1/support-pin", customer, &status);

    g_assert_true (json_object_get_boolean_member (object, "active"));
  }

  /* Other customers are not held up. */
  response = redeem (server, agent, SD_TEST_OTHER, other_pin);
  g_assert_cmpuint (response->status, ==, 201);
}

static void
test_roles (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *other = sd_test_login (server, SD_TEST_OTHER, SD_TEST_PASSWORD);
  g_autofree char *agent = sd_test_login (server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_autofree char *pin = create_pin (server, customer);
  g_autoptr(SdTestResponse) response = NULL;
  const struct
  {
    const char *method;
    const char *path;
  } customer_only[] = {
    { "POST", "/api/v1/support-pin" },
    { "GET", "/api/v1/support-pin" },
    { "DELETE", "/api/v1/support-pin" },
    { "GET", "/api/v1/access-log" },
    { "GET", "/api/v1/invitations" },
  };

  /* Agents have no PIN of their own to make, see or clear. */
  for (guint i = 0; i < G_N_ELEMENTS (customer_only); i++)
    {
      g_test_message ("%s %s", customer_only[i].method, customer_only[i].path);
      response = sd_test_request (server, customer_only[i].method, customer_only[i].path, agent,
                                  NULL);
      sd_test_assert_error (response, 403, "forbidden", NULL);
      g_clear_pointer (&response, sd_test_response_free);

      response = sd_test_request (server, customer_only[i].method, customer_only[i].path, NULL,
                                  NULL);
      sd_test_assert_error (response, 401, "unauthorized", NULL);
      g_clear_pointer (&response, sd_test_response_free);
    }

  /* Customers do not open dashboards, not even with a right PIN. */
  response = redeem (server, customer, SD_TEST_CUSTOMER, pin);
  sd_test_assert_error (response, 403, "forbidden", NULL);
  g_clear_pointer (&response, sd_test_response_free);
  response = redeem (server, other, SD_TEST_CUSTOMER, pin);
  sd_test_assert_error (response, 403, "forbidden", NULL);
  g_clear_pointer (&response, sd_test_response_free);
  response = redeem (server, NULL, SD_TEST_CUSTOMER, pin);
  sd_test_assert_error (response, 401, "unauthorized", NULL);
  g_clear_pointer (&response, sd_test_response_free);

  /* So the PIN is still there for an agent. */
  response = redeem (server, agent, SD_TEST_CUSTOMER, pin);
  g_assert_cmpuint (response->status, ==, 201);
}

typedef struct
{
  SoupMessage *msg;
  GBytes      *body;
  guint       *pending;
} Attempt;

static void
attempt_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Attempt *attempt = user_data;
  g_autoptr(GError) error = NULL;

  attempt->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  (*attempt->pending)--;
}

static void
test_race (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *agent = sd_test_login (server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_autofree char *pin = create_pin (server, customer);
  g_autofree char *url = g_strconcat (server->url, "/api/v1/agent/dashboard-sessions", NULL);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", agent);
  g_autofree char *json = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SdTestResponse) status = NULL;
  Attempt attempts[20];
  guint pending = G_N_ELEMENTS (attempts);
  guint created = 0, refused = 0, limited = 0;
  JsonObject *object;

  json = g_strdup_printf ("{\"customer_email\": \"%s\", \"pin\": \"%s\"}", SD_TEST_CUSTOMER, pin);
  body = g_bytes_new (json, strlen (json));

  /* One connection each, all sent before any answer is read. */
  session = soup_session_new_with_options ("max-conns", 64, "max-conns-per-host", 64,
                                           "timeout", 30, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (attempts); i++)
    {
      attempts[i].msg = soup_message_new ("POST", url);
      attempts[i].body = NULL;
      attempts[i].pending = &pending;
      soup_message_headers_replace (soup_message_get_request_headers (attempts[i].msg),
                                    "Authorization", authorization);
      soup_message_set_request_body_from_bytes (attempts[i].msg, "application/json", body);
      soup_session_send_and_read_async (session, attempts[i].msg, G_PRIORITY_DEFAULT, NULL,
                                        attempt_cb, &attempts[i]);
    }

  while (pending > 0)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (attempts); i++)
    {
      guint code = soup_message_get_status (attempts[i].msg);

      if (code == 201)
        created++;
      else if (code == 403)
        refused++;
      else if (code == 429)
        limited++;
      else
        g_error ("Unexpected status %u", code);

      g_clear_object (&attempts[i].msg);
      g_clear_pointer (&attempts[i].body, g_bytes_unref);
    }

  /* Exactly one wins. The losers are refused; once five have failed for
   * this customer, the rate limit answers the rest. */
  g_assert_cmpuint (created, ==, 1);
  g_assert_cmpuint (refused + limited, ==, G_N_ELEMENTS (attempts) - 1);
  g_assert_cmpuint (refused, <=, 5);

  object = get_object (server, "/api/v1/access-log", customer, &status);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "entries")), ==,
                    1);
  g_clear_pointer (&status, sd_test_response_free);

  object = get_object (server, "/api/v1/support-pin", customer, &status);
  g_assert_false (json_object_get_boolean_member (object, "active"));
  g_assert_false (json_object_get_null_member (object, "used_by"));
}

static gboolean
contains (const char *data,
          gsize       length,
          const char *needle)
{
  gsize needle_length = strlen (needle);

  for (gsize i = 0; i + needle_length <= length; i++)
    if (memcmp (data + i, needle, needle_length) == 0)
      return TRUE;

  return FALSE;
}

/* Asserts that no file in @dir (recursively) contains @needle. */
static void
assert_nowhere_in (const char *dir,
                   const char *needle)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      gsize length = 0;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          assert_nowhere_in (path, needle);
          continue;
        }

      g_file_get_contents (path, &contents, &length, &error);
      g_assert_no_error (error);
      if (contains (contents, length, needle))
        g_error ("%s holds the PIN", path);
    }
}

static void
test_not_stored (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *agent = sd_test_login (server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_autoptr(GPtrArray) pins = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SdTestResponse) response = NULL;
  g_autofree char *wal = g_build_filename (server->data_dir, "supportdesk.db-wal", NULL);
  const char * const key[] = { "Idempotency-Key", "pin-key", NULL };

  /* A used PIN, a cleared one, a replaced one and a live one; one made
   * with an Idempotency-Key, which must not make the server keep it. */
  response = sd_test_request_full (server, "POST", "/api/v1/support-pin", customer, NULL, NULL,
                                   key);
  g_assert_cmpuint (response->status, ==, 201);
  g_ptr_array_add (pins, g_strdup (json_object_get_string_member (
                                     sd_test_response_object (response), "pin")));
  g_clear_pointer (&response, sd_test_response_free);
  response = redeem (server, agent, SD_TEST_CUSTOMER, pins->pdata[0]);
  g_assert_cmpuint (response->status, ==, 201);
  g_clear_pointer (&response, sd_test_response_free);

  g_ptr_array_add (pins, create_pin (server, customer));
  response = sd_test_request (server, "DELETE", "/api/v1/support-pin", customer, NULL);
  g_assert_cmpuint (response->status, ==, 204);
  g_clear_pointer (&response, sd_test_response_free);

  g_ptr_array_add (pins, create_pin (server, customer));
  g_ptr_array_add (pins, create_pin (server, customer));

  /* While the server runs (the write-ahead log holds the latest writes)... */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  for (guint i = 0; i < pins->len; i++)
    assert_nowhere_in (server->data_dir, pins->pdata[i]);

  /* ...and after it stopped. */
  sd_test_server_stop (server);
  for (guint i = 0; i < pins->len; i++)
    assert_nowhere_in (server->data_dir, pins->pdata[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sd/server/pin/create", test_create);
  g_test_add_func ("/sd/server/pin/redeem", test_redeem);
  g_test_add_func ("/sd/server/pin/spaces", test_spaces);
  g_test_add_func ("/sd/server/pin/renew-replaces", test_renew_replaces);
  g_test_add_func ("/sd/server/pin/clear", test_clear);
  g_test_add_func ("/sd/server/pin/refusals-alike", test_refusals_alike);
  g_test_add_func ("/sd/server/pin/rate-limit", test_rate_limit);
  g_test_add_func ("/sd/server/pin/roles", test_roles);
  g_test_add_func ("/sd/server/pin/race", test_race);
  g_test_add_func ("/sd/server/pin/not-stored", test_not_stored);

  return g_test_run ();
}
