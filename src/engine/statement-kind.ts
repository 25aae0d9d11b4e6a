/**
 * Whether SQL sent on a connection may have changed data: what another connection could not see
 * until the transaction commits. Anything not known to read counts as a write (a procedure call,
 * text SQL of any kind), so that a check built on it errs on the side of refusing.
 */
const READS = /^\s*(\(\s*)*(select|savepoint|release|rollback|commit|begin|start\s+transaction|set\s+transaction|show|explain|describe)\b/i;

export function mayWrite(sql: string): boolean {
  return !READS.test(sql);
}
