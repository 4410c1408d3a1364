#define G_LOG_DOMAIN "sd-test-limits"

#include "config.h"

#include "sd-test-server.h"

#include <string.h>

/*
 * GET /api/v1/limits: public, read-only, and true: the values it gives are
 * the server's options and the limits the other endpoints enforce.
 */

typedef struct
{
  gint64 max_upload_size;
  gint64 max_uploads;
  gint64 max_subject_length;
  gint64 max_body_length;
} Limits;

/* Asserts the answer's shape: exactly the four members, each a positive integer. */
static Limits
get_limits (SdTestServer *server,
            const char   *token)
{
  g_autoptr(SdTestResponse) response = NULL;
  JsonObject *object;
  Limits limits;

  response = sd_test_request (server, "GET", "/api/v1/limits", token, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==,
                   "application/json");
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Cache-Control"), ==,
                   "no-store");
  object = sd_test_response_object (response);
  g_assert_cmpuint (json_object_get_size (object), ==, 4);

  for (guint i = 0; i < 4; i++)
    {
      const char *member = (const char *[]) { "max_upload_size", "max_uploads",
                                              "max_subject_length", "max_body_length" }[i];
      JsonNode *node = json_object_get_member (object, member);

      g_test_message ("%s", member);
      g_assert_nonnull (node);
      g_assert_true (JSON_NODE_HOLDS_VALUE (node));
      g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_INT64);
      g_assert_cmpint (json_node_get_int (node), >, 0);
    }

  limits.max_upload_size = json_object_get_int_member (object, "max_upload_size");
  limits.max_uploads = json_object_get_int_member (object, "max_uploads");
  limits.max_subject_length = json_object_get_int_member (object, "max_subject_length");
  limits.max_body_length = json_object_get_int_member (object, "max_body_length");

  return limits;
}

static void
test_defaults (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  Limits limits = get_limits (server, NULL);
  Limits signed_in = get_limits (server, customer);

  /* The contract's defaults. */
  g_assert_cmpint (limits.max_upload_size, ==, 50 * 1024 * 1024);
  g_assert_cmpint (limits.max_uploads, ==, 20);
  g_assert_cmpint (limits.max_subject_length, ==, 200);
  g_assert_cmpint (limits.max_body_length, ==, 65536);

  /* The same for everyone, signed in or not. */
  g_assert_true (memcmp (&limits, &signed_in, sizeof limits) == 0);
}

static void
test_methods (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  static const char * const methods[] = { "POST", "PUT", "PATCH", "DELETE" };

  /* HEAD as for every GET: the headers, no body. */
  {
    g_autoptr(SdTestResponse) response = NULL;

    response = sd_test_request (server, "HEAD", "/api/v1/limits", NULL, NULL);
    g_assert_cmpuint (response->status, ==, 200);
    g_assert_cmpuint (g_bytes_get_size (response->body), ==, 0);
    g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==,
                     "application/json");
  }

  /* Nothing here can be changed, signed in or not. */
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autoptr(SdTestResponse) anonymous = NULL;
      g_autoptr(SdTestResponse) response = NULL;

      g_test_message ("%s /api/v1/limits", methods[i]);
      anonymous = sd_test_request (server, methods[i], "/api/v1/limits", NULL, "{}");
      sd_test_assert_error (anonymous, 405, "method_not_allowed", NULL);
      g_assert_cmpstr (soup_message_headers_get_one (anonymous->headers, "Allow"), ==,
                       "GET, HEAD");

      response = sd_test_request (server, methods[i], "/api/v1/limits", customer, "{}");
      sd_test_assert_error (response, 405, "method_not_allowed", NULL);
    }

  /* Only the exact path. */
  {
    g_autoptr(SdTestResponse) response = NULL;

    response = sd_test_request (server, "GET", "/api/v1/limits/1", NULL, NULL);
    sd_test_assert_error (response, 404, "not_found", NULL);
  }
}

