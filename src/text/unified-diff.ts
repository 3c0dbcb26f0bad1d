/**
 * Unified diffs of text, as `diff -u` prints them, for dry runs of file
 * content (files, templates, persisted network config, nftables, FRR).
 * Myers' O(ND) algorithm on lines, after trimming the common head and tail.
 */

export interface UnifiedDiffOptions {
  oldName?: string;
  newName?: string;
  /** Lines of context around each change (default 3). */
  context?: number;
}

type Op = { kind: ' ' | '-' | '+'; line: string };

// A last line without a newline differs from the same line with one.
const NO_NEWLINE = '\u0000';

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else lines[lines.length - 1] += NO_NEWLINE;
  return lines;
}

/**
 * Past this many edits Myers' search costs too much memory and time; the
 * differing middle is then shown as all removed, then all added.
 */
const MAX_EDITS = 2_000;

function replaceAll(a: string[], b: string[]): Op[] {
  return [...a.map((line): Op => ({ kind: '-', line })), ...b.map((line): Op => ({ kind: '+', line }))];
}

function myers(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return replaceAll(a, b);
  const max = n + m;
  const offset = max;
  const v = new Int32Array(2 * max + 2);
  // trace[d] holds v[-d..d] as it was before step d: memory grows with d², not d·(n+m).
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    if (d > MAX_EDITS) return replaceAll(a, b);
    trace.push(v.slice(offset - d, offset + d + 1));
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number))) x = v[offset + k + 1] as number;
      else x = (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk back through the trace to recover the edit script.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const tv = trace[d] as Int32Array;
    // tv[i] is v[i - d] before step d.
    const at = (k: number): number => (k < -d || k > d ? -1 : (tv[k + d] as number));
    const k = x - y;
    let prevK: number;
    if (k === -d || (k !== d && at(k - 1) < at(k + 1))) prevK = k + 1;
    else prevK = k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: ' ', line: a[x - 1] as string });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) ops.push({ kind: '+', line: b[y - 1] as string });
      else ops.push({ kind: '-', line: a[x - 1] as string });
    }
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}

/** The line-level edit script from old to new. */
export function diffLines(oldText: string, newText: string): Op[] {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const middle = myers(a.slice(head, a.length - tail), b.slice(head, b.length - tail));
  return [
    ...a.slice(0, head).map((line): Op => ({ kind: ' ', line })),
    ...middle,
    ...a.slice(a.length - tail).map((line): Op => ({ kind: ' ', line })),
  ];
}

function range(start: number, count: number): string {
  // diff -u: an empty range names the line before it.
  const first = count === 0 ? start - 1 : start;
  return count === 1 ? `${first}` : `${first},${count}`;
}

/** `diff -u`-style text, or '' when the texts are equal. */
export function unifiedDiff(oldText: string, newText: string, options: UnifiedDiffOptions = {}): string {
  if (oldText === newText) return '';
  const context = options.context ?? 3;
  const ops = diffLines(oldText, newText);
  const out: string[] = [`--- ${options.oldName ?? 'before'}`, `+++ ${options.newName ?? 'after'}`];
  let i = 0;
  // Old/new line numbers (1-based) of ops[i].
  const oldLine: number[] = [];
  const newLine: number[] = [];
  let o = 1;
  let nl = 1;
  for (const op of ops) {
    oldLine.push(o);
    newLine.push(nl);
    if (op.kind !== '+') o++;
    if (op.kind !== '-') nl++;
  }
  while (i < ops.length) {
    while (i < ops.length && (ops[i] as Op).kind === ' ') i++;
    if (i >= ops.length) break;
    const start = Math.max(0, i - context);
    let end = i;
    // Extend the hunk while changes are closer than 2×context apart.
    for (;;) {
      while (end < ops.length && (ops[end] as Op).kind !== ' ') end++;
      let gap = end;
      while (gap < ops.length && (ops[gap] as Op).kind === ' ') gap++;
      if (gap < ops.length && gap - end <= 2 * context) end = gap;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    const hunk = ops.slice(start, stop);
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${range(oldLine[start] as number, oldCount)} +${range(newLine[start] as number, newCount)} @@`);
    for (const op of hunk) {
      if (op.line.endsWith(NO_NEWLINE)) {
        out.push(`${op.kind}${op.line.slice(0, -1)}`, '\\ No newline at end of file');
      } else {
        out.push(`${op.kind}${op.line}`);
      }
    }
    i = stop;
  }
  return `${out.join('\n')}\n`;
}
