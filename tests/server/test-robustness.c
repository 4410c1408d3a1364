#include "config.h"

#include "sd-test-server.h"

#include <string.h>

/*
 * "No request, however malformed, gets a 5xx or stops the server": every
 * endpoint with broken bodies, members, ids, queries and methods, raw bytes
 * that are not HTTP at all, a deterministic fuzz, and the request log.
 */

typedef enum
{
  AS_NOBODY,
  AS_CUSTOMER,
  AS_AGENT,
} Who;

typedef struct
{
  SdTestServer *server;
  char         *customer;
  char         *agent;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->server = sd_test_server_new (NULL);
  fixture->customer = sd_test_login (fixture->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  fixture->agent = sd_test_login (fixture->server, SD_TEST_AGENT, SD_TEST_PASSWORD);
}

static void
assert_healthy (SdTestServer *server)
{
  g_autoptr(SdTestResponse) response = sd_test_request (server, "GET", "/healthz", NULL, NULL);

  g_assert_cmpuint (response->status, ==, 200);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  /* Still answering, and then it stops cleanly (exit status 0). */
  assert_healthy (fixture->server);
  g_clear_pointer (&fixture->server, sd_test_server_free);
  g_clear_pointer (&fixture->customer, g_free);
  g_clear_pointer (&fixture->agent, g_free);
}

static const char *
token_for (Fixture *fixture,
           Who      who)
{
  switch (who)
    {
    case AS_CUSTOMER:
      return fixture->customer;
    case AS_AGENT:
      return fixture->agent;
    case AS_NOBODY:
    default:
      return NULL;
    }
}

/*
 * Any answer to a bad request: below 500, and a 4xx carries the error body
 * (but for HEAD, which has no body).
 */
static void
assert_client_error_body (SdTestResponse *response,
                          const char     *method)
{
  JsonObject *error;

  g_assert_cmpuint (response->status, <, 500);
  if (response->status < 400)
    return;

  if (g_str_equal (method, "HEAD"))
    {
      g_assert_cmpuint (g_bytes_get_size (response->body), ==, 0);
      return;
    }

  error = json_object_get_object_member (sd_test_response_object (response), "error");
  g_assert_nonnull (error);
  g_assert_nonnull (json_object_get_string_member_with_default (error, "code", NULL));
  g_assert_nonnull (json_object_get_string_member_with_default (error, "message", NULL));
}

static SdTestResponse *
send_body (Fixture    *fixture,
           const char *method,
           const char *path,
           Who         who,
           const char *content_type,
           const char *data,
           gsize       length)
{
  g_autoptr(GBytes) body = data != NULL ? g_bytes_new (data, length) : NULL;

  return sd_test_request_full (fixture->server, method, path, token_for (fixture, who),
                               content_type, body, NULL);
}

/*
 * Like sd_test_request_full(), also for a path that libsoup refuses to send
 * (such as "%zz"): that goes out on a plain connection, and *@out_not_uri
 * (optional) is set.
 */
static SdTestResponse *
send_any (Fixture    *fixture,
          const char *method,
          const char *path,
          const char *token,
          const char *content_type,
          GBytes     *body,
          gboolean   *out_not_uri)
{
  g_autofree char *uri = g_strconcat (fixture->server->url, path, NULL);
  g_autoptr(SoupMessage) probe = soup_message_new (method, uri);
  g_autoptr(GString) text = NULL;
  g_autoptr(GBytes) request = NULL;
  SdTestResponse *response;
  gboolean closed = FALSE;

  if (out_not_uri != NULL)
    *out_not_uri = probe == NULL;

  if (probe != NULL)
    return sd_test_request_full (fixture->server, method, path, token, content_type, body,
                                 NULL);

  text = g_string_new (NULL);
  g_string_append_printf (text, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n",
                          method, path);
  if (token != NULL)
    g_string_append_printf (text, "Authorization: Bearer %s\r\n", token);
  if (content_type != NULL)
    g_string_append_printf (text, "Content-Type: %s\r\n", content_type);
  if (body != NULL)
    g_string_append_printf (text, "Content-Length: %" G_GSIZE_FORMAT "\r\n",
                            g_bytes_get_size (body));
  g_string_append (text, "\r\n");
  if (body != NULL)
    g_string_append_len (text, g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  request = g_string_free_to_bytes (g_steal_pointer (&text));
  response = sd_test_raw_request (fixture->server, request, 10, &closed);
  g_assert_true (closed);
  g_assert_cmpuint (response->status, !=, 0);

  return response;
}

typedef struct
{
  const char *method;
  const char *path;
  Who         who;
} Endpoint;

static const Endpoint json_endpoints[] = {
  { "POST", "/api/v1/session", AS_NOBODY },
  { "POST", "/api/v1/tickets", AS_CUSTOMER },
  { "PATCH", "/api/v1/tickets/1", AS_AGENT },
  { "POST", "/api/v1/tickets/1/messages", AS_CUSTOMER },
  { "POST", "/api/v1/agent/dashboard-sessions", AS_AGENT },
};

/* A string literal with its length, NULs included. */
#define BYTES(literal) { literal, sizeof (literal) - 1 }

static char *
nested (guint       depth,
        const char *open,
        const char *close)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (text, open);
  for (guint i = 0; close != NULL && i < depth; i++)
    g_string_append (text, close);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
test_bad_json (Fixture       *fixture,
               gconstpointer  user_data)
{
  const struct
  {
    const char *data;
    gsize       length;
  } bodies[] = {
    BYTES (""),
    BYTES ("   \r\n\t"),
    BYTES ("not json"),
    BYTES ("{"),
    BYTES ("}"),
    BYTES ("{\"subject\": }"),
    BYTES ("{\"subject\" \"x\"}"),
    BYTES ("{\"a\": 1}garbage"),
    BYTES ("{}{}"),
    BYTES ("{\"a\": 1,}"),
    BYTES ("{'a': 1}"),
    BYTES ("{a: 1}"),
    BYTES ("{/* comment */}"),
    BYTES ("{\"a\": 0x10}"),
    BYTES ("{\"a\": 01}"),
    BYTES ("{\"a\": NaN}"),
    BYTES ("{\"a\": Infinity}"),
    BYTES ("{\"a\": .5}"),
    BYTES ("{\"a\": tru}"),
    BYTES ("[]"),
    BYTES ("[{\"subject\": \"x\"}]"),
    BYTES ("5"),
    BYTES ("-1.5e3"),
    BYTES ("\"text\""),
    BYTES ("true"),
    BYTES ("null"),
    /* Invalid UTF-8: a stray byte, an overlong "/", a cut sequence. */
    BYTES ("{\"subject\": \"\xff\xfe\"}"),
    BYTES ("{\"subject\": \"\xc0\xaf\"}"),
    BYTES ("{\"subject\": \"\xe6\x97\"}"),
    BYTES ("{\"\xff\": 1}"),
    /* Surrogates alone, and escaped or raw NULs. */
    BYTES ("{\"subject\": \"\\ud800\"}"),
    BYTES ("{\"subject\": \"\\udc00x\"}"),
    BYTES ("{\"subject\": \"\\u0000\"}"),
    BYTES ("{\"subject\": \"a\0b\"}"),
    BYTES ("\0{}"),
    BYTES ("{}\0"),
    /* A raw control character in a string. */
    BYTES ("{\"subject\": \"a\x01b\"}"),
    BYTES ("{\"subject\": \"a\nb\"}"),
    BYTES ("{\"subject\": \"\\x41\"}"),
    /* Numbers beyond int64 or double. */
    BYTES ("{\"a\": 99999999999999999999}"),
    BYTES ("{\"a\": -9223372036854775809}"),
    BYTES ("{\"a\": 1e400}"),
    BYTES ("{\"a\": -1e999}"),
  };
  g_autofree char *deep_arrays = nested (100000, "[", NULL);
  g_autofree char *deep_closed = nested (100000, "[", "]");
  g_autofree char *deep_objects = nested (100000, "{\"a\":", NULL);
  g_autofree char *deep_65 = NULL;
  g_autofree char *deep_64 = NULL;

  {
    g_autofree char *inner_65 = nested (64, "[", "]");
    g_autofree char *inner_64 = nested (63, "[", "]");

    /* The object itself is the first level. */
    deep_65 = g_strdup_printf ("{\"x\": %s}", inner_65);
    deep_64 = g_strdup_printf ("{\"x\": %s}", inner_64);
  }

  for (guint e = 0; e < G_N_ELEMENTS (json_endpoints); e++)
    {
      const Endpoint *endpoint = &json_endpoints[e];
      const char *deep[] = { deep_arrays, deep_closed, deep_objects, deep_65 };

      for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
        {
          g_autoptr(SdTestResponse) response = NULL;

          g_test_message ("%s %s: body %u", endpoint->method, endpoint->path, i);
          response = send_body (fixture, endpoint->method, endpoint->path, endpoint->who,
                                "application/json", bodies[i].data, bodies[i].length);
          sd_test_assert_error (response, 400, "invalid_json", NULL);
        }

      for (guint i = 0; i < G_N_ELEMENTS (deep); i++)
        {
          g_autoptr(SdTestResponse) response = NULL;

          g_test_message ("%s %s: deep %u", endpoint->method, endpoint->path, i);
          response = send_body (fixture, endpoint->method, endpoint->path, endpoint->who,
                                "application/json", deep[i], strlen (deep[i]));
          sd_test_assert_error (response, 400, "invalid_json", NULL);
        }

      /* No body at all. */
      {
        g_autoptr(SdTestResponse) response = NULL;

        response = send_body (fixture, endpoint->method, endpoint->path, endpoint->who,
                              NULL, NULL, 0);
        sd_test_assert_error (response, 400, "invalid_json", NULL);
      }
    }

  /* 64 levels are still JSON: what fails then is a member. */
  {
    g_autoptr(SdTestResponse) response = NULL;

    response = send_body (fixture, "POST", "/api/v1/tickets", AS_CUSTOMER, "application/json",
                          deep_64, strlen (deep_64));
    sd_test_assert_error (response, 400, "invalid_field", "category");
  }
}

/* Endpoints that take no body: whatever body comes is no reason to fail. */
static void
test_ignored_bodies (Fixture       *fixture,
                     gconstpointer  user_data)
{
  const Endpoint endpoints[] = {
    { "GET", "/healthz", AS_NOBODY },
    { "GET", "/api/v1/session", AS_CUSTOMER },
    { "GET", "/api/v1/categories", AS_CUSTOMER },
    { "GET", "/api/v1/tickets", AS_CUSTOMER },
    { "GET", "/api/v1/tickets/1", AS_CUSTOMER },
    { "GET", "/api/v1/tickets/1/messages", AS_CUSTOMER },
    { "POST", "/api/v1/tickets/1/invitations", AS_CUSTOMER },
    { "GET", "/api/v1/invitations", AS_CUSTOMER },
    { "GET", "/api/v1/attachments/1", AS_AGENT },
    { "POST", "/api/v1/support-pin", AS_CUSTOMER },
    { "GET", "/api/v1/support-pin", AS_CUSTOMER },
    { "DELETE", "/api/v1/support-pin", AS_CUSTOMER },
    { "GET", "/api/v1/access-log", AS_CUSTOMER },
  };
  g_autofree char *deep = nested (100000, "[", NULL);
  const struct
  {
    const char *type;
    const char *data;
    gsize       length;
  } bodies[] = {
    { "application/json", "not json", 8 },
    { "application/json", deep, strlen (deep) },
    { "text/plain", "\0\xff\x01", 3 },
    { "multipart/form-data; boundary=x", "--x--", 5 },
  };

  for (guint e = 0; e < G_N_ELEMENTS (endpoints); e++)
    for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
      {
        g_autoptr(SdTestResponse) response = NULL;

        g_test_message ("%s %s: body %u", endpoints[e].method, endpoints[e].path, i);
        response = send_body (fixture, endpoints[e].method, endpoints[e].path, endpoints[e].who,
                              bodies[i].type, bodies[i].data, bodies[i].length);
        assert_client_error_body (response, endpoints[e].method);
      }
}

static void
test_media_types (Fixture       *fixture,
                  gconstpointer  user_data)
{
  const struct
  {
    const char *type;   /* sent as a header, exactly */
    guint       status; /* with a body that is an empty object */
  } types[] = {
    { "application/json", 400 },
    { "application/json; charset=utf-8", 400 },
    { "APPLICATION/JSON", 400 },
    { "application/merge-patch+json", 400 },
    { "text/plain", 415 },
    { "text/json", 415 },
    { "application/xml", 415 },
    { "application/octet-stream", 415 },
    { "multipart/form-data; boundary=x", 415 },
    { "application/jsonx", 415 },
    { "json", 415 },
    { "application json", 415 },
    { "application/json/x", 415 },
  };

  for (guint e = 0; e < G_N_ELEMENTS (json_endpoints); e++)
    for (guint i = 0; i < G_N_ELEMENTS (types); i++)
      {
        const Endpoint *endpoint = &json_endpoints[e];
        const char *headers[] = { "Content-Type", types[i].type, NULL };
        g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);
        g_autoptr(SdTestResponse) response = NULL;

        g_test_message ("%s %s: %s", endpoint->method, endpoint->path, types[i].type);
        response = sd_test_request_full (fixture->server, endpoint->method, endpoint->path,
                                         token_for (fixture, endpoint->who), NULL, body,
                                         headers);
        if (types[i].status == 415)
          sd_test_assert_error (response, 415, "unsupported_media_type", NULL);
        else
          {
            g_assert_cmpuint (response->status, ==, 400);
            g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                               sd_test_response_object (response), "error"), "code"), ==,
                             "invalid_field");
          }
      }
}

