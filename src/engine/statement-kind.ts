/**
 * Whether SQL sent on a connection may have changed data: what another connection could not see
 * until the transaction commits. Anything not known to read counts as a write (a procedure call,
 * text SQL of any kind), so that a check built on it errs on the side of refusing.
 */
const READS = /^\s*(\(\s*)*(select|savepoint|release|rollback|commit|begin|start\s+transaction|set\s+transaction|show|explain|describe)\b/i;

export function mayWrite(sql: string): boolean {
  return !READS.test(sql);
}

/**
 * MySQL/MariaDB statements that commit the open transaction before they run (DDL, table locks,
 * account and maintenance statements, another BEGIN): what a rollback could no longer undo.
 * Temporary tables are the exception.
 */
const COMMITS_IMPLICITLY = /^\s*(alter|create|drop|rename|truncate|lock\s+tables?|unlock\s+tables?|grant|revoke|analyze|optimize|repair|check\s+table|flush|install|uninstall|load\s+index|cache\s+index|begin|start\s+transaction)\b/i;
const TEMPORARY = /^\s*(create|drop)\s+temporary\b/i;

export function commitsImplicitly(sql: string): boolean {
  return COMMITS_IMPLICITLY.test(sql) && !TEMPORARY.test(sql);
}
