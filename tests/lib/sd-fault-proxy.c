/*
 * sd-fault-proxy: an HTTP/1.1 proxy for tests that sits between a client and
 * the server on loopback and injects faults, one decision per request.
 *
 * It forwards bytes unchanged and parses only the framing: each request head
 * and its body (Content-Length or chunked), then the response head (passing
 * "100 Continue" through) and its body, so that it knows where every request
 * and response ends on a keep-alive connection. Requests on one connection
 * are handled one at a time; a pipelined request waits for the answer to the
 * one before it. A connection to the proxy has its own connection to the
 * server, opened for its first forwarded request.
 *
 * The faults, drawn for each request from a GRand seeded with --seed:
 *  - drop-request: forwards part of the request, never all of it, and closes
 *    both connections; the server never has the whole request.
 *  - drop-response: forwards the request, then part of the server's answer
 *    (from nothing up to all but its last byte) and closes: the server did
 *    the work, the client does not know.
 *  - stall: waits up to --stall-ms before forwarding.
 *  - error: answers 500, 503 or 429 (the last two with Retry-After: 1) with
 *    the API's JSON error body, without forwarding, and closes.
 * Drops close with a FIN, as a crashed server would. "GET /healthz" always
 * passes, and draws nothing, so that waiting for readiness does not shift
 * the sequence.
 *
 * SIGUSR1 turns "blackhole" mode on: new connections are accepted but never
 * read, and a request that arrives on an open connection is held unanswered.
 * SIGUSR2 turns it off and serves what was held. Each switch is acknowledged
 * on standard output ("Blackhole on" / "Blackhole off") so that a test knows
 * it took effect. To refuse connections instead, stop the proxy and start it
 * again later with --listen on the same port.
 */
#define G_LOG_DOMAIN "sd-fault-proxy"

#include "config.h"

#include <gio/gio.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#define MAX_HEAD_SIZE  (64 * 1024)
#define READ_SIZE      (64 * 1024)
/* Where a chunked body's length is unknown, a drop falls within this much of it. */
#define CHUNKED_SPAN   (64 * 1024)

typedef enum
{
  FAULT_PASS,
  FAULT_DROP_REQUEST,
  FAULT_DROP_RESPONSE,
  FAULT_STALL,
  FAULT_ERROR,
} Fault;

typedef enum
{
  BODY_NONE,
  BODY_LENGTH,
  BODY_CHUNKED,
  BODY_UNTIL_CLOSE,
} BodyKind;

typedef enum
{
  CHUNK_SIZE,
  CHUNK_DATA,
  CHUNK_DATA_END,
  CHUNK_TRAILER,
} ChunkState;

/* Where a message body ends, fed the bytes as they come. */
typedef struct
{
  BodyKind   kind;
  guint64    remaining;     /* of the body, or of the current chunk */
  ChunkState chunk_state;
  guint64    chunk_size;
  gboolean   have_digit;
  gboolean   in_extension;
  gsize      line_length;   /* of the current trailer line, CR not counted */
} Body;

typedef enum
{
  REQUEST_HEAD,       /* reading the next request head */
  REQUEST_HELD,       /* a head was read while in blackhole mode */
  REQUEST_STALLED,
  REQUEST_FORWARD,
  REQUEST_DISCARD,    /* reading a body that is answered by the proxy itself */
  REQUEST_REPLYING,
  REQUEST_WAIT,       /* forwarded; waiting for its response */
} RequestState;

typedef struct _Conn Conn;

/* One direction of a connection: bytes read from @input, forwarded to @output. */
typedef struct
{
  Conn          *conn;
  GInputStream  *input;
  GOutputStream *output;
  GByteArray    *buffer;      /* read, not yet forwarded */
  gsize          head_left;   /* head bytes at the start of @buffer not yet forwarded */
  Body           body;
  gint64         cut;         /* bytes of the message to forward before dropping, or -1 */
  guint64        forwarded;   /* of the current message */
  gboolean       reading;
  gboolean       eof;
  gboolean       in_body;     /* the head was handled; the rest of the message follows */
  gboolean       complete;    /* the whole message is written or being written */
  void         (*process) (Conn *conn);
  void         (*message_done) (Conn *conn);
} Pump;

struct _Conn
{
  gint               ref_count;
  guint64            id;
  gboolean           closed;
  GCancellable      *cancellable;
  GSocketConnection *client;
  GSocketConnection *upstream;
  Pump               request;
  Pump               response;
  RequestState       state;
  gboolean           started;         /* reading the client; false while held when new */
  gboolean           connecting;

