/**
 * Generates N declarative models, one per file, into bench/.out/models-N/ (ignored by git):
 *
 *   base.ts      the declarative base
 *   tables.ts    one plain Core association table per many-to-many pair
 *   m<i>.ts      model M<i>: 4 columns and 4 relationships, the other models imported with `import type`
 *   index.ts     imports every model (what an application's model index does)
 *   tsconfig.json  the repository's compiler options, "athanor" mapped to `athanorTypes`: athanor's
 *                  emitted declarations (what an application compiles against; run.ts emits
 *                  them) or, by default, src/index.ts
 *
 * Model i (indices modulo N, K = 7):
 *   parent    manyToOne  → M(i+1)   backPopulates "children"   (FK parent_id → t(i+1).id)
 *   children  oneToMany  → M(i-1)   backPopulates "parent"
 *   tags      manyToMany → M(i+K)   secondary tags_i,          backPopulates "taggedBy"
 *   taggedBy  manyToMany → M(i-K)   secondary tags_(i-K),      backPopulates "tags"
 *
 * The plain variant (`variant: "plain"`, into bench/.out/plain-N/) is the baseline the issue measures
 * against: the same files, classes, fields and `import type` references, each field with the
 * same TypeScript type (`Rel<M1 | null, "children">` becomes `M1 | null`), but no decorators and
 * no athanor import: what the application's classes cost to check without the ORM. tables.ts
 * then declares nothing (its tables are athanor's).
 *
 * The decorated variant (`variant: "decorated"`, into bench/.out/decorated-N/) is the plain
 * classes with the same `accessor` fields and one decorator per class and per field, from a local
 * decorators.ts whose decorators check nothing and do nothing: what TypeScript's decorators cost
 * to check by themselves, the floor of any decorator-based mapping.
 *
 * Usage: node --import tsx bench/typecheck/generate.ts N [plain|decorated]   (prints the directory)
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const K = 7;

export interface GenerateOptions {
  /** The file "athanor" resolves to when type-checking: src/index.ts (default) or an index.d.ts. */
  readonly athanorTypes?: string;
  readonly outRoot?: string;
  /** "athanor" (default): the declarative models; "plain" and "decorated": the baselines above. */
  readonly variant?: Variant;
}

/** Which project to generate: the declarative models, or one of the two baselines without the ORM. */
export type Variant = "athanor" | "plain" | "decorated";

/** decorators.ts of the decorated baseline: typed like a mapping's decorators, checking nothing. */
const NO_OP_DECORATORS = `type AnyClass = abstract new (...args: never[]) => object;

/** A class decorator that checks nothing and does nothing. */
export function model(_table: string) {
  return <C extends AnyClass>(_cls: C, _context: ClassDecoratorContext<C>): void => {};
}

/** An accessor decorator that checks nothing and does nothing. */
export function field(..._options: unknown[]) {
  return <This, Value>(_target: ClassAccessorDecoratorTarget<This, Value>, _context: ClassAccessorDecoratorContext<This, Value>): void => {};
}
`;

