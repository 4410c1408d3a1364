#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * One run that differs: @n_removed items at @position (in the list as it is
 * once the earlier runs are applied) are replaced by the @n_added items of
 * the new list that start at @new_position.
 */
typedef void (*SdListDiffFunc) (guint    position,
                                guint    n_removed,
                                guint    new_position,
                                guint    n_added,
                                gpointer user_data);

/*
 * Compares two lists of pointers by identity and calls @func, left to
 * right, for each run around their longest common subsequence, so that a
 * list model can emit one items-changed per run. Lists longer than
 * @max_size (after their common start and end) are one run, since the
 * comparison takes time and memory in the product of their lengths.
 */
void sd_list_diff (gpointer const *old_items,
                   guint           n_old,
                   gpointer const *new_items,
                   guint           n_new,
                   guint           max_size,
                   SdListDiffFunc  func,
                   gpointer        user_data);

G_END_DECLS
