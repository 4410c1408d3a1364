#define G_LOG_DOMAIN "sd-client"

#include "config.h"

#include "sd-disk-worker.h"

typedef struct
{
  GTask           *task;
  GTaskThreadFunc  func;
} Job;

static void
run_job (gpointer data,
         gpointer user_data)
{
  Job *job = data;

  job->func (job->task, g_task_get_source_object (job->task), g_task_get_task_data (job->task),
             g_task_get_cancellable (job->task));
  g_object_unref (job->task);
  g_free (job);
}

void
sd_disk_worker_run (GTask           *task,
                    GTaskThreadFunc  func)
{
  /*
   * Never freed: the last reference to a job's source object may be dropped
   * on this very thread, which must then not be asked to wait for itself.
   */
  static GThreadPool *pool;
  Job *job;

  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (func != NULL);

  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, g_thread_pool_new (run_job, NULL, 1, TRUE, NULL));

  job = g_new0 (Job, 1);
  job->task = g_object_ref (task);
  job->func = func;
  g_thread_pool_push (pool, job, NULL);
}
