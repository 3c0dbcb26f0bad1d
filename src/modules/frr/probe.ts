/**
 * The read-only probe of `frr`: the daemons file, /etc/frr/frr.conf, whether
 * FRR runs, and — for the desired configuration, carried to the host in a
 * temporary file — FRR's own dry-run check (`vtysh -C -f`) and the lines a
 * reload would change (`frr-reload.py --test`). Nothing is installed or
 * reloaded here: a configuration FRR rejects fails the dry run.
 *
 * Output: sections that start with a `@@frr <name>` line (see parse.ts).
 */
import { quote } from '../../shell/quote.ts';
import { fileProbe } from '../file/probe.ts';

export const DAEMONS_FILE = '/etc/frr/daemons';
export const CONFIG_FILE = '/etc/frr/frr.conf';
export const RELOAD_TOOL = '/usr/lib/frr/frr-reload.py';

export function frrProbe(config: string | undefined): string {
  const lines = [
    '(',
    `zc_d=$(mktemp -d /tmp/zonectl-frr.XXXXXX) || exit 1`,
    `trap 'rm -rf "$zc_d"' EXIT`,
    // The desired file is read as plain `frr.conf`: vtysh and frr-reload.py name it in their errors, and the mktemp
    // path would differ on every run (saved plans compare the probe output; it must not change on an unchanged host).
    `cd "$zc_d" || exit 1`,
    `echo '@@frr daemons'`,
    fileProbe(DAEMONS_FILE),
    `echo '@@frr running'`,
    // Only whether vtysh reaches the daemons; frr-reload.py reads the running configuration itself.
    `if vtysh -c 'show running-config' >"$zc_d/running" 2>"$zc_d/err"; then echo 'frr.running yes'; else echo 'frr.running no'; head -c 2000 "$zc_d/err"; echo; fi`,
  ];
  if (config !== undefined) {
    lines.push(
      `echo '@@frr conf'`,
      fileProbe(CONFIG_FILE),
      `printf '%s' ${quote(config)} >frr.conf`,
      `echo '@@frr check'`,
      `vtysh -C -f frr.conf >"$zc_d/check" 2>&1; zc_check=$?`,
      `head -c 4000 "$zc_d/check"; echo; echo "@@frr check-exit $zc_check"`,
      `if ! [ -x ${quote(RELOAD_TOOL)} ]; then echo '@@frr no-reload-tool'`,
      // Only a running FRR has lines to compare, and only a file it accepts is worth comparing.
      `elif [ -s "$zc_d/running" ] && [ "$zc_check" = 0 ]; then`,
      `  echo '@@frr reload'`,
      `  ${quote(RELOAD_TOOL)} --test frr.conf 2>"$zc_d/err"; zc_rc=$?; echo; echo "@@frr reload-exit $zc_rc"`,
      // Its log lines start with a timestamp and colour the level (`2026-11-21 11:37:42,272 ESC[91m  ERRORESC[0m: …`): both go.
      `  grep -E 'ERROR|Error|error' "$zc_d/err" | tail -n 5 | LC_ALL=C sed -e 's/^[0-9][0-9-]* [0-9][0-9:,.]* //' -e "s/$(printf '\\033')\\[[0-9;]*m//g" -e 's/^ *//'`,
      'fi',
    );
  }
  lines.push(')');
  return lines.join('\n');
}
