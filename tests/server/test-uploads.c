#include "config.h"

#include "sd-test-server.h"

#include <string.h>

/*
 * Uploads and attachments: the streamed upload endpoint, its limits, how
 * tokens become attachments (all or nothing), and the download headers.
 */

#define UPLOAD_LIFETIME (24 * 60 * 60)

static GBytes *
random_bytes (guint32 seed,
              gsize   size)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint8 *data = g_malloc (size + 1);

  for (gsize i = 0; i < size; i++)
    data[i] = g_rand_int_range (rand, 0, 256);

  return g_bytes_new_take (data, size);
}

/* @filename is put in the query as it is: the caller escapes it. */
static SdTestResponse *
upload_full (SdTestServer       *server,
             const char         *token,
             const char         *filename,
             const char         *content_type,
             GBytes             *body,
             const char * const *headers)
{
  g_autofree char *path = g_strconcat ("/api/v1/uploads?filename=", filename, NULL);

  return sd_test_request_full (server, "POST", path, token, content_type, body, headers);
}

/* Uploads and returns the token; asserts success. */
static char *
upload_ok (SdTestServer *server,
           const char   *token,
           const char   *filename,
           GBytes       *body)
{
  g_autoptr(SdTestResponse) response = NULL;

  response = upload_full (server, token, filename, "application/octet-stream", body, NULL);
  g_assert_cmpuint (response->status, ==, 201);

  return g_strdup (json_object_get_string_member (sd_test_response_object (response), "token"));
}

static guint
count_tickets (SdTestServer *server,
               const char   *token)
{
  g_autoptr(SdTestResponse) response = NULL;

  response = sd_test_request (server, "GET", "/api/v1/tickets?limit=100", token, NULL);
  g_assert_cmpuint (response->status, ==, 200);

  return json_array_get_length (json_object_get_array_member (sd_test_response_object (response),
                                                              "tickets"));
}

static SdTestResponse *
get_messages (SdTestServer *server,
              const char   *token,
              gint64        ticket_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT
                                           "/messages?limit=100", ticket_id);
  SdTestResponse *response = sd_test_request (server, "GET", path, token, NULL);

  g_assert_cmpuint (response->status, ==, 200);

  return response;
}

static guint
count_messages (SdTestServer *server,
                const char   *token,
                gint64        ticket_id)
{
  g_autoptr(SdTestResponse) response = get_messages (server, token, ticket_id);

  return json_array_get_length (json_object_get_array_member (sd_test_response_object (response),
                                                              "messages"));
}

/* {"category", "subject", "description", "uploads": [tokens]} */
static char *
ticket_json (const char * const *tokens)
{
  g_autoptr(GString) json = g_string_new ("{\"category\": \"billing\", \"subject\": \"Files\","
                                          " \"description\": \"See the files\"");

  if (tokens != NULL)
    {
      g_string_append (json, ", \"uploads\": [");
      for (guint i = 0; tokens[i] != NULL; i++)
        g_string_append_printf (json, "%s\"%s\"", i > 0 ? ", " : "", tokens[i]);
      g_string_append (json, "]");
    }
  g_string_append (json, "}");

  return g_string_free (g_steal_pointer (&json), FALSE);
}

static SdTestResponse *
create_ticket (SdTestServer       *server,
               const char         *token,
               const char * const *uploads)
{
  g_autofree char *json = ticket_json (uploads);

  return sd_test_request (server, "POST", "/api/v1/tickets", token, json);
}

/* The attachments of the first message of a ticket. */
static JsonArray *
first_message_attachments (SdTestResponse *messages)
{
  JsonArray *list = json_object_get_array_member (sd_test_response_object (messages), "messages");
  JsonObject *first;

  g_assert_cmpuint (json_array_get_length (list), >=, 1);
  first = json_array_get_object_element (list, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "kind"), ==, "comment");

  return json_object_get_array_member (first, "attachments");
}

/* Numeric files (stored uploads and attachments), and unfinished ones. */
static void
count_stored_files (SdTestServer *server,
                    guint        *out_stored,
                    guint        *out_partial)
{
  g_autofree char *files_dir = g_build_filename (server->data_dir, "files", NULL);
  g_autoptr(GDir) dir = g_dir_open (files_dir, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  *out_stored = 0;
  *out_partial = 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (strspn (name, "0123456789") == strlen (name))
        (*out_stored)++;
      else
        (*out_partial)++;
    }
}

/*
 * The number of stored files, once no unfinished upload is left: the server
 * removes what it did not keep right after it answered, so the answer may
 * arrive a moment earlier.
 */
static guint
count_files_when_settled (SdTestServer *server)
{
  guint stored = 0, partial = 0;

  for (guint attempt = 0; attempt < 100; attempt++)
    {
      count_stored_files (server, &stored, &partial);
      if (partial == 0)
        return stored;
      g_usleep (G_USEC_PER_SEC / 50);
    }

  g_error ("%u unfinished uploads are left behind", partial);
}

