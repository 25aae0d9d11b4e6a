/** SQL logging (`createEngine(url, { echo: true })`): each statement and its parameters. */

export type EchoOption = boolean | ((message: string) => void);

export type SqlLogger = ((sql: string, params: readonly unknown[]) => void) | undefined;

export function sqlLogger(echo: EchoOption | undefined): SqlLogger {
  if (!echo) return undefined;
  const write = echo === true ? (message: string) => console.log(message) : echo;
  return (sql, params) => write(params.length ? `${sql}\n  -- params: ${formatParams(params)}` : sql);
}

function formatParams(params: readonly unknown[]): string {
  return JSON.stringify(params, (_key, value: unknown) => {
    if (typeof value === "bigint") return `${value}n`;
    if (value instanceof Uint8Array) return `<${value.length} bytes>`;
    return value;
  });
}
