import { isValidBsn } from '@vir/domain';
import { testBsn } from './test-bsn';

describe('testBsn', () => {
  it('gives a distinct valid 9-digit BSN for every n', () => {
    const bsns = Array.from({ length: 20_000 }, (_, n) => testBsn(n));
    bsns.forEach((b) => expect(isValidBsn(b)).toBe(true));
    expect(new Set(bsns).size).toBe(bsns.length);
    expect(isValidBsn(testBsn(16_777_215 * 10 + 3))).toBe(true);
  });
});
