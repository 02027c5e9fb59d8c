import { describe, expect, it } from 'vitest';
import { ID_HTML_PATTERN, isValidId } from '@okienko/protocol';

describe('the id rule as an HTML pattern', () => {
  it('compiles with the v flag browsers use for pattern attributes, and agrees with the protocol\'s rule', () => {
    // As the browser compiles it: anchored, with `v` (the old `[a-z0-9-]+` throws here).
    expect(() => new RegExp('^(?:[a-z0-9-]+)$', 'v')).toThrow();
    const html = new RegExp(`^(?:${ID_HTML_PATTERN})$`, 'v');
    for (const id of ['ratusz', 'okienko-1', 'a', '9', 'a-b-c', 'x'.repeat(32), 'x'.repeat(33), '-a', 'a-', 'A', 'a_b', 'a/b', 'ą', '', 'a b']) {
      expect(html.test(id), id).toBe(isValidId(id));
    }
  });
});