  /* The request in flight. */
  Fault              fault;
  double             fraction;        /* where a drop falls */
  guint              stall_ms;
  guint              error_status;
  gboolean           is_head;
  gboolean           close_after;     /* the connection ends with this exchange */
  gboolean           awaiting;        /* a response is due */
  gboolean           interim;         /* the response being forwarded is a 1xx */
  guint              stall_id;
  char              *reply;           /* the proxy's own answer, while it is written */
};

static struct
{
  GSocketClient *connector;
  GSocketConnectable *upstream;
  GRand         *rand;
  double         drop_request_rate;
  double         drop_response_rate;
  double         stall_rate;
  double         error_rate;
  guint          stall_ms;
  guint64        n_connections;
  guint64        n_requests;
  gboolean       blackhole;
  GPtrArray     *held;
} proxy;

static const char * const fault_names[] = {
  "pass", "drop-request", "drop-response", "stall", "error",
};

static const guint error_statuses[] = { 500, 503, 429 };

static void request_process  (Conn *conn);
static void request_done     (Conn *conn);
static void response_process (Conn *conn);
static void response_done    (Conn *conn);
static void pump_read        (Pump *pump);

static Conn *
conn_ref (Conn *conn)
{
  conn->ref_count++;

  return conn;
}

static void
conn_unref (gpointer data)
{
  Conn *conn = data;

  if (--conn->ref_count > 0)
    return;

  /* The sockets close here, once no operation on them is pending any more. */
  if (conn->upstream != NULL)
    g_io_stream_close (G_IO_STREAM (conn->upstream), NULL, NULL);
  g_io_stream_close (G_IO_STREAM (conn->client), NULL, NULL);
  g_clear_object (&conn->upstream);
  g_clear_object (&conn->client);
  g_clear_object (&conn->cancellable);
  g_clear_pointer (&conn->request.buffer, g_byte_array_unref);
  g_clear_pointer (&conn->response.buffer, g_byte_array_unref);
  g_free (conn->reply);
  g_free (conn);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Conn, conn_unref)

static void
conn_close (Conn *conn)
{
  if (conn->closed)
    return;

  conn->closed = TRUE;
  g_cancellable_cancel (conn->cancellable);
  g_clear_handle_id (&conn->stall_id, g_source_remove);
  if (g_ptr_array_remove (proxy.held, conn))
    conn_unref (conn);
}

static void
body_init (Body     *body,
           BodyKind  kind,
           guint64   length)
{
  memset (body, 0, sizeof *body);
  body->kind = kind == BODY_LENGTH && length == 0 ? BODY_NONE : kind;
  body->remaining = length;
  body->chunk_state = CHUNK_SIZE;
}

static int
hex_value (guint8 c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;

  return -1;
}

/*
 * How many of the @length bytes at @data belong to the body; *@done tells
 * whether it ends within them. -1 for a malformed chunked body.
 */
static gssize
body_consume (Body         *body,
              const guint8 *data,
              gsize         length,
              gboolean     *done)
{
  gsize i = 0;

  *done = FALSE;

  switch (body->kind)
    {
    case BODY_NONE:
      *done = TRUE;
      return 0;

    case BODY_UNTIL_CLOSE:
      return length;

    case BODY_LENGTH:
      i = MIN (length, body->remaining);
      body->remaining -= i;
      *done = body->remaining == 0;
      return i;

    case BODY_CHUNKED:
    default:
      break;
    }

  while (i < length && !*done)
    {
      guint8 c = data[i];

      switch (body->chunk_state)
        {
        case CHUNK_SIZE:
          i++;
          if (c == '\n')
            {
              if (!body->have_digit)
                return -1;
              body->chunk_state = body->chunk_size == 0 ? CHUNK_TRAILER : CHUNK_DATA;
              body->remaining = body->chunk_size;
              body->chunk_size = 0;
              body->have_digit = FALSE;
              body->in_extension = FALSE;
              body->line_length = 0;
            }
          else if (body->in_extension || c == '\r')
            ;
          else if (c == ';' || c == ' ' || c == '\t')
            body->in_extension = TRUE;
          else if (hex_value (c) < 0 || body->chunk_size > G_MAXUINT64 / 16)
            return -1;
          else
            {
              body->chunk_size = body->chunk_size * 16 + hex_value (c);
              body->have_digit = TRUE;
            }
          break;

        case CHUNK_DATA:
          {
            gsize n = MIN (length - i, body->remaining);

            i += n;
            body->remaining -= n;
            if (body->remaining == 0)
              body->chunk_state = CHUNK_DATA_END;
          }
          break;

        case CHUNK_DATA_END:
          i++;
          if (c == '\n')
            body->chunk_state = CHUNK_SIZE;
          else if (c != '\r')
            return -1;
          break;

        case CHUNK_TRAILER:
        default:
          i++;
          if (c == '\n')
            {
              *done = body->line_length == 0;
              body->line_length = 0;
            }
          else if (c != '\r')
            body->line_length++;
          break;
        }
    }

  return i;
}

