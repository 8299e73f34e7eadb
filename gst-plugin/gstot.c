/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The "ot" plugin: otsink publishes into a session of the process's session
 * hub (libgstot), otsrc subscribes to one. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstotelements.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  gboolean ret = FALSE;

  ret |= GST_ELEMENT_REGISTER (otsink, plugin);
  ret |= GST_ELEMENT_REGISTER (otsrc, plugin);

  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, ot,
    "Publish into and subscribe to the sessions of an in-process session hub",
    plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
