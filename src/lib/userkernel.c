/*
 * userkernel.c - loading a student's kernel file: recognise it (C source or
 * a shared object for this machine), compile a C file with the system
 * compiler, dlopen the object, find tkp_kernel and the optional
 * description and capabilities, build the wrapper that names it
 * tkp_gemm_<name> for simulations, and register the runtime row.
 *
 * The compiler runs through /bin/sh so that CC and CFLAGS split into words
 * as make would split them; every path is quoted.  Its output goes to a
 * log file beside the object, and a failure hands that output back as it
 * was printed.  The library never prints: the caller shows err.
 */
#include "config.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fsutil.h"
#include "kernels.h"
#include "userkernel.h"
#include "util.h"

#define ENV_NAME "TKP_USER_KERNELS"

static tkp_userk loaded[TKP_KERNEL_MAX_RUNTIME];
static size_t nloaded;

size_t tkp_userk_count(void)
{
	return nloaded;
}

const tkp_userk *tkp_userk_at(size_t i)
{
	return i < nloaded ? &loaded[i] : NULL;
}

const tkp_userk *tkp_userk_of(const tkp_kernel *k)
{
	for (size_t i = 0; k && i < nloaded; i++)
		if (k == &loaded[i].row)
			return &loaded[i];
	return NULL;
}

/* The machine this binary runs on, as ELF names it. */
static int host_machine(const char **name)
{
#if defined(__x86_64__)
	*name = "x86-64";
	return EM_X86_64;
#elif defined(__aarch64__)
	*name = "aarch64";
	return EM_AARCH64;
#elif defined(__riscv)
	*name = "riscv64";
	return EM_RISCV;
#elif defined(__powerpc64__)
	*name = "ppc64";
	return EM_PPC64;
#else
	*name = "this machine";
	return -1;
#endif
}

static const char *machine_name(int em)
{
	switch (em) {
	case EM_X86_64: return "x86-64";
	case EM_386: return "i386";
	case EM_AARCH64: return "aarch64";
	case EM_ARM: return "arm";
	case EM_RISCV: return "riscv";
	case EM_PPC64: return "ppc64";
	case EM_S390: return "s390";
	default: return "another machine";
	}
}

/* 1 ELF shared object for this machine, 0 not ELF, TKP_ENOTSUP/TKP_EINVAL
 * an ELF file that will not do (err says why). */
static int elf_kind(const char *path, char *err, size_t errlen)
{
	unsigned char h[64];
	const char *host;
	int fd = open(path, O_RDONLY | O_CLOEXEC), em, want = host_machine(&host);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, h, sizeof h);
	close(fd);
	if (n < 20 || memcmp(h, ELFMAG, SELFMAG))
		return 0;
	em = h[EI_DATA] == ELFDATA2MSB ? h[18] << 8 | h[19] : h[19] << 8 | h[18];
	if (want >= 0 && (em != want || h[EI_CLASS] != (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32))) {
		tkp_fmt(err, errlen, "%s: a shared object for %s, not for this machine (%s): rebuild it "
				     "here (expected a C source .c or a shared object for %s)",
			path, machine_name(em), host, host);
		return TKP_ENOTSUP;
	}
	if ((h[EI_DATA] == ELFDATA2MSB ? h[16] << 8 | h[17] : h[17] << 8 | h[16]) != ET_DYN) {
		tkp_fmt(err, errlen, "%s: an ELF file but not a shared object (expected a C source .c or "
				     "a shared object built with -shared -fPIC)", path);
		return TKP_EINVAL;
	}
	return 1;
}

