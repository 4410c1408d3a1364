#define G_LOG_DOMAIN "sd-auth"

#include "config.h"

#include "sd-auth.h"

#include <sodium.h>
#include <string.h>

typedef struct
{
  char *hash;
  char *password;
} VerifyData;

static void
verify_data_free (VerifyData *data)
{
  g_free (data->hash);
  if (data->password != NULL)
    {
      sodium_memzero (data->password, strlen (data->password));
      g_free (data->password);
    }
  g_free (data);
}

static const char *
dummy_hash (void)
{
  static gsize initialized;
  static char *hash;

  /* Hashed once, lazily, with the same parameters as real passwords. */
  if (g_once_init_enter (&initialized))
    {
      hash = sd_auth_hash_password ("no such user", NULL);
      g_once_init_leave (&initialized, 1);
    }

  return hash;
}

char *
sd_auth_hash_password (const char  *password,
                       GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];

  g_return_val_if_fail (password != NULL, NULL);

  if (crypto_pwhash_str_alg (hash, password, strlen (password),
                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE,
                             crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                           "Not enough memory to hash a password");
      return NULL;
    }

  return g_strdup (hash);
}

gboolean
sd_auth_verify_password (const char *hash,
                         const char *password)
{
  g_return_val_if_fail (password != NULL, FALSE);

  /* No such user: spend the same work on a hash nobody's password matches. */
  if (hash == NULL)
    {
      int unused = crypto_pwhash_str_verify (dummy_hash (), password, strlen (password));

      (void)unused;
      return FALSE;
    }

  return crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
}

static void
verify_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  VerifyData *data = task_data;

  g_task_return_boolean (task, sd_auth_verify_password (data->hash, data->password));
}

void
sd_auth_verify_password_async (const char          *hash,
                               const char          *password,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  VerifyData *data;

  g_return_if_fail (password != NULL);

  data = g_new0 (VerifyData, 1);
  data->hash = g_strdup (hash);
  data->password = g_strdup (password);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_auth_verify_password_async);
  g_task_set_task_data (task, data, (GDestroyNotify)verify_data_free);
  g_task_run_in_thread (task, verify_thread);
}

gboolean
sd_auth_verify_password_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

char *
sd_auth_new_token (guint8 hash[SD_AUTH_TOKEN_HASH_SIZE])
{
  guint8 bytes[32];
  char token[sodium_base64_ENCODED_LEN (32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (token, sizeof token, bytes, sizeof bytes,
                     sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (bytes, sizeof bytes);

  sd_auth_hash_token (token, hash);

  return g_strdup (token);
}

void
sd_auth_hash_token (const char *token,
                    guint8      hash[SD_AUTH_TOKEN_HASH_SIZE])
{
  crypto_hash_sha256 (hash, (const guint8 *)token, strlen (token));
}
