import { isValidBsn } from '@vir/domain';
import { testBsn } from './test-bsn';

describe('testBsn', () => {
  it('gives distinct valid 9-digit BSNs, also for large n', () => {
    const ns = [0, 1, 2, 3, 1001, 1002, 999_999, 16_777_215 * 10 + 3];
    const bsns = ns.map(testBsn);
    bsns.forEach((b) => expect(isValidBsn(b)).toBe(true));
    expect(new Set(bsns).size).toBe(ns.length);
  });
});