/* A public endpoint does not look at the token: a stale one does not hide the limits. */
static void
test_any_token (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autoptr(SdTestResponse) signed_out = NULL;
  Limits limits;

  signed_out = sd_test_request (server, "DELETE", "/api/v1/session", customer, NULL);
  g_assert_cmpuint (signed_out->status, ==, 204);

  limits = get_limits (server, customer);
  g_assert_cmpint (limits.max_uploads, ==, 20);
  limits = get_limits (server, "not-a-token");
  g_assert_cmpint (limits.max_uploads, ==, 20);
}

static SdTestResponse *
upload (SdTestServer *server,
        const char   *token,
        gsize         size)
{
  g_autofree guint8 *data = g_malloc0 (MAX (size, 1));
  g_autoptr(GBytes) body = g_bytes_new (data, size);

  return sd_test_request_full (server, "POST", "/api/v1/uploads?filename=zeros.bin", token,
                               "application/octet-stream", body, NULL);
}

/* The size is --max-upload-size, to the byte, and the one the upload endpoint enforces. */
static void
test_max_upload_size (void)
{
  const char * const args[] = { "--max-upload-size", "1048576", NULL };
  g_autoptr(SdTestServer) server = sd_test_server_new (args);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autoptr(SdTestResponse) exact = NULL;
  g_autoptr(SdTestResponse) over = NULL;
  Limits limits = get_limits (server, NULL);

  g_assert_cmpint (limits.max_upload_size, ==, 1048576);

  exact = upload (server, customer, limits.max_upload_size);
  g_assert_cmpuint (exact->status, ==, 201);
  over = upload (server, customer, limits.max_upload_size + 1);
  sd_test_assert_error (over, 413, "payload_too_large", NULL);

  /* The other limits are not options: they stay as they are. */
  g_assert_cmpint (limits.max_uploads, ==, 20);
  g_assert_cmpint (limits.max_subject_length, ==, 200);
  g_assert_cmpint (limits.max_body_length, ==, 65536);
}

/* Past 32 bits, and up to the largest the option takes, the number is exact. */
static void
test_large_upload_size (void)
{
  static const char * const sizes[] = { "3221225472", "9223372036854775807" };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      const char * const args[] = { "--max-upload-size", sizes[i], NULL };
      g_autoptr(SdTestServer) server = sd_test_server_new (args);
      g_autoptr(SdTestResponse) response = NULL;
      g_autofree char *expected = g_strdup_printf ("\"max_upload_size\":%s", sizes[i]);
      Limits limits = get_limits (server, NULL);

      g_assert_cmpint (limits.max_upload_size, ==, g_ascii_strtoll (sizes[i], NULL, 10));

      /* As written on the wire, not only as a parser reads it back. */
      response = sd_test_request (server, "GET", "/api/v1/limits", NULL, NULL);
      g_assert_nonnull (g_strstr_len (g_bytes_get_data (response->body, NULL),
                                      g_bytes_get_size (response->body), expected));
    }
}

static SdTestResponse *
create_ticket (SdTestServer       *server,
               const char         *token,
               const char         *subject,
               const char         *description,
               const char * const *uploads)
{
  g_autoptr(GString) json = g_string_new ("{\"category\": \"billing\", \"subject\": ");
  g_autofree char *subject_json = sd_test_json_string (subject);
  g_autofree char *description_json = sd_test_json_string (description);

  g_string_append_printf (json, "%s, \"description\": %s, \"uploads\": [",
                          subject_json, description_json);
  for (guint i = 0; uploads != NULL && uploads[i] != NULL; i++)
    g_string_append_printf (json, "%s\"%s\"", i > 0 ? ", " : "", uploads[i]);
  g_string_append (json, "]}");

  return sd_test_request (server, "POST", "/api/v1/tickets", token, json->str);
}

