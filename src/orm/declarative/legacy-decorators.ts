/**
 * athanor's decorators are standard (TC39) decorators. Compiled with `experimentalDecorators`
 * (tsc, or tsx/esbuild reading the same tsconfig.json) they are called the legacy way instead:
 * `(prototype, name, descriptor)` for a member, `(constructor)` for a class, with no context
 * object. Refused at the first decorator, with the fix, rather than failing later on a shape that
 * makes no sense.
 */
import { ArgumentError } from "../../core/errors.js";

export function refuseLegacyCall(decorator: string, target: unknown, context: unknown): void {
  if (typeof context === "object" && context !== null) return;
  const cls = typeof target === "function" ? target : (target as { constructor?: unknown } | null)?.constructor;
  const className = typeof cls === "function" && cls.name ? cls.name : "a class";
  const where = typeof context === "string" || typeof context === "symbol" ? `${className}.${String(context)}` : className;
  throw new ArgumentError(
    `${decorator} on ${where} was called as a legacy decorator: the project compiles with "experimentalDecorators". ` +
      `athanor uses standard decorators: remove "experimentalDecorators" (and "emitDecoratorMetadata") from tsconfig.json ` +
      `(tsc, tsx and esbuild all read it).`,
  );
}
