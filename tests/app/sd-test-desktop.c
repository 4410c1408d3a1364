#include "config.h"

#include "sd-test-desktop.h"

#include "sd-test-app.h"

static GDBusConnection *
new_connection (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  GDBusConnectionFlags flags = G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                               G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION;
  GDBusConnection *connection;

  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  connection = g_dbus_connection_new_for_address_sync (address, flags, NULL, NULL, &error);
  g_assert_no_error (error);

  return connection;
}

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  gboolean *acquired = user_data;

  *acquired = TRUE;
}

static void
name_lost_cb (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  gboolean *acquired = user_data;

  /* Another stand-in, or the real service, has it: the test would not see what it means to. */
  if (!*acquired && !g_dbus_connection_is_closed (connection))
    g_error ("The name %s is taken on the test's session bus", name);
  *acquired = FALSE;
}

static guint
register_object (GDBusConnection            *connection,
                 const char                 *path,
                 const char                 *xml,
                 const GDBusInterfaceVTable *vtable,
                 gpointer                    user_data)
{
  g_autoptr(GDBusNodeInfo) node = NULL;
  g_autoptr(GError) error = NULL;
  guint id;

  node = g_dbus_node_info_new_for_xml (xml, &error);
  g_assert_no_error (error);
  id = g_dbus_connection_register_object (connection, path, node->interfaces[0], vtable,
                                          user_data, NULL, &error);
  g_assert_no_error (error);

  return id;
}

/* Notifications */

static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.gtk.Notifications'>"
  "    <method name='AddNotification'>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/>"
  "    </method>"
  "    <method name='RemoveNotification'>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static void
notifications_method_cb (GDBusConnection       *connection,
                         const char            *sender,
                         const char            *path,
                         const char            *interface,
                         const char            *method,
                         GVariant              *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer               user_data)
{
  SdTestNotifications *self = user_data;
  const char *app_id;
  const char *id;
  g_autoptr(GVariant) notification = NULL;

  if (g_str_equal (method, "AddNotification"))
    g_variant_get (parameters, "(&s&s@a{sv})", &app_id, &id, &notification);
  else
    {
      g_variant_get (parameters, "(&s&s)", &app_id, &id);
      notification = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
    }

  g_ptr_array_add (self->calls, g_variant_ref_sink (g_variant_new ("(sss@a{sv})", method, app_id,
                                                                   id, notification)));
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable notifications_vtable = { notifications_method_cb };

SdTestNotifications *
sd_test_notifications_new (void)
{
  SdTestNotifications *self = g_new0 (SdTestNotifications, 1);

  self->calls = g_ptr_array_new_with_free_func ((GDestroyNotify)g_variant_unref);
  self->connection = new_connection ();
  self->object_id = register_object (self->connection, "/org/gtk/Notifications",
                                     notifications_xml, &notifications_vtable, self);
  self->owner_id = g_bus_own_name_on_connection (self->connection, "org.gtk.Notifications",
                                                 G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                                 name_acquired_cb, name_lost_cb,
                                                 &self->acquired, NULL);
  sd_test_wait_until (self->acquired);

  return self;
}

void
sd_test_notifications_free (SdTestNotifications *self)
{
  if (self == NULL)
    return;

  g_dbus_connection_unregister_object (self->connection, self->object_id);
  g_dbus_connection_close_sync (self->connection, NULL, NULL);
  g_bus_unown_name (self->owner_id);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->calls, g_ptr_array_unref);
  g_free (self);
}

/* The index of the last call of @method for @app_id and @id, or -1. */
static int
last_call (SdTestNotifications *self,
           const char          *method,
           const char          *app_id,
           const char          *id)
{
  for (int i = (int)self->calls->len - 1; i >= 0; i--)
    {
      const char *call_method, *call_app_id, *call_id;

      g_variant_get (g_ptr_array_index (self->calls, i), "(&s&s&s@a{sv})", &call_method,
                     &call_app_id, &call_id, NULL);
      if (g_str_equal (call_method, method) && g_str_equal (call_app_id, app_id) &&
          g_str_equal (call_id, id))
        return i;
    }

  return -1;
}

