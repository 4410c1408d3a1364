#include "config.h"

#include "sd-test-server.h"

static void
test_health (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autoptr(SdTestResponse) response = sd_test_request (server, "GET", "/healthz", NULL, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (sd_test_response_object (response), "status"),
                   ==, "ok");
}

static void
test_sign_in (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *token = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autoptr(SdTestResponse) response = NULL;

  response = sd_test_request (server, "GET", "/api/v1/session", token, NULL);
  g_assert_cmpuint (response->status, ==, 200);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sd/server/session/health", test_health);
  g_test_add_func ("/sd/server/session/sign-in", test_sign_in);

  return g_test_run ();
}
