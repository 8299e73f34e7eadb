/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The session hub's shared types (libgstot). */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#ifndef OT_API
#define OT_API extern __attribute__((visibility ("default")))
#endif

typedef struct _OtHub OtHub;
typedef struct _OtSession OtSession;
typedef struct _OtConnection OtConnection;
typedef struct _OtStream OtStream;
typedef struct _OtTrack OtTrack;
typedef struct _OtSubscription OtSubscription;

typedef enum
{
  OT_TRACK_AUDIO = 0,
  OT_TRACK_VIDEO = 1,
} OtTrackKind;

typedef enum
{
  OT_VIDEO_TYPE_CAMERA = 0,
  OT_VIDEO_TYPE_SCREEN = 1,
} OtVideoType;

#define OT_HUB_ERROR (ot_hub_error_quark ())
OT_API GQuark ot_hub_error_quark (void);

typedef enum
{
  OT_HUB_ERROR_NOT_FOUND,       /* session, connection or stream unknown */
  OT_HUB_ERROR_EXISTS,          /* an ID is taken already */
  OT_HUB_ERROR_INVALID,         /* malformed ID or argument */
  OT_HUB_ERROR_FORMAT,          /* a requested format cannot be produced */
  OT_HUB_ERROR_GONE,            /* the object was removed from its session */
} OtHubError;

/* Raw audio as the hub carries it: S16LE, 48 kHz, mono, 20 ms buffers. */
#define OT_AUDIO_RAW_CAPS \
  "audio/x-raw, format=(string)S16LE, layout=(string)interleaved, " \
  "rate=(int)48000, channels=(int)1"
#define OT_AUDIO_OPUS_CAPS \
  "audio/x-opus, channel-mapping-family=(int)0"
#define OT_VIDEO_CAPS \
  "video/x-vp8; video/x-h264, stream-format=(string)byte-stream, alignment=(string)au"

G_END_DECLS
