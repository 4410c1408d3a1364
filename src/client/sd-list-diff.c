#define G_LOG_DOMAIN "sd-client"

#include "config.h"

#include "sd-list-diff.h"

static void
diff_middle (gpointer const *old_items,
             guint           n_old,
             gpointer const *new_items,
             guint           n_new,
             guint           position,
             guint           new_position,
             SdListDiffFunc  func,
             gpointer        user_data)
{
  g_autofree guint *lcs = NULL;
  guint width = n_new + 1;
  guint i = 0, j = 0;

  /* lcs[a * width + b]: the length of the common subsequence of old[a…] and new[b…]. */
  lcs = g_new0 (guint, (n_old + 1) * width);
  for (guint a = n_old; a-- > 0;)
    for (guint b = n_new; b-- > 0;)
      lcs[a * width + b] = old_items[a] == new_items[b]
                           ? lcs[(a + 1) * width + b + 1] + 1
                           : MAX (lcs[(a + 1) * width + b], lcs[a * width + b + 1]);

  while (i < n_old || j < n_new)
    {
      guint removed = 0;
      guint first_added = j;

      if (i < n_old && j < n_new && old_items[i] == new_items[j])
        {
          i++, j++, position++;
          continue;
        }

      /* A run ends at the next item both keep. */
      while ((i < n_old || j < n_new) &&
             !(i < n_old && j < n_new && old_items[i] == new_items[j]))
        {
          if (j == n_new || (i < n_old && lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]))
            i++, removed++;
          else
            j++;
        }

      func (position, removed, new_position + first_added, j - first_added, user_data);
      position += j - first_added;
    }
}

void
sd_list_diff (gpointer const *old_items,
              guint           n_old,
              gpointer const *new_items,
              guint           n_new,
              guint           max_size,
              SdListDiffFunc  func,
              gpointer        user_data)
{
  g_autofree gpointer *old_copy = NULL;
  guint prefix = 0;
  guint suffix = 0;

  g_return_if_fail (old_items != NULL || n_old == 0);
  g_return_if_fail (new_items != NULL || n_new == 0);
  g_return_if_fail (func != NULL);

  while (prefix < n_old && prefix < n_new && old_items[prefix] == new_items[prefix])
    prefix++;
  while (suffix < n_old - prefix && suffix < n_new - prefix &&
         old_items[n_old - 1 - suffix] == new_items[n_new - 1 - suffix])
    suffix++;

  n_old -= prefix + suffix;
  n_new -= prefix + suffix;
  if (n_old == 0 && n_new == 0)
    return;

  if (n_old > max_size || n_new > max_size)
    {
      func (prefix, n_old, prefix, n_new, user_data);
      return;
    }

  /* @func changes the old list as it goes, so the walk keeps its own copy. */
  old_copy = g_memdup2 (old_items + prefix, MAX (n_old, 1) * sizeof (gpointer));
  diff_middle ((gpointer const *)old_copy, n_old, new_items + prefix, n_new, prefix, prefix,
               func, user_data);
}
