import { generatePassword, hashPassword, passwordProblem, verifyPassword } from './password-hash';

describe('password hashing (scrypt)', () => {
  const cheap = { N: 1024, r: 8, p: 1 };

  it('verifies the right password and refuses a wrong one; the salt differs per hash', async () => {
    const a = await hashPassword('correct horse battery', cheap);
    const b = await hashPassword('correct horse battery', cheap);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    await expect(verifyPassword('correct horse battery', a)).resolves.toBe(true);
    await expect(verifyPassword('correct horse batterz', a)).resolves.toBe(false);
    await expect(verifyPassword('x', 'plain-text')).resolves.toBe(false);
  });

  it('uses a memory-hard default cost (32 MiB)', async () => {
    const h = await hashPassword('correct horse battery');
    const [, N, r, p] = h.split('$').map(Number);
    expect(128 * N * r).toBeGreaterThanOrEqual(32 * 1024 * 1024);
    expect(p).toBeGreaterThanOrEqual(1);
  });

  it('asks for at least 12 characters; generated passwords pass', () => {
    expect(passwordProblem('short')).toBeDefined();
    expect(passwordProblem(generatePassword())).toBeUndefined();
  });
});