/* The length of the head at the start of @buffer, or 0 while it is incomplete. */
static gsize
find_head_end (GByteArray *buffer)
{
  for (gsize i = 0; i + 4 <= buffer->len; i++)
    if (memcmp (buffer->data + i, "\r\n\r\n", 4) == 0)
      return i + 4;

  return 0;
}

static void
pump_init (Pump          *pump,
           Conn          *conn,
           void         (*process) (Conn *conn),
           void         (*message_done) (Conn *conn))
{
  pump->conn = conn;
  pump->buffer = g_byte_array_new ();
  pump->cut = -1;
  pump->process = process;
  pump->message_done = message_done;
}

static void
pump_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pump *pump = user_data;
  g_autoptr(Conn) conn = pump->conn;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  pump->reading = FALSE;
  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (conn->closed)
    return;

  if (bytes == NULL)
    {
      /* A reset is the peer leaving as much as a close is. */
      conn_close (conn);
      return;
    }

  if (g_bytes_get_size (bytes) == 0)
    pump->eof = TRUE;
  else
    g_byte_array_append (pump->buffer, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  pump->process (conn);
}

static void
pump_read (Pump *pump)
{
  if (pump->reading || pump->eof || pump->conn->closed)
    return;

  pump->reading = TRUE;
  /* The callback gets the pump; this reference keeps the connection it is part of. */
  conn_ref (pump->conn);
  g_input_stream_read_bytes_async (pump->input, READ_SIZE, G_PRIORITY_DEFAULT,
                                   pump->conn->cancellable, pump_read_cb, pump);
}

typedef struct
{
  Pump     *pump;
  GBytes   *bytes;
  gboolean  drop;
  gboolean  done;
} Write;

static void
pump_write_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autofree Write *write = user_data;
  g_autoptr(GBytes) bytes = write->bytes;
  Pump *pump = write->pump;
  g_autoptr(Conn) conn = pump->conn;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error) ||
      conn->closed)
    {
      conn_close (conn);
      return;
    }

  pump->forwarded += g_bytes_get_size (bytes);
  if (write->drop)
    conn_close (conn);
  else if (write->done)
    pump->message_done (conn);
  else
    pump->process (conn);
}

/*
 * Forwards what @pump has of the current message, or cuts the connection
 * where its fault says. Returns FALSE when more must be read first.
 */
static gboolean
pump_forward (Pump *pump)
{
  Conn *conn = pump->conn;
  gsize n = pump->head_left;
  gboolean done = FALSE;
  gsize allowed;
  gssize body_n;
  Write *write;

  body_n = body_consume (&pump->body, pump->buffer->data + n, pump->buffer->len - n, &done);
  if (body_n < 0)
    {
      g_printerr ("sd-fault-proxy: connection %" G_GUINT64_FORMAT ": malformed chunked body\n",
                  conn->id);
      conn_close (conn);
      return TRUE;
    }
  n += body_n;
  pump->head_left = 0;

  if (n == 0 && !done)
    return FALSE;

  allowed = n;
  if (pump->cut >= 0)
    {
      guint64 left = (guint64)pump->cut > pump->forwarded ? pump->cut - pump->forwarded : 0;

      /* The message must never arrive whole. */
      if (done && left >= n)
        left = n > 0 ? n - 1 : 0;
      allowed = MIN (left, n);
    }

  write = g_new0 (Write, 1);
  write->pump = pump;
  write->bytes = g_bytes_new (pump->buffer->data, allowed);
  write->drop = allowed < n || (done && pump->cut >= 0);
  write->done = done;
  pump->complete = done;
  g_byte_array_remove_range (pump->buffer, 0, n);

  g_output_stream_write_all_async (pump->output, g_bytes_get_data (write->bytes, NULL),
                                   allowed, G_PRIORITY_DEFAULT, conn->cancellable,
                                   pump_write_cb, write);
  conn_ref (conn);

  return TRUE;
}