GVariant *
sd_test_notifications_find (SdTestNotifications *self,
                            const char          *app_id,
                            const char          *id)
{
  int i = last_call (self, "AddNotification", app_id, id);

  if (i < 0)
    return NULL;

  return g_variant_get_child_value (g_ptr_array_index (self->calls, i), 3);
}

gboolean
sd_test_notifications_withdrawn (SdTestNotifications *self,
                                 const char          *app_id,
                                 const char          *id)
{
  return last_call (self, "RemoveNotification", app_id, id) >
         last_call (self, "AddNotification", app_id, id);
}

/* The screenshot portal */

static const char portal_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.portal.Screenshot'>"
  "    <method name='Screenshot'>"
  "      <arg type='s' name='parent_window' direction='in'/>"
  "      <arg type='a{sv}' name='options' direction='in'/>"
  "      <arg type='o' name='handle' direction='out'/>"
  "    </method>"
  "    <property name='version' type='u' access='read'/>"
  "  </interface>"
  "</node>";

static void
portal_method_cb (GDBusConnection       *connection,
                  const char            *sender,
                  const char            *path,
                  const char            *interface,
                  const char            *method,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer               user_data)
{
  SdTestScreenshotPortal *self = user_data;
  g_autofree char *sender_part = g_strdup (sender + 1);
  const char *token = "t";

  g_clear_pointer (&self->sender, g_free);
  g_clear_pointer (&self->parent_window, g_free);
  g_clear_pointer (&self->options, g_variant_unref);
  g_clear_pointer (&self->request_path, g_free);

  g_variant_get (parameters, "(s@a{sv})", &self->parent_window, &self->options);
  g_variant_lookup (self->options, "handle_token", "&s", &token);

  /* As the portal's documentation has it: the path follows from the caller and its token. */
  g_strdelimit (sender_part, ".", '_');
  self->sender = g_strdup (sender);
  self->request_path = g_strdup_printf ("/org/freedesktop/portal/desktop/request/%s/%s",
                                        sender_part, token);
  self->n_calls++;

  g_dbus_method_invocation_return_value (invocation,
                                         g_variant_new ("(o)", self->request_path));
}

static GVariant *
portal_get_property_cb (GDBusConnection  *connection,
                        const char       *sender,
                        const char       *path,
                        const char       *interface,
                        const char       *property,
                        GError          **error,
                        gpointer          user_data)
{
  return g_variant_new_uint32 (2);
}

static const GDBusInterfaceVTable portal_vtable = { portal_method_cb, portal_get_property_cb };

SdTestScreenshotPortal *
sd_test_screenshot_portal_new (void)
{
  SdTestScreenshotPortal *self = g_new0 (SdTestScreenshotPortal, 1);

  self->connection = new_connection ();
  self->object_id = register_object (self->connection, "/org/freedesktop/portal/desktop",
                                     portal_xml, &portal_vtable, self);
  self->owner_id = g_bus_own_name_on_connection (self->connection,
                                                 "org.freedesktop.portal.Desktop",
                                                 G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                                 name_acquired_cb, name_lost_cb,
                                                 &self->acquired, NULL);
  sd_test_wait_until (self->acquired);

  return self;
}

void
sd_test_screenshot_portal_respond (SdTestScreenshotPortal *self,
                                   guint32                 response,
                                   const char             *uri)
{
  GVariantBuilder results;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (self->request_path);

  g_variant_builder_init (&results, G_VARIANT_TYPE_VARDICT);
  if (uri != NULL)
    g_variant_builder_add (&results, "{sv}", "uri", g_variant_new_string (uri));

  g_dbus_connection_emit_signal (self->connection, self->sender, self->request_path,
                                 "org.freedesktop.portal.Request", "Response",
                                 g_variant_new ("(ua{sv})", response, &results), &error);
  g_assert_no_error (error);
}

void
sd_test_screenshot_portal_free (SdTestScreenshotPortal *self)
{
  if (self == NULL)
    return;

  g_dbus_connection_unregister_object (self->connection, self->object_id);
  /* Leaving the bus gives the name up at once. */
  g_dbus_connection_close_sync (self->connection, NULL, NULL);
  g_bus_unown_name (self->owner_id);
  g_clear_object (&self->connection);
  g_free (self->sender);
  g_free (self->parent_window);
  g_clear_pointer (&self->options, g_variant_unref);
  g_free (self->request_path);
  g_free (self);
}
