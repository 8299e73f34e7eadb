/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Settings parsing: a full good file, defaults, the development settings,
 * and each kind of bad file, whose message must name file, group and key. */
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <string.h>
#include <unistd.h>

#include "gw-error.h"
#include "settings.h"

static const gchar good[] =
    "# a comment on its own line\n"
    "[http]\naddress=0.0.0.0\nport=8081\n"
    "[sip]\naddress=127.0.0.1\nport=5070\ntls-port=5071\n"
    "public-address=gw.example.com\nrtp-port-range=30000-30999\n"
    "tls-certificate=\ntls-private-key=\ntls-ca-file=\n"
    "tls-verify=ca-only\nsecure-media=dtls\n"
    "[calls]\nring-timeout=30\ninitial-media-timeout=10\n"
    "media-timeout=0.5\nmax-duration=7200\ndefault-from=gateway+1\n"
    "[project 123456]\nsecret=s3cret\n"
    "callback-url=https://hooks.example.com/ot?x=1\ncallback-secret=cbs\n"
    "[project abc_DEF-1]\nsecret=other\ncallback-url=\n";

static void
test_good_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwSettings) s = gw_settings_new_from_data (good, -1, "gw.conf",
      &error);
  const GwProject *p;

  g_assert_no_error (error);
  g_assert_cmpstr (s->http_address, ==, "0.0.0.0");
  g_assert_cmpuint (s->http_port, ==, 8081);
  g_assert_cmpstr (s->sip_address, ==, "127.0.0.1");
  g_assert_cmpuint (s->sip_port, ==, 5070);
  g_assert_cmpuint (s->sip_tls_port, ==, 5071);
  g_assert_cmpstr (s->sip_public_address, ==, "gw.example.com");
  g_assert_cmpuint (s->rtp_ports.min, ==, 30000);
  g_assert_cmpuint (s->rtp_ports.max, ==, 30999);
  g_assert_null (s->tls_certificate);
  g_assert_null (s->tls_private_key);
  g_assert_null (s->tls_ca_file);
  g_assert_cmpint (s->tls_verify, ==, GW_SIP_TLS_VERIFY_CA_ONLY);
  g_assert_cmpint (s->secure_media, ==, GW_SRTP_DTLS);
  g_assert_cmpuint (s->ring_timeout_ms, ==, 30000);
  g_assert_cmpuint (s->initial_media_timeout_ms, ==, 10000);
  g_assert_cmpuint (s->media_timeout_ms, ==, 500);
  g_assert_cmpuint (s->max_duration_ms, ==, 7200000);
  g_assert_cmpstr (s->default_from, ==, "gateway+1");
  g_assert_false (s->development);
  g_assert_cmpuint (s->projects->len, ==, 2);
  p = gw_settings_lookup_project (s, "123456");
  g_assert_nonnull (p);
  g_assert_cmpstr (p->secret, ==, "s3cret");
  g_assert_cmpstr (p->callback_url, ==, "https://hooks.example.com/ot?x=1");
  g_assert_cmpstr (p->callback_secret, ==, "cbs");
  p = gw_settings_lookup_project (s, "abc_DEF-1");
  g_assert_nonnull (p);
  g_assert_null (p->callback_url);
  g_assert_null (p->callback_secret);
  g_assert_null (gw_settings_lookup_project (s, "999"));
}

static void
test_defaults (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwSettings) s =
      gw_settings_new_from_data ("[project 1]\nsecret=x\n", -1, "min.conf",
      &error);

  g_assert_no_error (error);
  g_assert_cmpstr (s->http_address, ==, "127.0.0.1");
  g_assert_cmpuint (s->http_port, ==, 8080);
  g_assert_cmpuint (s->sip_port, ==, 5060);
  g_assert_cmpuint (s->rtp_ports.min, ==, 20000);
  g_assert_cmpuint (s->rtp_ports.max, ==, 29999);
  g_assert_null (s->sip_public_address);
  g_assert_cmpint (s->tls_verify, ==, GW_SIP_TLS_VERIFY_FULL);
  g_assert_cmpint (s->secure_media, ==, GW_SRTP_SDES);
  g_assert_cmpuint (s->ring_timeout_ms, ==, 60000);
  g_assert_cmpuint (s->initial_media_timeout_ms, ==, 60000);
  g_assert_cmpuint (s->media_timeout_ms, ==, 300000);
  g_assert_cmpuint (s->max_duration_ms, ==, 21600000);
  g_assert_null (s->default_from);
}