/*
 * What the endpoint announces is what the others enforce: the longest
 * subject and description, and the most uploads, are accepted; one more is
 * refused. Lengths are characters, so they are counted here in characters
 * of two bytes each.
 */
static void
test_enforced (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func (g_free);
  Limits limits = get_limits (server, NULL);
  g_autofree char *subject = sd_test_repeat ("é", limits.max_subject_length);
  g_autofree char *long_subject = sd_test_repeat ("é", limits.max_subject_length + 1);
  g_autofree char *body = sd_test_repeat ("ü", limits.max_body_length);
  g_autofree char *long_body = sd_test_repeat ("ü", limits.max_body_length + 1);

  {
    g_autoptr(SdTestResponse) ok = create_ticket (server, customer, subject, body, NULL);
    g_autoptr(SdTestResponse) subject_over = NULL;
    g_autoptr(SdTestResponse) body_over = NULL;

    g_assert_cmpuint (ok->status, ==, 201);
    subject_over = create_ticket (server, customer, long_subject, body, NULL);
    sd_test_assert_error (subject_over, 400, "invalid_field", "subject");
    body_over = create_ticket (server, customer, subject, long_body, NULL);
    sd_test_assert_error (body_over, 400, "invalid_field", "description");
  }

  for (gint64 i = 0; i <= limits.max_uploads; i++)
    {
      g_autoptr(SdTestResponse) response = upload (server, customer, 10);

      g_assert_cmpuint (response->status, ==, 201);
      g_ptr_array_add (tokens, g_strdup (json_object_get_string_member (
        sd_test_response_object (response), "token")));
    }
  g_ptr_array_add (tokens, NULL);

  {
    g_autoptr(SdTestResponse) too_many = NULL;
    g_autoptr(SdTestResponse) ok = NULL;

    too_many = create_ticket (server, customer, "Many files", "See attached",
                              (const char * const *)tokens->pdata);
    sd_test_assert_error (too_many, 400, "invalid_field", "uploads");

    g_ptr_array_remove_index (tokens, limits.max_uploads);
    ok = create_ticket (server, customer, "Many files", "See attached",
                        (const char * const *)tokens->pdata);
    g_assert_cmpuint (ok->status, ==, 201);
  }
}

/* A dashboard session is read-only; reading the limits is reading. */
static void
test_dashboard_session (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *agent = sd_test_login (server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_autoptr(SdTestResponse) pin = NULL;
  g_autoptr(SdTestResponse) dashboard = NULL;
  g_autofree char *json = NULL;
  const char *dashboard_token;
  Limits limits;

  pin = sd_test_request (server, "POST", "/api/v1/support-pin", customer, NULL);
  g_assert_cmpuint (pin->status, ==, 201);
  json = g_strdup_printf ("{\"customer_email\": \"%s\", \"pin\": \"%s\"}", SD_TEST_CUSTOMER,
                          json_object_get_string_member (sd_test_response_object (pin), "pin"));
  dashboard = sd_test_request (server, "POST", "/api/v1/agent/dashboard-sessions", agent, json);
  g_assert_cmpuint (dashboard->status, ==, 201);
  dashboard_token = json_object_get_string_member (sd_test_response_object (dashboard), "token");

  limits = get_limits (server, dashboard_token);
  g_assert_cmpint (limits.max_upload_size, ==, 50 * 1024 * 1024);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sd/server/limits/defaults", test_defaults);
  g_test_add_func ("/sd/server/limits/methods", test_methods);
  g_test_add_func ("/sd/server/limits/any-token", test_any_token);
  g_test_add_func ("/sd/server/limits/max-upload-size", test_max_upload_size);
  g_test_add_func ("/sd/server/limits/large-upload-size", test_large_upload_size);
  g_test_add_func ("/sd/server/limits/enforced", test_enforced);
  g_test_add_func ("/sd/server/limits/dashboard-session", test_dashboard_session);

  return g_test_run ();
}
