// Lockout after repeated failed sign-ins (pure; the account store applies it).

export interface LockoutPolicy {
  maxFailures: number;
  lockoutMinutes: number;
}

export interface FailureState {
  failedAttempts: number;
  lockedUntil: Date | null;
}

export function isLocked(state: Pick<FailureState, 'lockedUntil'>, now: Date): boolean {
  return state.lockedUntil !== null && state.lockedUntil.getTime() > now.getTime();
}

/** The state after one more failed attempt: the n-th failure in a row locks the account for a while. */
export function afterFailure(state: FailureState, now: Date, policy: LockoutPolicy): FailureState {
  // A lock that has run out starts a fresh count.
  const previous = state.lockedUntil !== null && !isLocked(state, now) ? 0 : state.failedAttempts;
  const failedAttempts = previous + 1;
  if (failedAttempts >= policy.maxFailures) return { failedAttempts: 0, lockedUntil: new Date(now.getTime() + policy.lockoutMinutes * 60_000) };
  return { failedAttempts, lockedUntil: state.lockedUntil !== null && isLocked(state, now) ? state.lockedUntil : null };
}
