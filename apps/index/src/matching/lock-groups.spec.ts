import { heldBack } from './lock-groups';

describe('heldBack: the inputs of a chunk that must wait for a busy lock', () => {
  it('holds back nothing when no lock is busy', () => {
    expect(heldBack([['a'], ['b']], new Set())).toEqual([]);
  });

  it('holds back the inputs with a busy key and leaves the others', () => {
    expect(heldBack([['a'], ['b'], ['c', 'p1']], new Set(['b']))).toEqual([1]);
    expect(heldBack([['a'], ['b'], ['c', 'p1']], new Set(['p1', 'a']))).toEqual([0, 2]);
  });

  it('holds back a whole young person: every input about the same child', () => {
    expect(heldBack([['a', 'p1'], ['b'], ['a']], new Set(['p1']))).toEqual([0, 2]);
  });

  it('holds back a whole family: siblings through a shared parent, and further through the next link', () => {
    // child x — parent p — child y — parent q — child z; z's parent q is busy.
    const keys = [['x', 'p'], ['y', 'p', 'q'], ['z', 'q'], ['w', 'r']];
    expect(heldBack(keys, new Set(['q']))).toEqual([0, 1, 2]);
    expect(heldBack(keys, new Set(['r']))).toEqual([3]);
  });

  it('ignores busy keys that no input has, and inputs without keys', () => {
    expect(heldBack([['a'], []], new Set(['zz']))).toEqual([]);
  });
});
