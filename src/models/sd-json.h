#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Deeper documents are refused before parsing, so that no input can exhaust the stack. */
#define SD_JSON_MAX_DEPTH 64

/*
 * Parses a request or response body. Refuses empty input, invalid UTF-8,
 * nesting deeper than SD_JSON_MAX_DEPTH and malformed JSON with an
 * SD_API_ERROR_INVALID_JSON error whose message can be shown to people.
 */
JsonNode   *sd_json_parse_bytes        (GBytes      *bytes,
                                        GError     **error);
JsonNode   *sd_json_parse_data         (const char  *data,
                                        gsize        length,
                                        GError     **error);
GBytes     *sd_json_to_bytes           (JsonNode    *node);
char       *sd_json_to_string          (JsonNode    *node,
                                        gboolean     pretty);

/* RFC 3339 in UTC with a "Z", whole seconds: "2026-11-26T08:00:00Z". */
char       *sd_json_format_time        (GDateTime   *time);

/*
 * Writing JSON text straight into a string, for answers too large or too
 * frequent to build as a JsonNode tree first. The text is what JsonGenerator
 * writes for the same values (no white space, the same escapes), except that
 * U+001F is escaped, which JsonGenerator leaves raw (invalid JSON).
 */

/* A time that is absent: written as null. */
#define SD_JSON_NO_TIME G_MININT64

/* Buffer size for sd_json_format_unix_time(), with the terminating NUL. */
#define SD_JSON_TIME_SIZE 21

/*
 * Writes @unix_seconds as sd_json_format_time() would, into @out; returns
 * FALSE (and writes nothing) for SD_JSON_NO_TIME and for times outside the
 * years 1–9999, which are written as null.
 */
gboolean    sd_json_format_unix_time   (gint64       unix_seconds,
                                        char         out[SD_JSON_TIME_SIZE]);

/* Appends @value as a JSON string, or null for NULL. */
void        sd_json_append_string      (GString     *out,
                                        const char  *value);
void        sd_json_append_int         (GString     *out,
                                        gint64       value);
/* Appends the time as a JSON string, or null (see sd_json_format_unix_time()). */
void        sd_json_append_unix_time   (GString     *out,
                                        gint64       unix_seconds);
GDateTime  *sd_json_parse_time         (const char  *text);

/*
 * Adds "member": time (or null) to the object being built.
 */
void        sd_json_builder_add_time   (JsonBuilder *builder,
                                        const char  *member,
                                        GDateTime   *time);

/*
 * Adds "member": value (or null, for a NULL value) to the object being built.
 */
void        sd_json_builder_add_string (JsonBuilder *builder,
                                        const char  *member,
                                        const char  *value);

/*
 * Typed member access for reading documents whose shape is not trusted.
 * Each returns FALSE and sets an SD_API_ERROR_INVALID_FIELD error naming the
 * member when it is present with another type, or absent while required.
 * An absent optional member (or a null one) leaves *out untouched.
 */
gboolean    sd_json_get_string         (JsonObject  *object,
                                        const char  *member,
                                        gboolean     required,
                                        const char **out,
                                        GError     **error);
gboolean    sd_json_get_int            (JsonObject  *object,
                                        const char  *member,
                                        gboolean     required,
                                        gint64      *out,
                                        GError     **error);
gboolean    sd_json_get_boolean        (JsonObject  *object,
                                        const char  *member,
                                        gboolean     required,
                                        gboolean    *out,
                                        GError     **error);
gboolean    sd_json_get_time           (JsonObject  *object,
                                        const char  *member,
                                        gboolean     required,
                                        GDateTime  **out,
                                        GError     **error);
gboolean    sd_json_get_object         (JsonObject  *object,
                                        const char  *member,
                                        gboolean     required,
                                        JsonObject **out,
                                        GError     **error);
gboolean    sd_json_get_array          (JsonObject  *object,
                                        const char  *member,
                                        gboolean     required,
                                        JsonArray  **out,
                                        GError     **error);

G_END_DECLS