static void
test_development (void)
{
  g_autoptr (GwSettings) a = gw_settings_new_development (NULL);
  g_autoptr (GwSettings) b = gw_settings_new_development ("");
  g_autoptr (GwSettings) given = gw_settings_new_development ("given");
  const GwProject *pa = gw_settings_lookup_project (a, "12345678");
  const GwProject *pb = gw_settings_lookup_project (b, "12345678");

  g_assert_true (a->development);
  g_assert_cmpstr (a->http_address, ==, "127.0.0.1");
  g_assert_cmpuint (a->http_port, ==, 8080);
  g_assert_cmpuint (a->sip_port, ==, 5060);
  g_assert_nonnull (pa);
  g_assert_nonnull (pb);
  /* Random per run: 20 bytes in hex, different each time. */
  g_assert_cmpuint (strlen (pa->secret), ==, 40);
  g_assert_cmpstr (pa->secret, !=, pb->secret);
  g_assert_cmpstr (gw_settings_lookup_project (given, "12345678")->secret, ==,
      "given");
}

typedef struct
{
  const gchar *text;
  const gchar *expected;        /* substring of the message */
} BadCase;

static const BadCase bad_cases[] = {
  {"[http]\nport 8080\n", "bad.conf: "},
  {"[http]\nport=8080\n[project 1]\nsecret=x\n[extra]\na=b\n",
      "bad.conf: [extra]: unknown group"},
  {"[http]\nprot=1\n", "bad.conf: [http] prot: unknown key"},
  {"[sip]\nfoo=1\n", "bad.conf: [sip] foo: unknown key"},
  {"[calls]\nring=1\n", "bad.conf: [calls] ring: unknown key"},
  {"[project 1]\nsecret=x\ncallback=y\n",
      "bad.conf: [project 1] callback: unknown key"},
  {"[http]\nport=70000\n", "bad.conf: [http] port: “70000” is not a port"},
  {"[http]\nport=-1\n", "bad.conf: [http] port: “-1” is not a port"},
  {"[sip]\nport=abc\n", "bad.conf: [sip] port: “abc” is not a port"},
  {"[sip]\ntls-port=65536\n", "bad.conf: [sip] tls-port:"},
  {"[http]\naddress=localhost\n",
      "bad.conf: [http] address: “localhost” is not an IP address"},
  {"[sip]\naddress=\n", "bad.conf: [sip] address: “” is not an IP address"},
  {"[sip]\npublic-address=a b\n", "bad.conf: [sip] public-address:"},
  {"[sip]\nrtp-port-range=30000-20000\n",
      "bad.conf: [sip] rtp-port-range: “30000-20000” is not a port range"},
  {"[sip]\nrtp-port-range=20000\n", "bad.conf: [sip] rtp-port-range:"},
  {"[sip]\nrtp-port-range=0-100\n", "bad.conf: [sip] rtp-port-range:"},
  {"[sip]\nrtp-port-range=a-b\n", "bad.conf: [sip] rtp-port-range:"},
  {"[calls]\nring-timeout=0\n",
      "bad.conf: [calls] ring-timeout: “0” is not a duration"},
  {"[calls]\nmedia-timeout=-5\n", "bad.conf: [calls] media-timeout:"},
  {"[calls]\nmax-duration=1h\n", "bad.conf: [calls] max-duration:"},
  {"[calls]\ninitial-media-timeout=1e9\n",
      "bad.conf: [calls] initial-media-timeout:"},
  {"[calls]\ndefault-from=a b\n", "bad.conf: [calls] default-from:"},
  {"[calls]\ndefault-from=a%zz\n", "bad.conf: [calls] default-from:"},
  {"[sip]\ntls-certificate=/nonexistent/cert.pem\n",
      "bad.conf: [sip] tls-certificate: “/nonexistent/cert.pem” does not "
        "exist"},
  {"[sip]\ntls-ca-file=/\n", "bad.conf: [sip] tls-ca-file:"},
  {"[sip]\ntls-verify=yes\n",
      "bad.conf: [sip] tls-verify: “yes” is not one "
        "of full, ca-only, none"},
  {"[sip]\ntls-verify=\n", "bad.conf: [sip] tls-verify: “” is not one of"},
  {"[sip]\nsecure-media=none\n", "bad.conf: [sip] secure-media: “none” is "
        "not one of sdes, dtls"},
  {"[sip]\nsecure-media=SDES\n", "bad.conf: [sip] secure-media:"},
  {"[project 1]\nsecret=\n", "bad.conf: [project 1] secret: must not be empty"},
  {"[project 1]\ncallback-url=http://x\n",
      "bad.conf: [project 1] secret: missing"},
  {"[project 1]\nsecret=x\ncallback-url=ftp://host/x\n",
      "bad.conf: [project 1] callback-url: “ftp://host/x” is not an http"},
  {"[project 1]\nsecret=x\ncallback-url=not a url\n",
      "bad.conf: [project 1] callback-url:"},
  {"[project 1]\nsecret=x\ncallback-url=http:///path\n",
      "bad.conf: [project 1] callback-url:"},
  {"[project]\nsecret=x\n", "bad.conf: [project]: a project group is named"},
  {"[project a~b]\nsecret=x\n", "bad.conf: [project a~b]: a project group"},
  {"[http]\nport=8080\n", "bad.conf: [project KEY]: no such group"},
  {"[http]\nport=5060\n[project 1]\nsecret=x\n",
      "bad.conf: [sip] port: same as [http] port"},
  {"[project 1]\nsecret=x\n[sip]\ntls-private-key=/etc/hostname\n",
      "bad.conf: [sip] tls-private-key: set without tls-certificate"},
};