typedef struct
{
  const char *method;
  const char *path;
  Who         who;
  const char *json;
  const char *field;
} MemberCase;

static void
test_wrong_members (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *long_subject = g_strnfill (201, 's');
  g_autofree char *long_subject_json = g_strdup_printf ("{\"category\": \"billing\","
                                                        " \"subject\": \"%s\","
                                                        " \"description\": \"d\"}",
                                                        long_subject);
  const MemberCase cases[] = {
    { "POST", "/api/v1/session", AS_NOBODY, "{\"email\": 5, \"password\": \"x\"}", "email" },
    { "POST", "/api/v1/session", AS_NOBODY, "{\"email\": [\"a\"], \"password\": \"x\"}",
      "email" },
    { "POST", "/api/v1/session", AS_NOBODY, "{\"password\": \"x\"}", "email" },
    { "POST", "/api/v1/session", AS_NOBODY, "{\"email\": \"a@b.c\", \"password\": null}",
      "password" },
    { "POST", "/api/v1/session", AS_NOBODY, "{\"email\": \"a@b.c\", \"password\": {}}",
      "password" },
    { "POST", "/api/v1/session", AS_NOBODY, "{\"email\": \"a@b.c\", \"password\": 1.5}",
      "password" },

    { "POST", "/api/v1/tickets", AS_CUSTOMER,
      "{\"category\": 5, \"subject\": \"s\", \"description\": \"d\"}", "category" },
    { "POST", "/api/v1/tickets", AS_CUSTOMER,
      "{\"category\": \"nope\", \"subject\": \"s\", \"description\": \"d\"}", "category" },
    { "POST", "/api/v1/tickets", AS_CUSTOMER,
      "{\"category\": \"billing\", \"subject\": 5, \"description\": \"d\"}", "subject" },
    { "POST", "/api/v1/tickets", AS_CUSTOMER,
      "{\"category\": \"billing\", \"subject\": \"\", \"description\": \"d\"}", "subject" },
    { "POST", "/api/v1/tickets", AS_CUSTOMER,
      "{\"category\": \"billing\", \"subject\": \"a\\nb\", \"description\": \"d\"}", "subject" },
    { "POST", "/api/v1/tickets", AS_CUSTOMER,
      "{\"category\": \"billing\", \"subject\": \"a\\u0001b\", \"description\": \"d\"}",
      "subject" },
    { "POST", "/api/v1/tickets", AS_CUSTOMER, long_subject_json, "subject" },
    { "POST", "/api/v1/tickets", AS_CUSTOMER,
      "{\"category\": \"billing\", \"subject\": \"s\", \"description\": true}", "description" },
    { "POST", "/api/v1/tickets", AS_CUSTOMER,
      "{\"category\": \"billing\", \"subject\": \"s\", \"description\": \" \\n\\t \"}",
      "description" },
    { "POST", "/api/v1/tickets", AS_CUSTOMER,
      "{\"category\": \"billing\", \"subject\": \"s\"}", "description" },
    { "POST", "/api/v1/tickets", AS_CUSTOMER,
      "{\"category\": \"billing\", \"subject\": \"s\", \"description\": \"d\","
      " \"uploads\": \"x\"}", "uploads" },

    { "PATCH", "/api/v1/tickets/1", AS_AGENT, "{\"status\": 5}", "status" },
    { "PATCH", "/api/v1/tickets/1", AS_AGENT, "{\"status\": \"open\"}", "status" },
    { "PATCH", "/api/v1/tickets/1", AS_AGENT, "{\"status\": null}", "status" },
    { "PATCH", "/api/v1/tickets/1", AS_AGENT, "{}", "status" },

    { "POST", "/api/v1/tickets/1/messages", AS_CUSTOMER, "{\"body\": 5}", "body" },
    { "POST", "/api/v1/tickets/1/messages", AS_CUSTOMER, "{}", "body" },
    { "POST", "/api/v1/tickets/1/messages", AS_CUSTOMER, "{\"body\": \"\"}", "body" },
    { "POST", "/api/v1/tickets/1/messages", AS_CUSTOMER, "{\"body\": \"a\\u0007b\"}", "body" },
    { "POST", "/api/v1/tickets/1/messages", AS_CUSTOMER, "{\"body\": \"x\", \"uploads\": [1]}",
      "uploads" },

    { "POST", "/api/v1/agent/dashboard-sessions", AS_AGENT,
      "{\"customer_email\": 5, \"pin\": \"123456789\"}", "customer_email" },
    { "POST", "/api/v1/agent/dashboard-sessions", AS_AGENT,
      "{\"customer_email\": \"a@b.c\", \"pin\": 123456789}", "pin" },
    { "POST", "/api/v1/agent/dashboard-sessions", AS_AGENT, "{\"invitation_id\": \"1\"}",
      "invitation_id" },
    { "POST", "/api/v1/agent/dashboard-sessions", AS_AGENT, "{\"invitation_id\": 1e3}",
      "invitation_id" },
    { "POST", "/api/v1/agent/dashboard-sessions", AS_AGENT, "{\"invitation_id\": true}",
      "invitation_id" },
    { "POST", "/api/v1/agent/dashboard-sessions", AS_AGENT, "{\"invitation_id\": [1]}",
      "invitation_id" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SdTestResponse) response = NULL;

      g_test_message ("%s %s %s", cases[i].method, cases[i].path, cases[i].json);
      response = send_body (fixture, cases[i].method, cases[i].path, cases[i].who,
                            "application/json", cases[i].json, strlen (cases[i].json));
      sd_test_assert_error (response, 400, "invalid_field", cases[i].field);
    }
}

