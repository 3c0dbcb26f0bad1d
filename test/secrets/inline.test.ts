/**
 * Inline secrets (literals in secret-by-nature params) live only in the
 * compile that found them: a saved plan cannot apply them, and says why.
 */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors/index.ts';
import { SecretStore, redactTokens } from '../../src/secrets/index.ts';

describe('inline secrets outside their compile', () => {
  it('applying a plan file with an inline secret is a clear error, naming !secret as the way', () => {
    const store = new SecretStore({});
    let error: unknown;
    try {
      store.reveal('neighbor 10.0.0.2 password @@secret(inline:1)@@');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).format()).toContain('secret inline:1 has no value');
    expect((error as UserError).format()).toContain('use !secret NAME for values a saved plan must apply');
  });

  it('print as <secret>, without their number', () => {
    expect(redactTokens('password @@secret(inline:2)@@ key @@secret(api_key)@@')).toBe('password <secret> key <secret:api_key>');
  });
});
