/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The elements of the "ot" plugin, registered the 1.20 way. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

GST_ELEMENT_REGISTER_DECLARE (otsink);
GST_ELEMENT_REGISTER_DECLARE (otsrc);

G_END_DECLS