static void
test_ids (Fixture       *fixture,
          gconstpointer  user_data)
{
  const char *ids[] = {
    "0", "-1", "abc", "1.5", "0x1", "1e3", "+1", "99999999999999999999",
    "9223372036854775808", "9223372036854775807", "18446744073709551616",
  };
  const struct
  {
    const char *method;
    const char *prefix;
    const char *suffix;
    Who         who;
    const char *json;
  } routes[] = {
    { "GET", "/api/v1/tickets/", "", AS_CUSTOMER, NULL },
    { "GET", "/api/v1/tickets/", "", AS_AGENT, NULL },
    { "PATCH", "/api/v1/tickets/", "", AS_AGENT, "{\"status\": \"solved\"}" },
    { "GET", "/api/v1/tickets/", "/messages", AS_CUSTOMER, NULL },
    { "POST", "/api/v1/tickets/", "/messages", AS_CUSTOMER, "{\"body\": \"hello\"}" },
    { "POST", "/api/v1/tickets/", "/invitations", AS_CUSTOMER, NULL },
    { "DELETE", "/api/v1/invitations/", "", AS_CUSTOMER, NULL },
    { "GET", "/api/v1/attachments/", "", AS_CUSTOMER, NULL },
    { "GET", "/api/v1/attachments/", "", AS_AGENT, NULL },
  };

  for (guint r = 0; r < G_N_ELEMENTS (routes); r++)
    for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
      {
        g_autofree char *path = g_strconcat (routes[r].prefix, ids[i], routes[r].suffix, NULL);
        g_autoptr(SdTestResponse) response = NULL;

        g_test_message ("%s %s", routes[r].method, path);
        response = send_body (fixture, routes[r].method, path, routes[r].who,
                              routes[r].json != NULL ? "application/json" : NULL,
                              routes[r].json,
                              routes[r].json != NULL ? strlen (routes[r].json) : 0);
        sd_test_assert_error (response, 404, "not_found", NULL);
      }
}

