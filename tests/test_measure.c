/*
 * test_measure.c - tkp_measure_kernel's contract: the repetitions it
 * promises, the model columns, verification, bad arguments, and cpu_util
 * on one thread counting that thread only (a busy thread elsewhere in the
 * process, like OpenBLAS's pool spinning after a call, once read as ~2.0),
 * the disturbance rule on made-up samples, and tiny calls timed in batches.
 */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bigpages.h"
#include "measure.h"
#include "stats.h"
#include "tap.h"
#include "timer.h"
#include "tkprofile.h"

static atomic_int spin_stop;

static void *spinner(void *arg)
{
	volatile unsigned long x = 0;

	(void)arg;
	while (!atomic_load(&spin_stop))
		x++;
	return NULL;
}

/* stats.h's rule, on samples made up to sit on either side of each bound:
 * what a quiet 2-vCPU VM shows (ticks, a kernel worker, threads waiting
 * for each other), and what sharing a CPU with a busy program shows. */
/* /proc/stat's busy time of our CPUs grows by at least what this thread
 * burns (other tests running beside only add to it). */
static void cpus_busy(void)
{
	double b0 = tkp_cpus_busy_s(), c0 = tkp_thread_cpu_time(), b1;
	volatile double x = 1;

	while (tkp_thread_cpu_time() - c0 < 0.3)
		x = x * 1.0000001 + 1e-9;
	b1 = tkp_cpus_busy_s();
	ok(isfinite(b0) && b1 - b0 >= 0.2, "busy time of the usable CPUs (/proc/stat) grew %.2f s over 0.3 s of CPU",
	   b1 - b0);
}

static void disturbance_rule(void)
{
	const tkp_rep_sample tick = {0.100, 0.100 - 20e-6, 3};   /* 3 ticks' worth, 0.02% */
	const tkp_rep_sample kworker = {0.100, 0.0995, 1};      /* 0.5 ms of 100 ms */
	const tkp_rep_sample shared = {0.100, 0.052, 40};       /* half a CPU to a hog */
	const tkp_rep_sample steal = {0.100, 0.090, 0};         /* 10% gone, no switch */
	const tkp_rep_sample edge = {0.100, 0.0951, 1};         /* 4.9% lost */
	const tkp_rep_sample short_hit = {200e-6, 160e-6, 1};   /* 40 µs of 200: under the floor */
	const tkp_rep_sample short_hog = {4e-3, 1e-3, 2};       /* 3 ms of 4: a time slice */
	const tkp_rep_sample wait2 = {0.100, 0.150, 0};         /* 2 threads, one idle half the time */
	const tkp_rep_sample hog2 = {0.100, 0.120, 25};         /* 2 threads sharing with hogs */
	const tkp_rep_sample nan_cpu = {0.100, NAN, 50};
	const tkp_rep_sample idle2 = {0.100, 0.112, 30};        /* 44% idle, yields counted */
	const tkp_rep_sample starved2 = {0.100, 0.006, 40};     /* 97% lost: hogs on both CPUs */

	ok(!tkp_stats_disturbed(&tick, 1, 2, 0) && !tkp_stats_disturbed(&kworker, 1, 2, 0),
	   "1 thread: timer ticks and a 0.5 ms kernel worker in 100 ms are not a disturbance");
	ok(tkp_stats_disturbed(&shared, 1, 2, 0), "1 thread: half the CPU lost to another program is");
	ok(tkp_stats_disturbed(&steal, 1, 2, 0),
	   "1 thread: 10%% lost without a switch (a hypervisor's steal) is too");
	ok(!tkp_stats_disturbed(&edge, 1, 2, 0), "4.9%% lost is under the 5%% bound");
	ok(!tkp_stats_disturbed(&short_hit, 1, 2, 0) && tkp_stats_disturbed(&short_hog, 1, 2, 0),
	   "a short sample: 40 us lost is under the 50 us floor, a 3 ms time slice is not");
	ok(!tkp_stats_disturbed(&wait2, 2, 2, 0),
	   "2 threads: CPU lost to waiting for each other, without an involuntary switch, is not");
	ok(tkp_stats_disturbed(&hog2, 2, 2, 0), "2 threads: CPU lost with involuntary switches is");
	ok(!tkp_stats_disturbed(&idle2, 2, 2, 0.30) && tkp_stats_disturbed(&idle2, 2, 2, 0.10),
	   "2 threads: idle time the row's best sample shows too is not a disturbance, more is");
	ok(tkp_stats_disturbed(&starved2, 2, 2, 0.96) && !tkp_stats_disturbed(&idle2, 2, 2, 0.44),
	   "2 threads: a best sample that lost 96%% too does not hide a loss no row has by itself "
	   "(base at most 1 - 1/threads)");
	/* the row as a whole: 2 hogs on 2 CPUs for 0.5 s took ~0.5 CPU-s */
	ok(tkp_stats_others_took(0.5, 0.5, 2, 2) && !tkp_stats_others_took(0.03, 0.5, 2, 2),
	   "2 threads on 2 CPUs: others taking half the CPUs over the row is a disturbance, ticks are not");
	ok(!tkp_stats_others_took(1.0, 0.5, 2, 4) && tkp_stats_others_took(1.5, 0.5, 2, 4),
	   "2 threads of 4 CPUs: others may use the 2 spare CPUs, more is a disturbance");
	ok(!tkp_stats_others_took(0.5, 0.5, 1, 2) && !tkp_stats_others_took(0.5, 0.05, 2, 2) &&
		   !tkp_stats_others_took(0.5, 0.5, 3, 2) && !tkp_stats_others_took(NAN, 0.5, 2, 2),
	   "the row rule: not for 1 thread, a row under 0.1 s (10 ms ticks), oversubscription or no /proc/stat");
	ok(!tkp_stats_disturbed(&hog2, 4, 2, 0) && !tkp_stats_disturbed(&shared, 2, 1, 0),
	   "more threads than usable CPUs (oversubscribed on purpose): never");
	ok(!tkp_stats_disturbed(&nan_cpu, 1, 2, 0) && !tkp_stats_disturbed(NULL, 1, 2, 0),
	   "no CPU time: cannot tell, not flagged");
}