/* The kernel name: the base name without its extension, an identifier. */
static int name_of(const char *path, char *name, size_t len, char *err, size_t errlen)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strcspn(b, ".");
	if (n == 0 || n >= len) {
		tkp_fmt(err, errlen, "%s: the kernel is named after the file, and '%.*s' is not a name "
				     "of 1 to %zu characters (rename the file, e.g. mm_ikj.c)",
			path, (int)n, b, len - 1);
		return TKP_EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		if (!(b[i] == '_' || (b[i] >= 'a' && b[i] <= 'z') || (b[i] >= 'A' && b[i] <= 'Z') ||
		      (i && b[i] >= '0' && b[i] <= '9'))) {
			tkp_fmt(err, errlen, "%s: the kernel is named after the file, and '%.*s' is not "
					     "a C identifier (letters, digits, _; rename the file, e.g. "
					     "mm_ikj.c)", path, (int)n, b);
			return TKP_EINVAL;
		}
	memcpy(name, b, n);
	name[n] = '\0';
	return 0;
}

/* s single-quoted for sh into buf. */
static void shq(char *buf, size_t len, const char *s)
{
	size_t o = 0;

	if (len < 3)
		return;
	buf[o++] = '\'';
	for (; *s && o + 6 < len; s++) {
		if (*s == '\'') {
			memcpy(buf + o, "'\\''", 4);
			o += 4;
		} else {
			buf[o++] = *s;
		}
	}
	buf[o++] = '\'';
	buf[o] = '\0';
}

/* Runs cmd with sh, stdout and stderr into logpath; the exit status, or -1. */
static int run_sh(const char *cmd, const char *logpath)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The first line of the compiler's --version. */
static void cc_version(const char *cc, const char *dir, char *out, size_t len)
{
	char cmd[1024], log[PATH_MAX], *text = NULL;
	size_t n;

	out[0] = '\0';
	tkp_fmt(log, sizeof log, "%s/.cc-version", dir);
	tkp_fmt(cmd, sizeof cmd, "%s --version", cc);
	if (run_sh(cmd, log) == 0 && !tkp_read_file(log, 4096, &text, &n)) {
		text[strcspn(text, "\n")] = '\0';
		tkp_strlcpy(out, text, len);
	}
	free(text);
	unlink(log);
}

/* Compiles u->path into outdir/<name>.so. */
static int compile(tkp_userk *u, const tkp_userk_build *b, char *err, size_t errlen)
{
	const char *cc = b->cc ? b->cc : getenv("CC"), *fl = b->cflags ? b->cflags : getenv("CFLAGS");
	char qs[PATH_MAX + 8], qo[PATH_MAX + 8], qi[PATH_MAX + 8], log[PATH_MAX], *text = NULL;
	size_t n = 0;
	int st;

	if (!cc || !*cc)
		cc = "cc";
	if (!fl)
		fl = TKP_USERK_DEFAULT_CFLAGS;
	if (!b->incdir || !b->outdir)
		return TKP_EINVAL;
	tkp_strlcpy(u->cflags, fl, sizeof u->cflags);
	tkp_fmt(u->so, sizeof u->so, "%s/%s.so", b->outdir, u->name);
	tkp_fmt(log, sizeof log, "%s/%s.log", b->outdir, u->name);
	shq(qs, sizeof qs, u->path);
	shq(qo, sizeof qo, u->so);
	shq(qi, sizeof qi, b->incdir);
	tkp_fmt(u->command, sizeof u->command, "%s %s -fPIC -shared -I%s -o %s %s -lm", cc, fl, qi, qo, qs);
	cc_version(cc, b->outdir, u->cc_version, sizeof u->cc_version);
	st = run_sh(u->command, log);
	if (st != 0) {
		tkp_read_file(log, 64 * 1024, &text, &n);
		tkp_fmt(err, errlen, "%s: does not compile (%s exited with %d):\n%s", u->path, cc, st,
			text && n ? text : "(no output)\n");
		free(text);
		return TKP_EPARSE;
	}
	return 0;
}

/* The wrapper object: tkp_gemm_<name> calling the kernel through a pointer,
 * built without optimisation so that the call stays a call (a simulation
 * collects from its entry to its return).  Reused when it exists. */
