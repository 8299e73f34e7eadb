/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What otsink and otsrc share: finding their session in the hub and the
 * create-session property that decides whether they may create it. */
#pragma once

#include <gst/gst.h>
#include "ot-hub.h"

G_BEGIN_DECLS

#define GST_OT_DEFAULT_CREATE_SESSION TRUE

/* The session `session_id` of the process's hub (new ref): created when
 * `create`, else an existing one.  Posts an error on `element` and returns
 * NULL when session_id is empty (`no_session` says what the element could
 * not do) or, without `create`, names no session. */
OtSession *gst_ot_element_get_session (GstElement * element,
    const gchar * session_id, gboolean create, const gchar * no_session);

/* The "create-session" property, mutable in READY. */
GParamSpec *gst_ot_param_spec_create_session (void);

G_END_DECLS