/* A kernel whose first call sleeps 3 ms before it runs naive: a warm-up
 * preempted for that long, off the CPU. */
static int first_sleeps_calls;

static int first_sleeps(const tkp_gemm *g)
{
	if (first_sleeps_calls++ == 0)
		usleep(3000);
	return tkp_kernel_run(tkp_kernel_find("naive"), g);
}

/* A 4x4x4 GEMM takes some ns: far under 100 timer costs, so its calls are
 * timed in batches; reps counts calls (min_reps batches of them, even
 * when that is over max_reps), and the time stays per call (well under
 * 100 timer costs).  A warm-up that took over a millisecond off the CPU
 * does not make such a call long. */
static void batches(void)
{
	const tkp_kernel *naive = tkp_kernel_find("naive");
	const tkp_kernel sleeper = {"first_sleeps", "sleeps in its first call", first_sleeps, 0,
				    NULL};
	tkp_measure_opts o;
	tkp_result r;
	double cost = tkp_timer_cost();
	int rc;

	tkp_measure_opts_init(&o);
	o.min_time_s = 0.01;
	o.min_reps = 3;
	o.max_reps = 3;
	ok(cost > 0 && cost < 1e-3, "the timer's cost %.1f ns is measured", cost * 1e9);
	rc = tkp_measure_kernel(naive, TKP_F64, 4, 4, 4, 0, 1, &o, &r);
	ok(rc == 0 && r.verified == 1, "naive 4x4x4 measures");
	ok(r.reps > o.max_reps && r.reps % 3 == 0 && r.time_s > 0 && r.time_s < 100 * cost && r.disturbed >= 0 &&
	   r.disturbed <= r.reps,
	   "timed in batches: %d calls in 3 samples, %.1f ns per call (timer %.1f ns)",
	   r.reps, r.time_s * 1e9, cost * 1e9);
	first_sleeps_calls = 0;
	rc = tkp_measure_kernel(&sleeper, TKP_F64, 4, 4, 4, 0, 1, &o, &r);
	ok(rc == 0 && r.verified == 1 && first_sleeps_calls > 1 && r.reps > o.max_reps &&
		   r.reps % 3 == 0,
	   "a warm-up preempted for 3 ms: still timed in batches (%d calls in 3 samples, rc %d)",
	   r.reps, rc);
	o.max_reps = 5;
	o.min_time_s = 0;
	rc = tkp_measure_kernel(naive, TKP_F64, 96, 96, 96, 0, 1, &o, &r);
	ok(rc == 0 && r.reps >= 3 && r.reps <= 15,
	   "a call long enough to time alone: one call per sample (%d reps)", r.reps);
}

/* A kernel that notes where C starts and runs naive. */
static uintptr_t seen_c;

static int note_operands(const tkp_gemm *g)
{
	seen_c = (uintptr_t)g->c;
	return tkp_kernel_run(tkp_kernel_find("naive"), g);
}

/* Large operands on big pages (bigpages.c), small ones and every one under
 * TKP_OPERAND_PAGES=4k on the heap; the kernel's result verifies either
 * way.  1024 x 1024 x 4 f64: C is 8 MB, A and B 32 KB. */
