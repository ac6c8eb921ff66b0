/*
 * test_measure.c - tkp_measure_kernel's contract: the repetitions it
 * promises, the model columns, verification, bad arguments, and cpu_util
 * on one thread counting that thread only (a busy thread elsewhere in the
 * process, like OpenBLAS's pool spinning after a call, once read as ~2.0).
 */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "measure.h"
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
	return tap_done();
}