static void
test_bad_file (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GwSettings) s = gw_settings_new_from_data (c->text, -1,
      "bad.conf", &error);

  g_assert_null (s);
  g_assert_error (error, GW_ERROR, GW_ERROR_INVALID);
  if (!strstr (error->message, c->expected))
    g_error ("“%s” does not contain “%s”", error->message, c->expected);
}

static void
test_tls_pair (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *text = NULL;
  g_autoptr (GwSettings) s = NULL;
  gint fd = g_file_open_tmp ("gw-cert-XXXXXX", &path, &error);

  g_assert_no_error (error);
  close (fd);
  text = g_strdup_printf ("[project 1]\nsecret=x\n[sip]\ntls-certificate=%s\n",
      path);
  s = gw_settings_new_from_data (text, -1, "tls.conf", &error);
  g_assert_null (s);
  g_assert_nonnull (strstr (error->message,
          "tls.conf: [sip] tls-private-key: required with tls-certificate"));
  g_clear_error (&error);
  g_free (text);
  text = g_strdup_printf ("[project 1]\nsecret=x\n[sip]\ntls-certificate=%s\n"
      "tls-private-key=%s\n", path, path);
  s = gw_settings_new_from_data (text, -1, "tls.conf", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s->tls_certificate, ==, path);
  g_assert_cmpstr (s->tls_private_key, ==, path);
  g_unlink (path);
}

static void
test_missing_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwSettings) s =
      gw_settings_new_from_file ("/nonexistent/gw.conf", &error);

  g_assert_null (s);
  g_assert_error (error, GW_ERROR, GW_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "/nonexistent/gw.conf: "));
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/settings/good-file", test_good_file);
  g_test_add_func ("/settings/defaults", test_defaults);
  g_test_add_func ("/settings/development", test_development);
  g_test_add_func ("/settings/tls-pair", test_tls_pair);
  g_test_add_func ("/settings/missing-file", test_missing_file);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_cases); i++) {
    g_autofree gchar *name = g_strdup_printf ("/settings/bad/%02zu", i);
    g_test_add_data_func (name, &bad_cases[i], test_bad_file);
  }
  return g_test_run ();
}