static void operand_pages(void)
{
	const tkp_kernel k = {"notes", "notes its operands", note_operands, 0, NULL};
	tkp_measure_opts o;
	tkp_result r;
	int rc;

	tkp_measure_opts_init(&o);
	o.min_time_s = 0;
	unsetenv("TKP_OPERAND_PAGES");
	rc = tkp_measure_kernel(&k, TKP_F64, 1024, 1024, 4, 0, 1, &o, &r);
	ok(rc == 0 && r.verified == 1 && seen_c % TKP_BIGPAGE == 0,
	   "an 8 MB C starts on a 2 MB boundary (a mapping of its own) and verifies (rc %d)", rc);
	ok(tkp_bigpages_worth(32768) == 0 && tkp_bigpages_worth(8u << 20) == 1,
	   "32 KB operands stay on the heap, 8 MB ones go on big pages");
	setenv("TKP_OPERAND_PAGES", "4k", 1);
	seen_c = 0;
	rc = tkp_measure_kernel(&k, TKP_F64, 1024, 1024, 4, 0, 1, &o, &r);
	/* (malloc's chunk header keeps a heap block off the boundary) */
	ok(rc == 0 && r.verified == 1 && seen_c != 0 && seen_c % TKP_BIGPAGE != 0 &&
		   !tkp_bigpages_operands(),
	   "TKP_OPERAND_PAGES=4k: C comes from the heap and the result verifies (rc %d)", rc);
	setenv("TKP_OPERAND_PAGES", "2m", 1);
	ok(tkp_bigpages_operands(), "any other TKP_OPERAND_PAGES leaves big pages on");
	unsetenv("TKP_OPERAND_PAGES");
}