static void
test_queries (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autofree char *long_cursor = g_strnfill (10000, 'A');
  g_autofree char *long_cursor_path = g_strdup_printf ("/api/v1/tickets?cursor=%s", long_cursor);
  const struct
  {
    const char *path;
    const char *field;   /* NULL: 200 */
  } cases[] = {
    { "/api/v1/tickets?limit=0", "limit" },
    { "/api/v1/tickets?limit=101", "limit" },
    { "/api/v1/tickets?limit=-1", "limit" },
    { "/api/v1/tickets?limit=abc", "limit" },
    { "/api/v1/tickets?limit=1.5", "limit" },
    { "/api/v1/tickets?limit=1e2", "limit" },
    { "/api/v1/tickets?limit=%2B5", "limit" },
    { "/api/v1/tickets?limit=%205", "limit" },
    { "/api/v1/tickets?limit=99999999999999999999999", "limit" },
    { "/api/v1/tickets?limit=1", NULL },
    { "/api/v1/tickets?limit=100", NULL },
    { "/api/v1/tickets?limit=", NULL },
    { "/api/v1/tickets?cursor=garbage", "cursor" },
    { "/api/v1/tickets?cursor=%FF%FE", "cursor" },
    { "/api/v1/tickets?cursor=%00", NULL },
    { "/api/v1/tickets?cursor=", NULL },
    { long_cursor_path, "cursor" },
    { "/api/v1/tickets?status=open", "status" },
    { "/api/v1/tickets?status=%FF", "status" },
    { "/api/v1/tickets?category=nope", "category" },
    { "/api/v1/tickets?category=%FF", "category" },
    { "/api/v1/tickets?category=%27%3B%20DROP%20TABLE%20tickets%3B--", "category" },
    { "/api/v1/tickets?q=%FF", "q" },
    { "/api/v1/tickets?q=%22%22%22", NULL },
    { "/api/v1/tickets?q=NEAR%28a%20b%29%20OR%20*%20%5E", NULL },
    { "/api/v1/tickets?q=%25%25%25", NULL },
    { "/api/v1/tickets?q=a%00b", NULL },
    { "/api/v1/tickets?&&&=&=", NULL },
    { "/api/v1/tickets/1/messages?limit=0", "limit" },
    { "/api/v1/tickets/1/messages?limit=101", "limit" },
    { "/api/v1/tickets/1/messages?after=abc", "after" },
    { "/api/v1/tickets/1/messages?after=-1", "after" },
    { "/api/v1/tickets/1/messages?after=99999999999999999999", "after" },
    { "/api/v1/tickets/1/messages?after=9223372036854775807", NULL },
    { "/api/v1/tickets/1/messages?cursor=garbage", "cursor" },
    { "/api/v1/tickets/1/messages?cursor=%FF", "cursor" },
    { "/api/v1/access-log?limit=0", "limit" },
    { "/api/v1/access-log?limit=abc", "limit" },
    { "/api/v1/access-log?cursor=garbage", "cursor" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SdTestResponse) response = NULL;

      g_test_message ("GET %.100s", cases[i].path);
      response = send_any (fixture, "GET", cases[i].path, fixture->customer, NULL, NULL, NULL);
      if (cases[i].field == NULL)
        g_assert_cmpuint (response->status, ==, 200);
      else
        sd_test_assert_error (response, 400, "invalid_field", cases[i].field);
    }

  /* A cursor of one list is no cursor of another. */
  {
    g_autoptr(SdTestResponse) page = NULL;
    g_autoptr(SdTestResponse) response = NULL;
    g_autofree char *path = NULL;
    g_autofree char *escaped = NULL;
    const char *cursor;

    page = sd_test_request (fixture->server, "GET", "/api/v1/tickets?limit=1", fixture->customer,
                            NULL);
    g_assert_cmpuint (page->status, ==, 200);
    cursor = json_object_get_string_member (sd_test_response_object (page), "next_cursor");
    g_assert_nonnull (cursor);
    escaped = g_uri_escape_string (cursor, NULL, FALSE);
    path = g_strdup_printf ("/api/v1/tickets/1/messages?cursor=%s", escaped);
    response = sd_test_request (fixture->server, "GET", path, fixture->customer, NULL);
    sd_test_assert_error (response, 400, "invalid_field", "cursor");
  }
}

static gboolean
allow_is (SdTestResponse *response,
          const char     *expected)
{
  const char *allow = soup_message_headers_get_one (response->headers, "Allow");
  g_auto(GStrv) have = NULL;
  g_auto(GStrv) want = g_strsplit (expected, ",", -1);

  if (allow == NULL)
    return FALSE;

  have = g_strsplit (allow, ",", -1);
  for (guint i = 0; have[i] != NULL; i++)
    g_strstrip (have[i]);
  if (g_strv_length (have) != g_strv_length (want))
    return FALSE;
  for (guint i = 0; want[i] != NULL; i++)
    if (!g_strv_contains ((const char * const *)have, want[i]))
      return FALSE;

  return TRUE;
}

static void
test_methods_and_paths (Fixture       *fixture,
                        gconstpointer  user_data)
{
  const struct
  {
    const char *method;
    const char *path;
    const char *allow;   /* NULL: 404 */
  } cases[] = {
    { "PUT", "/api/v1/tickets", "GET,HEAD,POST" },
    { "DELETE", "/api/v1/tickets", "GET,HEAD,POST" },
    { "FOO", "/api/v1/tickets", "GET,HEAD,POST" },
    { "OPTIONS", "/api/v1/tickets", "GET,HEAD,POST" },
    { "PUT", "/api/v1/tickets/1", "GET,HEAD,PATCH" },
    { "POST", "/api/v1/tickets/1", "GET,HEAD,PATCH" },
    { "PUT", "/api/v1/tickets/1/messages", "GET,HEAD,POST" },
    { "GET", "/api/v1/tickets/1/invitations", "POST" },
    { "POST", "/api/v1/invitations", "GET,HEAD" },
    { "GET", "/api/v1/invitations/1", "DELETE" },
    { "GET", "/api/v1/uploads", "POST" },
    { "DELETE", "/api/v1/attachments/1", "GET,HEAD" },
    { "PATCH", "/api/v1/session", "POST,GET,HEAD,DELETE" },
    { "PUT", "/api/v1/support-pin", "POST,GET,HEAD,DELETE" },
    { "POST", "/api/v1/categories", "GET,HEAD" },
    { "DELETE", "/api/v1/access-log", "GET,HEAD" },
    { "GET", "/api/v1/agent/dashboard-sessions", "POST" },
    { "POST", "/healthz", "GET,HEAD" },
    { "GET", "/", NULL },
    { "GET", "/api", NULL },
    { "GET", "/api/v1", NULL },
    { "GET", "/api/v1/", NULL },
    { "GET", "/api/v2/tickets", NULL },
    { "GET", "/api/v1/tickets/", NULL },
    { "GET", "/api/v1/TICKETS", NULL },
    { "GET", "/api/v1/tickets/1/messages/2", NULL },
    { "GET", "/api/v1/tickets/1/nothing", NULL },
    { "GET", "/api/v1/ticket", NULL },
    { "GET", "/healthz/", NULL },
    { "FOO", "/nowhere", NULL },
    { "DELETE", "/api/v1/tickets/1/messages/1", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SdTestResponse) response = NULL;

      g_test_message ("%s %s", cases[i].method, cases[i].path);
      response = sd_test_request (fixture->server, cases[i].method, cases[i].path,
                                  fixture->customer, NULL);
      if (cases[i].allow == NULL)
        {
          sd_test_assert_error (response, 404, "not_found", NULL);
        }
      else
        {
          sd_test_assert_error (response, 405, "method_not_allowed", NULL);
          g_assert_true (allow_is (response, cases[i].allow));
        }
    }

  /* Paths are compared decoded: what decodes to a NUL or a ".." segment
   * names nothing, and an escaped digit is a digit. */
  {
    const char *nothing[] = {
      "/api/v1/tickets/%00",
      "/api/v1/tickets/1%00",
      "/api/v1/tickets/1%2F..%2F2",
      "/api/v1/tickets/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
      "/api/v1/tickets/1%2F..",
    };

    for (guint i = 0; i < G_N_ELEMENTS (nothing); i++)
      {
        g_autoptr(SdTestResponse) response = NULL;

        g_autofree char *text = NULL;
        g_autoptr(GBytes) request = NULL;

        /* Sent as written: a client would remove dot segments first. */
        text = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                                "Connection: close\r\n\r\n", nothing[i], fixture->customer);
        request = g_bytes_new (text, strlen (text));
        g_test_message ("GET %s", nothing[i]);
        response = sd_test_raw_request (fixture->server, request, 10, NULL);
        sd_test_assert_error (response, 404, "not_found", NULL);
      }
  }
  {
    g_autoptr(SdTestResponse) escaped = NULL;
    g_autoptr(SdTestResponse) plain = NULL;

    escaped = sd_test_request (fixture->server, "GET", "/api/v1/tickets/%31", fixture->customer,
                               NULL);
    plain = sd_test_request (fixture->server, "GET", "/api/v1/tickets/1", fixture->customer,
                             NULL);
    g_assert_cmpuint (escaped->status, ==, 200);
    g_assert_true (g_bytes_equal (escaped->body, plain->body));
  }

  /* HEAD is GET without the body. */
  {
    g_autoptr(SdTestResponse) head = NULL;
    g_autoptr(SdTestResponse) tickets = NULL;

    head = sd_test_request (fixture->server, "HEAD", "/healthz", NULL, NULL);
    g_assert_cmpuint (head->status, ==, 200);
    g_assert_cmpuint (g_bytes_get_size (head->body), ==, 0);

    tickets = sd_test_request (fixture->server, "HEAD", "/api/v1/tickets", fixture->customer,
                               NULL);
    g_assert_cmpuint (tickets->status, ==, 200);
    g_assert_cmpuint (g_bytes_get_size (tickets->body), ==, 0);
  }

  /* Every answer carries the headers of the conventions, errors included. */
  {
    g_autoptr(SdTestResponse) response = NULL;

    response = sd_test_request (fixture->server, "GET", "/nowhere", NULL, NULL);
    g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Cache-Control"), ==,
                     "no-store");
    g_assert_cmpstr (soup_message_headers_get_one (response->headers, "X-Content-Type-Options"),
                     ==, "nosniff");
    g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==,
                     "application/json");
  }
}

