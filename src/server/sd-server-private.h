#pragma once

#include "sd-files.h"
#include "sd-pin.h"
#include "sd-request.h"
#include "sd-server.h"

G_BEGIN_DECLS

/* What handlers need of the server beyond the request itself. */
SdServer        *sd_request_get_server          (SdRequest   *request);
SdUploadWriter  *sd_request_get_upload          (SdRequest   *request);
/* Keeps the transaction's writes even though the reply is an error. */
void             sd_request_keep_changes        (SdRequest   *request);

const char      *sd_server_get_files_dir        (SdServer    *self);
const guint8    *sd_server_get_pin_key          (SdServer    *self);
guint64          sd_server_get_max_upload_size  (SdServer    *self);

G_END_DECLS
