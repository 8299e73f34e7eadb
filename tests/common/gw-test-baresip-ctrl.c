/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrl_tcp speaks netstrings ("<len>:<json>,") both ways.  A command is
 * {"command", "params", "token"}; its answer {"response": true, "ok",
 * "data", "token"}; events {"event": true, "type", "param", "id", ...}
 * arrive whenever the UA has one (ctrl_tcp serves one connection only).
 * Input is read asynchronously on the thread-default main context, so
 * events are collected while a test waits for anything else. */
#include "gw-test-baresip-ctrl.h"
#include "gw-test-process.h"

#include <gio/gio.h>
#include <string.h>

/* ctrl_tcp's netstring length field has at most 9 digits */
#define MAX_LENGTH_DIGITS 9

struct _GwTestBaresipCtrl
{
  GObject parent;

  GSocketConnection *conn;
  GCancellable *cancel;
  gboolean reading;             /* a read is pending */
  gboolean open;                /* FALSE after EOF, error or close */
  guint8 buf[4096];
  GByteArray *input;            /* unparsed input */
  GHashTable *responses;        /* token -> JsonObject */
  GPtrArray *events;            /* JsonObject, in arrival order */
  guint next_token;
};

G_DEFINE_TYPE (GwTestBaresipCtrl, gw_test_baresip_ctrl, G_TYPE_OBJECT);

static void
gw_test_baresip_ctrl_init (GwTestBaresipCtrl * self)
{
  self->cancel = g_cancellable_new ();
  self->input = g_byte_array_new ();
  self->responses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) json_object_unref);
  self->events = g_ptr_array_new_with_free_func ((GDestroyNotify)
      json_object_unref);
}

static void
gw_test_baresip_ctrl_finalize (GObject * object)
{
  GwTestBaresipCtrl *self = GW_TEST_BARESIP_CTRL (object);

  gw_test_baresip_ctrl_close (self);
  g_clear_object (&self->conn);
  g_object_unref (self->cancel);
  g_byte_array_unref (self->input);
  g_hash_table_unref (self->responses);
  g_ptr_array_unref (self->events);
  G_OBJECT_CLASS (gw_test_baresip_ctrl_parent_class)->finalize (object);
}

static void
gw_test_baresip_ctrl_class_init (GwTestBaresipCtrlClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gw_test_baresip_ctrl_finalize;
}

static void
handle_message (GwTestBaresipCtrl * self, const gchar * text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = json_from_string (text, &error);
  JsonObject *obj;

  if (!node || !JSON_NODE_HOLDS_OBJECT (node)) {
    g_debug ("ctrl_tcp: not a JSON object: %s", text);
    return;
  }
  g_debug ("ctrl_tcp: %s", text);
  obj = json_node_get_object (node);
  if (json_object_get_boolean_member_with_default (obj, "response", FALSE)) {
    const gchar *token = json_object_get_string_member_with_default (obj,
        "token", "");

    g_hash_table_replace (self->responses, g_strdup (token),
        json_object_ref (obj));
  } else if (json_object_has_member (obj, "event")) {
    g_ptr_array_add (self->events, json_object_ref (obj));
  }
}

/* Takes every complete netstring off the front of the input. */
static void
parse_input (GwTestBaresipCtrl * self)
{
  for (;;) {
    const guint8 *d = self->input->data;
    guint len = self->input->len, n = 0, i = 0;
    g_autofree gchar *text = NULL;

    while (i < len && i <= MAX_LENGTH_DIGITS && g_ascii_isdigit (d[i]))
      n = n * 10 + (d[i++] - '0');
    if (i == len && i <= MAX_LENGTH_DIGITS)
      return;                   /* length still arriving */
    if (i == 0 || i > MAX_LENGTH_DIGITS || d[i] != ':'
        || (len >= i + n + 2 && d[i + 1 + n] != ',')) {
      g_debug ("ctrl_tcp: framing error, dropping %u bytes", len);
      g_byte_array_set_size (self->input, 0);
      return;
    }
    if (len < i + n + 2)
      return;
    text = g_strndup ((const gchar *) d + i + 1, n);
    g_byte_array_remove_range (self->input, 0, i + n + 2);
    handle_message (self, text);
  }
}

static void read_next (GwTestBaresipCtrl * self);

static void
on_read (GObject * source, GAsyncResult * res, gpointer data)
{
  GwTestBaresipCtrl *self = data;
  g_autoptr (GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), res,
      &error);

  self->reading = FALSE;
  if (n <= 0) {
    g_debug ("ctrl_tcp: closed (%s)", error ? error->message : "EOF");
    self->open = FALSE;
    return;
  }
  g_byte_array_append (self->input, self->buf, n);
  parse_input (self);
  read_next (self);
}

