#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Stand-ins for two of the desktop's services, on the test's session bus,
 * each on a connection of its own, answering from this thread's main
 * context: what the app sends them is what it would send GNOME Shell and
 * xdg-desktop-portal. Neither service runs in the headless session.
 */

/*
 * The notification server of GNOME Shell (org.gtk.Notifications), which
 * GApplication sends its GNotifications to when the name has an owner. Own
 * it before the process sends its first notification: GLib picks the way
 * notifications go once per process.
 */
typedef struct
{
  GDBusConnection *connection;
  guint            owner_id;
  guint            object_id;
  gboolean         acquired;
  /* What came, oldest first: tuples (method, app id, notification id, a{sv} or empty a{sv}). */
  GPtrArray       *calls;
} SdTestNotifications;

SdTestNotifications *sd_test_notifications_new        (void);
void                 sd_test_notifications_free       (SdTestNotifications *self);
/* The last notification @id that @app_id added, as an a{sv}, or NULL (transfer full). */
GVariant            *sd_test_notifications_find       (SdTestNotifications *self,
                                                       const char          *app_id,
                                                       const char          *id);
/* Whether @app_id withdrew @id after it last added it. */
gboolean             sd_test_notifications_withdrawn  (SdTestNotifications *self,
                                                       const char          *app_id,
                                                       const char          *id);

/*
 * xdg-desktop-portal's Screenshot (org.freedesktop.portal.Desktop,
 * /org/freedesktop/portal/desktop), version 2: it records each call and
 * answers when the test says so, as the user would.
 */
typedef struct
{
  GDBusConnection *connection;
  guint            owner_id;
  guint            object_id;
  gboolean         acquired;
  guint            n_calls;
  /* The last call: who made it, its arguments, and the request it got. */
  char            *sender;
  char            *parent_window;
  GVariant        *options;
  char            *request_path;
} SdTestScreenshotPortal;

SdTestScreenshotPortal *sd_test_screenshot_portal_new     (void);
/* Answers the last call, as the portal's Request does: 0 with @uri, 1 cancelled, 2 failed. */
void                    sd_test_screenshot_portal_respond (SdTestScreenshotPortal *self,
                                                           guint32                 response,
                                                           const char             *uri);
/* Leaves the bus, and with it the name. */
void                    sd_test_screenshot_portal_free    (SdTestScreenshotPortal *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdTestNotifications, sd_test_notifications_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdTestScreenshotPortal, sd_test_screenshot_portal_free)

G_END_DECLS
