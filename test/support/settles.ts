/** Limits on waiting in fault tests: a hang is a failure with its own message, not a stuck run. */

/** `promise`, or a rejection saying it never settled within `ms` (a hang, not an error). */
export function settlesWithin<T>(promise: Promise<T>, ms = 8000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`never settled within ${ms} ms`)), ms);
  });
  return Promise.race([promise, hang]).finally(() => clearTimeout(timer));
}
