/**
 * The host side of key-lines.ts: the same edit as editKeyLines(), in POSIX
 * awk (mawk, gawk and busybox awk all run it), so it works on the file as it
 * is when the task runs. Keys and values travel in environment variables
 * (ENVIRON), never through awk -v, which would read backslash escapes.
 * Keep the two in step: test/modules/key-lines.test.ts runs both on the same inputs.
 */
import { quote } from '../../shell/quote.ts';
import type { Dialect, KeyEdit } from './key-lines.ts';

const PROGRAM = String.raw`
function oddbs(s,   n, i) { n = 0; for (i = length(s); i > 0 && substr(s, i, 1) == "\\"; i--) n++; return n % 2 == 1 }
# Lines are held back by one so the last can be given a CR in a CRLF file.
function emit(s) { if (held) printf "%s\n", pending; pending = s; held = 1 }
function jws(c) { return c == " " || c == "\t" || c == "\f" }
function canon(k,   s, d, out, i, c) {
  s = index(k, "/"); d = index(k, ".")
  if (s == 0 || (d != 0 && d < s)) return k
  out = ""
  for (i = 1; i <= length(k); i++) { c = substr(k, i, 1); if (c == ".") c = "/"; else if (c == "/") c = "."; out = out c }
  return out
}
function parsejava(s,   n, i, c, start, keyend) {
  n = length(s); i = 1
  while (i <= n && jws(substr(s, i, 1))) i++
  if (i > n) return 0
  c = substr(s, i, 1)
  if (c == "#" || c == "!") return 0
  start = i
  while (i <= n) {
    c = substr(s, i, 1)
    if (c == "\\") { i += 2; continue }
    if (c == "=" || c == ":" || jws(c)) break
    i++
  }
  if (i > n + 1) i = n + 1
  K = substr(s, start, i - start); keyend = i
  while (i <= n && jws(substr(s, i, 1))) i++
  if (i <= n && (substr(s, i, 1) == "=" || substr(s, i, 1) == ":")) { i++; while (i <= n && jws(substr(s, i, 1))) i++ }
  P = substr(s, 1, i - 1)
  if (i == keyend) P = P "="
  return 1
}
function parsesysctl(s,   t, eq, rest) {
  t = s; sub(/^[ \t]+/, "", t)
  if (t == "" || substr(t, 1, 1) == "#" || substr(t, 1, 1) == ";") return 0
  eq = index(s, "=")
  if (eq == 0) return 0
  K = substr(s, 1, eq - 1); sub(/^[ \t]+/, "", K); sub(/[ \t]+$/, "", K); sub(/^-/, "", K); K = canon(K)
  rest = substr(s, eq + 1); match(rest, /^[ \t]*/)
  P = substr(s, 1, eq + RLENGTH)
  return 1
}
BEGIN {
  n = split(ENVIRON["ZC_SET"], pairs, "\n")
  nset = 0
  for (i = 1; i <= n; i++) {
    if (pairs[i] == "") continue
    eq = index(pairs[i], "="); k = substr(pairs[i], 1, eq - 1)
    val[k] = substr(pairs[i], eq + 1); order[++nset] = k
  }
  n = split(ENVIRON["ZC_REMOVE"], rl, "\n")
  for (i = 1; i <= n; i++) if (rl[i] != "") rm[rl[i]] = 1
  first = 1; crlf = 0; cont = 0; drop = 0; held = 0
  # clean: every line so far is emitted as read; differs: the output is known to differ from the input.
  clean = 1; differs = 0
}
{
  line = $0; cr = ""
  if (sub(/\r$/, "", line)) cr = "\r"
  if (first) { crlf = (cr != ""); first = 0 }
  if (cont) {
    cont = oddbs(line)
    if (!drop) emit(line cr)
    next
  }
  drop = 0
  if (JAVA) ok = parsejava(line); else ok = parsesysctl(line)
  if (!ok) { emit(line cr); next }
  if (JAVA) cont = oddbs(line)
  if (K in val) {
    # The first line that is not copied as read decides: a different line there means different bytes.
    if (clean && !differs) { if (P val[K] != line) differs = 1; else if (cont) clean = 0 }
    emit(P val[K] cr); seen[K] = 1; drop = 1; next
  }
  if (K in rm) { clean = 0; drop = 1; next }
  emit(line cr)
}
END {
  if (held) { if (crlf && pending !~ /\r$/) pending = pending "\r"; printf "%s\n", pending }
  for (i = 1; i <= nset; i++) {
    k = order[i]
    if (!(k in seen)) { printf "%s%s%s%s\n", k, SEP, val[k], (crlf ? "\r" : ""); if (clean) differs = 1 }
  }
  if (differs) exit 99
}
`;

/** The awk program for one dialect. */
export function keyLinesAwkProgram(dialect: Dialect): string {
  const header = dialect === 'java' ? 'BEGIN { JAVA = 1; SEP = "=" }' : 'BEGIN { JAVA = 0; SEP = " = " }';
  return `${header}\n${PROGRAM}`;
}

/**
 * Shell text printing the edited file on stdout (an empty input when the file
 * does not exist yet). It sets zc_differs=1 when the edit certainly changes
 * the bytes (a key's line replaced by a different one, or a key appended to
 * lines copied as read), so atomicWriteScript's skipWhenSame can skip its cmp
 * process; unset, the bytes may or may not differ.
 */
export function keyLinesEditCommand(path: string, dialect: Dialect, edit: KeyEdit): string {
  const set = edit.set.map(([k, v]) => `${k}=${v}`).join('\n');
  const remove = edit.remove.join('\n');
  const p = quote(path);
  return [
    `zc_in=/dev/null; if [ -f ${p} ]; then zc_in=${p}; fi`,
    // awk's exit status 99 means "differs"; any other failure fails the step.
    `if ZC_SET=${quote(set)} ZC_REMOVE=${quote(remove)} awk ${quote(keyLinesAwkProgram(dialect))} "$zc_in"; then :; else`,
    'zc_st=$?; if [ "$zc_st" -ne 99 ]; then exit "$zc_st"; fi; zc_differs=1; fi',
  ].join('\n');
}
