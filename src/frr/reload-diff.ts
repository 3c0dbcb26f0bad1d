/**
 * `frr-reload.py --test NEWFILE` output → the lines a reload would delete and
 * add. Pure. The tool prints nothing on stdout when the running configuration
 * already matches the file, else two sections (recorded in
 * test/fixtures/frr/reload-test-*.txt):
 *
 *   Lines To Delete            Lines To Add
 *   ===============            ============
 *   no hostname r1             router bgp 65001
 *                               address-family ipv4 unicast
 *                                network 198.51.100.128/25
 *
 * Each entry is a top-level line followed by its indented lines: the last one
 * is the line that changes, the ones before it are the context it sits in.
 */

export interface ReloadLine {
  /** Enclosing lines (`router bgp 65001`, ` address-family ipv4 unicast`), outermost first. */
  context: string[];
  /** The line as frr-reload.py prints it (trailing blanks trimmed). */
  line: string;
}

export interface ReloadDiff {
  deletes: ReloadLine[];
  adds: ReloadLine[];
}

export function parseReloadTest(stdout: string): ReloadDiff {
  const out: ReloadDiff = { deletes: [], adds: [] };
  let section: ReloadLine[] | undefined;
  let entry: string[] = [];
  const flush = (): void => {
    if (section && entry.length > 0) section.push({ context: entry.slice(0, -1), line: entry[entry.length - 1] as string });
    entry = [];
  };
  for (const raw of stdout.split('\n')) {
    const line = raw.trimEnd();
    if (line === 'Lines To Delete' || line === 'Lines To Add') {
      flush();
      section = line === 'Lines To Delete' ? out.deletes : out.adds;
      continue;
    }
    if (/^=+$/.test(line) || line === '') continue;
    if (!section) continue;
    if (!/^\s/.test(line)) flush();
    entry.push(line);
  }
  flush();
  return out;
}

/** What the desired configuration says about lines FRR prints whether or not they are configured. */
export interface HostOwned {
  /** The desired text has a `hostname` line. */
  hostname: boolean;
  /** The desired text has an `ip forwarding` / `no ip forwarding` line. */
  ipForwarding: boolean;
  ipv6Forwarding: boolean;
}

export function hostOwnedOf(config: string): HostOwned {
  const has = (re: RegExp): boolean => config.split('\n').some((l) => re.test(l.trimEnd()));
  return {
    hostname: has(/^hostname\s/),
    ipForwarding: has(/^(no )?ip forwarding$/),
    ipv6Forwarding: has(/^(no )?ipv6 forwarding$/),
  };
}

/**
 * Drops the lines that are not configuration zonectl owns: `frr version` (the
 * installed FRR's own), a hostname FRR takes from the system when the file
 * names none, and IP forwarding, which zebra reports from the kernel (the
 * sysctl module owns it) unless the file names it.
 */
export function withoutHostOwned(diff: ReloadDiff, owned: HostOwned): ReloadDiff {
  const ignored = (l: ReloadLine): boolean => {
    if (l.context.length > 0) return false;
    if (/^frr version\s/.test(l.line)) return true;
    if (!owned.hostname && /^no hostname\s/.test(l.line)) return true;
    if (!owned.ipForwarding && /^(no )?ip forwarding$/.test(l.line)) return true;
    if (!owned.ipv6Forwarding && /^(no )?ipv6 forwarding$/.test(l.line)) return true;
    return false;
  };
  return { deletes: diff.deletes.filter((l) => !ignored(l)), adds: diff.adds.filter((l) => !ignored(l)) };
}

export function reloadDiffIsEmpty(diff: ReloadDiff): boolean {
  return diff.deletes.length === 0 && diff.adds.length === 0;
}

/**
 * The lines as a review reads them: `-` lines a reload deletes, `+` lines it
 * adds, each under its context (printed once for a run of lines sharing it).
 */
export function formatReloadDiff(diff: ReloadDiff): string {
  const out: string[] = [];
  for (const [mark, lines] of [['-', diff.deletes], ['+', diff.adds]] as const) {
    let shown: string[] = [];
    for (const l of lines) {
      let same = 0;
      while (same < l.context.length && same < shown.length && shown[same] === l.context[same]) same++;
      for (const c of l.context.slice(same)) out.push(`  ${c}`);
      out.push(`${mark} ${l.line}`);
      shown = [...l.context, l.line];
    }
  }
  return out.join('\n');
}
