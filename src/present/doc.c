/*
 * doc.c - one document, two renderings: report.md and a self-contained
 * report.html (report.h).
 *
 * The HTML page carries its CSS inline and each chart as a data: URI, and
 * its Content-Security-Policy allows nothing else (no scripts, no fonts,
 * no requests), so it can be mailed, archived or opened offline and looks
 * the same.  Both files are built in memory and written atomically: a
 * report is either the old one or the new one, never half of each.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmsg.h"
#include "fsutil.h"
#include "doc.h"
#include "util.h"

/* Images larger than this are linked, not inlined (a chart is ~100 KiB). */
#define MAX_IMAGE (16u << 20)

static const char css[] =
	"body{margin:0;background:#f6f6f4;color:#1d1d1d;font:15px/1.5 system-ui,-apple-system,"
	"'Segoe UI',Roboto,'DejaVu Sans',sans-serif}\n"
	"main{max-width:1320px;margin:0 auto;padding:24px 32px 48px;background:#fff}\n"
	"h1{font-size:26px;margin:8px 0 4px}h2{font-size:20px;margin:32px 0 8px;padding-top:8px;"
	"border-top:1px solid #e2e2e2}h3{font-size:17px;margin:22px 0 6px}\n"
	"p.sub{color:#555;margin-top:0}\n"
	"table{border-collapse:collapse;margin:8px 0 16px;font-size:14px}\n"
	"th,td{border:1px solid #d9d9d9;padding:4px 10px;vertical-align:top}\n"
	"th{background:#f0f0ee;text-align:left}td.r,th.r{text-align:right;"
	"font-variant-numeric:tabular-nums}\n"
	"tr:nth-child(even) td{background:#fafafa}\n"
	"code,pre{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:13px}\n"
	"code{background:#f1f1ef;padding:1px 4px;border-radius:3px;overflow-wrap:anywhere}\n"
	"pre{background:#f4f4f2;border:1px solid #e2e2e2;padding:10px 12px;overflow:auto;"
	"white-space:pre-wrap}\n"
	"figure{margin:12px 0 28px}figure img{display:block;max-width:100%;height:auto;"
	"border:1px solid #e2e2e2}\n"
	"figcaption{color:#333;margin-top:6px;font-size:14px}\n"
	"p.missing{color:#8a4b00;background:#fff6e6;border:1px solid #f0d9b0;padding:8px 12px}\n"
	"footer{color:#777;font-size:13px;margin-top:40px}\n";

/* ---- escaping ----------------------------------------------------------- */

/* Plain text with the span markers, as HTML. */
static void html_text(FILE *fp, const char *s)
{
	const char *close = NULL;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		switch (ch) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case 1:
			fputs("<code>", fp);
			close = "</code>";
			break;
		case 2:
			fputs("<strong>", fp);
			close = "</strong>";
			break;
		case 3:
			if (close)
				fputs(close, fp);
			close = NULL;
			break;
		default:
			if (ch < 0x20 && ch != '\n' && ch != '\t')
				fputc(' ', fp);
			else
				fputc(ch, fp);
		}
	}
	if (close)
		fputs(close, fp);
}

/* A code span's text as Markdown: a backtick fence longer than any run of
 * backticks inside, padded with spaces when it starts or ends with one. */