static void
assert_upload (SdTestResponse *response,
               const char     *filename,
               const char     *content_type,
               GBytes         *body)
{
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
  JsonObject *object;
  const char *token;

  g_assert_cmpuint (response->status, ==, 201);
  object = sd_test_response_object (response);

  token = json_object_get_string_member (object, "token");
  g_assert_nonnull (token);
  g_assert_cmpuint (strlen (token), ==, 43);
  g_assert_cmpuint (strspn (token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                   "0123456789-_"), ==, 43);
  g_assert_cmpstr (json_object_get_string_member (object, "filename"), ==, filename);
  g_assert_cmpstr (json_object_get_string_member (object, "content_type"), ==, content_type);
  g_assert_cmpint (json_object_get_int_member (object, "size"), ==, g_bytes_get_size (body));
  g_assert_cmpstr (json_object_get_string_member (object, "sha256"), ==, sha256);
  sd_test_assert_time_near (json_object_get_string_member (object, "expires_at"),
                            g_get_real_time () / G_USEC_PER_SEC + UPLOAD_LIFETIME, 60);
}

static void
test_create (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *agent = sd_test_login (server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_autoptr(GBytes) body = random_bytes (1, 3000);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(SdTestResponse) response = NULL;
  g_autoptr(SdTestResponse) second = NULL;
  JsonObject *object;

  /* The media type is kept without its parameters. */
  response = upload_full (server, customer, "report.pdf", "application/pdf; name=x", body, NULL);
  assert_upload (response, "report.pdf", "application/pdf", body);
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Cache-Control"), ==,
                   "no-store");

  /* Each upload is its own, with its own token. */
  second = upload_full (server, customer, "report.pdf", "application/pdf", body, NULL);
  assert_upload (second, "report.pdf", "application/pdf", body);
  object = sd_test_response_object (response);
  g_assert_cmpstr (json_object_get_string_member (object, "token"), !=,
                   json_object_get_string_member (sd_test_response_object (second), "token"));
  g_clear_pointer (&response, sd_test_response_free);

  /* Without a type, the bytes are just bytes. */
  response = upload_full (server, customer, "blob", NULL, body, NULL);
  assert_upload (response, "blob", "application/octet-stream", body);
  g_clear_pointer (&response, sd_test_response_free);

  /* Empty files are allowed. */
  response = upload_full (server, customer, "empty.txt", "text/plain", empty, NULL);
  assert_upload (response, "empty.txt", "text/plain", empty);
  g_clear_pointer (&response, sd_test_response_free);

  /* Agents attach files to their answers too. */
  response = upload_full (server, agent, "fix.txt", "text/plain", body, NULL);
  assert_upload (response, "fix.txt", "text/plain", body);
  g_clear_pointer (&response, sd_test_response_free);

  /* No session, no upload. */
  response = upload_full (server, NULL, "x.txt", "text/plain", body, NULL);
  sd_test_assert_error (response, 401, "unauthorized", NULL);
  g_clear_pointer (&response, sd_test_response_free);
  response = upload_full (server, "not-a-token", "x.txt", "text/plain", body, NULL);
  sd_test_assert_error (response, 401, "unauthorized", NULL);
}

static void
test_content_type (void)
{
  const struct
  {
    const char *sent;     /* NULL: no Content-Type */
    const char *stored;   /* NULL: 415 */
  } cases[] = {
    { NULL, "application/octet-stream" },
    { "image/png", "image/png" },
    { "Image/PNG", "image/png" },
    { "text/plain; charset=utf-8", "text/plain" },
    { "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
    { "multipart/form-data; boundary=xyz", NULL },
    { "multipart/mixed; boundary=xyz", NULL },
    /* What curl sends unless told otherwise says nothing about the file. */
    { "application/x-www-form-urlencoded", "application/octet-stream" },
    { "text", NULL },
    { "text/", NULL },
    { "/plain", NULL },
    { "text/plain/extra", NULL },
    { "te xt/plain", NULL },
    { "text/pl@in", NULL },
  };
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *token = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autoptr(GBytes) body = g_bytes_new_static ("hello", 5);
  guint stored_before;

  stored_before = count_files_when_settled (server);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SdTestResponse) response = NULL;
      /* Given as a header, so that libsoup sends it exactly as written. */
      const char *headers[] = { "Content-Type", cases[i].sent, NULL };

      g_test_message ("Content-Type: %s", cases[i].sent ? cases[i].sent : "(none)");
      response = upload_full (server, token, "file", NULL, body,
                              cases[i].sent != NULL ? headers : NULL);
      if (cases[i].stored != NULL)
        assert_upload (response, "file", cases[i].stored, body);
      else
        sd_test_assert_error (response, 415, "unsupported_media_type", NULL);
    }

  /* Refused uploads leave nothing behind. */
  g_assert_cmpuint (count_files_when_settled (server), ==, stored_before + 6);
}

