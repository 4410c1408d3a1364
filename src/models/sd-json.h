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
