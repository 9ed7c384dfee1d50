/* cli.h - the `yingcai` command: shared pieces of the subcommands.
 *
 * Each subcommand is `int cmd_<name>(int argc, char **argv)` where argv[0]
 * is the subcommand's name; it returns the exit status of formats.md:
 * 0 success, 1 an input was invalid, 2 usage error.
 */
#ifndef YC_CLI_H
#define YC_CLI_H

#include <stdio.h>

#include "core/policy.h"
#include "lib/arena.h"

enum { EXIT_OK = 0, EXIT_INVALID = 1, EXIT_USAGE = 2 };

/* cli_policy_dir: dir when not NULL, else $YINGCAI_POLICY, else the policy/
 * directory beside the executable's build directory, else the installed one. */
const char *cli_policy_dir(const char *dir);
/* cli_load_policy: load the bundle; on errors print them to stderr and
 * return -1, else 0. */
int cli_load_policy(const char *dir, struct arena *a, struct policy_bundle *out);

/* cli_shown: s (an argument or a file name, any bytes) as a message shows
 * it: control characters as \uXXXX, bytes that are not UTF-8 as \xNN
 * (strbuf_add_shown_arg), so that no escape sequence reaches a terminal.
 * The text lives in one of CLI_SHOWN_SLOTS static buffers, reused in turn:
 * for the main thread's messages, up to that many in one message; a text
 * longer than a buffer is cut and ends with "...". */
#define CLI_SHOWN_SLOTS 4
const char *cli_shown(const char *s);

/* cli_open_store: the database `yingcai serve` would use with --data DIR
 * (default "var": sqlite:<data>/yingcai.db, blobs in <data>/blobs) or
 * --db URL; NULL after printing why, prefixed with prog (a data directory
 * made for it is then removed again). */
struct store;
struct store *cli_open_store(const char *prog, const char *data, const char *db,
		struct arena *a);

int cmd_evaluate(int argc, char **argv);
int cmd_calendar(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_mail(int argc, char **argv);

#endif