static void
test_authorization_header (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autofree char *long_token = g_strnfill (8000, 'x');
  g_autofree char *long_bearer = g_strdup_printf ("Bearer %s", long_token);
  g_autofree char *lower = g_strdup_printf ("bearer %s", fixture->customer);
  const char *values[] = {
    "", "Bearer", "Bearer ", "Bearer  ", "Basic Y3VzdG9tZXI6cGFzcw==", "Token abc",
    "Bearer abc def", "Bearer \"quoted\"", long_bearer,
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      const char *headers[] = { "Authorization", values[i], NULL };
      g_autoptr(SdTestResponse) response = NULL;

      g_test_message ("Authorization: %.40s", values[i]);
      response = sd_test_request_full (fixture->server, "GET", "/api/v1/tickets", NULL, NULL,
                                       NULL, headers);
      sd_test_assert_error (response, 401, "unauthorized", NULL);
    }

  /* The scheme is case-insensitive (RFC 7235). */
  {
    const char *headers[] = { "Authorization", lower, NULL };
    g_autoptr(SdTestResponse) response = NULL;

    response = sd_test_request_full (fixture->server, "GET", "/api/v1/tickets", NULL, NULL, NULL,
                                     headers);
    g_assert_cmpuint (response->status, ==, 200);
  }
}

/*
 * The answers in the 5xx range that libsoup gives, as HTTP prescribes,
 * before the application sees the request: 505 for a protocol version
 * other than 1.0 and 1.1, 501 for a transfer coding it does not implement.
 * 0 for any other request.
 */
static guint
protocol_answer (const char *data,
                 gsize       size)
{
  g_autofree char *text = g_strndup (data, size);
  const char *end = strstr (text, "\r\n");
  g_autofree char *line = end != NULL ? g_strndup (text, end - text) : NULL;
  const char *version = line != NULL ? g_strrstr (line, " HTTP/") : NULL;

  if (version != NULL && !g_str_equal (version, " HTTP/1.1") &&
      !g_str_equal (version, " HTTP/1.0"))
    return 505;
  if (strstr (text, "\r\nTransfer-Encoding: gzip\r\n") != NULL)
    return 501;

  return 0;
}