static void
read_next (GwTestBaresipCtrl * self)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (self->conn));

  /* no ref on self: close() waits for this read to finish before the
   * object can go away */
  self->reading = TRUE;
  g_input_stream_read_async (in, self->buf, sizeof (self->buf),
      G_PRIORITY_DEFAULT, self->cancel, on_read, self);
}

/**
 * gw_test_baresip_ctrl_connect:
 * Connects to ctrl_tcp on 127.0.0.1:@port and starts collecting events.
 */
GwTestBaresipCtrl *
gw_test_baresip_ctrl_connect (guint port, GError ** error)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GwTestBaresipCtrl) self = NULL;
  GSocketConnection *conn;

  conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL,
      error);
  if (!conn)
    return NULL;
  self = g_object_new (GW_TEST_TYPE_BARESIP_CTRL, NULL);
  self->conn = conn;
  self->open = TRUE;
  read_next (self);
  return g_steal_pointer (&self);
}

gboolean
gw_test_baresip_ctrl_is_open (GwTestBaresipCtrl * self)
{
  return self->open;
}

typedef struct
{
  GwTestBaresipCtrl *self;
  const gchar *token;
} Pending;

static gboolean
answered (gpointer data)
{
  Pending *p = data;

  return !p->self->open || g_hash_table_contains (p->self->responses, p->token);
}

static gchar *
encode_command (const gchar * command, const gchar * params,
    const gchar * token)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *json = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "command");
  json_builder_add_string_value (b, command);
  if (params) {
    json_builder_set_member_name (b, "params");
    json_builder_add_string_value (b, params);
  }
  json_builder_set_member_name (b, "token");
  json_builder_add_string_value (b, token);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json = json_to_string (root, FALSE);
  return g_strdup_printf ("%zu:%s,", strlen (json), json);
}

/**
 * gw_test_baresip_ctrl_command:
 * Sends a long command (as typed after "/" in baresip's menu) and waits
 * for its response.
 *
 * Returns: (transfer full): the response object ("ok", "data"), or NULL
 * when the connection closed or nothing came within @timeout_ms.
 */
JsonObject *
gw_test_baresip_ctrl_command (GwTestBaresipCtrl * self, const gchar * command,
    const gchar * params, guint timeout_ms, GError ** error)
{
  g_autofree gchar *token = g_strdup_printf ("%u", ++self->next_token);
  g_autofree gchar *wire = encode_command (command, params, token);
  GOutputStream *out;
  Pending pending = { self, token };
  JsonObject *response;

  if (!self->open) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
        "baresip ctrl_tcp connection is closed");
    return NULL;
  }
  out = g_io_stream_get_output_stream (G_IO_STREAM (self->conn));
  if (!g_output_stream_write_all (out, wire, strlen (wire), NULL, NULL, error))
    return NULL;
  gw_test_wait_until (answered, &pending, timeout_ms);
  response = g_hash_table_lookup (self->responses, token);
  if (!response) {
    g_set_error (error, G_IO_ERROR, self->open ? G_IO_ERROR_TIMED_OUT :
        G_IO_ERROR_CLOSED, "baresip gave no response to '%s%s%s'%s",
        command, params ? " " : "", params ? params : "",
        self->open ? "" : " (connection closed)");
    return NULL;
  }
  json_object_ref (response);
  g_hash_table_remove (self->responses, token);
  return response;
}

/**
 * gw_test_baresip_ctrl_get_events:
 * Returns: (transfer none) (element-type JsonObject): every event so far.
 */
GPtrArray *
gw_test_baresip_ctrl_get_events (GwTestBaresipCtrl * self)
{
  return self->events;
}

static gboolean
read_finished (gpointer data)
{
  return !((GwTestBaresipCtrl *) data)->reading;
}

/**
 * gw_test_baresip_ctrl_close:
 * Cancels the pending read, waits for its callback (it points at @self),
 * and closes the connection.  Events stay available.
 */
void
gw_test_baresip_ctrl_close (GwTestBaresipCtrl * self)
{
  g_cancellable_cancel (self->cancel);
  if (!gw_test_wait_until (read_finished, self, 5000))
    g_error ("baresip ctrl_tcp read did not finish after cancel");
  self->open = FALSE;
  if (self->conn)
    g_io_stream_close (G_IO_STREAM (self->conn), NULL, NULL);
}
