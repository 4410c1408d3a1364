#define G_LOG_DOMAIN "sd-test-list-diff"

#include "config.h"

#include "sd-list-diff.h"

/*
 * sd_list_diff() on lists of small integers standing for objects: applying
 * its runs, in order, must turn the old list into the new one, and the runs
 * must leave alone every item the two lists keep in common.
 */

typedef struct
{
  GPtrArray *list;
  gpointer  *new_items;
  guint      n_runs;
  guint      n_changed;
} Apply;

static void
apply_run_cb (guint    position,
              guint    n_removed,
              guint    new_position,
              guint    n_added,
              gpointer user_data)
{
  Apply *apply = user_data;

  g_assert_cmpuint (n_removed + n_added, >, 0);
  g_assert_cmpuint (position + n_removed, <=, apply->list->len);

  g_ptr_array_remove_range (apply->list, position, n_removed);
  for (guint i = 0; i < n_added; i++)
    g_ptr_array_insert (apply->list, position + i, apply->new_items[new_position + i]);

  apply->n_runs++;
  apply->n_changed += n_removed + n_added;
}

static GPtrArray *
list_from_string (const char *text)
{
  GPtrArray *list = g_ptr_array_new ();

  for (const char *p = text; *p != '\0'; p++)
    g_ptr_array_add (list, GUINT_TO_POINTER ((guint)*p));

  return list;
}

/* Diffs @old_text into @new_text; returns how many runs it took, and checks the result. */
static guint
diff (const char *old_text,
      const char *new_text,
      guint       max_size,
      guint      *n_changed)
{
  g_autoptr(GPtrArray) old_list = list_from_string (old_text);
  g_autoptr(GPtrArray) new_list = list_from_string (new_text);
  Apply apply = { list_from_string (old_text), new_list->pdata, 0, 0 };

  sd_list_diff (old_list->pdata, old_list->len, new_list->pdata, new_list->len, max_size,
                apply_run_cb, &apply);

  g_assert_cmpuint (apply.list->len, ==, new_list->len);
  for (guint i = 0; i < new_list->len; i++)
    g_assert_true (g_ptr_array_index (apply.list, i) == g_ptr_array_index (new_list, i));

  if (n_changed != NULL)
    *n_changed = apply.n_changed;
  g_ptr_array_unref (apply.list);

  return apply.n_runs;
}

static void
test_cases (void)
{
  guint n_changed = 0;

  g_assert_cmpuint (diff ("", "", 256, NULL), ==, 0);
  g_assert_cmpuint (diff ("abcd", "abcd", 256, NULL), ==, 0);
  g_assert_cmpuint (diff ("", "abc", 256, NULL), ==, 1);
  g_assert_cmpuint (diff ("abc", "", 256, NULL), ==, 1);

  /* A new item on top: one insertion. */
  g_assert_cmpuint (diff ("abcd", "xabcd", 256, &n_changed), ==, 1);
  g_assert_cmpuint (n_changed, ==, 1);

  /* The last item moves to the top: added there, removed at the end. */
  g_assert_cmpuint (diff ("abcd", "dabc", 256, &n_changed), ==, 2);
  g_assert_cmpuint (n_changed, ==, 2);

  /* A new item on top pushes the last one out of a page of the same size. */
  g_assert_cmpuint (diff ("abcd", "xabc", 256, &n_changed), ==, 2);
  g_assert_cmpuint (n_changed, ==, 2);

  /* An item in the middle replaced. */
  g_assert_cmpuint (diff ("abcde", "abxde", 256, &n_changed), ==, 1);
  g_assert_cmpuint (n_changed, ==, 2);

  /* Beyond the limit, the middle is one run; the common start and end still stay. */
  g_assert_cmpuint (diff ("abcdefgh", "aXcXeXgh", 3, &n_changed), ==, 1);
  g_assert_cmpuint (n_changed, ==, 10);
}

static void
test_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  for (guint round = 0; round < 2000; round++)
    {
      char old_text[24] = { 0 };
      char new_text[24] = { 0 };
      guint n_old = g_rand_int_range (rand, 0, 20);
      guint n_new = g_rand_int_range (rand, 0, 20);

      /* Letters may repeat, which real lists never do, and must still come out right. */
      for (guint i = 0; i < n_old; i++)
        old_text[i] = 'a' + g_rand_int_range (rand, 0, 8);
      for (guint i = 0; i < n_new; i++)
        new_text[i] = 'a' + g_rand_int_range (rand, 0, 8);

      diff (old_text, new_text, 256, NULL);
      diff (old_text, new_text, 4, NULL);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sd/client/list-diff/cases", test_cases);
  g_test_add_func ("/sd/client/list-diff/random", test_random);

  return g_test_run ();
}