static void
reply_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(Conn) conn = user_data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, NULL);
  conn_close (conn);
}

/* Answers the request in flight itself, as the server would when overloaded, and closes. */
static void
reply_error (Conn *conn)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;
  g_autofree char *response = NULL;
  const char *code = conn->error_status == 429 ? "rate_limited" : "internal";
  const char *message;
  const char *reason;

  switch (conn->error_status)
    {
    case 429:
      reason = "Too Many Requests";
      message = "Too many requests; try again later";
      break;
    case 503:
      reason = "Service Unavailable";
      message = "The service is unavailable; try again later";
      break;
    case 500:
    default:
      reason = "Internal Server Error";
      message = "Something went wrong on the server";
      break;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);

  response = g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                              "Content-Type: application/json\r\n"
                              "Content-Length: %zu\r\n"
                              "%s"
                              "Cache-Control: no-store\r\n"
                              "Connection: close\r\n"
                              "\r\n"
                              "%s",
                              conn->error_status, reason, strlen (body),
                              conn->error_status != 500 ? "Retry-After: 1\r\n" : "",
                              conn->is_head ? "" : body);

  conn->state = REQUEST_REPLYING;
  /* The stream copies nothing: the text must live until the write is done. */
  conn->reply = g_steal_pointer (&response);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (conn->client)),
                                   conn->reply, strlen (conn->reply), G_PRIORITY_DEFAULT,
                                   conn->cancellable, reply_cb, conn_ref (conn));
}

static void
forward_request (Conn *conn)
{
  conn->state = REQUEST_FORWARD;
  conn->awaiting = TRUE;
  conn->response.cut = conn->fault == FAULT_DROP_REQUEST ? 0 : -1;
  pump_read (&conn->response);
  request_process (conn);
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Conn) conn = user_data;
  g_autoptr(GError) error = NULL;

  conn->connecting = FALSE;
  conn->upstream = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);
  if (conn->closed)
    return;

  if (conn->upstream == NULL)
    {
      /* Like a server that is down: the client sees its connection end. */
      g_printerr ("sd-fault-proxy: connection %" G_GUINT64_FORMAT ": upstream: %s\n",
                  conn->id, error->message);
      conn_close (conn);
      return;
    }

  conn->request.output = g_io_stream_get_output_stream (G_IO_STREAM (conn->upstream));
  conn->response.input = g_io_stream_get_input_stream (G_IO_STREAM (conn->upstream));
  conn->response.output = g_io_stream_get_output_stream (G_IO_STREAM (conn->client));
  forward_request (conn);
}

/* Forwards the request in flight, connecting to the server first if needed. */
static void
start_forwarding (Conn *conn)
{
  gint64 cut = -1;

  if (conn->fault == FAULT_DROP_REQUEST)
    {
      guint64 span = conn->request.head_left;

      if (conn->request.body.kind == BODY_LENGTH)
        span += conn->request.body.remaining;
      else if (conn->request.body.kind == BODY_CHUNKED)
        span += CHUNKED_SPAN;
      cut = (gint64)(conn->fraction * span);
    }
  conn->request.cut = cut;
  conn->request.forwarded = 0;

  if (conn->upstream != NULL)
    {
      forward_request (conn);
      return;
    }

  conn->state = REQUEST_FORWARD;
  conn->connecting = TRUE;
  g_socket_client_connect_async (proxy.connector, proxy.upstream, conn->cancellable,
                                 connect_cb, conn_ref (conn));
}

static gboolean
stall_cb (gpointer user_data)
{
  Conn *conn = user_data;

  conn->stall_id = 0;
  start_forwarding (conn);

  return G_SOURCE_REMOVE;
}

