/**
 * Persisted network files made of owned blocks.
 *
 * Several tasks may concern one interface (a bridge task and an address task
 * on cloudbr0). Each task owns one named block of the interface's file and
 * rewrites only that block, ON THE HOST, at apply time: tasks of one run then
 * compose in any order without knowing each other, and re-probing shows every
 * block as its owner wrote it. Blocks are kept sorted by key (a task inserts
 * its block before the first block with a greater key), so stanzas come in a
 * stable order: device first, then addresses, then routes.
 *
 * `setBlock` predicts on the controller exactly what `setBlockScript` does on
 * the host (an awk filter); tests run both on the same inputs.
 */
import { quote } from '../../shell/quote.ts';

export const BLOCK_MARK = '# zonectl block: ';
export const FILE_HEADER = '# Written by zonectl: each "# zonectl block:" section below belongs to one task and is rewritten by it.';

/** Lines of a block (without its marker line), or null when the file has no such block. */
export function getBlock(text: string | null, key: string): string[] | null {
  if (text === null) return null;
  let inBlock = false;
  let found: string[] | null = null;
  for (const line of splitLines(text)) {
    if (line.startsWith(BLOCK_MARK)) {
      inBlock = line.slice(BLOCK_MARK.length) === key;
      if (inBlock) found = [];
    } else if (inBlock) {
      found?.push(line);
    }
  }
  return found;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * The file after replacing (or removing, with null) block `key`. Null when the
 * file would hold nothing but the header: the file is then removed.
 */
export function setBlock(text: string | null, key: string, lines: readonly string[] | null): string | null {
  const input = text === null ? [FILE_HEADER] : splitLines(text);
  const out: string[] = [];
  let skip = false;
  let done = lines === null;
  const emit = () => {
    if (done || lines === null) return;
    out.push(BLOCK_MARK + key, ...lines);
    done = true;
  };
  for (const line of input) {
    if (line.startsWith(BLOCK_MARK)) {
      const k = line.slice(BLOCK_MARK.length);
      skip = k === key;
      if (k > key) emit();
    }
    if (!skip) out.push(line);
  }
  emit();
  const hasBlocks = out.some((l) => l.startsWith(BLOCK_MARK));
  // Same test as emptyBlockFileTest: no block, and nothing but the header (whitespace aside).
  const bare = out.join('').replace(/\s/g, '');
  if (!hasBlocks && (bare === '' || bare === FILE_HEADER.replace(/\s/g, ''))) return null;
  return `${out.join('\n')}\n`;
}

// Same algorithm as setBlock. `blk` is a file holding the new block (absent = remove).
const AWK = `
function emit(  l) {
  if (done) return
  print mark key
  while ((getline l < blk) > 0) print l
  close(blk)
  done = 1
}
BEGIN { done = (blk == ""); skip = 0 }
index($0, mark) == 1 { k = substr($0, length(mark) + 1); skip = (k == key); if (k "" > key "") emit() }
!skip { print }
END { emit() }
`;

/**
 * Shell text whose stdout is the file after setting the block: feed it to an
 * atomic write. The file's current content is read at apply time, so blocks
 * written by earlier tasks of the same run are kept.
 */
export function setBlockProducer(path: string, key: string, lines: readonly string[] | null): string {
  const p = quote(path);
  const blockFile = lines === null ? '' : '"$zc_blk"';
  const prepare =
    lines === null
      ? ''
      : `zc_blk=$(mktemp); printf '%s\\n' ${lines.map((l) => quote(l)).join(' ')} > "$zc_blk"; `;
  return (
    `{ ${prepare}{ if [ -f ${p} ]; then cat ${p}; else printf '%s\\n' ${quote(FILE_HEADER)}; fi; } | ` +
    `LC_ALL=C awk -v mark=${quote(BLOCK_MARK)} -v key=${quote(key)} -v blk=${blockFile || "''"} ${quote(AWK)}; ` +
    `${lines === null ? '' : 'rm -f "$zc_blk"; '}}`
  );
}

/** Shell test: true when `file` (a shell word) holds no block and nothing but the header: remove it then. */
export function emptyBlockFileTest(file: string): string {
  const bare = quote(FILE_HEADER.replace(/\s/g, ''));
  return `{ ! grep -q ${quote(`^${BLOCK_MARK}`)} ${file} && { [ ! -s ${file} ] || [ "$(tr -d '[:space:]' < ${file})" = ${bare} ]; }; }`;
}
