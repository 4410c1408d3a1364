#define G_LOG_DOMAIN "sd-bench"

#include "config.h"

#include "sd-bench-words.h"

#include <math.h>
#include <string.h>

/*
 * The head of the vocabulary, most frequent first: the words of people
 * asking for help with software. Everything after these is made up from
 * syllables, which keeps the tail long without shipping a dictionary.
 */
static const char * const real_words[] = {
  /* Function words: frequent everywhere, and left out of subjects. */
  "the", "to", "and", "a", "i", "is", "it", "we", "in", "of", "that", "not", "on", "for",
  "you", "this", "with", "our", "have", "be", "can", "but", "when", "my", "are", "was", "at",
  "from", "no", "do", "all", "as", "or", "after", "again", "there", "now", "so", "if", "any",
  "since", "still", "what", "some", "one", "also", "please", "could", "would", "does",
#define N_FUNCTION_WORDS 50
  /* The words of the trade. */
  "error", "update", "printer", "server", "install", "message", "file", "data", "account",
  "password", "invoice", "report", "screen", "window", "version", "computer", "network",
  "connection", "email", "backup", "license", "firewall", "dashboard", "export", "import",
  "database", "sync", "settings", "login", "crash", "missing", "wrong", "slow", "failed",
  "working", "installer", "installation", "installed", "customer", "order", "payment",
  "office", "laptop", "folder", "files", "users", "user", "shows", "says", "page", "button",
  "click", "open", "opens", "closes", "start", "starts", "restart", "yesterday", "today",
  "morning", "week", "monday", "friday", "again", "help", "thanks", "thank", "problem",
  "issue", "fixed", "works", "anymore", "antivirus", "blocked", "blocks", "access",
  "denied", "timeout", "figures", "sales", "numbers", "vat", "address", "name", "change",
  "changed", "new", "old", "team", "colleague", "manager", "support", "service", "app",
  "application", "mobile", "phone", "tablet", "browser", "website", "portal", "upload",
  "download", "attachment", "screenshot", "log", "logs", "attached", "see", "here", "below",
  "above", "step", "steps", "tried", "try", "reinstall", "reboot", "rebooted", "cache",
  "cleared", "certificate", "expired", "renew", "subscription", "plan", "billing", "charged",
  "twice", "refund", "credit", "card", "bank", "transfer", "month", "year", "days", "hours",
  "minutes", "scanner", "barcode", "label", "labels", "print", "printing", "printed", "paper",
  "stock", "warehouse", "product", "products", "price", "prices", "discount", "tax",
  "receipt", "receipts", "cashier", "register", "shop", "store", "branch", "location",
  "sign", "signed", "reset", "code", "codes", "two", "factor", "authentication", "token",
  "session", "expired", "locked", "unlock", "admin", "administrator", "rights", "role",
  "permission", "permissions", "share", "shared", "drive", "disk", "space", "full", "memory",
  "cpu", "fan", "noise", "keyboard", "mouse", "monitor", "display", "resolution", "font",
  "fonts", "language", "german", "french", "english", "translation", "date", "time",
  "timezone", "clock", "calendar", "schedule", "task", "tasks", "job", "jobs", "queue",
  "stuck", "pending", "hangs", "freezes", "frozen", "spinning", "loading", "blank", "white",
  "black", "red", "warning", "popup", "dialog", "notification", "notifications", "sound",
  "alert", "alerts", "rule", "rules", "policy", "proxy", "vpn", "wifi", "router", "cable",
  "port", "ports", "outbound", "inbound", "dns", "domain", "host", "ip", "static", "dynamic",
};

struct _SdBenchWords
{
  GPtrArray *words;   /* ranked, most frequent first */
  GPtrArray *rare;
  double    *cdf;     /* cumulative probability by rank */
  guint      content_start;
};

void
sd_bench_random_init (SdBenchRandom *random,
                      guint64        seed)
{
  random->state = seed;
}