static void
choose_fault (Conn       *conn,
              const char *method,
              const char *path)
{
  g_autofree char *description = NULL;
  double choice;

  proxy.n_requests++;

  /* Readiness checks are never disturbed, and draw nothing from the sequence. */
  if (g_str_equal (method, "GET") && g_str_equal (path, "/healthz"))
    {
      conn->fault = FAULT_PASS;
      g_printerr ("sd-fault-proxy: #%" G_GUINT64_FORMAT " connection %" G_GUINT64_FORMAT
                  ": %s %s: pass (health check)\n", proxy.n_requests, conn->id, method, path);
      return;
    }

  /* Always the same draws per request, so that the seed alone fixes the sequence. */
  choice = g_rand_double (proxy.rand);
  conn->fraction = g_rand_double (proxy.rand);
  conn->stall_ms = g_rand_int_range (proxy.rand, 0, proxy.stall_ms + 1);
  conn->error_status = error_statuses[g_rand_int_range (proxy.rand, 0, 3)];

  if ((choice -= proxy.drop_request_rate) < 0)
    conn->fault = FAULT_DROP_REQUEST;
  else if ((choice -= proxy.drop_response_rate) < 0)
    conn->fault = FAULT_DROP_RESPONSE;
  else if ((choice -= proxy.stall_rate) < 0)
    conn->fault = FAULT_STALL;
  else if ((choice -= proxy.error_rate) < 0)
    conn->fault = FAULT_ERROR;
  else
    conn->fault = FAULT_PASS;

  if (conn->fault == FAULT_DROP_REQUEST || conn->fault == FAULT_DROP_RESPONSE)
    description = g_strdup_printf ("%s at %u%%", fault_names[conn->fault],
                                   (guint)(conn->fraction * 100));
  else if (conn->fault == FAULT_STALL)
    description = g_strdup_printf ("stall %u ms", conn->stall_ms);
  else if (conn->fault == FAULT_ERROR)
    description = g_strdup_printf ("error %u", conn->error_status);
  else
    description = g_strdup ("pass");

  g_printerr ("sd-fault-proxy: #%" G_GUINT64_FORMAT " connection %" G_GUINT64_FORMAT
              ": %s %s: %s\n", proxy.n_requests, conn->id, method, path, description);
}

/* A request head is at the start of the client's buffer: decide its fate. */
static void
request_handle (Conn *conn)
{
  Pump *pump = &conn->request;
  gsize head_length = find_head_end (pump->buffer);
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autofree char *method = NULL;
  g_autofree char *path = NULL;
  SoupHTTPVersion version;
  SoupEncoding encoding;
  gboolean expect_continue;
  char *query;

  if (proxy.blackhole)
    {
      conn->state = REQUEST_HELD;
      g_ptr_array_add (proxy.held, conn_ref (conn));
      return;
    }

  if (soup_headers_parse_request ((const char *)pump->buffer->data, head_length, headers,
                                  &method, &path, &version) != SOUP_STATUS_OK)
    {
      g_printerr ("sd-fault-proxy: connection %" G_GUINT64_FORMAT ": unparsable request\n",
                  conn->id);
      conn_close (conn);
      return;
    }

  /* Queries may carry what should not be in a log. */
  if ((query = strchr (path, '?')) != NULL)
    *query = '\0';

  encoding = soup_message_headers_get_encoding (headers);
  if (encoding == SOUP_ENCODING_CONTENT_LENGTH)
    body_init (&pump->body, BODY_LENGTH, soup_message_headers_get_content_length (headers));
  else if (encoding == SOUP_ENCODING_CHUNKED)
    body_init (&pump->body, BODY_CHUNKED, 0);
  else if (encoding == SOUP_ENCODING_NONE)
    body_init (&pump->body, BODY_NONE, 0);
  else
    {
      g_printerr ("sd-fault-proxy: connection %" G_GUINT64_FORMAT ": unknown body framing\n",
                  conn->id);
      conn_close (conn);
      return;
    }
  pump->head_left = head_length;
  pump->complete = FALSE;

  conn->is_head = g_str_equal (method, "HEAD");
  expect_continue = (soup_message_headers_get_expectations (headers) &
                     SOUP_EXPECTATION_CONTINUE) != 0;
  conn->close_after = soup_message_headers_header_contains (headers, "Connection", "close") ||
                      (version == SOUP_HTTP_1_0 &&
                       !soup_message_headers_header_contains (headers, "Connection",
                                                              "keep-alive"));

  choose_fault (conn, method, path);

  switch (conn->fault)
    {
    case FAULT_STALL:
      conn->state = REQUEST_STALLED;
      conn->stall_id = g_timeout_add_full (G_PRIORITY_DEFAULT, conn->stall_ms, stall_cb,
                                           conn_ref (conn), conn_unref);
      break;

    case FAULT_ERROR:
      /* A client that waits for "100 Continue" sends no body; answer it at once. */
      if (expect_continue)
        {
          reply_error (conn);
          break;
        }
      /* Otherwise the body is read first, so that closing cannot reset the answer away. */
      conn->state = REQUEST_DISCARD;
      request_process (conn);
      break;

    case FAULT_PASS:
    case FAULT_DROP_REQUEST:
    case FAULT_DROP_RESPONSE:
    default:
      start_forwarding (conn);
      break;
    }
}

