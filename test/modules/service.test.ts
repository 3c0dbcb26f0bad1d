/**
 * service from recorded probe output (test/fixtures/modules/service, recorded
 * by test/fixtures/modules/record.ts; the systemd ones are hand-written in
 * systemctl's documented format, since systemd is not PID 1 here), then for
 * real with a throw-away LSB init script under /etc/init.d (root only; under
 * CI=true it always runs).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskError } from '../../src/modules/contract.ts';
import type { ServiceParams } from '../../src/modules/service/schema.ts';
import { CTX, diffOf, loadFixture, moduleNamed, summaries } from './fixture.ts';
import { applyChanges, check, converge } from './local-run.ts';

const service = moduleNamed<ServiceParams>('service');

describe('service schema', () => {
  it('names what is allowed', () => {
    const messages = (input: unknown): string[] => {
      const r = service.schema.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(messages({ name: 'frr' })).toEqual([': give state (started, stopped, restarted, reloaded) or enabled']);
    expect(messages({ name: 'frr', state: 'running' })).toEqual(['state: state must be started, stopped, restarted or reloaded']);
    expect(messages({ name: '../../bin/sh', state: 'started' })[0]).toMatch(/^name: name must be a service name/);
  });
});

describe('service from recorded probes (no systemd: /etc/init.d)', () => {
  it('LSB status 3 is stopped; boot links make it enabled', () => {
    const f = loadFixture<ServiceParams>('service', 'sysv-ssh-stopped');
    expect(service.parse(f.output, f.params, CTX)).toEqual({ init: 'sysv', exists: true, running: false, enabled: true, bootTool: 'update-rc.d' });
    expect(summaries(diffOf(f))).toEqual(['start ssh']);
    expect(service.commands(diffOf(f), f.params, CTX)).toBe('/etc/init.d/ssh start </dev/null');
  });
  it('LSB status 1 (dead, pid file left) is stopped too', () => {
    expect(summaries(diffOf(loadFixture('service', 'sysv-frr-dead-pidfile')))).toEqual(['start frr']);
  });
  it('running without boot links, asked stopped and enabled', () => {
    const f = loadFixture<ServiceParams>('service', 'sysv-running-not-enabled');
    const changes = diffOf(f);
    expect(summaries(changes)).toEqual([`stop ${f.params.name}`, `enable ${f.params.name} at boot`]);
    expect(service.commands(changes, f.params, CTX).split('\n')).toEqual([
      `/etc/init.d/${f.params.name} stop </dev/null`,
      `update-rc.d ${f.params.name} defaults >/dev/null && update-rc.d ${f.params.name} enable`,
    ]);
  });
  it('restarted and reloaded are actions, every time', () => {
    const f = loadFixture<ServiceParams>('service', 'sysv-running-not-enabled');
    const restart = { ...f.params, state: 'restarted' as const, enabled: undefined };
    expect(service.diff(restart, service.parse(f.output, restart, CTX), CTX)).toEqual([
      { summary: `restart ${f.params.name}`, action: true, data: { op: 'restart', init: 'sysv', tool: 'update-rc.d' } },
    ]);
    const reload = { ...f.params, state: 'reloaded' as const, enabled: undefined };
    const changes = service.diff(reload, service.parse(f.output, reload, CTX), CTX);
    expect(summaries(changes)).toEqual([`reload ${f.params.name}`]);
    expect(service.commands(changes, reload, CTX)).toBe(`/etc/init.d/${f.params.name} force-reload </dev/null`);
  });
  it('a service that is not installed is an error, unless ignore_missing', () => {
    const f = loadFixture<ServiceParams>('service', 'missing');
    expect(() => diffOf(f)).toThrow(TaskError);
    expect(() => diffOf(f)).toThrow('service zc-h6-no-such-service is not installed (no systemd unit, no /etc/init.d/zc-h6-no-such-service)');
    f.params = { ...f.params, ignore_missing: true };
    expect(diffOf(f)).toEqual([]);
  });
});

describe('service from systemctl show (documented format)', () => {
  it('active but disabled', () => {
    const f = loadFixture<ServiceParams>('service', 'systemd-active-disabled');
    const changes = diffOf(f);
    expect(summaries(changes)).toEqual(['enable frr at boot']);
    expect(service.commands(changes, f.params, CTX)).toBe('systemctl enable -- frr');
  });
  it('failed counts as not running', () => {
    const f = loadFixture<ServiceParams>('service', 'systemd-failed-enabled');
    expect(service.commands(diffOf(f), f.params, CTX)).toBe('systemctl start -- cloudstack-agent');
  });
  it('not-found is a missing service', () => {
    const f = loadFixture<ServiceParams>('service', 'systemd-not-found');
    expect(() => diffOf(f)).toThrow('service cloudstack-agent is not installed (no systemd unit)');
  });
});

const runs = process.getuid?.() === 0 || process.env.CI === 'true';
const hasUpdateRcd = spawnSync('sh', ['-c', 'command -v update-rc.d']).status === 0;

describe.runIf(runs)('service through a real /etc/init.d script', () => {
  const name = `zc-h6-svc-${process.pid}`;
  const script = `/etc/init.d/${name}`;
  const dir = mkdtempSync(join(tmpdir(), 'zc-h6-svc-'));
  const p = (input: Record<string, unknown>): ServiceParams => service.schema.parse({ name, ...input });

  beforeAll(() => {
    const pidfile = join(dir, 'pid');
    writeFileSync(
      script,
      [
        '#!/bin/sh',
        '### BEGIN INIT INFO',
        `# Provides: ${name}`,
        '# Required-Start:',
        '# Required-Stop:',
        '# Default-Start: 2 3 4 5',
        '# Default-Stop: 0 1 6',
        '# Short-Description: zonectl test service',
        '### END INIT INFO',
        `PIDFILE=${pidfile}`,
        `LOG=${join(dir, 'log')}`,
        'case "$1" in',
        '  start) [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && exit 0; sleep 600 >/dev/null 2>&1 & echo $! > "$PIDFILE"; echo start >> "$LOG" ;;',
        '  stop) [ -f "$PIDFILE" ] && kill "$(cat "$PIDFILE")" 2>/dev/null; rm -f "$PIDFILE"; echo stop >> "$LOG" ;;',
        '  restart|force-reload) "$0" stop; "$0" start ;;',
        '  status) [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && exit 0; exit 3 ;;',
        '  *) echo "Usage: $0 {start|stop|restart|force-reload|status}" >&2; exit 2 ;;',
        'esac',
        '',
      ].join('\n'),
    );
    chmodSync(script, 0o755);
  });
  afterAll(() => {
    spawnSync(script, ['stop']);
    if (hasUpdateRcd) spawnSync('update-rc.d', ['-f', name, 'remove']);
    rmSync(script, { force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts, then is in sync; a stop by hand is detected and repaired', () => {
    const started = p({ state: 'started' });
    const { first, second } = converge(service, started);
    expect(summaries(first)).toEqual([`start ${name}`]);
    expect(second).toEqual([]);
    execFileSync(script, ['stop']);
    expect(summaries(check(service, started))).toEqual([`start ${name}`]);
    expect(converge(service, started).second).toEqual([]);
  });

  it('restarted runs every time and stays an action', () => {
    const restarted = p({ state: 'restarted' });
    const changes = check(service, restarted);
    expect(changes).toEqual([{ summary: `restart ${name}`, action: true, data: { op: 'restart', init: 'sysv', tool: hasUpdateRcd ? 'update-rc.d' : 'none' } }]);
    expect(applyChanges(service, restarted, changes).exitCode).toBe(0);
    expect(check(service, restarted)).toHaveLength(1);
  });

  it.runIf(hasUpdateRcd)('enables and disables at boot through update-rc.d', () => {
    const enabled = p({ enabled: true });
    expect(summaries(converge(service, enabled).first)).toEqual([`enable ${name} at boot`]);
    expect(readdirSync('/etc/rc2.d').some((l) => l.startsWith('S') && l.endsWith(name))).toBe(true);
    expect(check(service, enabled)).toEqual([]);
    const disabled = p({ enabled: false });
    expect(summaries(converge(service, disabled).first)).toEqual([`disable ${name} at boot`]);
    expect(check(service, disabled)).toEqual([]);
  });

  it('stops', () => {
    const stopped = p({ state: 'stopped' });
    expect(converge(service, stopped).second).toEqual([]);
    expect(existsSync(join(dir, 'pid'))).toBe(false);
  });
});
