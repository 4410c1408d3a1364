#define G_LOG_DOMAIN "supportdesk-cli"

#include "config.h"

#include "sd-cli.h"

#include <locale.h>

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");

  return sd_cli_run (argc, argv);
}
