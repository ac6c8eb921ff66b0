# mk/exports.awk - the function names a C header declares, one a line: the
# export list of libtkprofile (Makefile.am turns include/tkprofile.h into
# libtkprofile.sym with it, and libtool exports those names and no others).
#
# Comments and preprocessor lines are dropped, the rest is cut into
# declarations at ';', '{' and '}', and a declaration that is no typedef
# and holds NAME( with NAME starting tkp_ declares the function NAME.
# Function-pointer typedefs ("(*tkp_fn)(") and struct members are not
# functions.  Limits: one function per declaration, no macros that
# expand to declarations (tkprofile.h has neither).
{
	line = $0
	out = ""
	while (line != "") {
		if (incomment) {
			i = index(line, "*/")
			if (!i) {
				line = ""
				break
			}
			line = substr(line, i + 2)
			incomment = 0
		} else {
			i = index(line, "/*")
			if (!i) {
				out = out line
				break
			}
			out = out substr(line, 1, i - 1) " "
			line = substr(line, i + 2)
			incomment = 1
		}
	}
	if (out ~ /^[ \t]*#/)
		next
	text = text " " out
}
END {
	n = split(text, decl, /[;{}]/)
	for (i = 1; i <= n; i++) {
		if (decl[i] ~ /(^|[^A-Za-z0-9_])typedef[^A-Za-z0-9_]/)
			continue
		if (match(decl[i], /tkp_[A-Za-z0-9_]*[ \t]*\(/)) {
			name = substr(decl[i], RSTART, RLENGTH)
			sub(/[ \t]*\($/, "", name)
			print name
		}
	}
}
