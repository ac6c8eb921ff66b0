/*
 * cmd_kernels.c - `tkprofile kernels`: the kernel table and what this CPU
 * and build can run.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kernels.h"

const char cmd_kernels_usage[] =
	"usage: tkprofile kernels\n"
	"\n"
	"Lists the kernel ladder (the registry), in order: name, whether it runs\n"
	"here (and why not), what it takes (block size, threads), and what it is.\n"
	"The SIMD path kernels take on this CPU is shown; set TKP_ISA=avx2 or\n"
	"TKP_ISA=generic to force a lower one.\n";

int cmd_kernels(int argc, char **argv)
{
	if (argc > 1)
		return tkp_cli_usage("kernels", "unexpected argument '%s' (takes none)", argv[1]);
	printf("%-10s %-10s %-14s %s\n", "KERNEL", "RUNS HERE", "TAKES", "DESCRIPTION");
	for (size_t i = 0; i < tkp_kernel_count(); i++) {
		const tkp_kernel *k = tkp_kernel_at(i);
		const char *why = tkp_kernel_why_unavailable(k);
		char takes[32] = "";

		if (k->caps & TKP_CAP_BLOCK)
			strcat(takes, "block");
		if (k->caps & TKP_CAP_THREADS)
			strcat(takes, *takes ? ",threads" : "threads");
		if (!*takes)
			strcpy(takes, "-");
		printf("%-10s %-10s %-14s %s\n", k->name, why ? "no" : "yes", takes, k->desc);
		if (why)
			printf("%-10s   why not: %s\n", "", why);
		if (!why && !strcmp(k->name, "blas")) {
			char weak[320];
			if (tkp_blas_weak_core(weak, sizeof weak))
				printf("%-10s   note: %s\n", "", weak);
		}
	}
	printf("\nSIMD path on this CPU: %s%s\n", tkp_isa_name(),
	       tkp_isa_current() < tkp_isa_supported() ? " (lowered by TKP_ISA)" : "");
	return 0;
}
