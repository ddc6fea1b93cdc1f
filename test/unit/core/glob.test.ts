import assert from 'node:assert/strict';
import { globMatch } from '../../../src/core/glob';

describe('globMatch (ssh config and known_hosts patterns)', () => {
  it('matches * and ? like OpenSSH patterns', () => {
    assert.ok(globMatch('*.example.com', 'cdw.example.com'));
    assert.ok(globMatch('cdw?', 'cdw1'));
    assert.ok(globMatch('*', ''));
    assert.ok(globMatch('a*b*c', 'aXXbYYc'));
    assert.ok(!globMatch('a*b*c', 'aXXbYY'));
    assert.ok(!globMatch('cdw?', 'cdw'));
    assert.ok(!globMatch('*.example.com', 'example.com'));
  });

  it('treats regular-expression characters literally', () => {
    assert.ok(globMatch('a.b', 'a.b'));
    assert.ok(!globMatch('a.b', 'axb'));
    assert.ok(globMatch('[x]', '[x]'));
    assert.ok(!globMatch('a+', 'aa'));
  });

  it('ignores case when asked (host names) and keeps * and ? off excluded characters (paths)', () => {
    assert.ok(globMatch('CDW*', 'cdw.lab', { ignoreCase: true }));
    assert.ok(!globMatch('CDW*', 'cdw.lab'));
    assert.ok(!globMatch('*', 'a/b', { exclude: '/' }));
    assert.ok(!globMatch('a?b', 'a/b', { exclude: '/' }));
    assert.ok(globMatch('*.conf', 'x.conf', { exclude: '/' }));
  });

  it('answers a many-star pattern against a long non-matching name (no exponential backtracking)', () => {
    assert.ok(!globMatch('*a*a*a*a*a*a*a*b', 'a'.repeat(5000)));
  });
});
