#define G_LOG_DOMAIN "sd-client"

#include "config.h"

#include "sd-tls-database.h"

struct _SdTlsDatabase
{
  GTlsDatabase  parent_instance;

  GPtrArray    *databases;
};

G_DEFINE_FINAL_TYPE (SdTlsDatabase, sd_tls_database, G_TYPE_TLS_DATABASE)

static void
sd_tls_database_dispose (GObject *object)
{
  SdTlsDatabase *self = (SdTlsDatabase *)object;

  g_clear_pointer (&self->databases, g_ptr_array_unref);

  G_OBJECT_CLASS (sd_tls_database_parent_class)->dispose (object);
}

/*
 * A chain is trusted when one database trusts it. When none does, the
 * first one's verdict is reported, since it is the one that was added for
 * this server.
 */
static GTlsCertificateFlags
sd_tls_database_verify_chain (GTlsDatabase             *database,
                              GTlsCertificate          *chain,
                              const char               *purpose,
                              GSocketConnectable       *identity,
                              GTlsInteraction          *interaction,
                              GTlsDatabaseVerifyFlags   flags,
                              GCancellable             *cancellable,
                              GError                  **error)
{
  SdTlsDatabase *self = SD_TLS_DATABASE (database);
  GTlsCertificateFlags first = G_TLS_CERTIFICATE_UNKNOWN_CA;

  for (guint i = 0; i < self->databases->len; i++)
    {
      GTlsDatabase *inner = g_ptr_array_index (self->databases, i);
      GTlsCertificateFlags result;
      GError *local_error = NULL;

      result = g_tls_database_verify_chain (inner, chain, purpose, identity, interaction, flags,
                                            cancellable, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return G_TLS_CERTIFICATE_GENERIC_ERROR;
        }

      if (result == 0)
        return 0;
      if (i == 0)
        first = result;
    }

  return first;
}

static GTlsCertificate *
sd_tls_database_lookup_certificate_issuer (GTlsDatabase             *database,
                                           GTlsCertificate          *certificate,
                                           GTlsInteraction          *interaction,
                                           GTlsDatabaseLookupFlags   flags,
                                           GCancellable             *cancellable,
                                           GError                  **error)
{
  SdTlsDatabase *self = SD_TLS_DATABASE (database);

  for (guint i = 0; i < self->databases->len; i++)
    {
      GTlsDatabase *inner = g_ptr_array_index (self->databases, i);
      GTlsCertificate *issuer;
      GError *local_error = NULL;

      issuer = g_tls_database_lookup_certificate_issuer (inner, certificate, interaction, flags,
                                                         cancellable, &local_error);
      if (issuer != NULL || local_error != NULL)
        {
          if (local_error != NULL)
            g_propagate_error (error, local_error);
          return issuer;
        }
    }

  return NULL;
}

static GList *
sd_tls_database_lookup_certificates_issued_by (GTlsDatabase             *database,
                                               GByteArray               *issuer_raw_dn,
                                               GTlsInteraction          *interaction,
                                               GTlsDatabaseLookupFlags   flags,
                                               GCancellable             *cancellable,
                                               GError                  **error)
{
  SdTlsDatabase *self = SD_TLS_DATABASE (database);
  GList *certificates = NULL;

  for (guint i = 0; i < self->databases->len; i++)
    {
      GTlsDatabase *inner = g_ptr_array_index (self->databases, i);
      GError *local_error = NULL;
      GList *found;

      found = g_tls_database_lookup_certificates_issued_by (inner, issuer_raw_dn, interaction,
                                                            flags, cancellable, &local_error);
      if (local_error != NULL)
        {
          g_list_free_full (certificates, g_object_unref);
          g_propagate_error (error, local_error);
          return NULL;
        }

      certificates = g_list_concat (certificates, found);
    }

  return certificates;
}

static char *
sd_tls_database_create_certificate_handle (GTlsDatabase    *database,
                                           GTlsCertificate *certificate)
{
  SdTlsDatabase *self = SD_TLS_DATABASE (database);

  for (guint i = 0; i < self->databases->len; i++)
    {
      GTlsDatabase *inner = g_ptr_array_index (self->databases, i);
      char *handle = g_tls_database_create_certificate_handle (inner, certificate);

      if (handle != NULL)
        return handle;
    }

  return NULL;
}

static GTlsCertificate *
sd_tls_database_lookup_certificate_for_handle (GTlsDatabase             *database,
                                               const char               *handle,
                                               GTlsInteraction          *interaction,
                                               GTlsDatabaseLookupFlags   flags,
                                               GCancellable             *cancellable,
                                               GError                  **error)
{
  SdTlsDatabase *self = SD_TLS_DATABASE (database);

  for (guint i = 0; i < self->databases->len; i++)
    {
      GTlsDatabase *inner = g_ptr_array_index (self->databases, i);
      GTlsCertificate *certificate;
      GError *local_error = NULL;

      certificate = g_tls_database_lookup_certificate_for_handle (inner, handle, interaction,
                                                                  flags, cancellable,
                                                                  &local_error);
      if (certificate != NULL || local_error != NULL)
        {
          if (local_error != NULL)
            g_propagate_error (error, local_error);
          return certificate;
        }
    }

  return NULL;
}

/*
 * Only the synchronous functions are implemented: GTlsDatabase runs them in
 * a thread for the asynchronous ones, which is what a TLS connection uses.
 */
static void
sd_tls_database_class_init (SdTlsDatabaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GTlsDatabaseClass *database_class = G_TLS_DATABASE_CLASS (klass);

  object_class->dispose = sd_tls_database_dispose;

  database_class->verify_chain = sd_tls_database_verify_chain;
  database_class->lookup_certificate_issuer = sd_tls_database_lookup_certificate_issuer;
  database_class->lookup_certificates_issued_by = sd_tls_database_lookup_certificates_issued_by;
  database_class->create_certificate_handle = sd_tls_database_create_certificate_handle;
  database_class->lookup_certificate_for_handle = sd_tls_database_lookup_certificate_for_handle;
}

static void
sd_tls_database_init (SdTlsDatabase *self)
{
  self->databases = g_ptr_array_new_with_free_func (g_object_unref);
}

GTlsDatabase *
sd_tls_database_new (GTlsDatabase * const *databases)
{
  SdTlsDatabase *self;

  g_return_val_if_fail (databases != NULL, NULL);

  self = g_object_new (SD_TYPE_TLS_DATABASE, NULL);
  for (guint i = 0; databases[i] != NULL; i++)
    g_ptr_array_add (self->databases, g_object_ref (databases[i]));

  return G_TLS_DATABASE (self);
}
