/**
 * `service`: systemd where systemd is PID 1, else /etc/init.d scripts.
 *
 * Probe output lines:
 *   svc.init systemd|sysv|none
 *   systemd: the KEY=VALUE lines of `systemctl show` (LoadState, ActiveState, UnitFileState)
 *   sysv:    svc.status <LSB exit code>, svc.boot yes|no, svc.tool update-rc.d|chkconfig|none
 */
import { quote } from '../../shell/quote.ts';
import { defineModule, TaskError } from '../contract.ts';
import type { Change, ProbeOutput } from '../contract.ts';
import { serviceDoc } from './doc.ts';
import { serviceParams } from './schema.ts';
import type { ServiceParams } from './schema.ts';

export type InitSystem = 'systemd' | 'sysv';

export type ServiceState =
  | { init: 'none' }
  | { init: InitSystem; exists: boolean; running: boolean; enabled: boolean; bootTool: 'update-rc.d' | 'chkconfig' | 'none' };

export function serviceProbe(p: ServiceParams): string {
  const n = quote(p.name);
  const script = quote(`/etc/init.d/${p.name}`);
  return [
    '(',
    'if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then',
    '  echo svc.init systemd',
    `  systemctl show --property=LoadState,ActiveState,UnitFileState -- ${n}`,
    `elif [ -x ${script} ]; then`,
    '  echo svc.init sysv',
    // LSB: status must not change anything; its words are not ours to show.
    `  ${script} status >/dev/null 2>&1 </dev/null; echo "svc.status $?"`,
    // Boot links of the default runlevels; the name is quoted inside the glob.
    `  zc_boot=no; for zc_l in /etc/rc[2345].d/S??${n}; do [ -e "$zc_l" ] && zc_boot=yes; done; echo "svc.boot $zc_boot"`,
    '  if command -v update-rc.d >/dev/null 2>&1; then echo svc.tool update-rc.d; elif command -v chkconfig >/dev/null 2>&1; then echo svc.tool chkconfig; else echo svc.tool none; fi',
    'else echo svc.init none; fi',
    ')',
  ].join('\n');
}

export function parseService(output: ProbeOutput, p: ServiceParams): ServiceState {
  const lines = output.stdout.split('\n');
  const init = lines.find((l) => l.startsWith('svc.init '))?.slice('svc.init '.length);
  if (init === 'none') return { init: 'none' };
  const kv = new Map(lines.filter((l) => /^[A-Za-z.]+[= ]/.test(l)).map((l) => {
    const i = l.search(/[= ]/);
    return [l.slice(0, i), l.slice(i + 1)] as const;
  }));
  if (init === 'systemd') {
    const load = kv.get('LoadState');
    if (load === undefined) throw new TaskError(`systemctl show ${p.name} said nothing: ${output.stderr.trim() || `exit status ${output.exitCode}`}`);
    const active = kv.get('ActiveState') ?? '';
    const file = kv.get('UnitFileState') ?? '';
    return {
      init,
      exists: load !== 'not-found',
      running: active === 'active' || active === 'reloading' || active === 'activating',
      enabled: file === 'enabled' || file === 'enabled-runtime' || file === 'alias',
      bootTool: 'none',
    };
  }
  if (init === 'sysv') {
    const status = Number(kv.get('svc.status'));
    if (!Number.isInteger(status)) throw new TaskError(`cannot read the status of ${p.name}`);
    if (status > 3) throw new TaskError(`/etc/init.d/${p.name} status exited ${status}: the service's state is unknown (LSB: 0 running, 1-3 not running)`);
    const tool = kv.get('svc.tool');
    return {
      init,
      exists: true,
      running: status === 0,
      enabled: kv.get('svc.boot') === 'yes',
      bootTool: tool === 'update-rc.d' || tool === 'chkconfig' ? tool : 'none',
    };
  }
  throw new TaskError(`cannot tell how ${p.name} is run: ${output.stderr.trim() || `probe exit status ${output.exitCode}`}`);
}

type Op = 'start' | 'stop' | 'restart' | 'reload' | 'enable' | 'disable';

/** What commands() needs: the operation and how this host runs services. */
export interface ServiceChangeData {
  op: Op;
  init: InitSystem;
  tool: 'update-rc.d' | 'chkconfig' | 'none';
}

export function diffService(p: ServiceParams, s: ServiceState): Change[] {
  if (s.init === 'none' || !s.exists) {
    if (p.ignore_missing) return [];
    throw new TaskError(`service ${p.name} is not installed (no systemd unit${s.init === 'none' ? `, no /etc/init.d/${p.name}` : ''})`);
  }
  const changes: Change[] = [];
  const add = (op: Op, summary: string, action = false): void => {
    const data: ServiceChangeData = { op, init: s.init, tool: s.bootTool };
    changes.push(action ? { summary, action: true, data } : { summary, data });
  };
  switch (p.state) {
    case 'started':
      if (!s.running) add('start', `start ${p.name}`);
      break;
    case 'stopped':
      if (s.running) add('stop', `stop ${p.name}`);
      break;
    case 'restarted':
      add('restart', `restart ${p.name}`, true);
      break;
    case 'reloaded':
      if (s.running) add('reload', `reload ${p.name}`, true);
      else add('start', `start ${p.name} (reload asked, it was stopped)`, true);
      break;
    default:
      break;
  }
  if (p.enabled === true && !s.enabled) add('enable', `enable ${p.name} at boot`);
  if (p.enabled === false && s.enabled) add('disable', `disable ${p.name} at boot`);
  const bootChange = changes.some((c) => ['enable', 'disable'].includes((c.data as ServiceChangeData).op));
  if (bootChange && s.init === 'sysv' && s.bootTool === 'none') {
    throw new TaskError(`cannot change whether ${p.name} starts at boot: neither update-rc.d nor chkconfig is installed`);
  }
  return changes;
}

function sysvBoot(op: 'enable' | 'disable', name: string, tool: string): string {
  const n = quote(name);
  if (tool === 'chkconfig') return `chkconfig ${n} ${op === 'enable' ? 'on' : 'off'}`;
  // `defaults` makes the links when there are none; enable/disable turn S links into K links and back.
  return op === 'enable' ? `update-rc.d ${n} defaults >/dev/null && update-rc.d ${n} enable` : `update-rc.d ${n} disable`;
}

export function serviceCommands(changes: readonly Change[], p: ServiceParams): string {
  const n = quote(p.name);
  return changes
    .map((c) => {
      const { op, init, tool } = c.data as ServiceChangeData;
      if (init === 'systemd') return `systemctl ${op} -- ${n}`;
      if (op === 'enable' || op === 'disable') return sysvBoot(op, p.name, tool);
      // LSB requires force-reload (reload is optional): it reloads, or restarts when it cannot.
      return `${quote(`/etc/init.d/${p.name}`)} ${op === 'reload' ? 'force-reload' : op} </dev/null`;
    })
    .join('\n');
}

export const serviceModule = defineModule<ServiceParams, ServiceState>({
  name: 'service',
  doc: serviceDoc,
  schema: serviceParams,
  probe: (p) => serviceProbe(p),
  parse: (output, p) => parseService(output, p),
  diff: (p, s) => diffService(p, s),
  commands: (changes, p) => serviceCommands(changes, p),
});
