/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading request bodies (one declarative JSON member table per request,
 * strict form decoding) and writing JSON replies. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  GW_REST_JSON_STRING,          /* gchar * */
  GW_REST_JSON_BOOLEAN,         /* gboolean; the strings "true" and "false"
                                 * count too (Ruby) */
  GW_REST_JSON_STRING_ARRAY,    /* GStrv */
  GW_REST_JSON_OBJECT,          /* JsonObject * (new ref); an empty array
                                 * counts as absent (PHP's json_encode
                                 * writes an empty map as []) */
} GwRestJsonType;

/* One member of a request object.  A table ends with a { NULL } row. */
typedef struct
{
  /* The member's name, or its spellings separated by '|' (the first one
   * present wins), e.g. "excludedStreamIds|excludedStreams". */
  const gchar *names;
  GwRestJsonType type;
  gboolean required;
  gsize offset;                 /* G_STRUCT_OFFSET of the output field */
} GwRestJsonField;

/* Fills the struct `out` from `object` (NULL = empty object) as `fields`
 * say.  An absent member leaves its field as it was, so a struct set to the
 * defaults (zero: NULL, FALSE) keeps them.  JSON null counts as absent (PHP
 * sends nulls); members not in the table are ignored.  A missing required member or a wrong type is
 * GW_ERROR_INVALID naming the member (after `prefix` and a dot, when
 * prefix is not NULL).  Call gw_rest_json_clear on `out` in any case. */
gboolean gw_rest_json_read (JsonObject * object, const gchar * prefix,
    const GwRestJsonField * fields, gpointer out, GError ** error);
/* Frees what gw_rest_json_read stored in `out` and zeroes those fields. */
void gw_rest_json_clear (const GwRestJsonField * fields, gpointer out);

/* A request body that must be one JSON object (new ref), else
 * GW_ERROR_INVALID ("malformed JSON: ..."). */
JsonObject *gw_rest_json_parse_object (const gchar * data, gsize len,
    GError ** error);

/* Strict application/x-www-form-urlencoded decoding: '+' is a space, every
 * pair has '=', %XX escapes are complete and the result is UTF-8; a later
 * duplicate wins; empty pairs ("a=1&&b=2") are skipped.  Returns a table of
 * name -> value strings, or NULL with GW_ERROR_INVALID. */
GHashTable *gw_rest_json_decode_form (const gchar * data, gsize len,
    GError ** error);

/* An ID from a path or a body (stream, connection): 1-256 printable,
 * URL-safe characters.  GW_ERROR_INVALID "`what` is not a valid ID". */
gboolean gw_rest_json_check_id (const gchar * what, const gchar * id,
    GError ** error);

/* The builder's root as compact JSON. */
gchar *gw_rest_json_to_string (JsonBuilder * builder);
/* The error reply body {"code":N,"message":"..."}. */
gchar *gw_rest_json_error_body (guint code, const gchar * message);

G_END_DECLS
