/*
 * doc.h - report.md and report.html, written side by side.
 *
 * A tkp_doc collects a document once and renders it twice: Markdown (images
 * as relative links, readable in any viewer and on a forge) and one
 * self-contained HTML page (CSS inline, every chart inlined as a base64 PNG
 * data: URI, and a Content-Security-Policy that allows nothing else, so
 * opening it never touches the network).  Both are written atomically.
 *
 * Text arguments are plain text: the writer escapes what Markdown or HTML
 * would interpret.  Inside them, TKP_DOC_CODE ... TKP_DOC_END marks a code
 * span (a command, a path) and TKP_DOC_BOLD ... TKP_DOC_END bold text, so
 * data (kernel names, paths) can hold backticks, asterisks or '<' safely.
 *
 * The sections that a results directory's report and a comparison share
 * (a machine, its ceilings, its summary table, how to reproduce a sweep)
 * are report.h's.
 */
#ifndef TKP_PRESENT_DOC_H
#define TKP_PRESENT_DOC_H

#include <stddef.h>
#include <stdio.h>

#include "results.h"

#define TKP_DOC_CODE "\001"
#define TKP_DOC_BOLD "\002"
#define TKP_DOC_END "\003"

typedef struct tkp_doc {
	const char *cmd;     /* for messages */
	char dir[4096];      /* where report.md / report.html go; images are relative to it */
	FILE *md, *html;     /* memory streams */
	char *mdbuf, *htmlbuf;
	size_t mdlen, htmllen;
	int ncols;           /* of the open table, 0 when none */
	char align[64];      /* its columns' alignment */
	int list_open;       /* a bullet list is open */
	int nimages;         /* inlined */
} tkp_doc;

/* Starts a document titled title (plain text) for directory dir.  Returns
 * 0 or TKP_ENOMEM. */
int tkp_doc_open(tkp_doc *d, const char *cmd, const char *dir, const char *title);
/* A heading of level 2 or 3 (the title is level 1). */
void tkp_doc_heading(tkp_doc *d, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A paragraph. */
void tkp_doc_para(tkp_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A bullet list item (consecutive items form one list). */
void tkp_doc_item(tkp_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tkp_doc_list_end(tkp_doc *d);
/* A block of preformatted text (a file, a command), shown as is. */
void tkp_doc_pre(tkp_doc *d, const char *text);
/* A table: align is one letter per column, 'l' or 'r'.  Cells are plain
 * text (with the markers above). */
void tkp_doc_table(tkp_doc *d, int ncols, const char *const *head, const char *align);
void tkp_doc_row(tkp_doc *d, const char *const *cells);
void tkp_doc_table_end(tkp_doc *d);
/*
 * A chart: relpath (e.g. "plots/perf.png", relative to the document's
 * directory) linked from the Markdown and inlined into the HTML, with a
 * one-line caption under it.  A missing or unreadable image (or one that
 * is not a PNG) becomes a line saying so and what to run (hint).  Returns
 * 1 when the image was inlined, 0 otherwise.
 */
int tkp_doc_image(tkp_doc *d, const char *relpath, const char *alt, const char *caption,
		  const char *hint);
/* Writes dir/report.md and dir/report.html (atomically) and frees the
 * document; on failure prints why and returns TKP_PR_FAIL. */
int tkp_doc_commit(tkp_doc *d);
/* Frees a document that will not be written. */
void tkp_doc_free(tkp_doc *d);

#endif
