import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Named bearer tokens from a `name:token,name:token` setting (OPERATOR_TOKENS, INZAGE_TOKENS): the
 * name is the actor an audit records. Only SHA-256 digests are kept, and a presented token is
 * compared with every one of them in constant time, so timing tells nothing about which matched.
 */
export class BearerTokens {
  private constructor(private readonly tokens: { name: string; digest: Buffer }[]) {}

  static parse(spec: string): BearerTokens {
    return new BearerTokens(
      spec
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((pair) => {
          const i = pair.indexOf(':');
          return { name: pair.slice(0, i), digest: digest(pair.slice(i + 1)) };
        }),
    );
  }

  get size(): number {
    return this.tokens.length;
  }

  /**
   * For an `Authorization` header: the name of the matching token, `undefined` when it holds a
   * bearer token that matches none, `null` when it holds no bearer token at all.
   */
  nameFor(authorization: string | undefined): string | undefined | null {
    const header = authorization ?? '';
    if (!header.startsWith('Bearer ')) return null;
    const given = digest(header.slice(7).trim());
    let name: string | undefined;
    for (const t of this.tokens) if (timingSafeEqual(t.digest, given) && name === undefined) name = t.name;
    return name;
  }
}