static void
test_filename (void)
{
  const struct
  {
    const char *query;    /* as it appears in the query, escaped */
    const char *kept;     /* NULL: 400 */
  } cases[] = {
    { "report.pdf", "report.pdf" },
    { "..%2F..%2Fetc%2Fpasswd", "passwd" },
    { "../../etc/passwd", "passwd" },
    { "a%5Cb%5Cc.txt", "c.txt" },
    { "C%3A%5Cfakepath%5Creport.docx", "report.docx" },
    { "ab%01c%7Fd%0D%0A%09.txt", "abcd.txt" },
    { "%C2%85na%C2%9Fme.txt", "name.txt" },
    { "%C3%A9t%C3%A9%20r%C3%A9sum%C3%A9.pdf", "été résumé.pdf" },
    { "%E6%97%A5%E6%9C%AC%E8%AA%9E.txt", "日本語.txt" },
    { "%E2%80%AEgnp.exe", "gnp.exe" },
    { "%20%20notes.txt%20", "notes.txt" },
    { "a%2Bb%26c%3Dd.txt", "a+b&c=d.txt" },
    { "", NULL },
    { "%20", NULL },
    { ".", NULL },
    { "..", NULL },
    { "%2E%2E", NULL },
    { "dir%2F", NULL },
    { "dir%5C", NULL },
    { "%01%02%03", NULL },
    { "%FF%FE.txt", NULL },
    { "%C3.txt", NULL },
  };
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *token = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autoptr(GBytes) body = g_bytes_new_static ("x", 1);
  g_autofree char *longest = g_strnfill (255, 'a');
  g_autofree char *too_long = g_strnfill (256, 'a');
  g_autoptr(SdTestResponse) response = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SdTestResponse) one = NULL;

      g_test_message ("filename=%s", cases[i].query);
      one = upload_full (server, token, cases[i].query, "text/plain", body, NULL);
      if (cases[i].kept != NULL)
        assert_upload (one, cases[i].kept, "text/plain", body);
      else
        sd_test_assert_error (one, 400, "invalid_field", "filename");
    }

  response = upload_full (server, token, longest, "text/plain", body, NULL);
  assert_upload (response, longest, "text/plain", body);
  g_clear_pointer (&response, sd_test_response_free);
  response = upload_full (server, token, too_long, "text/plain", body, NULL);
  sd_test_assert_error (response, 400, "invalid_field", "filename");
  g_clear_pointer (&response, sd_test_response_free);

  /* Without the parameter at all. */
  response = sd_test_request_full (server, "POST", "/api/v1/uploads", token, "text/plain", body,
                                   NULL);
  sd_test_assert_error (response, 400, "invalid_field", "filename");
  g_clear_pointer (&response, sd_test_response_free);
  response = sd_test_request_full (server, "POST", "/api/v1/uploads?name=x.txt", token,
                                   "text/plain", body, NULL);
  sd_test_assert_error (response, 400, "invalid_field", "filename");
}

/* Uploads @body as @query, attaches it to a new ticket and downloads it. */
static SdTestResponse *
round_trip (SdTestServer *server,
            const char   *token,
            const char   *query,
            const char   *content_type,
            GBytes       *body,
            JsonObject  **out_attachment)
{
  g_autoptr(SdTestResponse) uploaded = NULL;
  g_autoptr(SdTestResponse) created = NULL;
  g_autoptr(SdTestResponse) messages = NULL;
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
  const char *tokens[2] = { NULL, NULL };
  JsonObject *uploaded_object;
  JsonObject *attachment;
  JsonArray *attachments;
  g_autofree char *url = NULL;

  uploaded = upload_full (server, token, query, content_type, body, NULL);
  g_assert_cmpuint (uploaded->status, ==, 201);
  uploaded_object = sd_test_response_object (uploaded);
  tokens[0] = json_object_get_string_member (uploaded_object, "token");

  created = create_ticket (server, token, tokens);
  g_assert_cmpuint (created->status, ==, 201);

  messages = get_messages (server, token,
                           json_object_get_int_member (sd_test_response_object (created), "id"));
  attachments = first_message_attachments (messages);
  g_assert_cmpuint (json_array_get_length (attachments), ==, 1);
  attachment = json_array_get_object_element (attachments, 0);

  g_assert_cmpstr (json_object_get_string_member (attachment, "filename"), ==,
                   json_object_get_string_member (uploaded_object, "filename"));
  g_assert_cmpstr (json_object_get_string_member (attachment, "content_type"), ==,
                   json_object_get_string_member (uploaded_object, "content_type"));
  g_assert_cmpint (json_object_get_int_member (attachment, "size"), ==, g_bytes_get_size (body));
  g_assert_cmpstr (json_object_get_string_member (attachment, "sha256"), ==, sha256);
  url = g_strdup_printf ("/api/v1/attachments/%" G_GINT64_FORMAT,
                         json_object_get_int_member (attachment, "id"));
  g_assert_cmpstr (json_object_get_string_member (attachment, "url"), ==, url);

  if (out_attachment != NULL)
    *out_attachment = json_object_ref (attachment);

  return sd_test_request (server, "GET", url, token, NULL);
}

static void
assert_download (SdTestResponse *response,
                 GBytes         *body,
                 const char     *content_type,
                 const char     *disposition)
{
  g_autofree char *length = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (body));
  SoupMessageHeaders *headers = response->headers;

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_true (g_bytes_equal (response->body, body));
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Content-Type"), ==, content_type);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Content-Length"), ==, length);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Content-Disposition"), ==,
                   disposition);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Content-Type-Options"), ==,
                   "nosniff");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Content-Security-Policy"), ==,
                   "sandbox");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Cache-Control"), ==,
                   "private, no-store");
}

