#define G_LOG_DOMAIN "sd-bench-upload"

#include "config.h"

#include "sd-bench-util.h"
#include "sd-client.h"
#include "sd-upload.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

/*
 * upload: one big file to POST /api/v1/uploads through the client library
 * (SdUpload, in this process), against `curl -T` of the same file to the
 * same server with the same Content-Type and query string. They alternate,
 * --runs times each; the medians are compared. A second line gives how far
 * this process's peak memory (VmHWM) rose over its resident size just
 * before the first upload, against the 32 MiB the budget allows.
 *
 * After each upload the stored file is deleted from the server's --files-dir,
 * so that the runs need the disk space of one copy only.
 */

#define MEMORY_BUDGET_MIB 32.0
#define FILENAME "bench-upload.bin"
#define CONTENT_TYPE "application/octet-stream"

typedef struct
{
  GMainLoop    *loop;
  SdUploadInfo *info;
  GError       *error;
} Wait;

static void
uploaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Wait *wait = user_data;

  wait->info = sd_upload_start_finish (SD_UPLOAD (source), result, &wait->error);
  g_main_loop_quit (wait->loop);
}

static double
upload_with_client (SdClient *client,
                    GFile    *file,
                    gint64    size)
{
  g_autoptr(SdUpload) upload = sd_upload_new (client, file, FILENAME, CONTENT_TYPE);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Wait wait = { loop, NULL, NULL };
  gint64 start = g_get_monotonic_time ();
  double seconds;

  sd_upload_start_async (upload, NULL, uploaded_cb, &wait);
  g_main_loop_run (loop);
  seconds = (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC;

  if (wait.info == NULL)
    g_error ("The client's upload failed: %s", wait.error->message);
  if (sd_upload_info_get_size (wait.info) != size)
    g_error ("The server stored %" G_GINT64_FORMAT " bytes of %" G_GINT64_FORMAT,
             sd_upload_info_get_size (wait.info), size);
  g_object_unref (wait.info);

  return seconds;
}

static double
upload_with_curl (const char *base_url,
                  const char *token,
                  const char *path,
                  gint64      size)
{
  g_autofree char *url = g_strconcat (base_url, "/api/v1/uploads?filename=" FILENAME, NULL);
  g_autofree char *authorization = g_strconcat ("Authorization: Bearer ", token, NULL);
  g_autofree char *size_text = g_strdup_printf ("\"size\":%" G_GINT64_FORMAT, size);
  g_autofree char *out = NULL;
  g_autoptr(GSubprocess) curl = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  double seconds;

  curl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                           "curl", "-sS", "--fail-with-body", "-X", "POST", "-T", path,
                           "-H", authorization, "-H", "Content-Type: " CONTENT_TYPE, url, NULL);
  if (curl == NULL || !g_subprocess_communicate_utf8 (curl, NULL, NULL, &out, NULL, &error))
    g_error ("curl: %s", error->message);
  seconds = (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC;

  if (!g_subprocess_get_successful (curl) || out == NULL || strstr (out, size_text) == NULL)
    g_error ("curl's upload failed: %s", out != NULL ? out : "no answer");

  return seconds;
}

/* CPU seconds used so far by this process (RUSAGE_SELF) or by its ended children. */
static double
cpu_seconds (int who)
{
  struct rusage usage;

  if (getrusage (who, &usage) != 0)
    return 0;

  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / (double)G_USEC_PER_SEC;
}

/* The server's copy of the file is no use to the benchmark: free the disk. */
static void
delete_stored (const char *files_dir,
               gint64      size)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (files_dir == NULL || (dir = g_dir_open (files_dir, 0, NULL)) == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (files_dir, name, NULL);
      GStatBuf st;

      if (g_stat (path, &st) == 0 && S_ISREG (st.st_mode) && st.st_size == size)
        g_unlink (path);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *base_url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  g_autofree char *files_dir = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) client_s = g_array_new (FALSE, FALSE, sizeof (double));
  double client_cpu = 0, curl_cpu = 0;
  g_autoptr(GArray) curl_s = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(SdClient) client = NULL;
  g_autoptr(GFile) file = NULL;
  int runs = 3;
  gint64 rss_before, hwm_after;
  GStatBuf st;
  double growth_mib;
  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &base_url, "The service", "URL" },
    { "token", 0, 0, G_OPTION_ARG_STRING, &token, "A session token", "TOKEN" },
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &path, "The file to upload", "PATH" },
    { "files-dir", 0, 0, G_OPTION_ARG_FILENAME, &files_dir,
      "The server's files/ folder, to delete the copies from", "DIR" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Uploads of each kind (default 3)", "N" },
    { NULL }
  };

  context = g_option_context_new ("- time an upload through the client library against curl");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      base_url == NULL || token == NULL || path == NULL || runs < 1)
    {
      g_printerr ("upload: %s\n",
                  error != NULL ? error->message : "give --server, --token, --file");
      return 2;
    }

  if (g_stat (path, &st) != 0)
    g_error ("Cannot read %s", path);

  client = sd_client_new (base_url);
  sd_client_set_token (client, token);
  file = g_file_new_for_path (path);

  rss_before = sd_bench_status_kib ("VmRSS");
  if (!sd_bench_reset_hwm ())
    g_printerr ("upload: cannot reset VmHWM; it counts from the start of the program\n");

  /* Alternating, the client first in odd runs, so that neither always goes first. */
  for (int run = 0; run < runs; run++)
    for (int turn = 0; turn < 2; turn++)
      {
        double seconds;
        double cpu;

        if ((turn + run) % 2 == 0)
          {
            cpu = cpu_seconds (RUSAGE_SELF);
            seconds = upload_with_client (client, file, st.st_size);
            client_cpu += cpu_seconds (RUSAGE_SELF) - cpu;
            g_array_append_val (client_s, seconds);
          }
        else
          {
            cpu = cpu_seconds (RUSAGE_CHILDREN);
            seconds = upload_with_curl (base_url, token, path, st.st_size);
            curl_cpu += cpu_seconds (RUSAGE_CHILDREN) - cpu;
            g_array_append_val (curl_s, seconds);
          }
        delete_stored (files_dir, st.st_size);
        printf ("# upload run %d: %s %.2fs\n", run + 1, (turn + run) % 2 == 0 ? "client" : "curl",
                seconds);
      }

  hwm_after = sd_bench_status_kib ("VmHWM");
  growth_mib = MAX (0, hwm_after - rss_before) / 1024.0;

  printf ("# upload: %.0f MiB file, %d runs each;"
          " client VmRSS before %.1f MiB, VmHWM after %.1f MiB\n",
          st.st_size / 1048576.0, runs, rss_before / 1024.0, hwm_after / 1024.0);
  /* Both compete with the server for the machine's cores. */
  printf ("# upload: CPU per upload (user and system): client %.2fs, curl %.2fs\n",
          client_cpu / runs, curl_cpu / runs);
  sd_bench_print_result ("upload", sd_bench_median (client_s) * 1000,
                         sd_bench_median (curl_s) * 1000, "ms", 1.25, TRUE, TRUE);
  sd_bench_print_result ("upload-memory", growth_mib, MEMORY_BUDGET_MIB, "MiB", 1.0, TRUE, TRUE);

  return 0;
}
