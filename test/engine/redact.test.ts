/**
 * Reported changes never show a secret: known values are replaced by the
 * store, and a removed diff line that matches a params line holding a
 * placeholder (the host's old value of a rotated password) is masked too.
 */
import { describe, expect, it } from 'vitest';
import { redactChange } from '../../src/engine/redact.ts';
import { SecretStore } from '../../src/secrets/index.ts';
import { unifiedDiff } from '../../src/text/unified-diff.ts';

describe('redactChange', () => {
  const secrets = new SecretStore({});
  secrets.set('bgp_pw', 'New-pw-2026');
  const params = { path: '/etc/frr/peer.conf', content: 'neighbor 10.0.0.1\n password @@secret(bgp_pw)@@ # rotated\nlog on\n' };
  const onHost = 'neighbor 10.0.0.1\n password Old-pw-2025 # rotated\nlog off\n';
  const wanted = secrets.reveal(params.content);

  it('masks the old value on a removed line that matches a line with a placeholder', () => {
    const reported = redactChange(secrets, { summary: 'content of /etc/frr/peer.conf', diff: unifiedDiff(onHost, wanted, { oldName: 'a', newName: 'b' }) }, params);
    expect(reported.diff).not.toContain('Old-pw-2025');
    expect(reported.diff).not.toContain('New-pw-2026');
    expect(reported.diff).toContain('- password <old secret:bgp_pw> # rotated\n');
    expect(reported.diff).toContain('+ password <secret:bgp_pw> # rotated\n');
    // lines without a placeholder are shown as they are
    expect(reported.diff).toContain('-log off\n');
  });

  it('a scalar param that is only a placeholder does not mask every removed line', () => {
    const reported = redactChange(secrets, { summary: 's', diff: '--- a\n+++ b\n@@ -1 +1 @@\n-mtu 1500\n+mtu 9000\n' }, { password: '@@secret(bgp_pw)@@' });
    expect(reported.diff).toContain('-mtu 1500');
  });

  it('a line of file content that is only a placeholder masks the old line', () => {
    const reported = redactChange(secrets, { summary: 's', diff: '--- a\n+++ b\n@@ -1 +1 @@\n-Old-pw-2025\n+New-pw-2026\n' }, { content: '@@secret(bgp_pw)@@\n' });
    expect(reported.diff).toBe('--- a\n+++ b\n@@ -1 +1 @@\n-<old secret:bgp_pw>\n+<secret:bgp_pw>\n');
  });

  it('masks the old value in a KEY: OLD → NEW summary whose new value is a secret', () => {
    const line = (summary: string): string => redactChange(secrets, { summary }).summary;
    expect(line('cluster.key: Old-pw-2025 → New-pw-2026')).toBe('cluster.key: <old secret> → <secret:bgp_pw>');
    expect(line('cluster.key: (not set) → New-pw-2026')).toBe('cluster.key: (not set) → <secret:bgp_pw>');
    expect(line('mtu: 1500 → 9000')).toBe('mtu: 1500 → 9000');
  });
});
