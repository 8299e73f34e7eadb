/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Request bodies are read through a table per request (GwRestJsonField)
 * rather than has_member chains per route, so the SDK quirks (aliases,
 * nulls, "true" strings) are handled once, here. */
#include <string.h>

#include "gw-error.h"
#include "rest-json.h"

static JsonNode *
lookup_member (JsonObject * object, const gchar * names, gchar ** name_out)
{
  g_auto (GStrv) spellings = g_strsplit (names, "|", -1);

  for (guint i = 0; object && spellings[i]; i++) {
    JsonNode *node = json_object_get_member (object, spellings[i]);
    if (node && !JSON_NODE_HOLDS_NULL (node)) {
      *name_out = g_strdup (spellings[i]);
      return node;
    }
  }
  *name_out = g_strdup (spellings[0]);
  return NULL;
}

static gboolean
read_boolean (JsonNode * node, gboolean * out)
{
  if (JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_BOOLEAN) {
    *out = json_node_get_boolean (node);
    return TRUE;
  }
  if (JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_STRING) {
    const gchar *s = json_node_get_string (node);
    *out = g_str_equal (s, "true");
    return *out || g_str_equal (s, "false");
  }
  return FALSE;
}

static gboolean
read_string_array (JsonNode * node, GStrv * out)
{
  JsonArray *array;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *item = json_array_get_element (array, i);
    if (!JSON_NODE_HOLDS_VALUE (item)
        || json_node_get_value_type (item) != G_TYPE_STRING)
      return FALSE;
    g_strv_builder_add (builder, json_node_get_string (item));
  }
  *out = g_strv_builder_end (builder);
  return TRUE;
}

/* Stores the member's value in `field`; FALSE when it has the wrong type. */
static gboolean
read_member (JsonNode * node, GwRestJsonType type, gpointer field)
{
  switch (type) {
    case GW_REST_JSON_STRING:
      if (!JSON_NODE_HOLDS_VALUE (node)
          || json_node_get_value_type (node) != G_TYPE_STRING)
        return FALSE;
      *(gchar **) field = json_node_dup_string (node);
      return TRUE;
    case GW_REST_JSON_BOOLEAN:
      return read_boolean (node, field);
    case GW_REST_JSON_STRING_ARRAY:
      return read_string_array (node, field);
    case GW_REST_JSON_OBJECT:
      if (JSON_NODE_HOLDS_ARRAY (node)
          && json_array_get_length (json_node_get_array (node)) == 0)
        return TRUE;
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return FALSE;
      *(JsonObject **) field = json_node_dup_object (node);
      return TRUE;
  }
  return FALSE;
}

static const gchar *
type_name (GwRestJsonType type)
{
  switch (type) {
    case GW_REST_JSON_STRING:
      return "a string";
    case GW_REST_JSON_BOOLEAN:
      return "a boolean";
    case GW_REST_JSON_STRING_ARRAY:
      return "an array of strings";
    case GW_REST_JSON_OBJECT:
      return "an object";
  }
  return "?";
}

gboolean
gw_rest_json_read (JsonObject * object, const gchar * prefix,
    const GwRestJsonField * fields, gpointer out, GError ** error)
{
  for (const GwRestJsonField * f = fields; f->names; f++) {
    g_autofree gchar *name = NULL;
    JsonNode *node = lookup_member (object, f->names, &name);
    const gchar *dot = prefix ? "." : "";

    if (node == NULL && f->required) {
      g_set_error (error, GW_ERROR, GW_ERROR_INVALID, "%s%s%s is required",
          prefix ? prefix : "", dot, name);
      return FALSE;
    }
    if (node && !read_member (node, f->type, G_STRUCT_MEMBER_P (out,
                f->offset))) {
      g_set_error (error, GW_ERROR, GW_ERROR_INVALID, "%s%s%s must be %s",
          prefix ? prefix : "", dot, name, type_name (f->type));
      return FALSE;
    }
  }
  return TRUE;
}