static void
test_attach_and_download (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *agent = sd_test_login (server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_autofree char *other = sd_test_login (server, SD_TEST_OTHER, SD_TEST_PASSWORD);
  g_autoptr(GBytes) body = random_bytes (2, 100 * 1024);
  g_autoptr(GBytes) text = g_bytes_new_static ("<html><script>alert(1)</script>", 31);
  g_autoptr(JsonObject) attachment = NULL;
  g_autoptr(SdTestResponse) response = NULL;
  g_autofree char *url = NULL;

  response = round_trip (server, customer, "photo.png", "image/png", body, &attachment);
  assert_download (response, body, "image/png", "attachment; filename*=UTF-8''photo.png");
  url = g_strdup (json_object_get_string_member (attachment, "url"));
  g_clear_pointer (&response, sd_test_response_free);

  /* Same visibility as the ticket: support sees it, another organization
   * does not even learn that it exists, and nobody without a session. */
  response = sd_test_request (server, "GET", url, agent, NULL);
  assert_download (response, body, "image/png", "attachment; filename*=UTF-8''photo.png");
  g_clear_pointer (&response, sd_test_response_free);
  response = sd_test_request (server, "GET", url, other, NULL);
  sd_test_assert_error (response, 404, "not_found", NULL);
  g_clear_pointer (&response, sd_test_response_free);
  response = sd_test_request (server, "GET", url, NULL, NULL);
  sd_test_assert_error (response, 401, "unauthorized", NULL);
  g_clear_pointer (&response, sd_test_response_free);

  /* HEAD: the headers without the bytes. */
  response = sd_test_request (server, "HEAD", url, customer, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (response->body), ==, 0);
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Content-Disposition"), ==,
                   "attachment; filename*=UTF-8''photo.png");
  g_clear_pointer (&response, sd_test_response_free);

  /* Names are percent-encoded as UTF-8 (RFC 5987), so that no name can
   * break out of the header. */
  response = round_trip (server, customer, "%C3%A9t%C3%A9%20r%C3%A9sum%C3%A9.pdf",
                         "application/pdf", body, NULL);
  assert_download (response, body, "application/pdf",
                   "attachment; filename*=UTF-8''%C3%A9t%C3%A9%20r%C3%A9sum%C3%A9.pdf");
  g_clear_pointer (&response, sd_test_response_free);
  response = round_trip (server, customer, "a%22b%3Bc%27d%25e%2Cf%3D%2A.txt", "text/plain",
                         body, NULL);
  assert_download (response, body, "text/plain",
                   "attachment; filename*=UTF-8''a%22b%3Bc%27d%25e%2Cf%3D%2A.txt");
  g_clear_pointer (&response, sd_test_response_free);

  /* An HTML file is served as stored, never sniffed or rendered. */
  response = round_trip (server, customer, "page.html", "text/html", text, NULL);
  assert_download (response, text, "text/html", "attachment; filename*=UTF-8''page.html");
}

static void
test_demo_attachments (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *other = sd_test_login (server, SD_TEST_OTHER, SD_TEST_PASSWORD);
  g_autoptr(SdTestResponse) messages = get_messages (server, customer, 1);
  JsonArray *list = json_object_get_array_member (sd_test_response_object (messages), "messages");
  guint found = 0;

  /* Every attachment's metadata matches the bytes served. */
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonArray *attachments = json_object_get_array_member (json_array_get_object_element (list,
                                                                                          i),
                                                             "attachments");

      for (guint j = 0; j < json_array_get_length (attachments); j++)
        {
          JsonObject *attachment = json_array_get_object_element (attachments, j);
          const char *url = json_object_get_string_member (attachment, "url");
          g_autoptr(SdTestResponse) download = sd_test_request (server, "GET", url, customer,
                                                                NULL);
          g_autoptr(SdTestResponse) hidden = sd_test_request (server, "GET", url, other, NULL);
          g_autofree char *sha256 = NULL;

          g_assert_cmpuint (download->status, ==, 200);
          sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, download->body);
          g_assert_cmpstr (json_object_get_string_member (attachment, "sha256"), ==, sha256);
          g_assert_cmpint (json_object_get_int_member (attachment, "size"), ==,
                           g_bytes_get_size (download->body));
          g_assert_cmpstr (soup_message_headers_get_one (download->headers, "Content-Type"), ==,
                           json_object_get_string_member (attachment, "content_type"));
          sd_test_assert_error (hidden, 404, "not_found", NULL);

          if (g_str_equal (json_object_get_string_member (attachment, "filename"),
                           "firewall.log"))
            found++;
        }
    }

  g_assert_cmpuint (found, ==, 1);
}

