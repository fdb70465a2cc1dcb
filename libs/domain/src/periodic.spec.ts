import { Periodic } from './periodic';

describe('Periodic', () => {
  it('runs at once and then every interval, skips ticks while a pass is under way, and stop() waits for it', async () => {
    let passes = 0;
    let release!: () => void;
    const errors: unknown[] = [];
    const job = new Periodic(async () => {
      passes++;
      if (passes === 2) throw new Error('boom');
      if (passes === 3) await new Promise<void>((r) => (release = r));
    }, (err) => errors.push(err));
    job.start(10);
    expect(passes).toBe(1);
    await new Promise((r) => setTimeout(r, 60));
    expect(errors).toEqual([new Error('boom')]); // the next tick still ran
    expect(passes).toBe(3); // the third pass hangs: no fourth meanwhile
    let stopped = false;
    const stopping = job.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(passes).toBe(3);
  });
});