/** Writes the N-model project and returns its directory. */
export function generateModels(n: number, options: GenerateOptions = {}): string {
  const outRoot = options.outRoot ?? join(repoRoot, "bench", ".out");
  if (!Number.isInteger(n) || n < 0) throw new Error(`N must be a non-negative integer, got ${n}`);
  if (n > 0 && n <= 2 * K) throw new Error(`N must be 0 or more than ${2 * K} (the many-to-many step is ${K})`);
  const variant = options.variant ?? "athanor";
  // Both baselines are the application's classes without the ORM.
  const plain = variant !== "athanor";
  const dir = join(outRoot, `${variant === "athanor" ? "models" : variant}-${n}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const mod = (i: number) => ((i % n) + n) % n;
  const name = (i: number) => `M${mod(i)}`;
  const file = (i: number) => `m${mod(i)}`;

  if (plain) writeFileSync(join(dir, "base.ts"), `export class Base {}\n`);
  else writeFileSync(join(dir, "base.ts"), `import { DeclarativeBase } from "athanor";\n\nexport class Base extends DeclarativeBase {}\n`);
  if (variant === "decorated") writeFileSync(join(dir, "decorators.ts"), NO_OP_DECORATORS);

  const tables = [`import { integer, table } from "athanor";`, `import { Base } from "./base.js";`, ``];
  for (let i = 0; i < n; i++) {
    tables.push(
      `export const tags${i} = table("tags_${i}", Base.metadata, {`,
      `  leftId: integer().named("left_id").references("t${i}.id").primaryKey(),`,
      `  rightId: integer().named("right_id").references("t${mod(i + K)}.id").primaryKey(),`,
      `});`,
    );
  }
  writeFileSync(join(dir, "tables.ts"), plain ? "export {};\n" : tables.join("\n") + "\n");

  for (let i = 0; i < n; i++) {
    const others = [...new Set([i + 1, i - 1, i + K, i - K].map(mod))].filter((j) => j !== i).sort((a, b) => a - b);
    if (variant === "decorated") {
      writeFileSync(
        join(dir, `${file(i)}.ts`),
        `import { field, model } from "./decorators.js";
import { Base } from "./base.js";
${others.map((j) => `import type { ${name(j)} } from "./${file(j)}.js";`).join("\n")}

@model("t${i}")
export class ${name(i)} extends Base {
  @field() accessor id!: number;
  @field("code_${i}") accessor code${i}!: number;
  @field() accessor note!: string | null;
  @field("parent_id", "t${mod(i + 1)}.id") accessor parentId!: number | null;

  @field("${name(i + 1)}", { backPopulates: "children" })
  accessor parent!: ${name(i + 1)} | null;

  @field("${name(i - 1)}", { backPopulates: "parent" })
  accessor children!: ${name(i - 1)}[];

  @field("${name(i + K)}", { secondary: "tags_${i}", backPopulates: "taggedBy" })
  accessor tags!: ${name(i + K)}[];

  @field("${name(i - K)}", { secondary: "tags_${mod(i - K)}", backPopulates: "tags" })
  accessor taggedBy!: ${name(i - K)}[];
}
`,
      );
      continue;
    }
    if (plain) {
      writeFileSync(
        join(dir, `${file(i)}.ts`),
        `import { Base } from "./base.js";
${others.map((j) => `import type { ${name(j)} } from "./${file(j)}.js";`).join("\n")}

export class ${name(i)} extends Base {
  id!: number;
  code${i}!: number;
  note!: string | null;
  parentId!: number | null;

  parent!: ${name(i + 1)} | null;

  children!: ${name(i - 1)}[];

  tags!: ${name(i + K)}[];

  taggedBy!: ${name(i - K)}[];
}
`,
      );
      continue;
    }
    writeFileSync(
      join(dir, `${file(i)}.ts`),
      `import { column, integer, manyToMany, manyToOne, model, oneToMany, text, type Rel } from "athanor";
import { Base } from "./base.js";
${others.map((j) => `import type { ${name(j)} } from "./${file(j)}.js";`).join("\n")}

declare module "athanor" {
  interface Models {
    ${name(i)}: ${name(i)};
  }
}

@model("t${i}")
export class ${name(i)} extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("code_${i}").notNull()) accessor code${i}!: number;
  @column(text()) accessor note!: string | null;
  @column(integer().named("parent_id").references("t${mod(i + 1)}.id")) accessor parentId!: number | null;

  @manyToOne("${name(i + 1)}", { backPopulates: "children" })
  accessor parent!: Rel<${name(i + 1)} | null, "children">;

  @oneToMany("${name(i - 1)}", { backPopulates: "parent" })
  accessor children!: Rel<${name(i - 1)}[], "parent">;

  @manyToMany("${name(i + K)}", { secondary: "tags_${i}", backPopulates: "taggedBy" })
  accessor tags!: Rel<${name(i + K)}[], "taggedBy">;

  @manyToMany("${name(i - K)}", { secondary: "tags_${mod(i - K)}", backPopulates: "tags" })
  accessor taggedBy!: Rel<${name(i - K)}[], "tags">;
}
`,
    );
  }

  const index = [`export { Base } from "./base.js";`, `import "./tables.js";`];
  for (let i = 0; i < n; i++) index.push(`import "./${file(i)}.js";`);
  writeFileSync(join(dir, "index.ts"), index.join("\n") + "\n");

  const athanor = relative(dir, options.athanorTypes ?? join(repoRoot, "src", "index.ts"));
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      lib: ["ES2023", "esnext.decorators"],
      types: ["node"],
      strict: true,
      verbatimModuleSyntax: true,
      isolatedModules: true,
      useDefineForClassFields: true,
      skipLibCheck: true,
      noEmit: true,
      paths: { athanor: [athanor] },
    },
    include: ["*.ts"],
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2) + "\n");
  return dir;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2] ?? 50);
  const variant = process.argv[3] === "plain" || process.argv[3] === "decorated" ? process.argv[3] : "athanor";
  console.log(generateModels(n, { variant }));
}
