import { lagOf } from './consumer-lag';

describe('consumer lag', () => {
  it('sums end minus committed offset over the partitions; uncommitted partitions count from the earliest record kept', () => {
    const ends = [
      { partition: 0, high: '120', low: '0' },
      { partition: 1, high: '50', low: '10' },
      { partition: 2, high: '7', low: '7' },
    ];
    expect(lagOf(ends, [{ partition: 0, offset: '100' }, { partition: 1, offset: '-1' }])).toBe(20 + 40 + 0);
    expect(lagOf(ends, [{ partition: 0, offset: '120' }, { partition: 1, offset: '50' }, { partition: 2, offset: '7' }])).toBe(0);
  });
});
