import { Metrics } from './metrics';
import { parseExposition, sampleSum } from './exposition-parser';

describe('Metrics', () => {
  it('exposes counters, histograms and collected gauges in a format the strict parser accepts', async () => {
    const m = new Metrics('vir-test');
    const c = m.counter('vir_test_messages_total', 'messages', ['step', 'outcome']);
    const h = m.histogram('vir_test_latency_seconds', 'latency', ['step']);
    m.gauge('vir_test_depth', 'queue depth', ['status'], (set) => {
      set({ status: 'queued' }, 3);
      set({ status: 'failed "x"\\' }, 1);
    });
    c.inc({ step: 'a', outcome: 'ok' });
    c.inc({ step: 'a', outcome: 'ok' }, 2);
    h.observe({ step: 'a' }, 0.003);
    const parsed = parseExposition(await m.exposition());
    expect(parsed.types.get('vir_test_messages_total')).toBe('counter');
    expect(sampleSum(parsed, 'vir_test_messages_total', { step: 'a', service: 'vir-test' })).toBe(3);
    expect(sampleSum(parsed, 'vir_test_latency_seconds_count')).toBe(1);
    expect(sampleSum(parsed, 'vir_test_latency_seconds_bucket', { le: '0.005' })).toBe(1);
    expect(sampleSum(parsed, 'vir_test_latency_seconds_bucket', { le: '0.0025' })).toBe(0);
    expect(sampleSum(parsed, 'vir_test_depth', { status: 'failed "x"\\' })).toBe(1);
    expect(sampleSum(parsed, 'vir_process_cpu_seconds_total')).toBeGreaterThan(0);
  });

  it('leaves a gauge empty when its collection fails, and the rest of the exposition intact', async () => {
    const m = new Metrics('vir-test', { defaultMetrics: false });
    m.gauge('vir_test_broken', 'broken', ['x'], () => {
      throw new Error('database down');
    });
    m.counter('vir_test_ok_total', 'ok').inc();
    const parsed = parseExposition(await m.exposition());
    expect(parsed.samples.filter((s) => s.name === 'vir_test_broken')).toEqual([]);
    expect(sampleSum(parsed, 'vir_test_ok_total')).toBe(1);
  });

  it('the parser refuses what is not the exposition format', () => {
    expect(() => parseExposition('# TYPE a counter\na 1\n')).not.toThrow();
    expect(() => parseExposition('a 1\n')).toThrow(/undeclared/);
    expect(() => parseExposition('# TYPE a counter\na{x="1} 1\n')).toThrow(/not a sample/);
    expect(() => parseExposition('# TYPE a counter\na one\n')).toThrow(/not a number/);
    expect(() => parseExposition('# TYPE a counter\n<html>\n')).toThrow();
    expect(() => parseExposition('# TYPE a bogus\n')).toThrow(/TYPE/);
  });
});
