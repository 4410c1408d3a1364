#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Runs @func for @task on one thread shared by everything that writes the
 * app's own files (the outbox, drafts): one job after another, in the order
 * given, so that writes reach the disk in the order they were asked for,
 * and never on the main thread.
 */
void sd_disk_worker_run (GTask           *task,
                         GTaskThreadFunc  func);

G_END_DECLS
