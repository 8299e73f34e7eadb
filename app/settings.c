/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reads the key file: every known key is one row of key_specs (group, key,
 * kind of value, field); a key that is not there, or an unknown group,
 * stops start-up with a message naming file, group and key. */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/random.h>

#include "gw-error.h"
#include "settings.h"

typedef enum
{
  KIND_ADDRESS,                 /* IP literal to bind */
  KIND_HOST,                    /* IP literal or host name; empty = unset */
  KIND_PORT,                    /* 0..65535, 0 = ephemeral */
  KIND_PORT_RANGE,              /* LOW-HIGH */
  KIND_FILE,                    /* readable file; empty = unset */
  KIND_DURATION,                /* seconds > 0, stored as ms */
  KIND_SIP_USER,                /* SIP user part; empty = unset */
  KIND_CHOICE,                  /* one word of a list, stored as an enum */
} KeyKind;

typedef struct
{
  const gchar *name;
  gint value;
} Choice;

typedef struct
{
  const gchar *group;
  const gchar *key;
  KeyKind kind;
  gsize offset;
  const Choice *choices;        /* KIND_CHOICE, NULL-terminated */
} KeySpec;

static const Choice tls_verify_choices[] = {
  {"full", GW_SIP_TLS_VERIFY_FULL}, {"ca-only", GW_SIP_TLS_VERIFY_CA_ONLY},
  {"none", GW_SIP_TLS_VERIFY_NONE}, {NULL, 0},
};

/* secure: true never means plain RTP: no "none" here. */
static const Choice secure_media_choices[] = {
  {"sdes", GW_SRTP_SDES}, {"dtls", GW_SRTP_DTLS}, {NULL, 0},
};

#define FIELD(f) G_STRUCT_OFFSET (GwSettings, f)
static const KeySpec key_specs[] = {
  {"http", "address", KIND_ADDRESS, FIELD (http_address)},
  {"http", "port", KIND_PORT, FIELD (http_port)},
  {"sip", "address", KIND_ADDRESS, FIELD (sip_address)},
  {"sip", "port", KIND_PORT, FIELD (sip_port)},
  {"sip", "tls-port", KIND_PORT, FIELD (sip_tls_port)},
  {"sip", "public-address", KIND_HOST, FIELD (sip_public_address)},
  {"sip", "rtp-port-range", KIND_PORT_RANGE, FIELD (rtp_ports)},
  {"sip", "tls-certificate", KIND_FILE, FIELD (tls_certificate)},
  {"sip", "tls-private-key", KIND_FILE, FIELD (tls_private_key)},
  {"sip", "tls-ca-file", KIND_FILE, FIELD (tls_ca_file)},
  {"sip", "tls-verify", KIND_CHOICE, FIELD (tls_verify), tls_verify_choices},
  {"sip", "secure-media", KIND_CHOICE, FIELD (secure_media),
      secure_media_choices},
  {"calls", "ring-timeout", KIND_DURATION, FIELD (ring_timeout_ms)},
  {"calls", "initial-media-timeout", KIND_DURATION,
      FIELD (initial_media_timeout_ms)},
  {"calls", "media-timeout", KIND_DURATION, FIELD (media_timeout_ms)},
  {"calls", "max-duration", KIND_DURATION, FIELD (max_duration_ms)},
  {"calls", "default-from", KIND_SIP_USER, FIELD (default_from)},
};

#undef FIELD

#define PROJECT_PREFIX "project "
/* A week: longer is surely a typo (and would overflow the ms fields). */
#define MAX_DURATION_S (7 * 24 * 3600)

static void
gw_project_free (GwProject * project)
{
  g_free (project->api_key);
  g_free (project->secret);
  g_free (project->callback_url);
  g_free (project->callback_secret);
  g_free (project);
}

void
gw_settings_free (GwSettings * settings)
{
  if (settings == NULL)
    return;
  g_free (settings->http_address);
  g_free (settings->sip_address);
  g_free (settings->sip_public_address);
  g_free (settings->tls_certificate);
  g_free (settings->tls_private_key);
  g_free (settings->tls_ca_file);
  g_free (settings->default_from);
  g_ptr_array_unref (settings->projects);
  g_free (settings);
}