/* Raw bytes, most of them not HTTP. */
static void
test_raw (Fixture       *fixture,
          gconstpointer  user_data)
{
  g_autofree char *long_header = g_strnfill (64 * 1024, 'h');
  g_autofree char *long_line = g_strnfill (100 * 1024, 'a');
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  const char *texts[] = {
    "GARBAGE\r\n\r\n",
    "\r\n\r\n\r\n",
    "GET\r\n\r\n",
    "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
    "GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n",
    "GET /healthz HTTP/1.9\r\nHost: x\r\nConnection: close\r\n\r\n",
    "GET /healthz HTTP/1.1\r\n\r\n",
    "GET /healthz HTTP/1.0\r\n\r\n",
    "GET /healthz\r\n\r\n",
    "get /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "GET /healthz HTTP/1.1\r\nHost: x\r\nBroken header\r\nConnection: close\r\n\r\n",
    "GET /healthz HTTP/1.1\r\nHost: x\r\n: empty name\r\nConnection: close\r\n\r\n",
    "GET healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "CONNECT 127.0.0.1:80 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "GET http://127.0.0.1/healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "GET http://[::1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "GET /api/v1/tickets/%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "GET /api/v1/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "GET /api/v1/tickets?%zz=1&limit=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "GET /api/v1/\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "GET /api/v1/tickets/1/../../../../etc/passwd HTTP/1.1\r\nHost: x\r\n"
    "Connection: close\r\n\r\n",
    "GET //api//v1//tickets HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n"
    "Connection: close\r\n\r\n{}",
    "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n"
    "Connection: close\r\n\r\n{}",
    "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n"
    "Connection: close\r\n\r\n{}",
    "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n"
    "Connection: close\r\n\r\n{} ",
    "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
    "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
    "Connection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
    "Connection: close\r\n\r\nffffffffffffffffffff\r\n{}\r\n0\r\n\r\n",
    "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
    "Connection: close\r\n\r\n-2\r\n{}\r\n0\r\n\r\n",
    "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n"
    "Connection: close\r\n\r\n{}",
    "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\n"
    "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nExpect: something-else\r\n"
    "Content-Length: 2\r\nConnection: close\r\n\r\n{}",
    "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer \xff\r\n"
    "\r\n",
    "GET /api/v1/tickets HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    "Authorization: Bearer \xff\xfe\x01\r\n\r\n",
    "POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    "Idempotency-Key: \xff\xfe\r\nContent-Length: 2\r\n\r\n{}",
    "POST /api/v1/uploads?filename=%FF HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    "Content-Type: \xff/\xfe\r\nContent-Length: 1\r\n\r\nx",
    "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
    "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    g_ptr_array_add (requests, g_bytes_new_static (texts[i], strlen (texts[i])));

  {
    g_autofree char *text = NULL;

    text = g_strdup_printf ("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: %s\r\n"
                            "Connection: close\r\n\r\n", long_header);
    g_ptr_array_add (requests, g_bytes_new (text, strlen (text)));
  }
  {
    g_autoptr(GString) text = g_string_new ("GET /healthz HTTP/1.1\r\nHost: x\r\n");

    for (guint i = 0; i < 5000; i++)
      g_string_append_printf (text, "X-Header-%u: %u\r\n", i, i);
    g_string_append (text, "Connection: close\r\n\r\n");
    g_ptr_array_add (requests, g_string_free_to_bytes (g_steal_pointer (&text)));
  }
  {
    g_autofree char *text = NULL;

    text = g_strdup_printf ("GET /%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                            long_line);
    g_ptr_array_add (requests, g_bytes_new (text, strlen (text)));
  }
  {
    /* Two requests in one write. */
    const char *text = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                       "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

    g_ptr_array_add (requests, g_bytes_new_static (text, strlen (text)));
  }
  {
    /* Every byte value, as a request. */
    guint8 all[256];

    for (guint i = 0; i < 256; i++)
      all[i] = i;
    g_ptr_array_add (requests, g_bytes_new (all, sizeof all));
  }

  for (guint i = 0; i < requests->len; i++)
    {
      g_autoptr(SdTestResponse) response = NULL;
      gsize size = 0;
      const char *data = g_bytes_get_data (requests->pdata[i], &size);
      g_autofree char *start = g_strndup (data, MIN (size, 40));
      g_autofree char *escaped = g_strescape (start, NULL);
      gboolean closed = FALSE;

      g_test_message ("raw %u: %s", i, escaped);
      /* The server may wait for the rest of what looks like a request; two
       * seconds tell that it neither answers wrongly nor falls over. */
      response = sd_test_raw_request (fixture->server, requests->pdata[i], 2, &closed);
      g_test_message ("raw %u: %u%s", i, response->status, closed ? "" : " (still open)");
      /* No answer (the connection closed) is acceptable for what is not
       * HTTP; an answer is never a server error, but for the two that HTTP
       * itself prescribes. */
      if (response->status >= 500)
        g_assert_cmpuint (response->status, ==, protocol_answer (data, size));
      if (response->json != NULL && response->status >= 400)
        assert_client_error_body (response, "GET");
      assert_healthy (fixture->server);
    }
}

/* Connections that stop halfway, at every stage of a request. */
static void
test_abandoned (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *upload_head = g_strdup_printf ("POST /api/v1/uploads?filename=x HTTP/1.1\r\n"
                                                  "Host: x\r\nAuthorization: Bearer %s\r\n"
                                                  "Content-Length: 100000\r\n\r\n"
                                                  "only a little",
                                                  fixture->customer);
  g_autofree char *chunked_head = g_strdup_printf ("POST /api/v1/uploads?filename=x HTTP/1.1\r\n"
                                                   "Host: x\r\nAuthorization: Bearer %s\r\n"
                                                   "Transfer-Encoding: chunked\r\n\r\n"
                                                   "100\r\nabc",
                                                   fixture->customer);
  const char *partials[] = {
    "",
    "GE",
    "GET /healthz HTTP/1.1\r\n",
    "GET /healthz HTTP/1.1\r\nHost: x\r\n",
    "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{\"email\":",
    upload_head,
    chunked_head,
  };
  g_autofree char *files_dir = g_build_filename (fixture->server->data_dir, "files", NULL);
  g_autoptr(GSocketClient) client = g_socket_client_new ();

  for (guint round = 0; round < 3; round++)
    for (guint i = 0; i < G_N_ELEMENTS (partials); i++)
      {
        g_autoptr(GSocketConnection) connection = NULL;
        g_autoptr(GError) error = NULL;

        connection = g_socket_client_connect_to_host (client,
                                                      fixture->server->url + strlen ("http://"),
                                                      0, NULL, &error);
        g_assert_no_error (error);
        g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                   partials[i], strlen (partials[i]), NULL, NULL, &error);
        g_assert_no_error (error);
        g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      }

  assert_healthy (fixture->server);

  /* What was left of the abandoned uploads is gone once the server noticed. */
  for (guint attempt = 0; attempt < 50; attempt++)
    {
      g_autoptr(GDir) dir = g_dir_open (files_dir, 0, NULL);
      const char *name;
      gboolean partial = FALSE;

      while ((name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (name, ".part"))
          partial = TRUE;

      if (!partial)
        return;
      g_usleep (G_USEC_PER_SEC / 20);
    }

  g_error ("Abandoned uploads left files behind");
}

/*
 * A deterministic fuzz: random bytes, JSON-ish token soup, mutations of good
 * bodies, and well-formed JSON with members of random types, to every
 * JSON endpoint; random queries and paths; random upload names and types.
 */

static const char * const member_names[] = {
  "category", "subject", "description", "uploads", "body", "status", "email", "password",
  "customer_email", "pin", "invitation_id", "x", "",
};

static const char * const string_pieces[] = {
  "billing", "pending", "solved", "customer@example.com", "123456789", "123 456 789", "a",
  "é", "日本", "\\u0000", "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\n", "\\\"", "\\\\", " ",
  "%", "\\u202e", "\\t", "\\u0007", "\x01", "\xff", "\xc3", "'", "\"", "\\", "\\x",
};

static const char * const soup_tokens[] = {
  "{", "}", "[", "]", ":", ",", "\"subject\"", "\"body\"", "\"uploads\"", "\"pin\"", "0",
  "-1", "1e999", "99999999999999999999", "1.5", "true", "false", "null", "\"\"", "\"x\"",
  " ", "\n", "\\u0000", "\"\\ud800\"", "\xff", "/*", "'", "NaN", "-", "\"",
};

static void
append_random_string (GString *out,
                      GRand   *rand)
{
  guint pieces = g_rand_int_range (rand, 0, 6);

  g_string_append_c (out, '"');
  for (guint i = 0; i < pieces; i++)
    g_string_append (out, string_pieces[g_rand_int_range (rand, 0,
                                                          G_N_ELEMENTS (string_pieces))]);
  g_string_append_c (out, '"');
}

static void
append_random_value (GString *out,
                     GRand   *rand,
                     guint    depth)
{
  switch (g_rand_int_range (rand, 0, depth > 3 ? 5 : 7))
    {
    case 0:
      append_random_string (out, rand);
      break;

    case 1:
      g_string_append_printf (out, "%" G_GINT64_FORMAT,
                              (gint64)g_rand_int (rand) - G_MAXINT32 / 2);
      break;

    case 2:
      {
        const char *numbers[] = {
          "0", "-0", "1.5", "1e3", "-1e-3", "9223372036854775807", "-9223372036854775808",
          "9223372036854775808", "1e309", "0.000001",
        };

        g_string_append (out, numbers[g_rand_int_range (rand, 0, G_N_ELEMENTS (numbers))]);
      }
      break;

    case 3:
      {
        const char *literals[] = { "true", "false", "null" };

        g_string_append (out, literals[g_rand_int_range (rand, 0, 3)]);
      }
      break;

    case 4:
      append_random_string (out, rand);
      break;

    case 5:
      {
        guint n = g_rand_int_range (rand, 0, 4);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_random_value (out, rand, depth + 1);
          }
        g_string_append_c (out, ']');
      }
      break;

    case 6:
    default:
      {
        guint n = g_rand_int_range (rand, 0, 4);

        g_string_append_c (out, '{');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            g_string_append_printf (out, "\"%s\":",
                                    member_names[g_rand_int_range (rand, 0,
                                                                   G_N_ELEMENTS (member_names))]);
            append_random_value (out, rand, depth + 1);
          }
        g_string_append_c (out, '}');
      }
      break;
    }
}

static const char * const good_bodies[] = {
  "{\"category\": \"billing\", \"subject\": \"Fuzz\", \"description\": \"Words\"}",
  "{\"body\": \"A reply\", \"uploads\": []}",
  "{\"status\": \"solved\"}",
  "{\"customer_email\": \"customer@example.com\", \"pin\": \"123 456 789\"}",
  "{\"invitation_id\": 1}",
  "{\"email\": \"nobody@example.com\", \"password\": \"wrong-password\"}",
};

