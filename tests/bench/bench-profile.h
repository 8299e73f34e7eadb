/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A profile of a running process with perf (see bench-profile.c). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Records @pid for @seconds into @data and returns the top of `perf
 * report` (self time by DSO, then by DSO and symbol), or why it failed. */
gchar *bench_profile_perf (GPid pid, guint seconds, const gchar * data);

G_END_DECLS