/* splitmix64: small, fast, and the same everywhere. */
guint64
sd_bench_random_next (SdBenchRandom *random)
{
  guint64 z = (random->state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

guint
sd_bench_random_range (SdBenchRandom *random,
                       guint          n)
{
  return (guint)((sd_bench_random_next (random) >> 32) * n >> 32);
}

double
sd_bench_random_double (SdBenchRandom *random)
{
  return (sd_bench_random_next (random) >> 11) * (1.0 / 9007199254740992.0);
}

static char *
made_up_word (SdBenchRandom *random,
              guint          syllables,
              const char    *suffix)
{
  static const char consonants[] = "bcdfghklmnprstvz";
  static const char vowels[] = "aeiou";
  GString *word = g_string_new (NULL);

  for (guint i = 0; i < syllables; i++)
    {
      g_string_append_c (word, consonants[sd_bench_random_range (random, sizeof consonants - 1)]);
      g_string_append_c (word, vowels[sd_bench_random_range (random, sizeof vowels - 1)]);
    }
  if (sd_bench_random_range (random, 3) == 0)
    g_string_append_c (word, consonants[sd_bench_random_range (random, sizeof consonants - 1)]);
  g_string_append (word, suffix);

  return g_string_free (word, FALSE);
}

SdBenchWords *
sd_bench_words_new (guint n_words,
                    guint n_rare)
{
  SdBenchWords *self = g_new0 (SdBenchWords, 1);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  SdBenchRandom random;
  double total = 0;

  self->words = g_ptr_array_new_with_free_func (g_free);
  self->rare = g_ptr_array_new_with_free_func (g_free);
  self->content_start = N_FUNCTION_WORDS;
  sd_bench_random_init (&random, 20261126);

  for (guint i = 0; i < G_N_ELEMENTS (real_words); i++)
    if (g_hash_table_add (seen, (gpointer)real_words[i]))
      g_ptr_array_add (self->words, g_strdup (real_words[i]));

  while (self->words->len < n_words)
    {
      char *word = made_up_word (&random, 2 + sd_bench_random_range (&random, 2), "");

      if (g_hash_table_add (seen, word))
        g_ptr_array_add (self->words, word);
      else
        g_free (word);
    }

  /* Rare words end in "x", which no word of the vocabulary does. */
  while (self->rare->len < n_rare)
    {
      char *word = made_up_word (&random, 3, "x");

      if (g_hash_table_add (seen, word))
        g_ptr_array_add (self->rare, word);
      else
        g_free (word);
    }

  /* Zipf with s = 1.07, near what word counts of English text show. */
  self->cdf = g_new (double, self->words->len);
  for (guint i = 0; i < self->words->len; i++)
    {
      total += 1.0 / pow (i + 1, 1.07);
      self->cdf[i] = total;
    }
  for (guint i = 0; i < self->words->len; i++)
    self->cdf[i] /= total;

  return self;
}

void
sd_bench_words_free (SdBenchWords *self)
{
  if (self == NULL)
    return;

  g_ptr_array_unref (self->words);
  g_ptr_array_unref (self->rare);
  g_free (self->cdf);
  g_free (self);
}

guint
sd_bench_words_count (SdBenchWords *self)
{
  return self->words->len;
}

static guint
draw_rank (SdBenchWords  *self,
           SdBenchRandom *random)
{
  double u = sd_bench_random_double (random);
  guint low = 0, high = self->words->len - 1;

  while (low < high)
    {
      guint middle = (low + high) / 2;

      if (self->cdf[middle] < u)
        low = middle + 1;
      else
        high = middle;
    }

  return low;
}

const char *
sd_bench_words_draw (SdBenchWords  *self,
                     SdBenchRandom *random)
{
  return g_ptr_array_index (self->words, draw_rank (self, random));
}

const char *
sd_bench_words_draw_content (SdBenchWords  *self,
                             SdBenchRandom *random)
{
  guint rank;

  while ((rank = draw_rank (self, random)) < self->content_start)
    ;

  return g_ptr_array_index (self->words, rank);
}

const char *
sd_bench_words_rare (SdBenchWords *self,
                     guint         index)
{
  return g_ptr_array_index (self->rare, index % self->rare->len);
}

guint
sd_bench_words_n_rare (SdBenchWords *self)
{
  return self->rare->len;
}

void
sd_bench_words_text (SdBenchWords  *self,
                     SdBenchRandom *random,
                     guint          n_words,
                     const char    *rare_word,
                     GString       *out)
{
  guint rare_at = rare_word != NULL ? sd_bench_random_range (random, n_words) : G_MAXUINT;
  gboolean sentence_start = TRUE;
  guint left_in_sentence = 0;

  for (guint i = 0; i < n_words; i++)
    {
      const char *word = i == rare_at ? rare_word : sd_bench_words_draw (self, random);

      if (left_in_sentence == 0)
        left_in_sentence = 6 + sd_bench_random_range (random, 12);

      if (i > 0)
        g_string_append_c (out, ' ');
      if (sentence_start)
        {
          g_string_append_c (out, g_ascii_toupper (word[0]));
          g_string_append (out, word + 1);
        }
      else
        g_string_append (out, word);
      sentence_start = FALSE;

      if (--left_in_sentence == 0 || i == n_words - 1)
        {
          g_string_append_c (out, sd_bench_random_range (random, 8) == 0 ? '?' : '.');
          sentence_start = TRUE;
        }
      else if (sd_bench_random_range (random, 12) == 0)
        g_string_append_c (out, ',');
    }
}
