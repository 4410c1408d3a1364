#define G_LOG_DOMAIN "sd-test-number"

#include "config.h"

#include "sd-number.h"

static void
test_valid (void)
{
  const struct {
    const char *text;
    gint64      min;
    gint64      max;
    gint64      value;
  } cases[] = {
    { "0", 0, G_MAXINT64, 0 },
    { "7", 1, G_MAXINT64, 7 },
    { "007", 1, 100, 7 },
    { "100", 1, 100, 100 },
    { "9223372036854775807", 0, G_MAXINT64, G_MAXINT64 },
    { "-1", -5, 5, -1 },
    { "-9223372036854775808", G_MININT64, G_MAXINT64, G_MININT64 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 value = 12345;

      g_assert_true (sd_number_parse (cases[i].text, cases[i].min, cases[i].max, &value));
      g_assert_cmpint (value, ==, cases[i].value);
    }
}

static void
test_invalid (void)
{
  const struct {
    const char *text;
    gint64      min;
    gint64      max;
  } cases[] = {
    { NULL, 0, 10 },
    { "", 0, 10 },
    { "-", -10, 10 },
    { "+7", 0, 10 },
    { "-1", 0, 10 },
    { "-0", 0, 10 },
    { " 7", 0, 10 },
    { "7 ", 0, 10 },
    { "7a", 0, 10 },
    { "0x10", 0, 100 },
    { "1e3", 0, 10000 },
    { "٣", 0, 10 },
    { "0", 1, 10 },
    { "11", 1, 10 },
    { "-11", -10, 10 },
    { "9223372036854775808", 0, G_MAXINT64 },
    { "-9223372036854775809", G_MININT64, G_MAXINT64 },
    { "99999999999999999999999", 0, G_MAXINT64 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 value = 12345;

      g_test_message ("“%s” in %" G_GINT64_FORMAT "…%" G_GINT64_FORMAT,
                      cases[i].text != NULL ? cases[i].text : "(null)", cases[i].min, cases[i].max);
      g_assert_false (sd_number_parse (cases[i].text, cases[i].min, cases[i].max, &value));
      g_assert_cmpint (value, ==, 12345);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sd/models/number/valid", test_valid);
  g_test_add_func ("/sd/models/number/invalid", test_invalid);

  return g_test_run ();
}
