/*
 * sweep.h - the parts of `tkprofile sweep` (cmd_sweep.c) kept in files of
 * their own.
 */
#ifndef TKP_SWEEP_H
#define TKP_SWEEP_H

#include <stddef.h>

/*
 * Builds the summary of the sweep in dir from its sweep.csv (csv_path), so
 * that resumed rows count; prints it on stdout and writes dir/summary.txt.
 * partial: the sweep was interrupted; skipped and failed: configurations
 * not in sweep.csv, said in the last line.  0, or a TKP_E* code with err.
 */
int tkp_sweep_write_summary(const char *csv_path, const char *dir, int partial, size_t skipped,
			    size_t failed, char *err, size_t errlen);

/*
 * A compute ceiling that a row of dir's sweep.csv went above (the peak the
 * report compares it with) is measured again once, the full probe's way,
 * and a higher figure replaces it in dir/ceilings.csv; says on stderr what
 * it found (sweep_recheck.c).  0 also when there is nothing to compare (no
 * ceilings.csv), else a TKP_E* code (ceilings.csv then stays as it was).
 */
int tkp_sweep_recheck_peaks(const char *dir);

#endif