int main(void)
{
	const tkp_kernel *naive = tkp_kernel_find("naive");
	tkp_measure_opts o;
	tkp_result r;
	pthread_t th;
	int rc;

	tkp_measure_opts_init(&o);
	o.min_time_s = 0.05;
	ok(naive != NULL, "naive is registered");

	rc = tkp_measure_kernel(naive, TKP_F64, 37, 19, 23, 0, 1, &o, &r);
	ok(rc == 0, "naive 37x19x23 measures (rc %d)", rc);
	ok(r.reps >= o.min_reps && r.reps <= o.max_reps, "reps %d within [%d, %d]", r.reps, o.min_reps,
	   o.max_reps);
	ok(r.time_s > 0 && r.time_s_min <= r.time_s, "median time > 0 and min <= median");
	ok(r.flops_model == 2.0 * 37 * 19 * 23, "flops_model is 2mnk");
	ok(r.bytes_model == (37.0 * 23 + 23.0 * 19 + 2.0 * 37 * 19) * 8, "bytes_model is compulsory traffic");
	ok(r.verified == 1, "the result verifies");
	ok(r.threads == 1, "threads recorded as 1");

	/* A thread spinning beside the kernel: on 2+ CPUs the process's CPU
	 * time would be about twice the wall time; the kernel's thread's is at
	 * most the wall time. */
	atomic_store(&spin_stop, 0);
	if (pthread_create(&th, NULL, spinner, NULL) != 0) {
		skip("pthread_create failed", "cpu_util with a busy thread beside the kernel");
	} else {
		double cpu0, wall0, proc;

		usleep(20000);
		o.min_time_s = 0.3;
		cpu0 = tkp_cpu_time();
		wall0 = tkp_timer_now();
		rc = tkp_measure_kernel(naive, TKP_F64, 64, 64, 64, 0, 1, &o, &r);
		proc = (tkp_cpu_time() - cpu0) / (tkp_timer_now() - wall0);
		atomic_store(&spin_stop, 1);
		pthread_join(th, NULL);
		/* Only telling when the spinner had a CPU of its own meanwhile (the
		 * process used well over one CPU); under a loaded `make -j` it
		 * may not have. */
		if (proc < 1.3)
			skip("the busy thread got no CPU of its own (other tests running?)",
			     "one thread: cpu_util counts the kernel's thread only");
		else
			ok(rc == 0 && isfinite(r.cpu_util) && r.cpu_util > 0 && r.cpu_util <= 1.05,
			   "one thread: cpu_util %.3f counts the kernel's thread only, not a busy thread "
			   "beside it (the process used %.2f CPUs)",
			   r.cpu_util, proc);
	}

	{
		const tkp_kernel *blocked = tkp_kernel_find("blocked");
		tkp_measure_opts q;
		tkp_dtype d = TKP_F32;

		tkp_measure_opts_init(&q);
		q.min_time_s = 0.01;
		ok(tkp_measure_kernel(naive, (tkp_dtype)7, 8, 8, 8, 0, 1, &q, &r) == TKP_EINVAL,
		   "a dtype that is neither f32 nor f64 is TKP_EINVAL");
		ok(tkp_measure_kernel(naive, TKP_F64, 8, 8, 8, 16, 1, &q, &r) == TKP_EINVAL,
		   "a block for a kernel that takes none is TKP_EINVAL");
		ok(tkp_measure_kernel(naive, TKP_F64, 8, 8, 8, 0, 8, &q, &r) == TKP_EINVAL,
		   "threads above 1 for a single-threaded kernel is TKP_EINVAL");
		ok(blocked && tkp_measure_kernel(blocked, TKP_F64, 8, 8, 8, 0, 1, &q, &r) == 0 &&
		   r.block == tkp_kernel_default_block(TKP_F64) && r.block > 0,
		   "block 0 records the default tile edge (%d)", r.block);
		ok(tkp_dtype_parse("f64", NULL) == TKP_EINVAL && tkp_dtype_parse(NULL, &d) == TKP_EINVAL,
		   "tkp_dtype_parse refuses NULL");
		tkp_measure_opts_init(NULL);
		tkp_result_model(NULL);
		ok(tkp_dtype_size((tkp_dtype)7) == 0 && !strcmp(tkp_dtype_name((tkp_dtype)7), "?") &&
		   tkp_measure_bytes((tkp_dtype)7, 4, 4, 4) == 0,
		   "no size, name or byte count for a value that is no dtype; NULL options survive");
		ok(tkp_kernel_why_unavailable(NULL) != NULL, "a NULL kernel is not 'runnable'");
	}
	ok(tkp_measure_kernel(naive, TKP_F64, 0, 4, 4, 0, 1, &o, &r) == TKP_EINVAL, "m = 0 is TKP_EINVAL");
	ok(tkp_measure_kernel(NULL, TKP_F64, 4, 4, 4, 0, 1, &o, &r) == TKP_EINVAL, "no kernel is TKP_EINVAL");
	o.max_reps = 0;
	ok(tkp_measure_kernel(naive, TKP_F64, 4, 4, 4, 0, 1, &o, &r) == TKP_EINVAL,
	   "max_reps below min_reps is TKP_EINVAL");
	{
		/* the ABI promise: sizes this library does not know are refused,
		 * 0 is this header's layout */
		tkp_measure_opts q;

		tkp_measure_opts_init(&q);
		q.min_time_s = 0;
		ok(q.size == sizeof q, "tkp_measure_opts_init sets size");
		ok(tkp_measure_kernel_sized(naive, TKP_F64, 4, 4, 4, 0, 1, &q, &r, sizeof r - 8) ==
			   TKP_EINVAL && tkp_measure_kernel_sized(naive, TKP_F64, 4, 4, 4, 0, 1, &q, &r,
							      sizeof r + 8) == TKP_EINVAL,
		   "a tkp_result of another size is TKP_EINVAL");
		q.size = sizeof q + 8;
		ok(tkp_measure_kernel(naive, TKP_F64, 4, 4, 4, 0, 1, &q, &r) == TKP_EINVAL,
		   "tkp_measure_opts of another size is TKP_EINVAL");
		q.size = 0;
		ok(tkp_measure_kernel(naive, TKP_F64, 4, 4, 4, 0, 1, &q, &r) == 0 && r.verified == 1,
		   "size 0 is this header's layout");
	}
	{
		/* per-level intensity, by hand: 1000 FLOPs counted; 10, 4 and 0
		 * lines of 64 bytes; l3 not counted */
		tkp_result x;

		memset(&x, 0, sizeof x);
		for (int i = 0; i < TKP_M_COUNT; i++)
			x.counters[i] = NAN;
		x.counters[TKP_M_FP_OPS] = 1000;
		x.counters[TKP_M_L1_DCM] = 10;
		x.counters[TKP_M_L2_DCM] = 0;
		x.flops_model = 5000;
		x.counted_fraction = NAN;
		tkp_result_intensity(&x, 64);
		ok(x.ai_l2 == 1000.0 / 640 && isnan(x.ai_l3) && isnan(x.ai_dram) && x.counted_fraction == 1,
		   "ai_l2 = fp_ops / (l1_dcm x line); no traffic and no count stay empty; counted_fraction 1");
		x.counters[TKP_M_FP_OPS] = NAN;
		x.counters[TKP_M_L3_TCM] = 4;
		x.counted_fraction = 0.25;
		tkp_result_intensity(&x, 128);
		ok(x.ai_l2 == 5000.0 / 1280 && x.ai_dram == 5000.0 / 512 && x.counted_fraction == 0.25,
		   "without fp_ops the model's FLOPs; a sampled fraction is kept");
	}
	disturbance_rule();
	cpus_busy();
	batches();
	operand_pages();
	return tap_done();
}
