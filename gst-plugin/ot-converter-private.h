/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libgstot internals: an audio converter (Opus decoder or encoder) run
 * synchronously in the publisher's thread through pads the hub owns. */
#pragma once

#include "ot-track-private.h"

G_BEGIN_DECLS

typedef struct _OtConverter OtConverter;

/* Builds and starts the elements that turn `in_caps` into `out_format`
 * (OT_FORMAT_RAW or OT_FORMAT_OPUS).  NULL + OT_HUB_ERROR_FORMAT when that
 * is not possible (missing plugin, unsupported pair). */
G_GNUC_INTERNAL OtConverter *ot_converter_new (GstCaps * in_caps,
    OtFormat out_format, GError ** error);
G_GNUC_INTERNAL OtConverter *ot_converter_ref (OtConverter * conv);
G_GNUC_INTERNAL void ot_converter_unref (OtConverter * conv);

/* The output caps once known (new ref) or NULL. */
G_GNUC_INTERNAL GstCaps *ot_converter_get_out_caps (OtConverter * conv);

/* Same input format, new caps details (sent before the next buffer). */
G_GNUC_INTERNAL void ot_converter_set_in_caps (OtConverter * conv,
    GstCaps * caps);
/* Forgets the decoder/encoder state (a new publisher starts). */
G_GNUC_INTERNAL void ot_converter_reset (OtConverter * conv);

/* Converts one buffer (transfer none).  Appends what came out to `out`
 * (transfer full): GstBuffers and, when the output format is set or
 * changes, a CAPS event before them. */
G_GNUC_INTERNAL void ot_converter_process (OtConverter * conv,
    GstBuffer * buffer, GPtrArray * out);

/* Converters alive in the process. */
G_GNUC_INTERNAL guint ot_converter_get_n_running (void);

G_END_DECLS
