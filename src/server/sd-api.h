#pragma once

#include "sd-request.h"
#include "sd-ticket.h"

G_BEGIN_DECLS

/*
 * The handlers of the API, one per route. Each parses, validates and
 * authorizes, writes in the one transaction the server opened for it, and
 * replies once.
 */
void      sd_api_healthz                 (SdRequest *request);
void      sd_api_limits_get              (SdRequest *request);

void      sd_api_session_create          (SdRequest *request);
void      sd_api_session_get             (SdRequest *request);
void      sd_api_session_delete          (SdRequest *request);

void      sd_api_categories_list         (SdRequest *request);

void      sd_api_tickets_list            (SdRequest *request);
void      sd_api_tickets_create          (SdRequest *request);
void      sd_api_ticket_get              (SdRequest *request);
void      sd_api_ticket_update           (SdRequest *request);

void      sd_api_messages_list           (SdRequest *request);
void      sd_api_messages_create         (SdRequest *request);

void      sd_api_invitations_create      (SdRequest *request);
void      sd_api_invitations_list        (SdRequest *request);
void      sd_api_invitation_delete       (SdRequest *request);

/* Checks an upload's name and type before its body is read. */
gboolean  sd_api_uploads_prepare         (SdRequest *request);
void      sd_api_uploads_create          (SdRequest *request);
void      sd_api_attachment_get          (SdRequest *request);

void      sd_api_pin_create              (SdRequest *request);
void      sd_api_pin_get                 (SdRequest *request);
void      sd_api_pin_delete              (SdRequest *request);
void      sd_api_access_log              (SdRequest *request);
void      sd_api_dashboard_sessions_create (SdRequest *request);

/* Shared between handlers. */
SdUser   *sd_api_load_user               (SdStore   *store,
                                          gint64     id,
                                          GError   **error);
/*
 * Loads a ticket the request's user may see, or replies 404 (and returns
 * NULL) when it does not exist or belongs to another organization.
 */
SdTicket *sd_api_load_visible_ticket     (SdRequest *request,
                                          gint64     id);
/* Creates a pending ticket and its search document. Returns its id, or 0. */
gint64    sd_api_insert_ticket           (SdStore    *store,
                                          const char *subject,
                                          const char *category,
                                          gint64      requester_id,
                                          gint64      organization_id,
                                          gint64      now,
                                          GError    **error);
/*
 * Appends a message to a ticket: updates its counters, activity and search
 * document. Returns the new message's id, or 0 with @error set.
 */
gint64    sd_api_add_message             (SdStore   *store,
                                          gint64     ticket_id,
                                          const char *kind,
                                          gint64     author_id,
                                          const char *body,
                                          gint64     now,
                                          GError   **error);
/* Consumes upload tokens as attachments of a message: FALSE when any is unusable. */
gboolean  sd_api_attach_uploads          (SdRequest *request,
                                          JsonArray *tokens,
                                          gint64     message_id,
                                          gboolean  *out_valid,
                                          GError   **error);
/* Validates "uploads" (absent, or an array of at most 20 distinct strings). */
gboolean  sd_api_get_upload_tokens       (SdRequest  *request,
                                          JsonArray **out_tokens);

/* Replies and returns FALSE unless @id is absent or a known category. */
gboolean  sd_api_check_category          (SdRequest  *request,
                                          const char *id);

/* Description and message bodies, in characters after trimming. */
#define SD_API_TEXT_MAX_CHARS 65536

/* A ticket's columns, its requester's name and the tables they come from (sd-api-tickets*.c). */
#define SD_API_TICKET_COLUMNS \
  "t.id, t.subject, t.category_id, t.status, t.requester_id, u.name, t.created_at," \
  " t.updated_at, t.message_count, t.last_message_at, t.organization_id" \
  " FROM tickets t JOIN users u ON u.id = t.requester_id"
/*
 * The ticket list's query (sd-api-tickets-list.c), which bench/search.c
 * also runs directly on a database to compare with the server.
 *
 * The FTS5 expression for the search words @q: each word a phrase, all of
 * which must match, the last as a prefix; NULL when no word has a letter
 * or digit.
 */
char     *sd_api_build_search_match       (const char *q);
/*
 * A search with at most this many hits (SD_API_SEARCH_HITS_SQL, bound to the
 * expression and to one more than this) takes the plan that looks them up by id.
 */
#define SD_API_SEARCH_FEW_HITS 1000
#define SD_API_SEARCH_HITS_SQL \
  "SELECT rowid FROM ticket_search WHERE ticket_search MATCH ?1 LIMIT ?2"

/* What a list is narrowed by, and its plan. */
typedef enum
{
  SD_API_LIST_ORGANIZATION = 1 << 0,  /* :org */
  SD_API_LIST_CATEGORY     = 1 << 1,  /* :category */
  SD_API_LIST_STATUS       = 1 << 2,  /* :status */
  SD_API_LIST_MATCH        = 1 << 3,  /* :match */
  SD_API_LIST_CURSOR       = 1 << 4,  /* :after_updated, :after_id */
  SD_API_LIST_FEW_HITS     = 1 << 5,  /* a search with few hits */
} SdApiListParts;

/* The list's SQL with these parts, newest activity first, at most :limit tickets. */
char     *sd_api_build_list_sql           (SdApiListParts parts);

/* Subjects, in characters after trimming. */
#define SD_API_SUBJECT_MAX_CHARS 200
/* Uploads attached to one ticket or message. */
#define SD_API_MAX_UPLOADS 20

/*
 * Trims white space of any script off @text and checks it: not empty, at
 * most @max_chars characters, no control characters (one line, without line
 * or paragraph separators either, when @single_line). Replies 400 naming
 * @member and returns NULL when it fails. @label starts the message.
 */
char     *sd_api_clean_text              (SdRequest  *request,
                                          const char *member,
                                          const char *label,
                                          const char *text,
                                          guint       max_chars,
                                          gboolean    single_line);

/* Replies 403 and returns FALSE for agents: PINs and invitations are customers'. */
gboolean  sd_api_require_customer        (SdRequest   *request);
/* "member": {"id", "name"}, or null when @id is 0. */
void      sd_api_add_user_reference      (JsonBuilder *builder,
                                          const char  *member,
                                          gint64       id,
                                          const char  *name);
/* "member": the time, or null when @unix_seconds is 0. */
void      sd_api_add_time_member         (JsonBuilder *builder,
                                          const char  *member,
                                          gint64       unix_seconds);
void      sd_api_reply_builder           (SdRequest   *request,
                                          guint        status,
                                          JsonBuilder *builder);

GDateTime *sd_api_time                   (gint64     unix_seconds);

G_END_DECLS
