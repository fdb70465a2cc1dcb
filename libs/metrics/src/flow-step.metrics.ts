import type { Metrics } from './metrics';

/** What a flow-event publisher offers to observers (structural: this lib does not depend on messaging). */
export interface StepSource {
  observe(observer: (event: { step: string; outcome: string; partyOin?: string }) => void): void;
}

/**
 * `vir_flow_steps_total{step,outcome,party}`: every step of every message this service takes,
 * counted as the step's flow event is built (a chunk retried after a failure counts again).
 */
export function countFlowSteps(metrics: Metrics, source: StepSource): void {
  const steps = metrics.counter('vir_flow_steps_total', 'Steps taken on messages, by step, outcome and party (OIN)', ['step', 'outcome', 'party']);
  source.observe((e) => steps.inc({ step: e.step, outcome: e.outcome, party: e.partyOin ?? '' }));
}
