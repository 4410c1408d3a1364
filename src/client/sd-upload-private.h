#pragma once

#include "sd-upload.h"

#include "sd-backoff.h"

#include <libsoup/soup.h>

G_BEGIN_DECLS

/*
 * SdUpload is two files: sd-upload.c, the object and its properties, and
 * sd-upload-send.c, an attempt at sending the file. They share this.
 */
struct _SdUpload
{
  GObject           parent_instance;

  /* owned */
  SdClient         *client;
  GFile            *file;
  char             *filename;
  char             *content_type;
  char             *idempotency_key;
  SdUploadInfo     *info;
  GError           *error;

  /* owned, while a start runs: over all its attempts */
  GCancellable     *cancellable;
  GCancellable     *caller_cancellable;
  gulong            caller_cancelled_id;
  /* owned, while one attempt runs, or the wait before the next */
  GFileInputStream *stream;
  SoupMessage      *msg;
  GSource          *retry_source;

  SdBackoff         backoff;
  guint             attempt;
  /* The server's limits were asked for in this start: they are not asked twice. */
  gboolean          limits_checked;

  gint64            size;
  gint64            sent;
  gint64            last_notify;
  SdUploadState     state;
};

/* sd-upload.c: each notifies what changed. sd_upload_set_error() takes @error. */
void sd_upload_set_state   (SdUpload      *self,
                            SdUploadState  state);
void sd_upload_set_size    (SdUpload      *self,
                            gint64         size);
void sd_upload_set_sent    (SdUpload      *self,
                            gint64         sent);
void sd_upload_set_error   (SdUpload      *self,
                            GError        *error);
void sd_upload_set_info    (SdUpload      *self,
                            SdUploadInfo  *info);
void sd_upload_set_attempt (SdUpload      *self,
                            guint          attempt);

/* sd-upload-send.c: ends the running start, whose message, wait and cancellables are done with. */
void sd_upload_end_attempt (SdUpload      *self);

G_END_DECLS