static GwSettings *
settings_new_defaults (void)
{
  GwSettings *s = g_new0 (GwSettings, 1);

  s->http_address = g_strdup ("127.0.0.1");
  s->http_port = 8080;
  s->sip_address = g_strdup ("127.0.0.1");
  s->sip_port = 5060;
  s->sip_tls_port = 5061;
  s->tls_verify = GW_SIP_TLS_VERIFY_FULL;
  s->secure_media = GW_SRTP_SDES;
  s->rtp_ports.min = 20000;
  s->rtp_ports.max = 29999;
  s->ring_timeout_ms = 60 * 1000;
  s->initial_media_timeout_ms = 60 * 1000;
  s->media_timeout_ms = 300 * 1000;
  s->max_duration_ms = 21600 * 1000;
  s->projects = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gw_project_free);
  return s;
}

static gchar *
random_secret (void)
{
  guint8 bytes[20];
  GString *hex = g_string_new (NULL);

  /* The secret guards every REST call: use the kernel's CSPRNG, not GRand. */
  if (getrandom (bytes, sizeof (bytes), 0) != sizeof (bytes))
    g_error ("getrandom failed: %s", g_strerror (errno));
  for (gsize i = 0; i < sizeof (bytes); i++)
    g_string_append_printf (hex, "%02x", bytes[i]);
  return g_string_free (hex, FALSE);
}

GwSettings *
gw_settings_new_development (const gchar * dev_secret)
{
  GwSettings *s = settings_new_defaults ();
  GwProject *project = g_new0 (GwProject, 1);

  project->api_key = g_strdup (GW_SETTINGS_DEV_API_KEY);
  project->secret = (dev_secret && *dev_secret) ? g_strdup (dev_secret) :
      random_secret ();
  g_ptr_array_add (s->projects, project);
  s->development = TRUE;
  return s;
}

/* Value checks: each returns NULL when fine, else the problem. */

