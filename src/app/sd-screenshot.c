#define G_LOG_DOMAIN "sd-screenshot"

#include "config.h"

#include "sd-screenshot.h"

#ifdef GDK_WINDOWING_WAYLAND
#include <gdk/wayland/gdkwayland.h>
#endif
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#define PORTAL_BUS_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_OBJECT_PATH "/org/freedesktop/portal/desktop"
#define SCREENSHOT_INTERFACE "org.freedesktop.portal.Screenshot"
#define REQUEST_INTERFACE "org.freedesktop.portal.Request"

/* Checking */

static void
version_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) version = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      /* No portal, or one without screenshots: the usual case outside a desktop session. */
      g_debug ("No screenshot portal: %s", error->message);
      g_task_return_boolean (task, FALSE);
      return;
    }

  g_variant_get (reply, "(v)", &version);
  g_task_return_boolean (task, g_variant_is_of_type (version, G_VARIANT_TYPE_UINT32) &&
                               g_variant_get_uint32 (version) >= 1);
}

static void
check_bus_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;

  bus = g_bus_get_finish (result, &error);
  if (bus == NULL)
    {
      g_debug ("No session bus to find a screenshot portal on: %s", error->message);
      g_task_return_boolean (task, FALSE);
      return;
    }

  /* The portal starts on demand: asking for its interface's version starts it if need be. */
  g_dbus_connection_call (bus, PORTAL_BUS_NAME, PORTAL_OBJECT_PATH,
                          "org.freedesktop.DBus.Properties", "Get",
                          g_variant_new ("(ss)", SCREENSHOT_INTERFACE, "version"),
                          G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          g_task_get_cancellable (task), version_cb, g_object_ref (task));
}

void
sd_screenshot_check_async (GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, sd_screenshot_check_async);
  g_bus_get (G_BUS_TYPE_SESSION, cancellable, check_bus_cb, g_object_ref (task));
}

gboolean
sd_screenshot_check_finish (GAsyncResult *result)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), NULL);
}

/* Taking */

typedef struct
{
  GDBusConnection *bus;
  GtkWindow       *parent;
  char            *request_path;
  guint            response_id;
  gulong           cancelled_id;
  /* The surface whose handle was exported for the portal, until it is done. */
  GdkSurface      *exported;
  gboolean         done;
} Take;

static void
take_free (Take *take)
{
  if (take->response_id != 0)
    g_dbus_connection_signal_unsubscribe (take->bus, take->response_id);
#ifdef GDK_WINDOWING_WAYLAND
  if (take->exported != NULL)
    gdk_wayland_toplevel_unexport_handle (GDK_TOPLEVEL (take->exported));
#endif
  g_clear_object (&take->exported);
  g_clear_object (&take->bus);
  g_clear_object (&take->parent);
  g_free (take->request_path);
  g_free (take);
}

/* Ends @task once, with @file or @error (taken). */
static void
complete (GTask  *task,
          GFile  *file,
          GError *error)
{
  Take *take = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (take->done)
    {
      g_clear_error (&error);
      return;
    }
  take->done = TRUE;

  if (take->response_id != 0)
    {
      g_dbus_connection_signal_unsubscribe (take->bus, take->response_id);
      take->response_id = 0;
    }
  if (take->cancelled_id != 0)
    {
      g_cancellable_disconnect (cancellable, take->cancelled_id);
      take->cancelled_id = 0;
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_object_ref (file), g_object_unref);
}

static void
response_cb (GDBusConnection *bus,
             const char      *sender,
             const char      *path,
             const char      *interface,
             const char      *signal,
             GVariant        *parameters,
             gpointer         user_data)
{
  GTask *task = user_data;
  g_autoptr(GVariant) results = NULL;
  g_autoptr(GFile) file = NULL;
  const char *uri = NULL;
  guint32 response;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ua{sv})")))
    return;

  g_variant_get (parameters, "(u@a{sv})", &response, &results);

  /* 0: done, 1: the user cancelled, 2: anything else. */
  if (response == 1)
    {
      complete (task, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                 "The screenshot was cancelled"));
      return;
    }

  if (response != 0 || !g_variant_lookup (results, "uri", "&s", &uri) || *uri == '\0')
    {
      complete (task, NULL, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                         "The screenshot portal answered %u", response));
      return;
    }

  file = g_file_new_for_uri (uri);
  complete (task, file, NULL);
}

static void
subscribe (GTask      *task,
           const char *request_path)
{
  Take *take = g_task_get_task_data (task);

  if (take->response_id != 0)
    g_dbus_connection_signal_unsubscribe (take->bus, take->response_id);

  g_free (take->request_path);
  take->request_path = g_strdup (request_path);
  take->response_id = g_dbus_connection_signal_subscribe (take->bus, PORTAL_BUS_NAME,
                                                          REQUEST_INTERFACE, "Response",
                                                          request_path, NULL,
                                                          G_DBUS_SIGNAL_FLAGS_NONE,
                                                          response_cb, g_object_ref (task),
                                                          g_object_unref);
}

