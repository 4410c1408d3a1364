#pragma once

#include "sd-client.h"
#include "sd-outbox.h"
#include "sd-test-server.h"

G_BEGIN_DECLS

/* How long any one wait of a client test may take before the test fails. */
#define SD_TEST_TIMEOUT_SECONDS 10

typedef gboolean (*SdTestCondition) (gpointer data);

/*
 * Iterates the default main context until @condition returns TRUE, and
 * fails the test when that takes more than SD_TEST_TIMEOUT_SECONDS.
 */
void          sd_test_wait_until      (SdTestCondition   condition,
                                       gpointer          data);
/* Waits until *@flag is TRUE. */
void          sd_test_wait_for_flag   (gboolean         *flag);
/* Waits until *@result is set by sd_test_store_result_cb(). */
void          sd_test_wait_for_result (GAsyncResult    **result);
/*
 * A GAsyncReadyCallback whose @user_data is a GAsyncResult ** to fill; it
 * asserts that the operation completes only once.
 */
void          sd_test_store_result_cb (GObject          *source,
                                       GAsyncResult     *result,
                                       gpointer          user_data);
/* Iterates whatever is pending, for up to @milliseconds, without waiting for a condition. */
void          sd_test_run_for         (guint             milliseconds);

/*
 * Drops the last reference to @outbox and waits until it is gone: the disk
 * worker may hold it a moment longer, after its last job returned, and
 * finalize it on its own thread.
 */
void          sd_test_finalize_outbox (SdOutbox         *outbox);

/* A client of @server signed in as @email (the token comes from the fixture's own request). */
SdClient     *sd_test_client_new      (SdTestServer     *server,
                                       const char       *email);

/* A ticket made through the fixture, as a customer; returns its id. */
gint64        sd_test_create_ticket   (SdTestServer     *server,
                                       const char       *token,
                                       const char       *subject);

G_END_DECLS
