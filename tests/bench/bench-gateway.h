/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The gateway under test, as bench-calls drives it: bench-calls-host (the
 * gateway's gw-core plus publishers of Opus streams) in a child process
 * that /proc measures alone, its REST API for dialing and hanging up, and
 * its stdin for publishing. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _BenchGateway BenchGateway;

/* Writes the settings in @workdir, starts @host_exe and waits for its
 * ready line.  @speech_wav: what the publishers send (Opus). */
BenchGateway *bench_gateway_start (const gchar * host_exe,
    const gchar * workdir, const gchar * speech_wav, GError ** error);
void bench_gateway_free (BenchGateway * gw);

GPid bench_gateway_get_pid (BenchGateway * gw);

/* Creates @n more routed sessions, each with one published Opus stream;
 * returns their IDs (appended to @ids). */
gboolean bench_gateway_publish (BenchGateway * gw, guint n, GPtrArray * ids,
    GError ** error);

typedef struct
{
  gint64 sent_us;               /* real time before the request went out */
  gint64 replied_us;            /* real time the 200 was read */
  gchar *connection_id;
} BenchDial;

/* POST /v2/project/{key}/dial into @session_id, calling @uri with header
 * X-Bench-Call: @call_no. */
gboolean bench_gateway_dial (BenchGateway * gw, const gchar * session_id,
    const gchar * uri, guint call_no, BenchDial * out, GError ** error);
/* DELETE .../connection/{id}: hangs the call up. */
gboolean bench_gateway_hangup (BenchGateway * gw, const gchar * session_id,
    const gchar * connection_id, GError ** error);
/* SIGTERM (the gateway hangs every call up), then waits for the exit;
 * @seconds: how long that took. */
gboolean bench_gateway_stop (BenchGateway * gw, gdouble * seconds,
    GError ** error);
/* Its stderr. */
const gchar *bench_gateway_get_log_path (BenchGateway * gw);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchGateway, bench_gateway_free);

G_END_DECLS
