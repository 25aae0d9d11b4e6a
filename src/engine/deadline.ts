/**
 * The timer under the engine's client-side limits (a statement's answer, a connection's setup, a
 * pooled connection's checkout).
 */

/** Longer limits than setTimeout can time (about 24.8 days) are taken as "no limit". */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * `pending`, or, `ms` after the call, the error `expire` returns (after doing what giving up
 * needs: closing the socket). What `pending` does after that is ignored. `ms` past the timer's
 * range: `pending` alone.
 */
export function settleWithin<T>(pending: Promise<T>, ms: number, expire: () => Error): Promise<T> {
  if (ms > MAX_TIMER_MS) return pending;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.catch(() => undefined); // the socket's close fails it: heard here, nobody waits for it
      reject(expire());
    }, ms);
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
