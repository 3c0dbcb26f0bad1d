/**
 * `package`: installed or absent, through apt or dnf/yum, detected per host.
 *
 * Probe output lines:
 *   pkg.manager apt|dnf|yum|none
 *   pkg.status <name> <dpkg status words…>   (apt; nothing after the name when unknown)
 *   pkg.rpm <name> yes|no                     (dnf/yum)
 */
import { command, quote } from '../../shell/quote.ts';
import { defineModule, TaskError } from '../contract.ts';
import type { Change, ProbeOutput } from '../contract.ts';
import { packageDoc } from './doc.ts';
import { packageParams } from './schema.ts';
import type { PackageParams } from './schema.ts';

export type Manager = 'apt' | 'dnf' | 'yum';

export interface PackageState {
  manager: Manager | 'none';
  /** Package → installed? */
  installed: Record<string, boolean>;
}

/** dpkg's third status word says whether the files are in place and configured (enough). */
const INSTALLED = new Set(['installed', 'triggers-pending', 'triggers-awaited']);

export function packageProbe(p: PackageParams): string {
  const lines = [
    '(',
    'if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then',
    '  echo pkg.manager apt',
  ];
  for (const n of p.name) {
    lines.push(`  printf 'pkg.status %s %s\\n' ${quote(n)} "$(dpkg-query -W -f='\${Status}\\n' ${quote(n)} 2>/dev/null | head -n 1)"`);
  }
  lines.push('elif command -v rpm >/dev/null 2>&1 && { command -v dnf >/dev/null 2>&1 || command -v yum >/dev/null 2>&1; }; then');
  lines.push('  if command -v dnf >/dev/null 2>&1; then echo pkg.manager dnf; else echo pkg.manager yum; fi');
  for (const n of p.name) {
    lines.push(`  if rpm -q ${quote(n)} >/dev/null 2>&1; then echo pkg.rpm ${quote(n)} yes; else echo pkg.rpm ${quote(n)} no; fi`);
  }
  lines.push('else echo pkg.manager none; fi', ')');
  return lines.join('\n');
}

export function parsePackages(output: ProbeOutput, p: PackageParams): PackageState {
  const lines = output.stdout.split('\n');
  const manager = lines.find((l) => l.startsWith('pkg.manager '))?.slice('pkg.manager '.length);
  if (manager === undefined) throw new TaskError(`cannot tell which packages are installed: ${output.stderr.trim() || `probe exit status ${output.exitCode}`}`);
  if (manager !== 'apt' && manager !== 'dnf' && manager !== 'yum') return { manager: 'none', installed: {} };
  const installed: Record<string, boolean> = {};
  for (const line of lines) {
    const apt = /^pkg\.status (\S+) ?(.*)$/.exec(line);
    if (apt) installed[apt[1] as string] = INSTALLED.has((apt[2] ?? '').trim().split(/\s+/)[2] ?? '');
    const rpm = /^pkg\.rpm (\S+) (yes|no)$/.exec(line);
    if (rpm) installed[rpm[1] as string] = rpm[2] === 'yes';
  }
  for (const n of p.name) if (installed[n] === undefined) throw new TaskError(`the probe did not report package ${n}`);
  return { manager, installed };
}

export function diffPackages(p: PackageParams, s: PackageState): Change[] {
  if (s.manager === 'none') throw new TaskError('no supported package manager on this host (apt with dpkg, or dnf/yum with rpm)');
  const wanted = p.state === 'present';
  const todo = p.name.filter((n) => s.installed[n] !== wanted);
  if (todo.length === 0) return [];
  return [{ summary: `${wanted ? 'install' : 'remove'} ${todo.join(', ')}`, data: { manager: s.manager, names: todo } }];
}

export function packageCommands(changes: readonly Change[], p: PackageParams): string {
  const out: string[] = [];
  for (const c of changes) {
    const { manager, names } = c.data as { manager: Manager; names: string[] };
    if (manager === 'apt') {
      if (p.state === 'present') {
        if (p.update_cache) out.push('DEBIAN_FRONTEND=noninteractive apt-get update -q');
        out.push(`DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ${command(...names)}`);
      } else {
        out.push(`DEBIAN_FRONTEND=noninteractive apt-get remove -y -q ${command(...names)}`);
      }
    } else {
      if (p.state === 'present' && p.update_cache) out.push(`${manager} makecache -q`);
      out.push(`${manager} ${p.state === 'present' ? 'install' : 'remove'} -y -q ${command(...names)}`);
    }
  }
  return out.join('\n');
}

export const packageModule = defineModule<PackageParams, PackageState>({
  name: 'package',
  doc: packageDoc,
  schema: packageParams,
  probe: (p) => packageProbe(p),
  parse: (output, p) => parsePackages(output, p),
  diff: (p, s) => diffPackages(p, s),
  commands: (changes, p) => packageCommands(changes, p),
});