static void
screenshot_called_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Take *take = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  GError *error = NULL;
  const char *path;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      complete (task, NULL, error);
      return;
    }

  /* Portals older than handle tokens answer on a path of their own. */
  g_variant_get (reply, "(&o)", &path);
  if (!take->done && g_strcmp0 (path, take->request_path) != 0)
    subscribe (task, path);
}

static void
close_request (Take *take)
{
  if (take->request_path != NULL)
    g_dbus_connection_call (take->bus, PORTAL_BUS_NAME, take->request_path, REQUEST_INTERFACE,
                            "Close", NULL, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
}

static void
cancelled_idle_cb (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;

  complete (task, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                             "The screenshot was cancelled"));
}

static void
cancelled_cb (GCancellable *cancellable,
              GTask        *task)
{
  /* The portal says nothing more once closed, so the task ends here; not inside this
   * handler, which may not disconnect itself. */
  close_request (g_task_get_task_data (task));
  g_idle_add_once (cancelled_idle_cb, g_object_ref (task));
}

static void
call_screenshot (GTask      *task,
                 const char *parent_handle)
{
  Take *take = g_task_get_task_data (task);
  g_autofree char *token = g_strdup_printf ("supportdesk%u", g_random_int ());
  g_autofree char *sender = g_strdup (g_dbus_connection_get_unique_name (take->bus) + 1);
  g_autofree char *request_path = NULL;
  GVariantBuilder options;

  /* The request's path is known in advance, so its answer cannot come before it is awaited. */
  g_strdelimit (sender, ".", '_');
  request_path = g_strdup_printf ("%s/request/%s/%s", PORTAL_OBJECT_PATH, sender, token);
  subscribe (task, request_path);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "modal", g_variant_new_boolean (TRUE));
  g_variant_builder_add (&options, "{sv}", "interactive", g_variant_new_boolean (TRUE));

  g_dbus_connection_call (take->bus, PORTAL_BUS_NAME, PORTAL_OBJECT_PATH, SCREENSHOT_INTERFACE,
                          "Screenshot", g_variant_new ("(sa{sv})", parent_handle, &options),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          g_task_get_cancellable (task), screenshot_called_cb,
                          g_object_ref (task));

  if (g_task_get_cancellable (task) != NULL)
    take->cancelled_id = g_cancellable_connect (g_task_get_cancellable (task),
                                                G_CALLBACK (cancelled_cb), task, NULL);
}

#ifdef GDK_WINDOWING_WAYLAND
static void
exported_cb (GdkToplevel *toplevel,
             const char  *handle,
             gpointer     user_data)
{
  GTask *task = user_data;
  g_autofree char *parent_handle = g_strconcat ("wayland:", handle, NULL);

  call_screenshot (task, parent_handle);
}
#endif

/* The portal places its dialog over the window it is given, as "x11:XID" or "wayland:HANDLE". */
static void
find_parent (GTask *task)
{
  Take *take = g_task_get_task_data (task);
  GdkSurface *surface = NULL;

  if (take->parent != NULL && gtk_widget_get_realized (GTK_WIDGET (take->parent)))
    surface = gtk_native_get_surface (GTK_NATIVE (take->parent));

#ifdef GDK_WINDOWING_X11
  if (surface != NULL && GDK_IS_X11_SURFACE (surface))
    {
      g_autofree char *handle = g_strdup_printf ("x11:%lx", gdk_x11_surface_get_xid (surface));

      call_screenshot (task, handle);
      return;
    }
#endif
#ifdef GDK_WINDOWING_WAYLAND
  if (surface != NULL && GDK_IS_WAYLAND_TOPLEVEL (surface) &&
      gdk_wayland_toplevel_export_handle (GDK_TOPLEVEL (surface), exported_cb,
                                          g_object_ref (task), g_object_unref))
    {
      take->exported = g_object_ref (surface);
      return;
    }
#endif

  call_screenshot (task, "");
}

static void
take_bus_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Take *take = g_task_get_task_data (task);
  GError *error = NULL;

  take->bus = g_bus_get_finish (result, &error);
  if (take->bus == NULL)
    {
      complete (task, NULL, error);
      return;
    }

  find_parent (task);
}

void
sd_screenshot_take_async (GtkWindow           *parent,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Take *take;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_screenshot_take_async);

  take = g_new0 (Take, 1);
  take->parent = parent != NULL ? g_object_ref (parent) : NULL;
  g_task_set_task_data (task, take, (GDestroyNotify)take_free);

  g_bus_get (G_BUS_TYPE_SESSION, cancellable, take_bus_cb, g_object_ref (task));
}

GFile *
sd_screenshot_take_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
