#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Text that looks like support tickets, the same on every run: a vocabulary
 * of a few thousand words drawn with a Zipf-like distribution (the common
 * words of support requests first), and rare words (product codes, names)
 * that only a few tickets hold.
 */

typedef struct
{
  guint64 state;
} SdBenchRandom;

void          sd_bench_random_init   (SdBenchRandom *random,
                                      guint64        seed);
guint64       sd_bench_random_next   (SdBenchRandom *random);
/* Uniform in [0, @n). */
guint         sd_bench_random_range  (SdBenchRandom *random,
                                      guint          n);
/* Uniform in [0, 1). */
double        sd_bench_random_double (SdBenchRandom *random);

typedef struct _SdBenchWords SdBenchWords;

/* @n_words ranked words (at least the built-in real ones) and @n_rare rare ones. */
SdBenchWords *sd_bench_words_new     (guint          n_words,
                                      guint          n_rare);
void          sd_bench_words_free    (SdBenchWords  *self);
guint         sd_bench_words_count   (SdBenchWords  *self);
/* One word, drawn with probability proportional to 1 / rank^s. */
const char   *sd_bench_words_draw    (SdBenchWords  *self,
                                      SdBenchRandom *random);
/* The same, but never one of the short function words ("the", "and"…). */
const char   *sd_bench_words_draw_content (SdBenchWords  *self,
                                           SdBenchRandom *random);
const char   *sd_bench_words_rare    (SdBenchWords  *self,
                                      guint          index);
guint         sd_bench_words_n_rare  (SdBenchWords  *self);
/*
 * Appends @n_words words as sentences (capitals, commas, full stops); with
 * @rare_word (or NULL) somewhere among them.
 */
void          sd_bench_words_text    (SdBenchWords  *self,
                                      SdBenchRandom *random,
                                      guint          n_words,
                                      const char    *rare_word,
                                      GString       *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdBenchWords, sd_bench_words_free)

G_END_DECLS