static int build_wrapper(tkp_userk *u, const char *dir)
{
	char src[PATH_MAX], log[PATH_MAX], qs[PATH_MAX + 8], qo[PATH_MAX + 8], cmd[3 * PATH_MAX];
	char text[512];
	const char *cc = getenv("CC");

	tkp_fmt(u->wrap, sizeof u->wrap, "%s/%s.tkpwrap.so", dir, u->name);
	if (tkp_path_exists(u->wrap))
		return 0;
	tkp_fmt(src, sizeof src, "%s/%s.tkpwrap.c", dir, u->name);
	tkp_fmt(log, sizeof log, "%s/%s.tkpwrap.log", dir, u->name);
	tkp_fmt(text, sizeof text,
		"/* made by tkprofile: names the kernel for simulations (--toggle-collect) */\n"
		"int (*tkp_wrap_target)(const void *);\n"
		"int tkp_gemm_%s(const void *g);\n"
		"int tkp_gemm_%s(const void *g) { return tkp_wrap_target(g); }\n",
		u->name, u->name);
	if (tkp_write_file(src, text, strlen(text)))
		goto fail;
	shq(qs, sizeof qs, src);
	shq(qo, sizeof qo, u->wrap);
	tkp_fmt(cmd, sizeof cmd, "%s -O0 -fPIC -shared -o %s %s", cc && *cc ? cc : "cc", qo, qs);
	if (run_sh(cmd, log) != 0)
		goto fail;
	unlink(log);
	unlink(src);
	return 0;
fail:
	unlink(log);
	unlink(src);
	u->wrap[0] = '\0';
	return TKP_ENOTSUP;
}

/* dlopen and dlsym: the row's function, description and capabilities. */
static int open_object(tkp_userk *u, char *err, size_t errlen)
{
	void *h = dlopen(u->so, RTLD_NOW | RTLD_LOCAL), *sym;
	const unsigned *caps;
	const char *desc;

	if (!h) {
		tkp_fmt(err, errlen, "%s: does not load: %s (expected a shared object defining "
				     "tkp_kernel)", u->path, dlerror());
		return TKP_ENOENT;
	}
	if (!(sym = dlsym(h, "tkp_kernel"))) {
		tkp_fmt(err, errlen, "%s: defines no tkp_kernel (expected `int tkp_kernel(const tkp_gemm "
				     "*g)`, see tkprofile_kernel.h; C++: extern \"C\")", u->path);
		dlclose(h);
		return TKP_ENOENT;
	}
	u->row.fn = (tkp_kernel_fn)sym;
	if ((desc = dlsym(h, "tkp_kernel_desc")) && *desc) {
		tkp_strlcpy(u->desc, desc, sizeof u->desc);
		u->desc[strcspn(u->desc, "\r\n")] = '\0';
	} else {
		const char *b = strrchr(u->path, '/');
		tkp_fmt(u->desc, sizeof u->desc, "user kernel from %s", b ? b + 1 : u->path);
	}
	if ((caps = dlsym(h, "tkp_kernel_caps")))
		u->row.caps = *caps & (TKP_CAP_BLOCK | TKP_CAP_THREADS);
	/* the wrapper, when it builds and loads: the row calls the kernel
	 * through tkp_gemm_<name> */
	if (u->wrap[0]) {
		char fn[64];
		void *w = dlopen(u->wrap, RTLD_NOW | RTLD_LOCAL), *target, *entry;
		tkp_fmt(fn, sizeof fn, "tkp_gemm_%s", u->name);
		if (w && (target = dlsym(w, "tkp_wrap_target")) && (entry = dlsym(w, fn))) {
			*(void **)target = sym;
			u->row.fn = (tkp_kernel_fn)entry;
		} else {
			u->wrap[0] = '\0';
		}
	}
	return 0;
}

/* Loads path; wrap: the wrapper built already (the simulated child: ""
 * when there is none), NULL to build it in b->outdir. */
