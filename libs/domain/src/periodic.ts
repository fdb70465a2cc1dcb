/**
 * A pass run at start and then every `intervalMs` (an unref'd timer), never two at once: a tick
 * while a pass is under way is skipped. `stop()` ends the timer and waits for a pass under way, so
 * a service shuts down after its job, not in the middle of it. A failed pass goes to `onError`; the
 * next tick tries again. The scheduled jobs of every service (retention, lifecycle, alerts) use it.
 */
export class Periodic {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly pass: () => Promise<unknown>,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(intervalMs: number): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped || this.running) return;
      this.running = this.pass()
        .then(
          () => undefined,
          (err: unknown) => this.onError(err),
        )
        .finally(() => (this.running = undefined));
    };
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
