import type { ModuleDoc } from '../contract.ts';

export const serviceDoc: ModuleDoc = {
  summary: 'A service running or stopped, enabled at boot or not; restarted or reloaded on request (handlers).',
  description:
    'Uses systemd where it runs (/run/systemd/system exists, i.e. systemd is PID 1): `systemctl show`, start/stop/restart/reload, enable/disable. ' +
    'Otherwise the service\'s /etc/init.d script: `status` exit code (LSB: 0 running, 1-3 not running), start/stop/restart/reload, and boot links ' +
    '(/etc/rc[2-5].d/S??NAME) through update-rc.d or chkconfig. ' +
    'restarted and reloaded are actions: they run every time the task runs (typically as a handler, once, when notified) and are reported as such in a dry run ("restart frr"). ' +
    'reloaded on a stopped service starts it. A service that is not installed is an error, unless ignore_missing is true.',
  params: {
    name: 'service name (systemd unit without .service, or the /etc/init.d script name)',
    state: 'started, stopped, restarted (action) or reloaded (action)',
    enabled: 'start at boot (true) or not (false)',
    ignore_missing: 'leave a service that is not installed alone instead of failing (default false), e.g. a handler for an agent installed later',
  },
  examples: `handlers:
  - name: restart cloudstack-agent
    service:
      name: cloudstack-agent
      state: restarted
      ignore_missing: true`,
};
