/**
 * Prints plain data as TypeScript source the way a person would write it: on one line when it
 * fits, else one item per line with two-space indents; bare keys where they are identifiers;
 * `Code` pieces (builder calls such as `types.string(13)`) as they are.
 */

/** Source text to print as it is (a call, an identifier), not as a string literal. */
export class Code {
  constructor(readonly text: string) {}
}

/** How values are printed: `hook` may print a value its own way (return undefined to decline). */
export interface PrintOptions {
  readonly width?: number;
  readonly hook?: (value: unknown, key: string | undefined) => Code | undefined;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `value` as source text, starting at column `indent` (continuation lines are indented from there). */
export function printValue(value: unknown, indent = 0, options: PrintOptions = {}, key?: string, broken = false): string {
  const hooked = options.hook?.(value, key);
  if (hooked) return hooked.text;
  if (value instanceof Code) return value.text;
  if (value === undefined) return "undefined";
  if (value === null || typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return group("[", "]", value.map((v) => (at: number) => printValue(v, at, options)), indent, options, false, broken);
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return group(
    "{",
    "}",
    entries.map(([k, v]) => (at: number) => `${IDENTIFIER.test(k) ? k : JSON.stringify(k)}: ${printValue(v, at, options, k)}`),
    indent,
    options,
    true,
    broken,
  );
}

/** A call `name(arg, ...)`, on one line or with one argument per line. */
export function printCall(name: string, args: readonly unknown[], indent: number, options: PrintOptions = {}): string {
  const parts = args.map((a) => (at: number) => printValue(a, at, options));
  const flat = `${name}(${parts.map((p) => p(indent)).join(", ")})`;
  if (fits(flat, indent, options)) return flat;
  // After plain leading arguments, the last (an object) opens on the call's line: `op.createTable("books", {`.
  const head = `${name}(${parts.slice(0, -1).map((p) => p(indent)).join(", ")}${parts.length > 1 ? ", " : ""}`;
  const last = args.at(-1);
  const plainLead = args.slice(0, -1).every((a) => typeof a !== "object" || a === null);
  if (plainLead && last !== null && typeof last === "object" && !(last instanceof Code) && fits(`${head}{`, indent, options)) {
    return `${head}${printValue(last, indent, options, undefined, true)})`;
  }
  const pad = " ".repeat(indent + 2);
  return `${name}(\n${parts.map((p) => `${pad}${p(indent + 2)},`).join("\n")}\n${" ".repeat(indent)})`;
}

function group(open: string, close: string, items: ((at: number) => string)[], indent: number, options: PrintOptions, spaced: boolean, broken: boolean): string {
  if (items.length === 0) return `${open}${close}`;
  if (!broken) {
    const inner = items.map((item) => item(indent)).join(", ");
    const flat = spaced ? `${open} ${inner} ${close}` : `${open}${inner}${close}`;
    if (fits(flat, indent, options)) return flat;
  }
  const pad = " ".repeat(indent + 2);
  return `${open}\n${items.map((item) => `${pad}${item(indent + 2)},`).join("\n")}\n${" ".repeat(indent)}${close}`;
}

function fits(text: string, indent: number, options: PrintOptions): boolean {
  return !text.includes("\n") && indent + text.length <= (options.width ?? 100);
}
