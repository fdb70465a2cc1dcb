import { nameBasedId } from './name-based-id';

describe('nameBasedId', () => {
  it('gives the same UUID for the same name, and another for another name', () => {
    expect(nameBasedId('index.signal-queued:a')).toBe(nameBasedId('index.signal-queued:a'));
    expect(nameBasedId('index.signal-queued:a')).not.toBe(nameBasedId('index.signal-queued:b'));
  });

  it('has the version-4 layout, and the value ids made before it had (a foutbericht’s id, computed by the index of session 7)', () => {
    const id = nameBasedId('foutbericht:5b0c8f7e-0000-4000-8000-000000000001');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // A redelivered message after an upgrade must get the foutbericht id it got before (dedupe downstream).
    expect(id).toBe('baf0d00f-fd8b-4b21-8ba8-56eb7ea80fea');
  });
});