static void
test_reply_with_uploads (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *agent = sd_test_login (server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_autoptr(GBytes) one = g_bytes_new_static ("first file", 10);
  g_autoptr(GBytes) two = g_bytes_new_static ("second file", 11);
  g_autofree char *token_one = upload_ok (server, customer, "one.txt", one);
  g_autofree char *token_two = upload_ok (server, customer, "two.txt", two);
  g_autofree char *token_agent = upload_ok (server, agent, "answer.txt", one);
  g_autofree char *json = NULL;
  g_autoptr(SdTestResponse) response = NULL;
  g_autoptr(SdTestResponse) messages = NULL;
  JsonArray *attachments;
  JsonArray *list;
  JsonObject *last;
  guint before;

  json = g_strdup_printf ("{\"body\": \"Two files\", \"uploads\": [\"%s\", \"%s\"]}",
                          token_one, token_two);
  response = sd_test_request (server, "POST", "/api/v1/tickets/1/messages", customer, json);
  g_assert_cmpuint (response->status, ==, 201);
  attachments = json_object_get_array_member (sd_test_response_object (response), "attachments");
  g_assert_cmpuint (json_array_get_length (attachments), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (attachments, 0),
                                                  "filename"), ==, "one.txt");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (attachments, 1),
                                                  "filename"), ==, "two.txt");

  /* The list shows the same. */
  messages = get_messages (server, customer, 1);
  list = json_object_get_array_member (sd_test_response_object (messages), "messages");
  last = json_array_get_object_element (list, json_array_get_length (list) - 1);
  g_assert_cmpstr (json_object_get_string_member (last, "body"), ==, "Two files");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (last, "attachments")),
                    ==, 2);
  g_clear_pointer (&response, sd_test_response_free);

  /* A used token cannot be attached again, and nothing is posted. */
  before = count_messages (server, customer, 1);
  response = sd_test_request (server, "POST", "/api/v1/tickets/1/messages", customer, json);
  sd_test_assert_error (response, 400, "invalid_field", "uploads");
  g_assert_cmpuint (count_messages (server, customer, 1), ==, before);
  g_clear_pointer (&response, sd_test_response_free);

  /* An agent's answer carries the agent's file. */
  g_free (json);
  json = g_strdup_printf ("{\"body\": \"Here you are\", \"uploads\": [\"%s\"]}", token_agent);
  response = sd_test_request (server, "POST", "/api/v1/tickets/1/messages", agent, json);
  g_assert_cmpuint (response->status, ==, 201);
  attachments = json_object_get_array_member (sd_test_response_object (response), "attachments");
  g_assert_cmpuint (json_array_get_length (attachments), ==, 1);
}