static void
request_process (Conn *conn)
{
  Pump *pump = &conn->request;

  if (conn->closed)
    return;

  switch (conn->state)
    {
    case REQUEST_HEAD:
      /* Blank lines between requests are allowed, and ignored. */
      while (pump->buffer->len > 0 &&
             (pump->buffer->data[0] == '\r' || pump->buffer->data[0] == '\n'))
        g_byte_array_remove_index (pump->buffer, 0);

      if (find_head_end (pump->buffer) > 0)
        request_handle (conn);
      else if (pump->eof || pump->buffer->len > MAX_HEAD_SIZE)
        conn_close (conn);
      else
        pump_read (pump);
      break;

    case REQUEST_FORWARD:
      if (!conn->connecting && !pump_forward (pump))
        {
          if (pump->eof)
            conn_close (conn);
          else
            pump_read (pump);
        }
      break;

    case REQUEST_DISCARD:
      {
        gboolean done = FALSE;
        gsize n = pump->head_left;
        gssize body_n = body_consume (&pump->body, pump->buffer->data + n,
                                      pump->buffer->len - n, &done);

        if (body_n < 0)
          {
            conn_close (conn);
            break;
          }
        pump->head_left = 0;
        g_byte_array_remove_range (pump->buffer, 0, n + body_n);
        if (done)
          reply_error (conn);
        else if (pump->eof)
          conn_close (conn);
        else
          pump_read (pump);
      }
      break;

    case REQUEST_HELD:
    case REQUEST_STALLED:
    case REQUEST_REPLYING:
    case REQUEST_WAIT:
    default:
      break;
    }
}

/* Both the request and its response have been forwarded: on to the next request. */
static void
next_request (Conn *conn)
{
  conn->state = REQUEST_HEAD;
  /* Keep listening to the server, so that its closing an idle connection is seen. */
  pump_read (&conn->response);
  request_process (conn);
}

static void
request_done (Conn *conn)
{
  conn->state = REQUEST_WAIT;

  /* The answer may have been written before the last write of the request completed. */
  if (!conn->awaiting)
    next_request (conn);
}

static void
response_handle (Conn *conn)
{
  Pump *pump = &conn->response;
  gsize head_length = find_head_end (pump->buffer);
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  SoupHTTPVersion version;
  guint status;
  SoupEncoding encoding;

  if (!soup_headers_parse_response ((const char *)pump->buffer->data, head_length, headers,
                                    &version, &status, NULL))
    {
      g_printerr ("sd-fault-proxy: connection %" G_GUINT64_FORMAT ": unparsable response\n",
                  conn->id);
      conn_close (conn);
      return;
    }

  pump->head_left = head_length;

  if (status == SOUP_STATUS_SWITCHING_PROTOCOLS)
    {
      g_printerr ("sd-fault-proxy: connection %" G_GUINT64_FORMAT ": upgrades are not "
                  "supported\n", conn->id);
      conn_close (conn);
      return;
    }

  pump->in_body = TRUE;

  /* An interim answer ("100 Continue") passes untouched; the final one follows. */
  if (SOUP_STATUS_IS_INFORMATIONAL (status))
    {
      conn->interim = TRUE;
      body_init (&pump->body, BODY_NONE, 0);
      response_process (conn);
      return;
    }

  encoding = soup_message_headers_get_encoding (headers);
  if (conn->is_head || status == SOUP_STATUS_NO_CONTENT || status == SOUP_STATUS_NOT_MODIFIED)
    body_init (&pump->body, BODY_NONE, 0);
  else if (encoding == SOUP_ENCODING_CONTENT_LENGTH)
    body_init (&pump->body, BODY_LENGTH, soup_message_headers_get_content_length (headers));
  else if (encoding == SOUP_ENCODING_CHUNKED)
    body_init (&pump->body, BODY_CHUNKED, 0);
  else
    body_init (&pump->body, BODY_UNTIL_CLOSE, 0);

  if (soup_message_headers_header_contains (headers, "Connection", "close") ||
      pump->body.kind == BODY_UNTIL_CLOSE ||
      (version == SOUP_HTTP_1_0 &&
       !soup_message_headers_header_contains (headers, "Connection", "keep-alive")))
    conn->close_after = TRUE;

  if (conn->fault == FAULT_DROP_RESPONSE)
    {
      guint64 span = head_length;

      if (pump->body.kind == BODY_LENGTH)
        span += pump->body.remaining;
      else if (pump->body.kind == BODY_CHUNKED)
        span += CHUNKED_SPAN;
      pump->cut = (gint64)(conn->fraction * span);
    }
  pump->forwarded = 0;
  response_process (conn);
}

