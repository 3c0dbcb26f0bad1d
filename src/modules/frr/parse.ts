/**
 * frrProbe() output (see probe.ts) → what the host has. Pure. A desired
 * configuration FRR rejects, or a reload comparison that fails, is a
 * TaskError here: the dry run fails and nothing is installed.
 */
import { parseReloadTest } from '../../frr/reload-diff.ts';
import type { ReloadDiff } from '../../frr/reload-diff.ts';
import { maskSecrets } from '../../frr/secrets.ts';
import { TaskError } from '../contract.ts';
import { parseFileProbe } from '../file/parse.ts';
import type { FileState } from '../file/parse.ts';
import { CONFIG_FILE, DAEMONS_FILE, RELOAD_TOOL } from './probe.ts';

export interface FrrState {
  daemons: FileState;
  /** vtysh reached the running daemons. */
  running: boolean;
  /** /etc/frr/frr.conf; undefined when the task manages no configuration. */
  conf?: FileState;
  /** What `frr-reload.py --test` says a reload would change; undefined when FRR is not running. */
  reload?: ReloadDiff;
}

function sections(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  let name: string | undefined;
  let body: string[] = [];
  const flush = (): void => {
    if (name !== undefined) out.set(name, body.join('\n'));
  };
  for (const line of stdout.split('\n')) {
    const m = /^@@frr (\S+)(?: (.*))?$/.exec(line);
    if (m) {
      flush();
      name = m[1];
      body = m[2] === undefined ? [] : [m[2]];
      continue;
    }
    body.push(line);
  }
  flush();
  return out;
}

export function parseFrr(stdout: string, wantsConfig: boolean): FrrState {
  const s = sections(stdout);
  const daemonsText = s.get('daemons');
  if (daemonsText === undefined) throw new TaskError(`cannot read the FRR state: unexpected probe output ${JSON.stringify(maskSecrets(stdout.slice(0, 200)))}`);
  const daemons = parseFileProbe(daemonsText, DAEMONS_FILE);
  if (daemons.kind === 'missing') throw new TaskError(`${DAEMONS_FILE} is missing: FRR is not installed (install the frr package first)`);
  const running = /^frr\.running yes$/m.test(s.get('running') ?? '');
  const state: FrrState = { daemons, running };
  if (!wantsConfig) return state;

  state.conf = parseFileProbe(s.get('conf') ?? '', CONFIG_FILE);
  const exit = s.get('check-exit')?.trim();
  if (exit === undefined) throw new TaskError('the FRR configuration check did not finish (is vtysh installed?)');
  if (exit !== '0') {
    const why = maskSecrets((s.get('check') ?? '').trim()).split('\n').filter((l) => l.trim() !== '').slice(0, 8).join(' | ');
    throw new TaskError(`FRR rejects the new configuration (vtysh -C -f, exit ${exit}): ${why || 'no error output'}; nothing was installed`);
  }
  if (s.has('no-reload-tool')) throw new TaskError(`${RELOAD_TOOL} is missing: install frr-pythontools (zonectl reloads FRR with it instead of restarting)`);
  if (!running) return state;
  const reloadExit = s.get('reload-exit');
  const reloadLines = reloadExit?.split('\n') ?? [];
  if (reloadExit === undefined || reloadLines[0]?.trim() !== '0') {
    const why = maskSecrets(reloadLines.slice(1).join(' | ').trim());
    throw new TaskError(`frr-reload.py --test failed (exit ${reloadLines[0]?.trim() ?? 'none'}): ${why || 'no error output'}`);
  }
  state.reload = parseReloadTest(s.get('reload') ?? '');
  return state;
}
