/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Session lookup shared by otsink and otsrc, so that both elements treat a
 * missing session (and create-session) the same way. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstotcommon.h"

GST_DEBUG_CATEGORY_STATIC (gst_ot_common_debug);
#define GST_CAT_DEFAULT gst_ot_common_debug

/* No class_init runs for this file: its category is set up on first use. */
static void
gst_ot_common_init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gst_ot_common_debug, "otcommon", 0,
        "Session lookup of the ot elements");
    g_once_init_leave (&done, 1);
  }
}

OtSession *
gst_ot_element_get_session (GstElement * element, const gchar * session_id,
    gboolean create, const gchar * no_session)
{
  OtHub *hub = ot_hub_get_default ();
  OtSession *session;

  gst_ot_common_init_debug ();
  if (!session_id || !session_id[0]) {
    GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS, ("%s", no_session),
        ("the session-id property is empty"));
    return NULL;
  }
  if (create)
    return ot_hub_ensure_session (hub, session_id);
  session = ot_hub_lookup_session (hub, session_id);
  if (!session)
    GST_ELEMENT_ERROR (element, RESOURCE, NOT_FOUND,
        ("Session %s does not exist.", session_id),
        ("create-session is FALSE and the hub has no session %s", session_id));
  return session;
}

GParamSpec *
gst_ot_param_spec_create_session (void)
{
  return g_param_spec_boolean ("create-session", "Create session",
      "Create the session on first use when it does not exist (a standalone "
      "process); FALSE: an unknown session is an error (the gateway manages "
      "sessions)", GST_OT_DEFAULT_CREATE_SESSION,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
}
