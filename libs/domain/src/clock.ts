/** Time as an injectable dependency, so tests (and the lifecycle job) can move it. */
export abstract class Clock {
  abstract now(): Date;
  /** Today as YYYY-MM-DD (UTC). */
  today(): string {
    return this.now().toISOString().slice(0, 10);
  }
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

export class FixedClock extends Clock {
  constructor(private current: Date) {
    super();
  }
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(to: Date): void {
    this.current = to;
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