static void md_code(FILE *fp, const char *s, size_t len, int table)
{
	size_t run = 0, longest = 0;
	int pad;

	for (size_t i = 0; i < len; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	pad = len && (s[0] == '`' || s[len - 1] == '`');
	for (size_t i = 0; i <= longest; i++)
		fputc('`', fp);
	if (pad)
		fputc(' ', fp);
	for (size_t i = 0; i < len; i++) {
		if (table && s[i] == '|')
			fputs("\\|", fp); /* GFM splits cells at | even inside code */
		else if ((unsigned char)s[i] < 0x20)
			fputc(' ', fp);
		else
			fputc(s[i], fp);
	}
	if (pad)
		fputc(' ', fp);
	for (size_t i = 0; i <= longest; i++)
		fputc('`', fp);
}

/* Plain text with the span markers, as Markdown: characters Markdown would
 * take for markup are backslash-escaped (| too inside a table). */
static void md_text(FILE *fp, const char *s, int table)
{
	while (*s) {
		unsigned char ch = (unsigned char)*s;
		if (ch == 1) {
			const char *e = strchr(s + 1, 3);
			size_t len = e ? (size_t)(e - s - 1) : strlen(s + 1);
			md_code(fp, s + 1, len, table);
			s += 1 + len + (e ? 1 : 0);
			continue;
		}
		if (ch == 2) {
			fputs("**", fp);
		} else if (ch == 3) {
			fputs("**", fp);
		} else if (strchr("\\`*_[]<>#|!~", ch) && ch) {
			fputc('\\', fp);
			fputc(ch, fp);
		} else if (ch == '\n' && table) {
			fputc(' ', fp);
		} else if (ch < 0x20 && ch != '\n') {
			fputc(' ', fp);
		} else {
			fputc(ch, fp);
		}
		s++;
	}
}

static void vformat(char **out, const char *fmt, va_list ap)
{
	if (vasprintf(out, fmt, ap) < 0)
		*out = NULL;
}

/* ---- the document ------------------------------------------------------- */

int tkp_doc_open(tkp_doc *d, const char *cmd, const char *dir, const char *title)
{
	memset(d, 0, sizeof *d);
	d->cmd = cmd;
	tkp_strlcpy(d->dir, dir, sizeof d->dir);
	if (!(d->md = open_memstream(&d->mdbuf, &d->mdlen)))
		return TKP_ENOMEM;
	if (!(d->html = open_memstream(&d->htmlbuf, &d->htmllen))) {
		fclose(d->md);
		free(d->mdbuf);
		d->md = NULL;
		d->mdbuf = NULL;
		return TKP_ENOMEM;
	}
	fputs("# ", d->md);
	md_text(d->md, title, 0);
	fputs("\n\n", d->md);
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "img-src data:; style-src 'unsafe-inline'\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"tkprofile " PACKAGE_VERSION "\">\n<title>",
	      d->html);
	html_text(d->html, title);
	fprintf(d->html, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n<h1>", css);
	html_text(d->html, title);
	fputs("</h1>\n", d->html);
	return 0;
}

static void end_list(tkp_doc *d)
{
	if (d->list_open) {
		fputs("\n", d->md);
		fputs("</ul>\n", d->html);
		d->list_open = 0;
	}
}

void tkp_doc_list_end(tkp_doc *d)
{
	end_list(d);
}

void tkp_doc_heading(tkp_doc *d, int level, const char *fmt, ...)
{
	va_list ap;
	char *s;

	end_list(d);
	va_start(ap, fmt);
	vformat(&s, fmt, ap);
	va_end(ap);
	if (!s)
		return;
	if (level < 2)
		level = 2;
	if (level > 4)
		level = 4;
	for (int i = 0; i < level; i++)
		fputc('#', d->md);
	fputc(' ', d->md);
	md_text(d->md, s, 0);
	fputs("\n\n", d->md);
	fprintf(d->html, "<h%d>", level);
	html_text(d->html, s);
	fprintf(d->html, "</h%d>\n", level);
	free(s);
}

void tkp_doc_para(tkp_doc *d, const char *fmt, ...)
{
	va_list ap;
	char *s;

	end_list(d);
	va_start(ap, fmt);
	vformat(&s, fmt, ap);
	va_end(ap);
	if (!s)
		return;
	md_text(d->md, s, 0);
	fputs("\n\n", d->md);
	fputs("<p>", d->html);
	html_text(d->html, s);
	fputs("</p>\n", d->html);
	free(s);
}

void tkp_doc_item(tkp_doc *d, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	vformat(&s, fmt, ap);
	va_end(ap);
	if (!s)
		return;
	if (!d->list_open) {
		fputs("<ul>\n", d->html);
		d->list_open = 1;
	}
	fputs("- ", d->md);
	md_text(d->md, s, 1); /* one line: newlines become spaces */
	fputs("\n", d->md);
	fputs("<li>", d->html);
	html_text(d->html, s);
	fputs("</li>\n", d->html);
	free(s);
}

void tkp_doc_pre(tkp_doc *d, const char *text)
{
	size_t run = 0, longest = 2;

	end_list(d);
	for (const char *p = text; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	for (size_t i = 0; i <= longest; i++)
		fputc('`', d->md);
	fputc('\n', d->md);
	fputs(text, d->md);
	if (!*text || text[strlen(text) - 1] != '\n')
		fputc('\n', d->md);
	for (size_t i = 0; i <= longest; i++)
		fputc('`', d->md);
	fputs("\n\n", d->md);
	fputs("<pre>", d->html);
	html_text(d->html, text);
	fputs("</pre>\n", d->html);
}

void tkp_doc_table(tkp_doc *d, int ncols, const char *const *head, const char *align)
{
	end_list(d);
	d->ncols = ncols;
	fputs("|", d->md);
	for (int i = 0; i < ncols; i++) {
		fputc(' ', d->md);
		md_text(d->md, head[i], 1);
		fputs(" |", d->md);
	}
	fputs("\n|", d->md);
	for (int i = 0; i < ncols; i++)
		fputs(align[i] == 'r' ? " ---: |" : " --- |", d->md);
	fputs("\n", d->md);
	fputs("<table>\n<thead><tr>", d->html);
	for (int i = 0; i < ncols; i++) {
		fputs(align[i] == 'r' ? "<th class=\"r\">" : "<th>", d->html);
		html_text(d->html, head[i]);
		fputs("</th>", d->html);
	}
	fputs("</tr></thead>\n<tbody>\n", d->html);
	/* the alignment of each column is kept for the HTML rows */
	tkp_strlcpy(d->align, align, sizeof d->align);
}

void tkp_doc_row(tkp_doc *d, const char *const *cells)
{
	const char *align = d->align;

	fputs("|", d->md);
	for (int i = 0; i < d->ncols; i++) {
		fputc(' ', d->md);
		md_text(d->md, cells[i] ? cells[i] : "", 1);
		fputs(" |", d->md);
	}
	fputs("\n", d->md);
	fputs("<tr>", d->html);
	for (int i = 0; i < d->ncols; i++) {
		fputs((int)strlen(align) > i && align[i] == 'r' ? "<td class=\"r\">" : "<td>", d->html);
		html_text(d->html, cells[i] ? cells[i] : "");
		fputs("</td>", d->html);
	}
	fputs("</tr>\n", d->html);
}

void tkp_doc_table_end(tkp_doc *d)
{
	fputs("\n", d->md);
	fputs("</tbody>\n</table>\n", d->html);
	d->ncols = 0;
}

static void base64(FILE *fp, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		fputc(tab[v >> 18], fp);
		fputc(tab[(v >> 12) & 63], fp);
		fputc(tab[(v >> 6) & 63], fp);
		fputc(tab[v & 63], fp);
	}
	if (i < n) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);
		fputc(tab[v >> 18], fp);
		fputc(tab[(v >> 12) & 63], fp);
		fputc(i + 1 < n ? tab[(v >> 6) & 63] : '=', fp);
		fputc('=', fp);
	}
}