static int load_one(const char *path, const tkp_userk_build *b, const char *wrap,
		    const tkp_userk **out, char *err, size_t errlen)
{
	tkp_userk *u;
	struct stat st;
	const char *ext;
	int rc, elf;

	if (nloaded == TKP_KERNEL_MAX_RUNTIME) {
		tkp_fmt(err, errlen, "%s: too many kernel files (at most %d)", path, TKP_KERNEL_MAX_RUNTIME);
		return TKP_ENOMEM;
	}
	u = &loaded[nloaded];
	memset(u, 0, sizeof *u);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		tkp_fmt(err, errlen, "%s: %s (expected a C source .c or a shared object .so)", path,
			stat(path, &st) != 0 ? strerror(errno) : "not a regular file");
		return TKP_ENOENT;
	}
	if (!realpath(path, u->path))
		tkp_strlcpy(u->path, path, sizeof u->path);
	if ((rc = name_of(path, u->name, sizeof u->name, err, errlen)))
		return rc;
	{
		const tkp_kernel *o = tkp_kernel_find(u->name);
		const tkp_userk *ou = tkp_userk_of(o);
		if (o && !ou) {
			tkp_fmt(err, errlen, "%s: kernel name '%s' is a built-in kernel's (expected another "
					     "name: rename the file, e.g. my_%s.c)", path, u->name, u->name);
			return TKP_EEXIST;
		}
		if (ou) {
			tkp_fmt(err, errlen, "%s: kernel name '%s' is taken by %s (expected one file per "
					     "name)", path, u->name, ou->path);
			return TKP_EEXIST;
		}
	}
	ext = strrchr(path, '.');
	if ((elf = elf_kind(path, err, errlen)) < 0)
		return elf;
	if (!elf && !(ext && !strcmp(ext, ".c"))) {
		tkp_fmt(err, errlen, "%s: neither a C source (.c) nor a shared object (an ELF .so) "
				     "(expected one of them)", path);
		return TKP_EINVAL;
	}
	u->is_c = !elf;
	if (u->is_c && (rc = compile(u, b, err, errlen)))
		return rc;
	if (!u->is_c)
		tkp_strlcpy(u->so, u->path, sizeof u->so);
	if (wrap)
		tkp_strlcpy(u->wrap, wrap, sizeof u->wrap);
	else
		build_wrapper(u, b->outdir);
	if ((rc = open_object(u, err, errlen)))
		return rc;
	u->row.name = u->name;
	u->row.desc = u->desc;
	if ((rc = tkp_kernel_register(&u->row))) {
		tkp_fmt(err, errlen, "%s: %s", path, tkp_strerror(rc));
		return rc;
	}
	nloaded++;
	if (out)
		*out = u;
	return 0;
}

int tkp_userk_load(const char *path, const tkp_userk_build *b, const tkp_userk **out, char *err,
		   size_t errlen)
{
	if (!path || !b || !b->outdir)
		return TKP_EINVAL;
	return load_one(path, b, NULL, out, err, errlen);
}

int tkp_userk_export_env(void)
{
	size_t len = 1;
	char *v;

	/* one line per kernel: the object, a tab, the wrapper */
	for (size_t i = 0; i < nloaded; i++)
		len += strlen(loaded[i].so) + strlen(loaded[i].wrap) + 2;
	if (!(v = calloc(1, len)))
		return TKP_ENOMEM;
	for (size_t i = 0; i < nloaded; i++) {
		strcat(v, loaded[i].so);
		strcat(v, "\t");
		strcat(v, loaded[i].wrap);
		strcat(v, "\n");
	}
	if (setenv(ENV_NAME, v, 1)) {
		free(v);
		return TKP_ENOMEM;
	}
	free(v);
	return 0;
}

int tkp_userk_load_env(char *err, size_t errlen)
{
	const char *e = getenv(ENV_NAME);
	char *copy, *line, *save = NULL;
	int rc = 0;

	if (!e || !*e)
		return 0;
	if (!(copy = strdup(e)))
		return TKP_ENOMEM;
	for (line = strtok_r(copy, "\n", &save); line && !rc; line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t');
		tkp_userk_build b = {0};
		if (tab)
			*tab++ = '\0';
		b.outdir = "/nonexistent"; /* objects only: nothing is compiled here */
		rc = load_one(line, &b, tab ? tab : "", NULL, err, errlen);
	}
	free(copy);
	return rc;
}
