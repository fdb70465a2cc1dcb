export default async function globalTeardown(): Promise<void> {
  await globalThis.__VIR_INFRA__?.stop();
}
