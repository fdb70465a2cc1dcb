import { canonicalJson } from './submit-message.use-case';

describe('canonicalJson', () => {
  it('gives one text for the same content whatever the key order, and keeps array order', () => {
    const a = { b: 1, a: { y: [3, { q: null, p: 'x' }], x: true } };
    const b = { a: { x: true, y: [3, { p: 'x', q: null }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"x":true,"y":[3,{"p":"x","q":null}]},"b":1}');
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
    expect(canonicalJson({ s: 'ä"\\n' })).toBe(JSON.stringify({ s: 'ä"\\n' }));
  });
});