static gboolean
is_host_name (const gchar * v)
{
  gsize n = strlen (v);

  if (n == 0 || n > 253 || v[0] == '-' || v[0] == '.')
    return FALSE;
  for (const gchar * p = v; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

static gboolean
is_sip_user (const gchar * v)
{
  for (const gchar * p = v; *p; p++) {
    if (*p == '%') {
      if (!g_ascii_isxdigit (p[1]) || !g_ascii_isxdigit (p[2]))
        return FALSE;
      p += 2;
    } else if (!g_ascii_isalnum (*p) && !strchr ("-_.!~*'()&=+$,;?/", *p)) {
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
to_port (const gchar * v, guint min, guint * out)
{
  guint64 n;

  if (!g_ascii_string_to_unsigned (v, 10, min, 65535, &n, NULL))
    return FALSE;
  *out = n;
  return TRUE;
}

static gchar *
parse_port (const gchar * v, guint * out)
{
  if (!to_port (v, 0, out))
    return g_strdup_printf ("“%s” is not a port number (0..65535)", v);
  return NULL;
}

static gchar *
parse_range (const gchar * v, GwPortRange * out)
{
  g_auto (GStrv) parts = g_strsplit (v, "-", 3);
  GwPortRange r;

  if (g_strv_length (parts) != 2 || !to_port (g_strstrip (parts[0]), 1,
          &r.min) || !to_port (g_strstrip (parts[1]), 1, &r.max)
      || r.min >= r.max)
    return g_strdup_printf ("“%s” is not a port range LOW-HIGH with "
        "1 <= LOW < HIGH <= 65535", v);
  *out = r;
  return NULL;
}

static gchar *
parse_duration (const gchar * v, guint * out_ms)
{
  gchar *end = NULL;
  gdouble s = g_ascii_strtod (v, &end);

  if (*v == '\0' || end == NULL || *end != '\0' || !isfinite (s)
      || s < 0.001 || s > MAX_DURATION_S)
    return g_strdup_printf ("“%s” is not a duration in seconds "
        "(more than 0, at most %u)", v, MAX_DURATION_S);
  *out_ms = (guint) lround (s * 1000.0);
  return NULL;
}

static gchar *
parse_string (KeyKind kind, const gchar * v, gchar ** out)
{
  if (kind == KIND_ADDRESS && !g_hostname_is_ip_address (v))
    return g_strdup_printf ("“%s” is not an IP address", v);
  if (*v != '\0' && kind == KIND_HOST && !g_hostname_is_ip_address (v)
      && !is_host_name (v))
    return g_strdup_printf ("“%s” is not an IP address or host name", v);
  if (*v != '\0' && kind == KIND_FILE
      && !g_file_test (v, G_FILE_TEST_IS_REGULAR))
    return g_strdup_printf ("“%s” does not exist or is not a regular file",
        v);
  if (kind == KIND_SIP_USER && !is_sip_user (v))
    return g_strdup_printf ("“%s” is not a SIP user part (letters, digits, "
        "-_.!~*'()&=+$,;?/ and %%XX escapes)", v);
  g_free (*out);
  *out = *v ? g_strdup (v) : NULL;
  return NULL;
}

/* KIND_CHOICE fields are enums, stored through a gint. */
G_STATIC_ASSERT (sizeof (GwSipTlsVerify) == sizeof (gint));
G_STATIC_ASSERT (sizeof (GwSrtpMode) == sizeof (gint));

static gchar *
parse_choice (const Choice * choices, const gchar * v, gint * out)
{
  g_autoptr (GString) names = g_string_new (NULL);

  for (const Choice * c = choices; c->name; c++) {
    if (g_str_equal (c->name, v)) {
      *out = c->value;
      return NULL;
    }
    g_string_append_printf (names, "%s%s", names->len ? ", " : "", c->name);
  }
  return g_strdup_printf ("“%s” is not one of %s", v, names->str);
}

static gchar *
parse_value (const KeySpec * spec, const gchar * v, GwSettings * s)
{
  gpointer field = G_STRUCT_MEMBER_P (s, spec->offset);

  switch (spec->kind) {
    case KIND_CHOICE:
      return parse_choice (spec->choices, v, field);
    case KIND_PORT:
      return parse_port (v, field);
    case KIND_PORT_RANGE:
      return parse_range (v, field);
    case KIND_DURATION:
      return parse_duration (v, field);
    default:
      return parse_string (spec->kind, v, field);
  }
}

static void
set_error (GError ** error, const gchar * file, const gchar * group,
    const gchar * key, const gchar * problem)
{
  if (key)
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID, "%s: [%s] %s: %s", file,
        group, key, problem);
  else
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID, "%s: [%s]: %s", file,
        group, problem);
}

/* The value with GKeyFile's escapes resolved and outer blanks removed. */
static gchar *
get_value (GKeyFile * kf, const gchar * group, const gchar * key,
    gchar ** problem)
{
  g_autoptr (GError) err = NULL;
  gchar *value = g_key_file_get_string (kf, group, key, &err);

  if (value == NULL) {
    *problem = g_strdup (err->message);
    return NULL;
  }
  return g_strstrip (value);
}

static const KeySpec *
find_spec (const gchar * group, const gchar * key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (key_specs); i++)
    if (g_str_equal (key_specs[i].group, group)
        && g_str_equal (key_specs[i].key, key))
      return &key_specs[i];
  return NULL;
}

static gboolean
read_group (GKeyFile * kf, const gchar * file, const gchar * group,
    GwSettings * s, GError ** error)
{
  g_auto (GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);

  for (guint i = 0; keys && keys[i]; i++) {
    const KeySpec *spec = find_spec (group, keys[i]);
    g_autofree gchar *problem = NULL;
    g_autofree gchar *value = NULL;

    if (spec == NULL) {
      set_error (error, file, group, keys[i], "unknown key");
      return FALSE;
    }
    value = get_value (kf, group, keys[i], &problem);
    if (value)
      problem = parse_value (spec, value, s);
    if (problem) {
      set_error (error, file, group, keys[i], problem);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
is_api_key (const gchar * v)
{
  /* It lands in session IDs between '~' separators and in URL paths. */
  if (*v == '\0')
    return FALSE;
  for (const gchar * p = v; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static gchar *
read_project_key (GwProject * project, const gchar * key, const gchar * v)
{
  g_autoptr (GUri) uri = NULL;

  if (g_str_equal (key, "secret")) {
    if (*v == '\0')
      return g_strdup ("must not be empty");
    g_free (project->secret);
    project->secret = g_strdup (v);
  } else if (g_str_equal (key, "callback-url")) {
    uri = *v ? g_uri_parse (v, G_URI_FLAGS_NONE, NULL) : NULL;
    if (*v && (uri == NULL || g_uri_get_host (uri) == NULL
            || *g_uri_get_host (uri) == '\0'
            || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0
                && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0)))
      return g_strdup_printf ("“%s” is not an http:// or https:// URL", v);
    g_free (project->callback_url);
    project->callback_url = *v ? g_strdup (v) : NULL;
  } else if (g_str_equal (key, "callback-secret")) {
    g_free (project->callback_secret);
    project->callback_secret = *v ? g_strdup (v) : NULL;
  } else {
    return g_strdup ("unknown key");
  }
  return NULL;
}

static gboolean
read_project (GKeyFile * kf, const gchar * file, const gchar * group,
    GwSettings * s, GError ** error)
{
  const gchar *api_key = group + strlen (PROJECT_PREFIX);
  g_auto (GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);
  GwProject *project;

  if (!g_str_has_prefix (group, PROJECT_PREFIX) || !is_api_key (api_key)) {
    set_error (error, file, group, NULL, "a project group is named "
        "“project KEY”, KEY made of letters, digits, - and _");
    return FALSE;
  }
  project = g_new0 (GwProject, 1);
  project->api_key = g_strdup (api_key);
  g_ptr_array_add (s->projects, project);
  for (guint i = 0; keys && keys[i]; i++) {
    g_autofree gchar *problem = NULL;
    g_autofree gchar *value = get_value (kf, group, keys[i], &problem);

    if (value)
      problem = read_project_key (project, keys[i], value);
    if (problem) {
      set_error (error, file, group, keys[i], problem);
      return FALSE;
    }
  }
  if (project->secret == NULL) {
    set_error (error, file, group, "secret", "missing (the API secret)");
    return FALSE;
  }
  return TRUE;
}

/* Checks that involve more than one key. */
static gboolean
check_settings (const GwSettings * s, const gchar * file, GError ** error)
{
  const gchar *problem = NULL, *key = NULL, *group = "sip";

  if (s->tls_private_key && !s->tls_certificate) {
    key = "tls-private-key";
    problem = "set without tls-certificate";
  } else if (s->tls_certificate && !s->tls_private_key) {
    key = "tls-private-key";
    problem = "required with tls-certificate";
  } else if (s->tls_certificate && s->sip_tls_port != 0
      && s->sip_tls_port == s->sip_port) {
    key = "tls-port";
    problem = "same as port";
  } else if (s->sip_port != 0 && s->sip_port == s->http_port
      && g_str_equal (s->sip_address, s->http_address)) {
    key = "port";
    problem = "same as [http] port on the same address";
  } else if (s->projects->len == 0) {
    group = "project KEY";
    problem = "no such group: at least one project is needed";
  }
  if (problem)
    set_error (error, file, group, key, problem);
  return problem == NULL;
}

GwSettings *
gw_settings_new_from_data (const gchar * data, gssize len,
    const gchar * file_name, GError ** error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GwSettings) s = settings_new_defaults ();
  g_autoptr (GError) err = NULL;
  g_auto (GStrv) groups = NULL;

  if (len < 0)
    len = strlen (data);
  if (!g_key_file_load_from_data (kf, data, len, G_KEY_FILE_NONE, &err)) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID, "%s: %s", file_name,
        err->message);
    return NULL;
  }
  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i]; i++) {
    const gchar *g = groups[i];
    gboolean ok;

    if (g_str_equal (g, "http") || g_str_equal (g, "sip")
        || g_str_equal (g, "calls"))
      ok = read_group (kf, file_name, g, s, error);
    else if (g_str_has_prefix (g, "project"))
      ok = read_project (kf, file_name, g, s, error);
    else {
      set_error (error, file_name, g, NULL, "unknown group");
      ok = FALSE;
    }
    if (!ok)
      return NULL;
  }
  if (!check_settings (s, file_name, error))
    return NULL;
  return g_steal_pointer (&s);
}

GwSettings *
gw_settings_new_from_file (const gchar * path, GError ** error)
{
  g_autofree gchar *data = NULL;
  g_autoptr (GError) err = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, &err)) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID, "%s: %s", path,
        err->message);
    return NULL;
  }
  return gw_settings_new_from_data (data, len, path, error);
}

const GwProject *
gw_settings_lookup_project (const GwSettings * settings, const gchar * api_key)
{
  if (api_key == NULL)
    return NULL;
  for (guint i = 0; i < settings->projects->len; i++) {
    const GwProject *p = g_ptr_array_index (settings->projects, i);
    if (g_str_equal (p->api_key, api_key))
      return p;
  }
  return NULL;
}
