/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test support: peer programs as child processes, waiting for conditions
 * while the main context runs, and scratch directories. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef gboolean (*GwTestPredicate) (gpointer data);

gboolean gw_test_wait_until (GwTestPredicate predicate, gpointer data,
    guint timeout_ms);

GSubprocess *gw_test_process_spawn (const gchar * const *argv,
    const gchar * cwd, const gchar * log_path, GError ** error);
gboolean gw_test_process_wait (GSubprocess * proc, guint timeout_ms);
gboolean gw_test_process_is_running (GSubprocess * proc);
void gw_test_process_terminate (GSubprocess * proc, guint grace_ms);
gchar *gw_test_process_describe_exit (GSubprocess * proc);

gchar *gw_test_tmpdir_new (const gchar * prefix, GError ** error);
void gw_test_tmpdir_remove (const gchar * path);
gchar *gw_test_read_tail (const gchar * path, gsize max_bytes);
gchar *gw_test_find_program (const gchar * name, GError ** error);

G_END_DECLS
