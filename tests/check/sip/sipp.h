/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A SIPp peer for a test: one scenario of tests/sipp/, on 127.0.0.1 and a
 * free port, its logs in a temporary directory printed when it fails. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _Sipp Sipp;

/* A port free for both UDP and TCP on 127.0.0.1. */
guint sipp_free_port (void);

/* Starts `sipp -sf tests/sipp/SCENARIO` as a UAS on a free port and waits
 * until it listens.  @extra: more arguments (-key ...), NULL-terminated. */
Sipp *sipp_start_uas (const gchar * scenario, gboolean tcp,
    const gchar * const *extra);
/* The same on a given free port (for a test that needs it before). */
Sipp *sipp_start_uas_on (const gchar * scenario, gboolean tcp, guint port,
    const gchar * const *extra);
/* Starts it as a UAC sending to 127.0.0.1:@target_port. */
Sipp *sipp_start_uac (const gchar * scenario, guint target_port,
    const gchar * const *extra);

guint sipp_get_port (Sipp * sipp);
/* Iterates the default main context until SIPp exits; asserts that its
 * scenario succeeded (exit status 0), printing its logs if not. */
void sipp_wait_success (Sipp * sipp);
/* Kills it (for a peer that vanishes) and waits until it is gone. */
void sipp_kill (Sipp * sipp);
void sipp_free (Sipp * sipp);

/* Iterates the default main context until *flag or @timeout_ms. */
gboolean iterate_until (gboolean * flag, guint timeout_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Sipp, sipp_free);

G_END_DECLS