static void
response_process (Conn *conn)
{
  Pump *pump = &conn->response;

  if (conn->closed)
    return;

  if (pump->in_body)
    {
      if (pump_forward (pump))
        return;
    }
  else if (pump->buffer->len > 0)
    {
      if (!conn->awaiting)
        {
          /* Bytes the server sent unasked: nothing a client could make sense of. */
          conn_close (conn);
          return;
        }
      if (find_head_end (pump->buffer) > 0)
        {
          response_handle (conn);
          return;
        }
      if (pump->buffer->len > MAX_HEAD_SIZE)
        {
          conn_close (conn);
          return;
        }
    }

  /* The end of a body that runs until the close, or the server leaving. */
  if (pump->eof)
    {
      conn_close (conn);
      return;
    }

  pump_read (pump);
}

static void
response_done (Conn *conn)
{
  Pump *pump = &conn->response;

  pump->in_body = FALSE;
  if (conn->interim)
    {
      conn->interim = FALSE;
      response_process (conn);
      return;
    }

  conn->awaiting = FALSE;

  /* A server that answers before it has the whole request closes the connection. */
  if (conn->close_after || !conn->request.complete)
    conn_close (conn);
  else if (conn->state == REQUEST_WAIT)
    next_request (conn);
}

/* Serves a connection accepted or held while in blackhole mode. */
static void
conn_start (Conn *conn)
{
  if (proxy.blackhole)
    {
      g_ptr_array_add (proxy.held, conn_ref (conn));
      return;
    }

  conn->started = TRUE;
  pump_read (&conn->request);
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  g_autoptr(Conn) conn = g_new0 (Conn, 1);

  conn->ref_count = 1;
  conn->id = ++proxy.n_connections;
  conn->cancellable = g_cancellable_new ();
  conn->client = g_object_ref (connection);
  conn->state = REQUEST_HEAD;
  /* The other ends are set once the server is connected. */
  pump_init (&conn->request, conn, request_process, request_done);
  pump_init (&conn->response, conn, response_process, response_done);
  conn->request.input = g_io_stream_get_input_stream (G_IO_STREAM (conn->client));

  conn_start (conn);

  return TRUE;
}

static gboolean
blackhole_cb (gpointer user_data)
{
  gboolean on = GPOINTER_TO_INT (user_data);

  proxy.blackhole = on;

  if (!on)
    {
      g_autoptr(GPtrArray) held = g_steal_pointer (&proxy.held);

      proxy.held = g_ptr_array_new ();
      for (guint i = 0; i < held->len; i++)
        {
          g_autoptr(Conn) conn = held->pdata[i];

          if (conn->closed)
            continue;
          if (!conn->started)
            conn_start (conn);
          else
            request_handle (conn);
        }
    }

  g_printerr ("sd-fault-proxy: blackhole %s\n", on ? "on" : "off");
  /* Tests wait for this line to know the switch took effect. */
  g_print ("Blackhole %s\n", on ? "on" : "off");
  fflush (stdout);

  return G_SOURCE_CONTINUE;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);

  return G_SOURCE_REMOVE;
}

static gboolean
check_rate (const char *name,
            double      rate)
{
  if (rate >= 0 && rate <= 1)
    return TRUE;

  g_printerr ("sd-fault-proxy: %s must be between 0 and 1\n", name);

  return FALSE;
}

static GSocketAddress *
parse_listen (const char  *listen,
              GError     **error)
{
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(GInetAddress) address = NULL;
  GNetworkAddress *network;

  connectable = g_network_address_parse (listen, 0, error);
  if (connectable == NULL)
    return NULL;

  network = G_NETWORK_ADDRESS (connectable);
  address = g_inet_address_new_from_string (g_network_address_get_hostname (network));
  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an IP address", g_network_address_get_hostname (network));
      return NULL;
    }

  return g_inet_socket_address_new (address, g_network_address_get_port (network));
}

