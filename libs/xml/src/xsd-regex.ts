// Translates an XML Schema 1.0 regular expression (Appendix F) into the source of an equivalent,
// anchored JavaScript regular expression for the `v` flag. XSD patterns are implicitly anchored,
// `^`/`$` are ordinary characters there, `\d` is any Unicode digit, `\s` only the four XML
// whitespace characters, and classes may be subtracted (`[a-z-[aeiou]]`), which `v` expresses
// as `--`. `\i`, `\c` and Unicode block escapes (`\p{IsBasicLatin}`) have no JS counterpart and
// are refused rather than approximated.

const MULTI: Record<string, string> = {
  s: '[ \\t\\n\\r]',
  S: '[^ \\t\\n\\r]',
  d: '\\p{Nd}',
  D: '\\P{Nd}',
  w: '[^\\p{P}\\p{Z}\\p{C}]',
  W: '[\\p{P}\\p{Z}\\p{C}]',
};
const SINGLE: Record<string, string> = { n: '\n', r: '\r', t: '\t' };
const SINGLE_ESCAPABLE = '\\|.?*+(){}-[]^';
const GENERAL_CATEGORY = /^(L[ultmo]?|M[nce]?|N[dlo]?|P[cdseifo]?|Z[slp]?|S[mcko]?|C[cfon]?)$/;
/** Characters that need a backslash inside a `v`-mode class, and outside one (syntax characters). */
const CLASS_ESCAPE = new Set('&-!#%,:;<=>@`~^$\\.*+?()[]{}|/');
const SYNTAX_ESCAPE = new Set('^$\\.*+?()[]{}|/');

export class XsdRegexError extends Error {}

function literal(ch: string, inClass: boolean): string {
  if ((inClass ? CLASS_ESCAPE : SYNTAX_ESCAPE).has(ch)) return `\\${ch}`;
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  const code = ch.codePointAt(0)!;
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `\\u{${code.toString(16)}}`;
  return ch;
}

export function translateXsdPattern(pattern: string): string {
  const chars = Array.from(pattern);
  let i = 0;
  const fail = (why: string): never => {
    throw new XsdRegexError(`XSD pattern ${JSON.stringify(pattern)}: ${why}`);
  };

  /** After a backslash: a category or multi-char escape as JS (class-usable), or undefined. */
  const classEscape = (): string | undefined => {
    const c = chars[i];
    if (c === undefined) return fail('dangling backslash');
    if (MULTI[c]) {
      i++;
      return MULTI[c];
    }
    if (c === 'p' || c === 'P') {
      if (chars[i + 1] !== '{') fail('malformed \\p');
      const close = chars.indexOf('}', i + 2);
      if (close < 0) fail('malformed \\p');
      const name = chars.slice(i + 2, close).join('');
      if (!GENERAL_CATEGORY.test(name)) fail(`unsupported property \\p{${name}} (blocks have no JS equivalent)`);
      i = close + 1;
      return `\\${c}{${name}}`;
    }
    if (c === 'i' || c === 'I' || c === 'c' || c === 'C') fail(`\\${c} is not supported`);
    return undefined;
  };

  /** A single character (possibly escaped) inside a class, as the raw character. */
  const classChar = (): string => {
    const c = chars[i];
    if (c === undefined) return fail('unterminated character class');
    if (c === '\\') {
      const e = chars[i + 1];
      if (e !== undefined && SINGLE[e]) {
        i += 2;
        return SINGLE[e];
      }
      if (e !== undefined && SINGLE_ESCAPABLE.includes(e)) {
        i += 2;
        return e;
      }
      return fail(`unknown escape \\${e ?? ''}`);
    }
    if (c === '[' || c === ']') fail('unescaped bracket in a character class');
    i++;
    return c;
  };

  /** Parses `[...]` starting at '[', returns a JS class (v mode). */
  const charClass = (): string => {
    i++; // [
    let negated = false;
    if (chars[i] === '^') {
      negated = true;
      i++;
    }
    const parts: string[] = [];
    let subtraction: string | undefined;
    let first = true;
    while (chars[i] !== ']') {
      if (chars[i] === undefined) fail('unterminated character class');
      if (chars[i] === '-' && chars[i + 1] === '[') {
        i++;
        subtraction = charClass();
        if (chars[i] !== ']') fail('a subtraction must end the character class');
        break;
      }
      if (chars[i] === '\\') {
        i++;
        const multi = classEscape();
        if (multi !== undefined) {
          parts.push(multi);
          first = false;
          continue;
        }
        i--;
      }
      // A '-' is literal only first or last in the group.
      if (chars[i] === '-' && !first && chars[i + 1] !== ']') fail('"-" must be escaped inside a character class');
      const from = classChar();
      if (chars[i] === '-' && chars[i + 1] !== ']' && chars[i + 1] !== '[' && chars[i + 1] !== undefined) {
        i++;
        const to = classChar();
        if (to.codePointAt(0)! < from.codePointAt(0)!) fail('reversed range');
        parts.push(`${literal(from, true)}-${literal(to, true)}`);
      } else {
        parts.push(literal(from, true));
      }
      first = false;
    }
    i++; // ]
    if (parts.length === 0) fail('empty character class');
    const base = `[${negated ? '^' : ''}${parts.join('')}]`;
    return subtraction ? `[${base}--${subtraction}]` : base;
  };

  const quantifier = (): string => {
    const c = chars[i];
    if (c === '?' || c === '*' || c === '+') {
      i++;
      return c;
    }
    if (c !== '{') return '';
    const close = chars.indexOf('}', i);
    if (close < 0) fail('unterminated quantifier');
    const body = chars.slice(i + 1, close).join('');
    if (!/^\d+(,\d*)?$/.test(body)) fail('malformed quantifier');
    const [min, max] = body.split(',');
    if (max !== undefined && max !== '' && +max < +min) fail('reversed quantifier');
    i = close + 1;
    return `{${body}}`;
  };

  const expression = (depth: number): string => {
    let out = '';
    for (;;) {
      const c = chars[i];
      if (c === undefined) {
        if (depth > 0) fail('unbalanced parenthesis');
        return out;
      }
      if (c === ')') {
        if (depth === 0) fail('unbalanced parenthesis');
        return out;
      }
      if (c === '|') {
        i++;
        out += '|';
        continue;
      }
      let atom: string;
      if (c === '(') {
        i++;
        atom = `(?:${expression(depth + 1)})`;
        i++; // )
      } else if (c === '[') {
        atom = charClass();
      } else if (c === '.') {
        i++;
        atom = '[^\\n\\r]';
      } else if (c === '\\') {
        i++;
        const multi = classEscape();
        if (multi !== undefined) atom = multi;
        else {
          i--;
          atom = literal(classChar(), false);
        }
      } else if (c === '?' || c === '*' || c === '+' || c === '{' || c === '}' || c === ']') {
        return fail(`unexpected "${c}"`);
      } else {
        i++;
        atom = literal(c, false);
      }
      out += atom + quantifier();
    }
  };

  const body = expression(0);
  return `^(?:${body})$`;
}
