import { randomUUID } from 'node:crypto';
import { Contracts, type Component, type FlowEvent } from '@vir/contracts';
import type { Clock } from '@vir/domain';
import type { MessageBus } from './message-bus';

/** A step to trace; `eventId` and `at` default to a fresh id and the clock's now. */
export type FlowStep = Omit<FlowEvent, 'eventId' | 'at' | 'component'> & { at?: string; eventId?: string };

/**
 * Emits flow events. Calls made in the same tick are sent as one batch, and that batch waits
 * briefly for another produce request to ride with (MessageBus linger), so tracing every step
 * costs hardly a produce request of its own.
 */
export class FlowEventPublisher {
  private queue: { event: FlowEvent; done: (err?: unknown) => void }[] = [];
  private scheduled = false;
  private observers: ((event: FlowEvent) => void)[] = [];

  constructor(
    private readonly bus: MessageBus,
    private readonly clock: Clock,
    private readonly component: Component,
  ) {}

  /** Called with every event built (e.g. a metrics counter): must be cheap and must not throw. */
  observe(observer: (event: FlowEvent) => void): void {
    this.observers.push(observer);
  }

  /** Builds the event now (its time is the step's time) without sending it. */
  build(step: FlowStep): FlowEvent {
    const event: FlowEvent = { component: this.component, ...step, eventId: step.eventId ?? randomUUID(), at: step.at ?? this.clock.now().toISOString() };
    for (const o of this.observers) o(event);
    return event;
  }

  /**
   * Emits without making the caller wait for Kafka: for steps whose caller answers a party and
   * must not be slowed (or failed) by tracing. A failed send is reported to `onError`.
   */
  record(step: FlowStep, onError: (err: unknown) => void): void {
    this.emit(step).catch(onError);
  }

  emit(step: FlowStep): Promise<void> {
    const event = this.build(step);
    return new Promise((resolve, reject) => {
      this.queue.push({ event, done: (err) => (err ? reject(err) : resolve()) });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    try {
      // Lingering: flow events ride with the service's next produce request when one comes soon.
      await this.bus.publish(
        Contracts.flowEvent,
        batch.map((b) => ({ key: b.event.messageId, value: b.event })),
        { linger: true },
      );
      batch.forEach((b) => b.done());
    } catch (err) {
      batch.forEach((b) => b.done(err));
    }
  }
}