static void
test_tokens_all_or_nothing (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *other = sd_test_login (server, SD_TEST_OTHER, SD_TEST_PASSWORD);
  g_autoptr(GBytes) body = g_bytes_new_static ("content", 7);
  g_autofree char *valid = upload_ok (server, customer, "valid.txt", body);
  g_autofree char *foreign = upload_ok (server, other, "foreign.txt", body);
  g_autoptr(SdTestResponse) response = NULL;
  g_autoptr(SdTestResponse) messages = NULL;
  guint tickets = count_tickets (server, customer);
  guint other_tickets = count_tickets (server, other);

  {
    const char *unknown[] = { "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL };
    const char *mixed[] = { valid, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL };
    const char *someone_elses[] = { foreign, NULL };
    const char *twice[] = { valid, valid, NULL };
    const char * const *refused[] = { unknown, mixed, someone_elses, twice };

    for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
      {
        g_autoptr(SdTestResponse) one = create_ticket (server, customer, refused[i]);

        sd_test_assert_error (one, 400, "invalid_field", "uploads");
        g_assert_cmpuint (count_tickets (server, customer), ==, tickets);
      }
  }

  /* Members of the wrong shape. */
  {
    const char *bodies[] = {
      "{\"category\": \"billing\", \"subject\": \"s\", \"description\": \"d\","
      " \"uploads\": \"x\"}",
      "{\"category\": \"billing\", \"subject\": \"s\", \"description\": \"d\", \"uploads\": [5]}",
      "{\"category\": \"billing\", \"subject\": \"s\", \"description\": \"d\", \"uploads\": {}}",
      "{\"category\": \"billing\", \"subject\": \"s\", \"description\": \"d\","
      " \"uploads\": [null]}",
      "{\"category\": \"billing\", \"subject\": \"s\", \"description\": \"d\","
      " \"uploads\": [[\"x\"]]}",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
      {
        g_autoptr(SdTestResponse) one = sd_test_request (server, "POST", "/api/v1/tickets",
                                                         customer, bodies[i]);

        sd_test_assert_error (one, 400, "invalid_field", "uploads");
      }
    g_assert_cmpuint (count_tickets (server, customer), ==, tickets);
  }

  /* Nothing was consumed by the refused requests: both tokens still work
   * for their owners. */
  {
    const char *mine[] = { valid, NULL };
    const char *theirs[] = { foreign, NULL };

    response = create_ticket (server, customer, mine);
    g_assert_cmpuint (response->status, ==, 201);
    g_assert_cmpuint (count_tickets (server, customer), ==, tickets + 1);
    messages = get_messages (server, customer,
                             json_object_get_int_member (sd_test_response_object (response),
                                                         "id"));
    g_assert_cmpuint (json_array_get_length (first_message_attachments (messages)), ==, 1);
    g_clear_pointer (&response, sd_test_response_free);

    response = create_ticket (server, other, theirs);
    g_assert_cmpuint (response->status, ==, 201);
    g_assert_cmpuint (count_tickets (server, other), ==, other_tickets + 1);
    g_clear_pointer (&response, sd_test_response_free);

    /* Now used: a second ticket with it is refused, and not created. */
    response = create_ticket (server, customer, mine);
    sd_test_assert_error (response, 400, "invalid_field", "uploads");
    g_assert_cmpuint (count_tickets (server, customer), ==, tickets + 1);
  }
}

static void
test_twenty_uploads (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SdTestResponse) response = NULL;
  g_autoptr(SdTestResponse) messages = NULL;
  guint tickets = count_tickets (server, customer);
  g_autofree char *json = NULL;

  for (guint i = 0; i < 21; i++)
    {
      g_autofree char *name = g_strdup_printf ("file-%02u.txt", i);
      g_autoptr(GBytes) body = g_bytes_new (name, strlen (name));

      g_ptr_array_add (tokens, upload_ok (server, customer, name, body));
    }
  g_ptr_array_add (tokens, NULL);

  /* 21 is one too many, even when all are valid. */
  response = create_ticket (server, customer, (const char * const *)tokens->pdata);
  sd_test_assert_error (response, 400, "invalid_field", "uploads");
  g_assert_cmpuint (count_tickets (server, customer), ==, tickets);
  g_clear_pointer (&response, sd_test_response_free);

  json = g_strdup_printf ("{\"body\": \"Many\", \"uploads\": [\"%s\", \"%s\", \"%s\", \"%s\","
                          " \"%s\", \"%s\", \"%s\", \"%s\", \"%s\", \"%s\", \"%s\", \"%s\","
                          " \"%s\", \"%s\", \"%s\", \"%s\", \"%s\", \"%s\", \"%s\", \"%s\","
                          " \"%s\"]}",
                          (char *)tokens->pdata[0], (char *)tokens->pdata[1],
                          (char *)tokens->pdata[2], (char *)tokens->pdata[3],
                          (char *)tokens->pdata[4], (char *)tokens->pdata[5],
                          (char *)tokens->pdata[6], (char *)tokens->pdata[7],
                          (char *)tokens->pdata[8], (char *)tokens->pdata[9],
                          (char *)tokens->pdata[10], (char *)tokens->pdata[11],
                          (char *)tokens->pdata[12], (char *)tokens->pdata[13],
                          (char *)tokens->pdata[14], (char *)tokens->pdata[15],
                          (char *)tokens->pdata[16], (char *)tokens->pdata[17],
                          (char *)tokens->pdata[18], (char *)tokens->pdata[19],
                          (char *)tokens->pdata[20]);
  response = sd_test_request (server, "POST", "/api/v1/tickets/1/messages", customer, json);
  sd_test_assert_error (response, 400, "invalid_field", "uploads");
  g_clear_pointer (&response, sd_test_response_free);

  /* 20 is the limit, and allowed. */
  g_ptr_array_remove_index (tokens, 20);
  response = create_ticket (server, customer, (const char * const *)tokens->pdata);
  g_assert_cmpuint (response->status, ==, 201);
  messages = get_messages (server, customer,
                           json_object_get_int_member (sd_test_response_object (response), "id"));
  g_assert_cmpuint (json_array_get_length (first_message_attachments (messages)), ==, 20);
}

static void
test_unattached_not_served (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *agent = sd_test_login (server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_autoptr(GBytes) body = g_bytes_new_static ("not yet", 7);
  g_autofree char *pending = upload_ok (server, customer, "pending.txt", body);
  g_autofree char *attached = upload_ok (server, customer, "attached.txt", body);
  g_autoptr(SdTestResponse) response = NULL;
  g_autoptr(SdTestResponse) messages = NULL;
  const char *tokens[] = { attached, NULL };
  g_autofree char *path = NULL;
  gint64 id;

  response = create_ticket (server, customer, tokens);
  g_assert_cmpuint (response->status, ==, 201);
  messages = get_messages (server, customer,
                           json_object_get_int_member (sd_test_response_object (response), "id"));
  id = json_object_get_int_member (json_array_get_object_element (
                                     first_message_attachments (messages), 0), "id");
  g_clear_pointer (&response, sd_test_response_free);

  /* The upload just before is stored, but belongs to no message yet: it is
   * nobody's attachment, not even its uploader's or support's. */
  path = g_strdup_printf ("/api/v1/attachments/%" G_GINT64_FORMAT, id - 1);
  response = sd_test_request (server, "GET", path, customer, NULL);
  sd_test_assert_error (response, 404, "not_found", NULL);
  g_clear_pointer (&response, sd_test_response_free);
  response = sd_test_request (server, "GET", path, agent, NULL);
  sd_test_assert_error (response, 404, "not_found", NULL);
  g_clear_pointer (&response, sd_test_response_free);

  response = sd_test_request (server, "GET", "/api/v1/attachments/999999", agent, NULL);
  sd_test_assert_error (response, 404, "not_found", NULL);
}

static GBytes *
chunked_request (const char *path,
                 const char *token,
                 const char *content_type,
                 GBytes     *body,
                 gsize       chunk_size,
                 gboolean    finish)
{
  g_autoptr(GString) request = g_string_new (NULL);
  const guint8 *data = g_bytes_get_data (body, NULL);
  gsize size = g_bytes_get_size (body);

  g_string_append_printf (request,
                          "POST %s HTTP/1.1\r\n"
                          "Host: 127.0.0.1\r\n"
                          "Authorization: Bearer %s\r\n"
                          "Content-Type: %s\r\n"
                          "Transfer-Encoding: chunked\r\n"
                          "Connection: close\r\n"
                          "\r\n",
                          path, token, content_type);
  for (gsize offset = 0; offset < size; offset += chunk_size)
    {
      gsize length = MIN (chunk_size, size - offset);

      g_string_append_printf (request, "%" G_GSIZE_MODIFIER "x\r\n", length);
      g_string_append_len (request, (const char *)data + offset, length);
      g_string_append (request, "\r\n");
    }
  if (finish)
    g_string_append (request, "0\r\n\r\n");

  return g_string_free_to_bytes (g_steal_pointer (&request));
}

static void
assert_health (SdTestServer *server)
{
  g_autoptr(SdTestResponse) response = sd_test_request (server, "GET", "/healthz", NULL, NULL);

  g_assert_cmpuint (response->status, ==, 200);
}

static void
assert_closed_too_large (SdTestResponse *response,
                         gboolean        closed)
{
  sd_test_assert_error (response, 413, "payload_too_large", NULL);
  g_assert_true (closed);
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Connection"), ==, "close");
}

static void
test_size_limit (void)
{
  const char * const args[] = { "--max-upload-size", "1024", NULL };
  g_autoptr(SdTestServer) server = sd_test_server_new (args);
  g_autofree char *token = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autoptr(GBytes) exact = random_bytes (3, 1024);
  g_autoptr(GBytes) over = random_bytes (4, 1025);
  g_autoptr(GBytes) small = random_bytes (5, 1000);
  g_autoptr(GBytes) large = random_bytes (6, 64 * 1024);
  g_autoptr(SdTestResponse) response = NULL;
  g_autoptr(GBytes) request = NULL;
  gboolean closed = FALSE;
  guint stored_before;

  stored_before = count_files_when_settled (server);

  /* Exactly the limit is allowed. */
  response = upload_full (server, token, "exact.bin", "application/octet-stream", exact, NULL);
  assert_upload (response, "exact.bin", "application/octet-stream", exact);
  g_clear_pointer (&response, sd_test_response_free);

  /* One byte more, announced by Content-Length. */
  response = upload_full (server, token, "over.bin", "application/octet-stream", over, NULL);
  sd_test_assert_error (response, 413, "payload_too_large", NULL);
  g_clear_pointer (&response, sd_test_response_free);
  assert_health (server);

  /* The same on a plain connection, which the server then closes. */
  {
    g_autoptr(GString) text = g_string_new (NULL);

    g_string_append_printf (text,
                            "POST /api/v1/uploads?filename=over.bin HTTP/1.1\r\n"
                            "Host: 127.0.0.1\r\n"
                            "Authorization: Bearer %s\r\n"
                            "Content-Type: application/octet-stream\r\n"
                            "Content-Length: 1025\r\n"
                            "\r\n", token);
    g_string_append_len (text, g_bytes_get_data (over, NULL), 1025);
    request = g_string_free_to_bytes (g_steal_pointer (&text));
    response = sd_test_raw_request (server, request, 10, &closed);
    assert_closed_too_large (response, closed);
    g_clear_pointer (&response, sd_test_response_free);
    g_clear_pointer (&request, g_bytes_unref);
  }

  /* A client that waits for "100 Continue" hears 413 at once, and sends
   * nothing of its gigabyte. */
  {
    g_autofree char *text = NULL;

    text = g_strdup_printf ("POST /api/v1/uploads?filename=huge.iso HTTP/1.1\r\n"
                            "Host: 127.0.0.1\r\n"
                            "Authorization: Bearer %s\r\n"
                            "Content-Type: application/octet-stream\r\n"
                            "Content-Length: 1000000000\r\n"
                            "Expect: 100-continue\r\n"
                            "\r\n", token);
    request = g_bytes_new (text, strlen (text));
    response = sd_test_raw_request (server, request, 10, &closed);
    assert_closed_too_large (response, closed);
    g_clear_pointer (&response, sd_test_response_free);
    g_clear_pointer (&request, g_bytes_unref);
  }

  /* Without a length, a chunked body within the limit is stored whole. */
  request = chunked_request ("/api/v1/uploads?filename=chunked.bin", token, "image/png", small,
                             300, TRUE);
  response = sd_test_raw_request (server, request, 10, &closed);
  assert_upload (response, "chunked.bin", "image/png", small);
  g_clear_pointer (&response, sd_test_response_free);
  g_clear_pointer (&request, g_bytes_unref);

  /* A chunked body is cut off as soon as it passes the limit: the answer
   * comes although the body never ends. */
  request = chunked_request ("/api/v1/uploads?filename=endless.bin", token,
                             "application/octet-stream", large, 512, FALSE);
  response = sd_test_raw_request (server, request, 10, &closed);
  assert_closed_too_large (response, closed);
  g_clear_pointer (&response, sd_test_response_free);
  g_clear_pointer (&request, g_bytes_unref);

  /* And a complete one that is too large. */
  request = chunked_request ("/api/v1/uploads?filename=large.bin", token,
                             "application/octet-stream", large, 4096, TRUE);
  response = sd_test_raw_request (server, request, 10, &closed);
  assert_closed_too_large (response, closed);
  g_clear_pointer (&response, sd_test_response_free);
  g_clear_pointer (&request, g_bytes_unref);

  /* The server is well, and only the two accepted files were kept. */
  assert_health (server);
  g_assert_cmpuint (count_files_when_settled (server), ==, stored_before + 2);

  /* Uploads go on as before. */
  response = upload_full (server, token, "again.bin", "image/png", small, NULL);
  assert_upload (response, "again.bin", "image/png", small);
}

static char *
big_ticket_json (gsize size)
{
  g_autoptr(GString) json = g_string_new ("{\"category\": \"billing\", \"subject\": \"Big\","
                                          " \"description\": \"");
  const char *end = "\"}";

  while (json->len + strlen (end) < size)
    g_string_append_c (json, 'a');
  g_string_append (json, end);
  g_assert_cmpuint (json->len, ==, size);

  return g_string_free (g_steal_pointer (&json), FALSE);
}

static void
test_json_body_limit (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *token = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *at_limit = big_ticket_json (1024 * 1024);
  g_autofree char *over_limit = big_ticket_json (1024 * 1024 + 1);
  g_autoptr(GBytes) over_bytes = g_bytes_new_static (over_limit, strlen (over_limit));
  g_autoptr(SdTestResponse) response = NULL;
  g_autoptr(GBytes) request = NULL;
  guint tickets = count_tickets (server, token);
  gboolean closed = FALSE;

  /* 1 MiB is read (and the description then found too long)... */
  response = sd_test_request (server, "POST", "/api/v1/tickets", token, at_limit);
  sd_test_assert_error (response, 400, "invalid_field", "description");
  g_clear_pointer (&response, sd_test_response_free);

  /* ...one byte more is not. */
  response = sd_test_request (server, "POST", "/api/v1/tickets", token, over_limit);
  sd_test_assert_error (response, 413, "payload_too_large", NULL);
  g_clear_pointer (&response, sd_test_response_free);

  request = chunked_request ("/api/v1/tickets", token, "application/json", over_bytes, 64 * 1024,
                             TRUE);
  response = sd_test_raw_request (server, request, 10, &closed);
  assert_closed_too_large (response, closed);
  g_clear_pointer (&response, sd_test_response_free);

  /* Also where no session is given: the size is checked first. */
  response = sd_test_request (server, "POST", "/api/v1/session", NULL, over_limit);
  sd_test_assert_error (response, 413, "payload_too_large", NULL);
  g_clear_pointer (&response, sd_test_response_free);

  assert_health (server);
  g_assert_cmpuint (count_tickets (server, token), ==, tickets);
}

static void
test_idempotency (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *other = sd_test_login (server, SD_TEST_OTHER, SD_TEST_PASSWORD);
  g_autoptr(GBytes) body = random_bytes (7, 5000);
  g_autoptr(GBytes) different = random_bytes (8, 5000);
  const char * const key[] = { "Idempotency-Key", "upload-7f3a", NULL };
  g_autoptr(SdTestResponse) first = NULL;
  g_autoptr(SdTestResponse) second = NULL;
  g_autoptr(SdTestResponse) response = NULL;
  guint stored_before;

  stored_before = count_files_when_settled (server);

  first = upload_full (server, customer, "log.txt", "text/plain", body, key);
  assert_upload (first, "log.txt", "text/plain", body);
  second = upload_full (server, customer, "log.txt", "text/plain", body, key);
  g_assert_cmpuint (second->status, ==, 201);
  g_assert_true (g_bytes_equal (first->body, second->body));

  /* The repeat stored nothing. */
  g_assert_cmpuint (count_files_when_settled (server), ==, stored_before + 1);

  /* The same key for another file is a mistake of the client. */
  response = upload_full (server, customer, "log.txt", "text/plain", different, key);
  sd_test_assert_error (response, 409, "conflict", "Idempotency-Key");
  g_clear_pointer (&response, sd_test_response_free);
  response = upload_full (server, customer, "other-name.txt", "text/plain", body, key);
  sd_test_assert_error (response, 409, "conflict", "Idempotency-Key");
  g_clear_pointer (&response, sd_test_response_free);

  /* Keys belong to their user. */
  response = upload_full (server, other, "log.txt", "text/plain", body, key);
  g_assert_cmpuint (response->status, ==, 201);
  g_assert_cmpstr (json_object_get_string_member (sd_test_response_object (response), "token"),
                   !=,
                   json_object_get_string_member (sd_test_response_object (first), "token"));
  g_clear_pointer (&response, sd_test_response_free);

  g_assert_cmpuint (count_files_when_settled (server), ==, stored_before + 2);

  /* The token given twice works once. */
  {
    const char *tokens[] = {
      json_object_get_string_member (sd_test_response_object (second), "token"), NULL
    };

    response = create_ticket (server, customer, tokens);
    g_assert_cmpuint (response->status, ==, 201);
    g_clear_pointer (&response, sd_test_response_free);
    response = create_ticket (server, customer, tokens);
    sd_test_assert_error (response, 400, "invalid_field", "uploads");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sd/server/uploads/create", test_create);
  g_test_add_func ("/sd/server/uploads/content-type", test_content_type);
  g_test_add_func ("/sd/server/uploads/filename", test_filename);
  g_test_add_func ("/sd/server/uploads/attach-and-download", test_attach_and_download);
  g_test_add_func ("/sd/server/uploads/demo-attachments", test_demo_attachments);
  g_test_add_func ("/sd/server/uploads/reply-with-uploads", test_reply_with_uploads);
  g_test_add_func ("/sd/server/uploads/tokens-all-or-nothing", test_tokens_all_or_nothing);
  g_test_add_func ("/sd/server/uploads/twenty-uploads", test_twenty_uploads);
  g_test_add_func ("/sd/server/uploads/unattached-not-served", test_unattached_not_served);
  g_test_add_func ("/sd/server/uploads/size-limit", test_size_limit);
  g_test_add_func ("/sd/server/uploads/json-body-limit", test_json_body_limit);
  g_test_add_func ("/sd/server/uploads/idempotency", test_idempotency);

  return g_test_run ();
}
