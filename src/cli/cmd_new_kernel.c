/*
 * cmd_new_kernel.c - `tkprofile new-kernel NAME`: writes NAME.c, a working
 * user kernel (the i-k-j loop, both dtypes) with the contract in its
 * comments, as a starting point for `--kernel-file NAME.c`.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fsutil.h"
#include "util.h"

const char cmd_new_kernel_usage[] =
	"usage: tkprofile new-kernel NAME [--dir DIR]\n"
	"\n"
	"Writes DIR/NAME.c (default: the current directory): a working kernel to\n"
	"start from, `int tkp_kernel(const tkp_gemm *g)` for f32 and f64 with the\n"
	"contract in its comments.  The kernel is named after the file, so NAME is\n"
	"a C identifier that is not a built-in kernel's.  Then:\n"
	"\n"
	"  tkprofile run --kernel-file NAME.c --size 256\n"
	"  tkprofile sweep --profile quick --kernel-file NAME.c\n"
	"\n"
	"An existing file is never overwritten.  examples/kernels/ has the seed's\n"
	"ladder (i-j-k, i-k-j, B transposed, blocked, pthreads) to start from too.\n";

static const char template_text[] =
	"/*\n"
	" * %s.c - my matrix multiplication for tkprofile (--kernel-file %s.c).\n"
	" *\n"
	" * The contract (tkprofile_kernel.h): compute C = A*B, all row-major:\n"
	" * A is m x k, B is k x n, C is m x n.  Overwrite C (do not add to it).\n"
	" * Return 0, or TKP_ENOTSUP for a dtype you do not handle.  tkprofile\n"
	" * checks the result against its naive kernel before timing it.\n"
	" */\n"
	"#include <tkprofile_kernel.h>\n"
	"\n"
	"/* optional: a one-line description, and TKP_CAP_BLOCK / TKP_CAP_THREADS\n"
	" * if you read g->block / g->threads (then sweeps pass their lists) */\n"
	"const char tkp_kernel_desc[] = \"%s: i-k-j loop (edit me)\";\n"
	"const unsigned tkp_kernel_caps = 0;\n"
	"\n"
	"/* i-k-j: the inner loop walks B and C along rows, unit stride */\n"
	"#define IKJ(T)                                                        \\\n"
	"	do {                                                          \\\n"
	"		const T *a = g->a, *b = g->b;                         \\\n"
	"		T *c = g->c;                                          \\\n"
	"		for (size_t i = 0; i < g->m; i++) {                   \\\n"
	"			for (size_t j = 0; j < g->n; j++)             \\\n"
	"				c[i * g->n + j] = 0;                  \\\n"
	"			for (size_t p = 0; p < g->k; p++) {           \\\n"
	"				T aip = a[i * g->k + p];              \\\n"
	"				for (size_t j = 0; j < g->n; j++)     \\\n"
	"					c[i * g->n + j] += aip * b[p * g->n + j]; \\\n"
	"			}                                             \\\n"
	"		}                                                     \\\n"
	"	} while (0)\n"
	"\n"
	"int tkp_kernel(const tkp_gemm *g)\n"
	"{\n"
	"	if (g->dtype == TKP_F64)\n"
	"		IKJ(double);\n"
	"	else if (g->dtype == TKP_F32)\n"
	"		IKJ(float);\n"
	"	else\n"
	"		return TKP_ENOTSUP;\n"
	"	return 0;\n"
	"}\n";

static int valid_name(const char *s)
{
	if (!*s || strlen(s) > 31 || (*s >= '0' && *s <= '9'))
		return 0;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

int cmd_new_kernel(int argc, char **argv)
{
	const char *name = NULL, *dir = ".";
	char path[4096], text[sizeof template_text + 256];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			tkp_cli_print_usage("new-kernel");
			return 0;
		} else if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
			dir = argv[++i];
		} else if (argv[i][0] == '-') {
			return tkp_cli_usage("new-kernel", "unknown option '%s' (expected NAME [--dir DIR])",
					     argv[i]);
		} else if (name) {
			return tkp_cli_usage("new-kernel", "unexpected argument '%s' (one NAME)", argv[i]);
		} else {
			name = argv[i];
		}
	}
	if (!name)
		return tkp_cli_usage("new-kernel", "NAME is required (e.g. tkprofile new-kernel mm_ikj)");
	if (!valid_name(name))
		return tkp_cli_usage("new-kernel", "'%s': expected a C identifier of 1 to 31 characters "
						   "(letters, digits, _), e.g. mm_ikj", name);
	if (tkp_kernel_find(name))
		return tkp_cli_usage("new-kernel", "'%s' is a built-in kernel's name (expected another, "
						   "e.g. my_%s)", name, name);
	tkp_fmt(path, sizeof path, "%s/%s.c", dir, name);
	if (tkp_path_exists(path))
		return tkp_cli_usage("new-kernel", "%s exists; not overwriting it", path);
	tkp_fmt(text, sizeof text, template_text, name, name, name);
	if (tkp_write_file(path, text, strlen(text)))
		return tkp_cli_fail("new-kernel", "%s: %s", path, strerror(errno));
	printf("wrote %s\nnext: tkprofile run --kernel-file %s --size 256\n", path, path);
	return 0;
}