static GBytes *
random_body (GRand *rand)
{
  g_autoptr(GString) out = g_string_new (NULL);

  switch (g_rand_int_range (rand, 0, 4))
    {
    case 0:
      {
        guint length = g_rand_int_range (rand, 0, 300);

        for (guint i = 0; i < length; i++)
          g_string_append_c (out, (char)g_rand_int_range (rand, 0, 256));
      }
      break;

    case 1:
      {
        guint length = g_rand_int_range (rand, 1, 40);

        for (guint i = 0; i < length; i++)
          g_string_append (out, soup_tokens[g_rand_int_range (rand, 0,
                                                              G_N_ELEMENTS (soup_tokens))]);
      }
      break;

    case 2:
      {
        guint edits = g_rand_int_range (rand, 1, 5);

        g_string_append (out, good_bodies[g_rand_int_range (rand, 0,
                                                            G_N_ELEMENTS (good_bodies))]);
        for (guint i = 0; i < edits && out->len > 0; i++)
          {
            guint at = g_rand_int_range (rand, 0, out->len);
            char byte = (char)g_rand_int_range (rand, 0, 256);

            switch (g_rand_int_range (rand, 0, 3))
              {
              case 0:
                out->str[at] = byte;
                break;
              case 1:
                g_string_erase (out, at, 1);
                break;
              default:
                g_string_insert_c (out, at, byte);
                break;
              }
          }
      }
      break;

    case 3:
    default:
      {
        guint n = g_rand_int_range (rand, 0, 5);

        g_string_append_c (out, '{');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            g_string_append_printf (out, "\"%s\":",
                                    member_names[g_rand_int_range (rand, 0,
                                                                   G_N_ELEMENTS (member_names))]);
            append_random_value (out, rand, 1);
          }
        g_string_append_c (out, '}');
      }
      break;
    }

  return g_string_free_to_bytes (g_steal_pointer (&out));
}

static char *
random_query_value (GRand *rand)
{
  const char *values[] = {
    "", "1", "0", "-1", "100", "101", "abc", "%FF", "%00", "%zz", "pending", "solved",
    "billing", "a%20b", "%22", "*", "t1.2", "9223372036854775807", "%E2%80%AE", "+",
  };

  return g_strdup (values[g_rand_int_range (rand, 0, G_N_ELEMENTS (values))]);
}

static char *
random_path (GRand *rand)
{
  const char *bases[] = {
    "/api/v1/tickets", "/api/v1/tickets/1/messages", "/api/v1/access-log",
    "/api/v1/invitations", "/api/v1/categories", "/api/v1/session", "/api/v1/support-pin",
  };
  const char *names[] = { "limit", "cursor", "q", "status", "category", "after", "filename" };
  const char *segments[] = {
    "api", "v1", "tickets", "1", "0", "-1", "messages", "attachments", "%00", "%2F", "..",
    "invitations", "99999999999999999999", "", "uploads", "session",
  };
  g_autoptr(GString) path = g_string_new (NULL);

  if (g_rand_boolean (rand))
    {
      guint n = g_rand_int_range (rand, 1, 4);

      g_string_append (path, bases[g_rand_int_range (rand, 0, G_N_ELEMENTS (bases))]);
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *value = random_query_value (rand);

          g_string_append_printf (path, "%c%s=%s", i == 0 ? '?' : '&',
                                  names[g_rand_int_range (rand, 0, G_N_ELEMENTS (names))],
                                  value);
        }
    }
  else
    {
      guint n = g_rand_int_range (rand, 1, 6);

      for (guint i = 0; i < n; i++)
        g_string_append_printf (path, "/%s",
                                segments[g_rand_int_range (rand, 0, G_N_ELEMENTS (segments))]);
    }

  return g_string_free (g_steal_pointer (&path), FALSE);
}

static void
test_fuzz (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261126);
  const char *types[] = {
    "application/json", "application/json", "application/json", NULL, "text/plain",
    "image/png", "multipart/form-data; boundary=x",
  };
  guint counts[6] = { 0, };

  for (guint i = 0; i < 300; i++)
    {
      g_autoptr(SdTestResponse) response = NULL;
      g_autoptr(GBytes) body = random_body (rand);
      const char *type = types[g_rand_int_range (rand, 0, G_N_ELEMENTS (types))];
      guint kind = g_rand_int_range (rand, 0, 10);
      gboolean not_uri = FALSE;
      const char *sent = "POST";

      if (kind < 6)
        {
          guint which = g_rand_int_range (rand, 0, G_N_ELEMENTS (json_endpoints));
          const Endpoint *endpoint = &json_endpoints[which];
          /* Mostly the right user, sometimes another. */
          Who who = g_rand_int_range (rand, 0, 4) > 0 ? endpoint->who
                                                    : (Who)g_rand_int_range (rand, 0, 3);

          g_test_message ("%u: %s %s", i, endpoint->method, endpoint->path);
          sent = endpoint->method;
          response = sd_test_request_full (fixture->server, endpoint->method, endpoint->path,
                                           token_for (fixture, who), type, body, NULL);
        }
      else if (kind < 8)
        {
          g_autofree char *path = random_path (rand);
          const char *methods[] = { "GET", "GET", "HEAD", "POST", "DELETE", "PATCH" };
          const char *method = methods[g_rand_int_range (rand, 0, G_N_ELEMENTS (methods))];

          g_test_message ("%u: %s %s", i, method, path);
          sent = method;
          response = send_any (fixture, method, path,
                               token_for (fixture, (Who)g_rand_int_range (rand, 0, 3)),
                               g_str_equal (method, "GET") ? NULL : type,
                               g_str_equal (method, "GET") ? NULL : body, &not_uri);
        }
      else
        {
          g_autofree char *value = random_query_value (rand);
          g_autofree char *path = g_strdup_printf ("/api/v1/uploads?filename=%s%s", value,
                                                   g_rand_boolean (rand) ? "%2F..%5C" : ".txt");

          g_test_message ("%u: POST %s", i, path);
          response = send_any (fixture, "POST", path, fixture->customer, type, body, &not_uri);
        }

      /* A target that is no URI is refused by libsoup before the server
       * sees it: 400 without the API's error body. */
      if (not_uri)
        g_assert_cmpuint (response->status, ==, 400);
      else
        assert_client_error_body (response, sent);
      counts[MIN (response->status / 100, 5)]++;
    }

  g_test_message ("2xx %u, 4xx %u", counts[2], counts[4]);
  g_assert_cmpuint (counts[4], >, 0);
}

