// A strict reader of the Prometheus text exposition format (0.0.4), for tests and tools: every
// line must be a HELP, a TYPE, a comment or a sample of a declared metric, or it throws.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedExposition {
  types: Map<string, string>;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = `([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`;
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*,?)?\\})? (\\S+)(?: (-?\\d+))?$`);
// Go's ParseFloat, as Prometheus reads values: Inf and NaN in any case (prom-client writes `Nan`).
const VALUE = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?|[+-]?inf(?:inity)?|nan)$/i;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function familyOf(sample: string, types: Map<string, string>): string | undefined {
  if (types.has(sample)) return sample;
  for (const suffix of ['_bucket', '_sum', '_count', '_total', '_created']) {
    if (sample.endsWith(suffix) && types.has(sample.slice(0, -suffix.length))) return sample.slice(0, -suffix.length);
  }
  return undefined;
}

function toNumber(v: string): number {
  if (/nan/i.test(v)) return NaN;
  if (/inf/i.test(v)) return v.startsWith('-') ? -Infinity : Infinity;
  return Number(v);
}

export function parseExposition(text: string): ParsedExposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => {
    const fail = (why: string) => {
      throw new Error(`exposition line ${i + 1}: ${why}: ${line.slice(0, 200)}`);
    };
    if (line.startsWith('# HELP ')) {
      if (!new RegExp(`^# HELP ${NAME} `).test(line) && !new RegExp(`^# HELP ${NAME}$`).test(line)) fail('malformed HELP');
      return;
    }
    if (line.startsWith('# TYPE ')) {
      const m = new RegExp(`^# TYPE (${NAME}) (\\w+)$`).exec(line);
      if (!m || !TYPES.has(m[2])) return fail('malformed TYPE');
      if (types.has(m[1])) fail('TYPE declared twice');
      types.set(m[1], m[2]);
      return;
    }
    // Blank lines separate metric families; other comments are allowed by the format.
    if (line === '' || line.startsWith('#')) return;
    const m = SAMPLE.exec(line);
    if (!m) return fail('not a sample');
    if (!familyOf(m[1], types)) fail('sample of an undeclared metric');
    if (!VALUE.test(m[m.length - 2])) fail('value is not a number');
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(new RegExp(LABEL, 'g'))) {
      if (l[1] in labels) fail('label repeated');
      labels[l[1]] = l[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    }
    samples.push({ name: m[1], labels, value: toNumber(m[m.length - 2]) });
  });
  return { types, samples };
}

/** The sum of a metric's samples whose labels include `labels`. */
export function sampleSum(parsed: ParsedExposition, name: string, labels: Record<string, string> = {}): number {
  return parsed.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
}