static void
print_listening (GInetSocketAddress *address)
{
  g_autofree char *ip = g_inet_address_to_string (g_inet_socket_address_get_address (address));
  guint16 port = g_inet_socket_address_get_port (address);

  /* Tests read this line to find the port. */
  if (strchr (ip, ':') != NULL)
    g_print ("Listening on http://[%s]:%u\n", ip, port);
  else
    g_print ("Listening on http://%s:%u\n", ip, port);
  fflush (stdout);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *upstream = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *seed_text = NULL;
  double drop_rate = 0;
  int stall_ms = 3000;
  guint64 seed;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GSocketService) service = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "upstream", 0, 0, G_OPTION_ARG_STRING, &upstream, "The server", "http://HOST:PORT" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen,
      "Address to listen on (default 127.0.0.1:0, a free port)", "HOST:PORT" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
      "Seed of the fault sequence (default: random)", "N" },
    { "drop-rate", 0, 0, G_OPTION_ARG_DOUBLE, &drop_rate,
      "Drop the connection, half of the time in the request and half in the response", "P" },
    { "drop-request-rate", 0, 0, G_OPTION_ARG_DOUBLE, &proxy.drop_request_rate,
      "Drop the connection part-way through the request", "P" },
    { "drop-response-rate", 0, 0, G_OPTION_ARG_DOUBLE, &proxy.drop_response_rate,
      "Drop the connection part-way through the response", "P" },
    { "stall-rate", 0, 0, G_OPTION_ARG_DOUBLE, &proxy.stall_rate,
      "Wait before forwarding the request", "P" },
    { "error-rate", 0, 0, G_OPTION_ARG_DOUBLE, &proxy.error_rate,
      "Answer 500, 503 or 429 without forwarding", "P" },
    { "stall-ms", 0, 0, G_OPTION_ARG_INT, &stall_ms, "Longest stall (default 3000)", "MS" },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("- inject faults between an HTTP client and server");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("sd-fault-proxy: %s\n", error->message);
      return 2;
    }

  if (upstream == NULL ||
      (uri = g_uri_parse (upstream, G_URI_FLAGS_NONE, NULL)) == NULL ||
      g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 || g_uri_get_host (uri) == NULL)
    {
      g_printerr ("sd-fault-proxy: give --upstream http://HOST:PORT\n");
      return 2;
    }

  if (!check_rate ("--drop-rate", drop_rate) ||
      !check_rate ("--drop-request-rate", proxy.drop_request_rate) ||
      !check_rate ("--drop-response-rate", proxy.drop_response_rate) ||
      !check_rate ("--stall-rate", proxy.stall_rate) ||
      !check_rate ("--error-rate", proxy.error_rate))
    return 2;
  proxy.drop_request_rate += drop_rate / 2;
  proxy.drop_response_rate += drop_rate / 2;
  if (proxy.drop_request_rate + proxy.drop_response_rate + proxy.stall_rate +
      proxy.error_rate > 1 + 1e-9)
    {
      g_printerr ("sd-fault-proxy: the rates add up to more than 1\n");
      return 2;
    }

  if (stall_ms < 0 || stall_ms > 10 * 60 * 1000)
    {
      g_printerr ("sd-fault-proxy: --stall-ms must be between 0 and 600000\n");
      return 2;
    }
  proxy.stall_ms = stall_ms;

  if (seed_text == NULL)
    seed = g_random_int ();
  else if (!g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT32, &seed, &error))
    {
      g_printerr ("sd-fault-proxy: --seed: %s\n", error->message);
      return 2;
    }
  proxy.rand = g_rand_new_with_seed (seed);
  proxy.held = g_ptr_array_new ();

  address = parse_listen (listen != NULL ? listen : "127.0.0.1:0", &error);
  if (address == NULL)
    {
      g_printerr ("sd-fault-proxy: --listen: %s\n", error->message);
      return 2;
    }

  proxy.upstream = g_network_address_new (g_uri_get_host (uri),
                                         g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 80);
  proxy.connector = g_socket_client_new ();
  /* The server is on loopback: a proxy from the environment must not get in between. */
  g_socket_client_set_enable_proxy (proxy.connector, FALSE);

  service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                      &effective, &error))
    {
      g_printerr ("sd-fault-proxy: cannot listen on %s: %s\n",
                  listen != NULL ? listen : "127.0.0.1:0", error->message);
      return 1;
    }
  g_signal_connect (service, "incoming", G_CALLBACK (incoming_cb), NULL);

  g_printerr ("sd-fault-proxy: seed %" G_GUINT64_FORMAT "\n", seed);
  print_listening (G_INET_SOCKET_ADDRESS (effective));

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGUSR1, blackhole_cb, GINT_TO_POINTER (TRUE));
  g_unix_signal_add (SIGUSR2, blackhole_cb, GINT_TO_POINTER (FALSE));
  g_main_loop_run (loop);

  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  g_printerr ("sd-fault-proxy: stopped\n");

  return 0;
}
