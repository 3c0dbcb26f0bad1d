/**
 * Shell pieces shared by the network modules' commands. Every value goes
 * through quote().
 */
import { quote } from '../shell/quote.ts';

/** Fails the step with a clear line when a device is missing at apply time. */
export function requireDevice(module: string, name: string, role = 'interface'): string {
  return `ip link show dev ${quote(name)} >/dev/null 2>&1 || { echo ${quote(`${module}: ${role} ${name} does not exist`)} >&2; exit 1; }`;
}

/**
 * Runs `script` in its own session (setsid, else nohup) and waits for it.
 * When a step moves the address the controller is connected through, the SSH
 * session may stall or drop for a moment; the detached sequence then still
 * runs to its end instead of dying with the session half-way (which would
 * leave the host unreachable). Its output and status are passed on.
 */
export function detached(script: string): string {
  return [
    'zc_log=$(mktemp)',
    'if command -v setsid >/dev/null 2>&1; then zc_detach=setsid; else zc_detach=nohup; fi',
    `$zc_detach sh -c ${quote(script)} </dev/null >"$zc_log" 2>&1 &`,
    'zc_pid=$!',
    'if wait "$zc_pid"; then zc_rc=0; else zc_rc=$?; fi',
    'cat "$zc_log" >&2 || true',
    'rm -f "$zc_log"',
    'if [ "$zc_rc" -ne 0 ]; then exit "$zc_rc"; fi',
  ].join('\n');
}