/* METHOD PATH STATUS DURATIONms */
static gboolean
parse_log_line (const char  *line,
                char       **out_entry)
{
  g_auto(GStrv) parts = g_strsplit (line, " ", -1);
  guint64 status;

  if (g_strv_length (parts) != 4 ||
      !g_ascii_string_to_unsigned (parts[2], 10, 100, 599, &status, NULL) ||
      !g_str_has_suffix (parts[3], "ms") ||
      !g_ascii_isdigit (parts[3][0]))
    return FALSE;

  *out_entry = g_strdup_printf ("%s %s %s", parts[0], parts[1], parts[2]);

  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

static void
test_log_lines (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new_logged (NULL);
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) logged = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) secrets = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SdTestResponse) response = NULL;
  g_autofree char *customer = NULL;
  g_autofree char *agent = NULL;
  g_autofree char *dashboard = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;

  customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_ptr_array_add (expected, g_strdup ("POST /api/v1/session 201"));
  agent = sd_test_login (server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_ptr_array_add (expected, g_strdup ("POST /api/v1/session 201"));

  response = sd_test_request (server, "POST", "/api/v1/session", NULL,
                              "{\"email\": \"customer@example.com\","
                              " \"password\": \"wrong-secret-password\"}");
  g_assert_cmpuint (response->status, ==, 401);
  g_ptr_array_add (expected, g_strdup ("POST /api/v1/session 401"));
  g_clear_pointer (&response, sd_test_response_free);

  response = sd_test_request (server, "GET", "/api/v1/tickets?q=secretword&limit=5", customer,
                              NULL);
  g_assert_cmpuint (response->status, ==, 200);
  g_ptr_array_add (expected, g_strdup ("GET /api/v1/tickets 200"));
  g_clear_pointer (&response, sd_test_response_free);

  response = sd_test_request (server, "POST", "/api/v1/support-pin", customer, NULL);
  g_assert_cmpuint (response->status, ==, 201);
  pin = g_strdup (json_object_get_string_member (sd_test_response_object (response), "pin"));
  g_ptr_array_add (expected, g_strdup ("POST /api/v1/support-pin 201"));
  g_clear_pointer (&response, sd_test_response_free);

  {
    g_autofree char *json = g_strdup_printf ("{\"customer_email\": \"%s\", \"pin\": \"%s\"}",
                                             SD_TEST_CUSTOMER, pin);

    response = sd_test_request (server, "POST", "/api/v1/agent/dashboard-sessions", agent, json);
    g_assert_cmpuint (response->status, ==, 201);
    dashboard = g_strdup (json_object_get_string_member (sd_test_response_object (response),
                                                         "token"));
    g_ptr_array_add (expected, g_strdup ("POST /api/v1/agent/dashboard-sessions 201"));
    g_clear_pointer (&response, sd_test_response_free);
  }

  response = sd_test_request (server, "GET", "/api/v1/session", dashboard, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  g_ptr_array_add (expected, g_strdup ("GET /api/v1/session 200"));
  g_clear_pointer (&response, sd_test_response_free);

  response = sd_test_request (server, "GET", "/nowhere", NULL, NULL);
  g_ptr_array_add (expected, g_strdup ("GET /nowhere 404"));
  g_clear_pointer (&response, sd_test_response_free);

  response = sd_test_request (server, "PUT", "/api/v1/tickets", customer, NULL);
  g_ptr_array_add (expected, g_strdup ("PUT /api/v1/tickets 405"));
  g_clear_pointer (&response, sd_test_response_free);

  {
    g_autoptr(GBytes) body = g_bytes_new_static ("file", 4);

    response = sd_test_request_full (server, "POST",
                                     "/api/v1/uploads?filename=secret-name.txt", customer,
                                     "text/plain", body, NULL);
    g_assert_cmpuint (response->status, ==, 201);
    g_ptr_array_add (expected, g_strdup ("POST /api/v1/uploads 201"));
    g_clear_pointer (&response, sd_test_response_free);
  }

  response = sd_test_request (server, "HEAD", "/healthz", NULL, NULL);
  g_ptr_array_add (expected, g_strdup ("HEAD /healthz 200"));
  g_clear_pointer (&response, sd_test_response_free);

  /* An encoded line break in the path stays encoded: no forged lines. */
  response = sd_test_request (server, "GET", "/x%0AGET%20/forged%20200%201.0ms", NULL, NULL);
  g_assert_cmpuint (response->status, ==, 404);
  g_ptr_array_add (expected, g_strdup ("GET /x%0AGET%20/forged%20200%201.0ms 404"));
  g_clear_pointer (&response, sd_test_response_free);

  /* A target that is no URI is refused by libsoup, and logged all the same. */
  {
    const char *text = "GET /x%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    g_autoptr(GBytes) request = g_bytes_new_static (text, strlen (text));

    response = sd_test_raw_request (server, request, 10, NULL);
    g_assert_cmpuint (response->status, ==, 400);
    g_ptr_array_add (expected, g_strdup ("GET - 400"));
    g_clear_pointer (&response, sd_test_response_free);
  }

  /* A body refused while it arrives is logged too. */
  {
    g_autoptr(GString) text = g_string_new (NULL);
    g_autoptr(GBytes) request = NULL;
    gboolean closed = FALSE;

    g_string_append_printf (text, "POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\n"
                            "Authorization: Bearer %s\r\nTransfer-Encoding: chunked\r\n\r\n",
                            customer);
    for (guint i = 0; i < 20; i++)
      {
        g_string_append_printf (text, "10000\r\n");
        for (guint j = 0; j < 0x10000; j++)
          g_string_append_c (text, ' ');
        g_string_append (text, "\r\n");
      }
    request = g_string_free_to_bytes (g_steal_pointer (&text));
    response = sd_test_raw_request (server, request, 10, &closed);
    g_assert_cmpuint (response->status, ==, 413);
    g_ptr_array_add (expected, g_strdup ("POST /api/v1/tickets 413"));
    g_clear_pointer (&response, sd_test_response_free);
  }

  /* All lines are written by the time the server has stopped. */
  sd_test_server_stop (server);
  log = sd_test_server_read_log (server);
  lines = g_strsplit (log, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *entry = NULL;

      if (*lines[i] == '\0' || g_str_equal (lines[i], "supportdesk-server: stopped"))
        continue;

      /* Anything else is a request line; no warnings, no criticals. */
      if (!parse_log_line (lines[i], &entry))
        g_error ("Not a request line: “%s”", lines[i]);
      g_ptr_array_add (logged, entry);
    }

  g_ptr_array_sort (expected, compare_strings);
  g_ptr_array_sort (logged, compare_strings);
  g_assert_cmpuint (logged->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    g_assert_cmpstr (logged->pdata[i], ==, expected->pdata[i]);

  /* Never a token, a password, a PIN, a query or a file name. */
  g_ptr_array_add (secrets, g_strdup (customer));
  g_ptr_array_add (secrets, g_strdup (agent));
  g_ptr_array_add (secrets, g_strdup (dashboard));
  g_ptr_array_add (secrets, g_strdup (pin));
  g_ptr_array_add (secrets, g_strdup (SD_TEST_PASSWORD));
  g_ptr_array_add (secrets, g_strdup ("wrong-secret-password"));
  g_ptr_array_add (secrets, g_strdup (SD_TEST_CUSTOMER));
  g_ptr_array_add (secrets, g_strdup ("secretword"));
  g_ptr_array_add (secrets, g_strdup ("secret-name"));
  for (guint i = 0; i < secrets->len; i++)
    g_assert_null (strstr (log, secrets->pdata[i]));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/sd/server/robustness/" name, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("bad-json", test_bad_json);
  ADD ("ignored-bodies", test_ignored_bodies);
  ADD ("media-types", test_media_types);
  ADD ("wrong-members", test_wrong_members);
  ADD ("ids", test_ids);
  ADD ("queries", test_queries);
  ADD ("methods-and-paths", test_methods_and_paths);
  ADD ("authorization-header", test_authorization_header);
  ADD ("raw", test_raw);
  ADD ("abandoned", test_abandoned);
  ADD ("fuzz", test_fuzz);

#undef ADD

  g_test_add_func ("/sd/server/robustness/log-lines", test_log_lines);

  return g_test_run ();
}
