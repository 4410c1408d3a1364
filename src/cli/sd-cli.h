#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * supportdesk-cli: the whole API from a terminal, through the client
 * library. Runs one command and returns the process's exit status.
 */
int sd_cli_run (int    argc,
                char **argv);

G_END_DECLS
