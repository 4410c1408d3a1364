#define G_LOG_DOMAIN "sd-client"

#include "config.h"

#include "sd-upload.h"

#include "sd-backoff.h"
#include "sd-client-enums.h"
#include "sd-upload-private.h"

#include <string.h>

/* The instance struct is in sd-upload-private.h, shared with sd-upload-send.c. */
G_DEFINE_FINAL_TYPE (SdUpload, sd_upload, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_FILE,
  PROP_FILENAME,
  PROP_CONTENT_TYPE,
  PROP_SIZE,
  PROP_SENT,
  PROP_FRACTION,
  PROP_STATE,
  PROP_ATTEMPT,
  PROP_INFO,
  PROP_ERROR,
  PROP_ERROR_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
sd_upload_set_state (SdUpload      *self,
                     SdUploadState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  /* An empty file is all sent once it is done. */
  if (self->size == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

void
sd_upload_set_size (SdUpload *self,
                    gint64    size)
{
  if (self->size == size)
    return;

  self->size = size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

void
sd_upload_set_sent (SdUpload *self,
                    gint64    sent)
{
  if (self->sent == sent)
    return;

  self->sent = sent;
  self->last_notify = g_get_monotonic_time ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SENT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

void
sd_upload_set_error (SdUpload *self,
                     GError   *error)
{
  if (self->error == NULL && error == NULL)
    return;

  g_clear_error (&self->error);
  self->error = error;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

void
sd_upload_set_info (SdUpload     *self,
                    SdUploadInfo *info)
{
  if (g_set_object (&self->info, info))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INFO]);
}

void
sd_upload_set_attempt (SdUpload *self,
                       guint     attempt)
{
  if (self->attempt == attempt)
    return;

  self->attempt = attempt;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTEMPT]);
}

static void
sd_upload_constructed (GObject *object)
{
  SdUpload *self = (SdUpload *)object;

  G_OBJECT_CLASS (sd_upload_parent_class)->constructed (object);

  if (self->filename == NULL)
    self->filename = g_file_get_basename (self->file);

  /* Guessed from the name alone, which needs no I/O; the server only stores and serves it. */
  if (self->content_type == NULL)
    {
      g_autofree char *guess = g_content_type_guess (self->filename, NULL, 0, NULL);

      self->content_type = g_content_type_get_mime_type (guess);
      if (self->content_type == NULL)
        self->content_type = g_strdup ("application/octet-stream");
    }

  /* One key for every attempt: a retry after a lost answer gets the same upload back. */
  self->idempotency_key = sd_client_new_idempotency_key ();
}

static void
sd_upload_dispose (GObject *object)
{
  SdUpload *self = (SdUpload *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  sd_upload_end_attempt (self);

  g_clear_object (&self->client);
  g_clear_object (&self->file);
  g_clear_object (&self->info);

  G_OBJECT_CLASS (sd_upload_parent_class)->dispose (object);
}

static void
sd_upload_finalize (GObject *object)
{
  SdUpload *self = (SdUpload *)object;

  g_clear_pointer (&self->filename, g_free);
  g_clear_pointer (&self->content_type, g_free);
  g_clear_pointer (&self->idempotency_key, g_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (sd_upload_parent_class)->finalize (object);
}

static void
sd_upload_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SdUpload *self = SD_UPLOAD (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_FILENAME:
      g_value_set_string (value, self->filename);
      break;

    case PROP_CONTENT_TYPE:
      g_value_set_string (value, self->content_type);
      break;

    case PROP_SIZE:
      g_value_set_int64 (value, self->size);
      break;

    case PROP_SENT:
      g_value_set_int64 (value, self->sent);
      break;

    case PROP_FRACTION:
      g_value_set_double (value, sd_upload_get_fraction (self));
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_ATTEMPT:
      g_value_set_uint (value, self->attempt);
      break;

    case PROP_INFO:
      g_value_set_object (value, self->info);
      break;

    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;

    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error != NULL ? self->error->message : NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_upload_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  SdUpload *self = SD_UPLOAD (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;

    case PROP_FILE:
      self->file = g_value_dup_object (value);
      break;

    case PROP_FILENAME:
      self->filename = g_value_dup_string (value);
      break;

    case PROP_CONTENT_TYPE:
      self->content_type = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_upload_class_init (SdUploadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sd_upload_constructed;
  object_class->dispose = sd_upload_dispose;
  object_class->finalize = sd_upload_finalize;
  object_class->get_property = sd_upload_get_property;
  object_class->set_property = sd_upload_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         SD_TYPE_CLIENT,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL,
                         G_TYPE_FILE,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /* The name shown and sent; the file's base name unless another was given. */
  properties[PROP_FILENAME] =
    g_param_spec_string ("filename", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /* A MIME type; guessed from the name unless one was given. */
  properties[PROP_CONTENT_TYPE] =
    g_param_spec_string ("content-type", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /* In bytes; known once the upload has started and opened the file. */
  properties[PROP_SIZE] =
    g_param_spec_int64 ("size", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties[PROP_SENT] =
    g_param_spec_int64 ("sent", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL,
                         0.0, 1.0, 0.0,
                         (G_PARAM_READABLE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       SD_TYPE_UPLOAD_STATE,
                       SD_UPLOAD_STATE_WAITING,
                       (G_PARAM_READABLE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  /*
   * Which attempt of the latest start is under way, or awaited after a
   * failure that may pass: 2 and more say that the upload is being retried.
   */
  properties[PROP_ATTEMPT] =
    g_param_spec_uint ("attempt", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  properties[PROP_INFO] =
    g_param_spec_object ("info", NULL, NULL,
                         SD_TYPE_UPLOAD_INFO,
                         (G_PARAM_READABLE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL,
                        G_TYPE_ERROR,
                        (G_PARAM_READABLE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  /* The last failure's message, for logs: the UI makes its own from "error". */
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_upload_init (SdUpload *self)
{
  self->state = SD_UPLOAD_STATE_WAITING;
  sd_backoff_init (&self->backoff, SD_BACKOFF_BASE_MS, SD_BACKOFF_MAX_MS);
}

SdUpload *
sd_upload_new (SdClient   *client,
               GFile      *file,
               const char *filename,
               const char *content_type)
{
  g_return_val_if_fail (SD_IS_CLIENT (client), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  return g_object_new (SD_TYPE_UPLOAD,
                       "client", client,
                       "file", file,
                       "filename", filename,
                       "content-type", content_type,
                       NULL);
}

GFile *
sd_upload_get_file (SdUpload *self)
{
  g_return_val_if_fail (SD_IS_UPLOAD (self), NULL);

  return self->file;
}

const char *
sd_upload_get_filename (SdUpload *self)
{
  g_return_val_if_fail (SD_IS_UPLOAD (self), NULL);

  return self->filename;
}

const char *
sd_upload_get_content_type (SdUpload *self)
{
  g_return_val_if_fail (SD_IS_UPLOAD (self), NULL);

  return self->content_type;
}

gint64
sd_upload_get_size (SdUpload *self)
{
  g_return_val_if_fail (SD_IS_UPLOAD (self), 0);

  return self->size;
}

gint64
sd_upload_get_sent (SdUpload *self)
{
  g_return_val_if_fail (SD_IS_UPLOAD (self), 0);

  return self->sent;
}

double
sd_upload_get_fraction (SdUpload *self)
{
  g_return_val_if_fail (SD_IS_UPLOAD (self), 0.0);

  if (self->size == 0)
    return self->state == SD_UPLOAD_STATE_DONE ? 1.0 : 0.0;

  return CLAMP ((double)self->sent / (double)self->size, 0.0, 1.0);
}

gboolean
sd_upload_get_refused (SdUpload *self)
{
  g_return_val_if_fail (SD_IS_UPLOAD (self), FALSE);

  return self->state == SD_UPLOAD_STATE_FAILED && self->error != NULL &&
         !sd_client_error_is_transient (self->error);
}

gboolean
sd_upload_list_has_refused (GListModel *uploads)
{
  for (guint i = 0; i < g_list_model_get_n_items (uploads); i++)
    {
      g_autoptr(SdUpload) upload = g_list_model_get_item (uploads, i);

      if (sd_upload_get_refused (upload))
        return TRUE;
    }

  return FALSE;
}

SdUploadState
sd_upload_get_state (SdUpload *self)
{
  g_return_val_if_fail (SD_IS_UPLOAD (self), SD_UPLOAD_STATE_WAITING);

  return self->state;
}

SdUploadInfo *
sd_upload_get_info (SdUpload *self)
{
  g_return_val_if_fail (SD_IS_UPLOAD (self), NULL);

  return self->info;
}

const GError *
sd_upload_get_error (SdUpload *self)
{
  g_return_val_if_fail (SD_IS_UPLOAD (self), NULL);

  return self->error;
}

guint
sd_upload_get_attempt (SdUpload *self)
{
  g_return_val_if_fail (SD_IS_UPLOAD (self), 0);

  return self->attempt;
}

const char *
sd_upload_get_idempotency_key (SdUpload *self)
{
  g_return_val_if_fail (SD_IS_UPLOAD (self), NULL);

  return self->idempotency_key;
}

/* What the API takes: 1 to 255 printable ASCII characters. */
static gboolean
is_idempotency_key (const char *key)
{
  gsize length = key != NULL ? strlen (key) : 0;

  if (length < 1 || length > 255)
    return FALSE;

  for (const char *p = key; *p != '\0'; p++)
    if (*p < 0x20 || *p > 0x7e)
      return FALSE;

  return TRUE;
}

/*
 * Changing the key while an attempt may have reached the server could make
 * a second upload of the same file: that is what the key is there to prevent.
 */
void
sd_upload_set_idempotency_key (SdUpload   *self,
                               const char *key)
{
  g_return_if_fail (SD_IS_UPLOAD (self));
  g_return_if_fail (is_idempotency_key (key));
  g_return_if_fail (self->state != SD_UPLOAD_STATE_UPLOADING);

  g_free (self->idempotency_key);
  self->idempotency_key = g_strdup (key);
}

void
sd_upload_set_backoff (SdUpload *self,
                       guint     base_ms,
                       guint     max_ms)
{
  g_return_if_fail (SD_IS_UPLOAD (self));
  g_return_if_fail (base_ms > 0 && base_ms <= max_ms);

  sd_backoff_init (&self->backoff, base_ms, max_ms);
}
