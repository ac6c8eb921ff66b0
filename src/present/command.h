/*
 * command.h - the command that made a results directory, kept with it
 * (command.c).  The sweep records it as data, DIR/command.txt (one line,
 * the command shell-quoted), written atomically like every results file;
 * `tkprofile report` and `tkprofile compare` read it back through
 * tkp_present_command (present.h), the one reader, which falls back to the
 * comment earlier versions left in report.md (and report.md keeps that
 * comment, for them).
 */
#ifndef TKP_PRESENT_COMMAND_H
#define TKP_PRESENT_COMMAND_H

#include <stdio.h>

/* Writes command into dir/command.txt (atomically).  Prints why and
 * returns TKP_PR_FAIL on failure, else 0. */
int tkp_command_save(const char *cmd, const char *dir, const char *command);
/* Writes command into a report's Markdown as the comment older readers
 * look for (control characters as spaces, no "-->" inside). */
void tkp_command_mark(FILE *md, const char *command);

#endif