int tkp_doc_image(tkp_doc *d, const char *relpath, const char *alt, const char *caption,
		  const char *hint)
{
	char path[4096];
	char *data = NULL;
	size_t len = 0;
	int ok;

	end_list(d);
	ok = !tkp_path_join(path, sizeof path, d->dir, relpath) &&
	     !tkp_read_file(path, MAX_IMAGE, &data, &len) && len > 8 &&
	     !memcmp(data, "\x89PNG\r\n\x1a\n", 8);
	if (!ok) {
		char *msg = NULL;
		if (asprintf(&msg, "%s: not drawn%s%s", relpath, hint ? "; " : "", hint ? hint : "") < 0)
			msg = NULL;
		free(data);
		if (!msg)
			return 0;
		fputs("> ", d->md);
		md_text(d->md, msg, 0);
		fputs("\n\n", d->md);
		fputs("<p class=\"missing\">", d->html);
		html_text(d->html, msg);
		fputs("</p>\n", d->html);
		free(msg);
		return 0;
	}
	/* Markdown: the image by its relative path (each segment as it is: the
	 * names are ours, plain ASCII) */
	fputs("![", d->md);
	md_text(d->md, alt, 1);
	fprintf(d->md, "](%s)\n\n", relpath);
	md_text(d->md, caption, 0);
	fputs("\n\n", d->md);
	fputs("<figure>\n<img alt=\"", d->html);
	html_text(d->html, alt);
	fputs("\" src=\"data:image/png;base64,", d->html);
	base64(d->html, (const unsigned char *)data, len);
	fputs("\">\n<figcaption>", d->html);
	html_text(d->html, caption);
	fputs("</figcaption>\n</figure>\n", d->html);
	free(data);
	d->nimages++;
	return 1;
}

void tkp_doc_free(tkp_doc *d)
{
	if (d->md)
		fclose(d->md);
	if (d->html)
		fclose(d->html);
	free(d->mdbuf);
	free(d->htmlbuf);
	memset(d, 0, sizeof *d);
}

int tkp_doc_commit(tkp_doc *d)
{
	char path[4096];
	const char *cmd = d->cmd;
	int rc = 0, bad;

	end_list(d);
	fprintf(d->md, "---\nWritten by tkprofile %s.\n", PACKAGE_VERSION);
	fprintf(d->html, "<footer>Written by tkprofile %s; self-contained: charts are inlined, "
			 "nothing is fetched.</footer>\n</main>\n</body>\n</html>\n",
		PACKAGE_VERSION);
	bad = ferror(d->md) | ferror(d->html);
	bad |= fclose(d->md) != 0;
	bad |= fclose(d->html) != 0;
	d->md = d->html = NULL;
	if (bad) {
		tkp_doc_free(d);
		return tkp_pr_fail(cmd, "report: out of memory");
	}
	if (tkp_path_join(path, sizeof path, d->dir, "report.md") ||
	    tkp_write_file(path, d->mdbuf, d->mdlen))
		rc = tkp_pr_fail(cmd, "%s: %s", path, strerror(errno));
	else if (tkp_path_join(path, sizeof path, d->dir, "report.html") ||
		 tkp_write_file(path, d->htmlbuf, d->htmllen))
		rc = tkp_pr_fail(cmd, "%s: %s", path, strerror(errno));
	tkp_doc_free(d);
	return rc;
}