void
gw_rest_json_clear (const GwRestJsonField * fields, gpointer out)
{
  for (const GwRestJsonField * f = fields; f->names; f++) {
    gpointer field = G_STRUCT_MEMBER_P (out, f->offset);

    switch (f->type) {
      case GW_REST_JSON_STRING:
        g_clear_pointer ((gchar **) field, g_free);
        break;
      case GW_REST_JSON_BOOLEAN:
        *(gboolean *) field = FALSE;
        break;
      case GW_REST_JSON_STRING_ARRAY:
        g_clear_pointer ((GStrv *) field, g_strfreev);
        break;
      case GW_REST_JSON_OBJECT:
        g_clear_pointer ((JsonObject **) field, json_object_unref);
        break;
    }
  }
}

JsonObject *
gw_rest_json_parse_object (const gchar * data, gsize len, GError ** error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) err = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data, len, &err)) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID, "malformed JSON: %s",
        err->message);
    return NULL;
  }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "malformed JSON: the body must be a JSON object");
    return NULL;
  }
  return json_object_ref (json_node_get_object (root));
}

/* Decodes one name or value in place; FALSE on a broken %XX escape or
 * %00 (it would cut the string short). */
static gboolean
form_unescape (gchar * s)
{
  gchar *d = s;

  for (; *s; s++) {
    if (*s == '+') {
      *d++ = ' ';
    } else if (*s == '%') {
      if (!g_ascii_isxdigit (s[1]) || !g_ascii_isxdigit (s[2]))
        return FALSE;
      gint c = g_ascii_xdigit_value (s[1]) * 16 + g_ascii_xdigit_value (s[2]);
      if (c == 0)
        return FALSE;
      *d++ = (gchar) c;
      s += 2;
    } else {
      *d++ = *s;
    }
  }
  *d = '\0';
  return TRUE;
}

GHashTable *
gw_rest_json_decode_form (const gchar * data, gsize len, GError ** error)
{
  g_autoptr (GHashTable) form = g_hash_table_new_full (g_str_hash,
      g_str_equal, g_free, g_free);
  g_autofree gchar *text = g_strndup (data, len);
  g_auto (GStrv) pairs = NULL;

  if (strlen (text) != len) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "malformed form: it contains a NUL byte");
    return NULL;
  }
  pairs = g_strsplit (text, "&", -1);
  for (guint i = 0; pairs[i]; i++) {
    gchar *eq = strchr (pairs[i], '=');
    g_autofree gchar *name = NULL;
    g_autofree gchar *value = NULL;

    if (pairs[i][0] == '\0')
      continue;
    if (eq == NULL) {
      g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
          "malformed form: “%s” has no '='", pairs[i]);
      return NULL;
    }
    name = g_strndup (pairs[i], eq - pairs[i]);
    value = g_strdup (eq + 1);
    if (!form_unescape (name) || !form_unescape (value)
        || !g_utf8_validate (name, -1, NULL)
        || !g_utf8_validate (value, -1, NULL)) {
      g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
          "malformed form: bad %%-escape or not UTF-8 in “%s”", pairs[i]);
      return NULL;
    }
    g_hash_table_replace (form, g_steal_pointer (&name),
        g_steal_pointer (&value));
  }
  return g_steal_pointer (&form);
}

gboolean
gw_rest_json_check_id (const gchar * what, const gchar * id, GError ** error)
{
  gsize n = id ? strlen (id) : 0;

  if (n > 0 && n <= 256
      && strspn (id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
          "0123456789-._~:@") == n)
    return TRUE;
  g_set_error (error, GW_ERROR, GW_ERROR_INVALID, "%s is not a valid ID", what);
  return FALSE;
}

gchar *
gw_rest_json_to_string (JsonBuilder * builder)
{
  g_autoptr (JsonNode) root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

gchar *
gw_rest_json_error_body (guint code, const gchar * message)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_int_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  return gw_rest_json_to_string (b);
}
