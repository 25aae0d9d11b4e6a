/**
 * The registry of mapped classes: one MetaData for their tables, lookup by class and by name, and
 * configuration. Nothing is resolved while model modules load; `configure()` resolves everything
 * at once, and runs by itself the first time the mappings are needed.
 */
import { readdir } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ArgumentError } from "../../core/errors.js";
import type { Column } from "../../core/schema/column.js";
import { MetaData } from "../../core/schema/metadata.js";
import type { Table } from "../../core/schema/table.js";
import { MappingConfigurationError, UnmappedClassError, type ConfigurationProblem } from "../errors.js";
import { defineAccessor, unmappedImpl, type AttributeSlot } from "../state/attributes.js";
import { configureMappers, type Report } from "./configure.js";
import { checkColumnProperties, COLUMN_PROPERTY, declareColumnProperty, type ColumnProperty, type ColumnPropertyDeclaration } from "./column-properties.js";
import { guardedColumns } from "../column-guard.js";
import { MAPPER, mapperOfClass } from "../mapped.js";
import { Mapper } from "./mapper.js";
import { imperativeEvents, installModelEvents, type ModelHooks } from "./model-events.js";
import { namingStrategy, type NamingOption, type NamingStrategy } from "./naming.js";
import type { ClassRef, RelationshipSpec } from "./relationship-spec.js";

/** What `mapImperatively` accepts for a property: a column (to rename it), a relationship, or a `columnProperty(...)`. */
export type ImperativeProperty = Column | { readonly spec: RelationshipSpec } | ColumnPropertyDeclaration<any, any>;

/** Options of `registry.mapImperatively(cls, table, options)`; `T` is the class's instance type. */
export interface MapImperativelyOptions<T extends object = any> {
  /** Attributes: relationships, and columns mapped under another key than their table key. */
  readonly properties?: Readonly<Record<string, ImperativeProperty>>;
  /** The model's name in the registry (default: the class name). */
  readonly name?: string;
  /** Optimistic locking: the integer column attribute every UPDATE increments and checks. */
  readonly version?: string;
  /** Whether the flush reads server defaults and generated columns back by RETURNING (default true; see `ModelOptions.eagerDefaults`). */
  readonly eagerDefaults?: boolean;
  /** Column attributes mapped as deferred: left out of plain queries (see `ColumnOptions.deferred`). */
  readonly deferred?: readonly string[];
  /** Validators by attribute, as `@validates` declares them: `{ email(key, value) { return value.trim(); } }` (`this`: the object). */
  readonly validators?: { readonly [K in keyof T & string]?: (this: T, key: K, value: any) => unknown };
  /** Lifecycle hooks by kind, as `@beforeInsert` & co. declare them: `{ beforeUpdate() { this.updatedAt = new Date(); } }`. */
  readonly hooks?: ModelHooks<T>;
}

/** Options of `new Registry(options)`. */
export interface RegistryOptions {
  /** The MetaData of the models' tables (default: a new one). */
  readonly metadata?: MetaData;
  /**
   * How `@model` names the tables and columns it is not given names for: `"snake_case"`,
   * `"camelCase"`, `"PascalCase"`, a function `(declaredName) => databaseName`, or
   * `{ tables, columns }` with one of those each. Default: the class and attribute names as declared.
   */
  readonly naming?: NamingOption;
}

/** The mappers of a set of models and their `MetaData`: relationships resolve by model name within one registry. */
export class Registry {
  readonly metadata: MetaData;
  /** Database names for the classes and attributes of declarative models (see `RegistryOptions.naming`). */
  readonly naming: NamingStrategy;
  private readonly byName = new Map<string, Mapper>();
  private readonly byTable = new Map<Table, Mapper>();
  private unconfigured: Mapper[] = [];

  constructor(options: RegistryOptions = {}) {
    this.metadata = options.metadata ?? new MetaData();
    this.naming = namingStrategy(options.naming);
  }

  /** Whether every mapper has been configured. */
  get isConfigured(): boolean {
    return this.unconfigured.length === 0;
  }

  /** Every mapper of the registry, in the order the models were declared. */
  get mappers(): readonly Mapper[] {
    return [...this.byName.values()];
  }

  /**
   * The names of the mapped models (their class names), in the order they were declared.
   *
   * ```ts
   * Base.registry.modelNames(); // ["User", "Profile", "Category", "Post", ...]
   * ```
   */
  modelNames(): string[] {
    return [...this.byName.keys()];
  }

  /**
   * The mapper of the model with this (class) name, if any.
   *
   * ```ts
   * Base.registry.mapperByName("Post")?.table.name; // "posts"
   * ```
   */
  mapperByName(name: string): Mapper | undefined {
    return this.byName.get(name);
  }

  /**
   * The mapper whose table this is, if any (a plain association table has none).
   *
   * ```ts
   * Base.registry.mapperForTable(postTags); // undefined: post_tags maps no model
   * ```
   */
  mapperForTable(table: Table): Mapper | undefined {
    return this.byTable.get(table);
  }

  /**
   * The mapper of a class, configuring the registry first if needed (so relationships are
   * resolved); `UnmappedClassError` when the class is not mapped in this registry.
   *
   * ```ts
   * const mapper = Base.registry.mapperFor(Post);
   * console.log([...mapper.relationships.keys()]); // ["author", "category", "comments", "tags"]
   * ```
   */
  mapperFor<T extends object>(cls: abstract new (...args: any[]) => T): Mapper<T> {
    const mapper = mapperOfClass(cls);
    if (!mapper || mapper.registry !== this) {
      throw new UnmappedClassError(`Class '${cls.name}' is not mapped in this registry. Decorate it with @model(...) or call registry.mapImperatively().`);
    }
    this.configure();
    return mapper as unknown as Mapper<T>;
  }

  /** @internal Called by `@model` and `mapImperatively`. */
  register(mapper: Mapper): void {
    const existing = this.byName.get(mapper.name);
    if (existing) {
      throw new ArgumentError(
        `Model name '${mapper.name}' is already used by ${existing.definedAt ?? "another class"}; ` +
          `model names must be unique in a registry (rename one, or give @model a { name }).`,
      );
    }
    Object.defineProperty(mapper.class_, MAPPER, { value: mapper, configurable: true });
    this.byName.set(mapper.name, mapper);
    // The classes of a single-table hierarchy share a table: it stays its root's.
    if (!this.byTable.has(mapper.table)) this.byTable.set(mapper.table, mapper);
    this.unconfigured.push(mapper);
  }

  /**
   * Resolves relationship targets, association tables, join columns and back-references of every
   * mapper not yet configured. Throws `MappingConfigurationError` listing every problem found.
   * The first query or `mapperFor` does it anyway; call it at start-up to fail early.
   *
   * ```ts
   * await Base.registry.discover(new URL("./models/", import.meta.url));
   * Base.registry.configure(); // every model's mistakes at once, before the first request
   * ```
   */
  configure(): void {
    if (this.unconfigured.length === 0) return;
    const problems = this.check();
    if (problems.length) throw new MappingConfigurationError(problems);
  }

  /**
   * Like `configure()`, but returns the problems instead of throwing (for tools such as `athanor check`).
   *
   * ```ts
   * for (const p of Base.registry.check()) console.log(`${p.model}.${p.attribute ?? ""}: ${p.message} (${p.fix})`);
   * ```
   */
  check(): ConfigurationProblem[] {
    if (this.unconfigured.length === 0) return [];
    // Relationships resolve against every mapper, so a newly added model is configured together
    // with the ones it may refer to.
    const problems = configureMappers(this, this.mappers);
    if (problems.length) return problems;
    const unconfigured = this.unconfigured;
    this.unconfigured = [];
    // Column properties once configured: their expressions may name other models (a subquery), which configure() then.
    const report: Report = (mapper, attribute, message, fix) => problems.push({ model: mapper.name, attribute, message, fix, file: mapper.definedAt });
    for (const mapper of unconfigured) checkColumnProperties(mapper, (columns) => guardedColumns(mapper, columns), report);
    if (problems.length) this.unconfigured = unconfigured;
    return problems;
  }

  /**
   * Maps a plain class onto a Core table, with relationships: as powerful as `@model`.
   *
   * ```ts
   * const registry = new Registry();
   * const accounts = table("accounts", registry.metadata, { id: integer().primaryKey(), fullname: string(50) });
   * class Account { declare id: number; declare name: string | null; }
   * registry.mapImperatively(Account, accounts, { properties: { name: accounts.c.fullname } });
   * registry.configure();
   * ```
   */
  mapImperatively<T extends object>(cls: abstract new (...args: any[]) => T, table: Table, options: MapImperativelyOptions<T> = {}): Mapper<T> {
    if (table.metadata !== this.metadata) {
      throw new ArgumentError(`mapImperatively(${cls.name}): table '${table.name}' belongs to another MetaData than this registry's.`);
    }
    const properties = options.properties ?? {};
    const columns = new Map<string, Column>();
    const relationships = new Map<string, RelationshipSpec>();
    const computed = new Map<string, ColumnProperty>();
    const renamed = new Map<string, Column>();
    for (const [key, property] of Object.entries(properties)) {
      if (COLUMN_PROPERTY in property) computed.set(key, property[COLUMN_PROPERTY]);
      else if ("spec" in property) relationships.set(key, property.spec);
      else renamed.set(key, property);
    }
    const renamedColumns = new Set(renamed.values());
    for (const column of table.columnList) if (!renamedColumns.has(column)) columns.set(column.key, column);
    for (const [key, column] of renamed) columns.set(key, column);
    const slots = new Map<string, AttributeSlot>();
    const mapperOf = (obj: object) => this.mapperFor(obj.constructor as ClassRef);
    for (const key of [...columns.keys(), ...relationships.keys(), ...computed.keys()]) {
      const slot: AttributeSlot = { key, impl: unmappedImpl(key, mapperOf) };
      const property = computed.get(key);
      if (property !== undefined) declareColumnProperty(slot, property);
      slots.set(key, slot);
      defineAccessor(cls.prototype, slot);
    }
    const mapper = new Mapper<T>(this, cls, options.name ?? cls.name, table, columns, relationships, slots, callerLocation(), options.version, true,
      new Map((options.deferred ?? []).map((key) => [key, { raiseLoad: false }])),
    );
    if (options.eagerDefaults === false) mapper.eagerDefaults = false;
    installModelEvents(mapper, imperativeEvents(options)); // a validator of no attribute: refused before the model is registered
    this.register(mapper);
    return mapper;
  }

  /**
   * Imports every module in a folder (recursively), so that every model registers itself before
   * use and none is forgotten. Returns the files imported.
   *
   * A relative path is relative to the working directory; to name the folder from the calling
   * module, wherever the program is started, give a URL: `discover(new URL("./models/", import.meta.url))`.
   *
   * ```ts
   * const files = await Base.registry.discover(new URL("./models/", import.meta.url), { extensions: [".ts"] });
   * ```
   */
  async discover(folder: string | URL, options: { extensions?: readonly string[] } = {}): Promise<string[]> {
    const extensions = options.extensions ?? [".ts", ".mts", ".js", ".mjs"];
    const root = folder instanceof URL ? fileURLToPath(folder) : resolve(folder);
    const files = (await listFiles(root)).filter(
      (f) => extensions.includes(extname(f)) && !/\.d\.[mc]?ts$|\.test\.[mc]?[tj]s$/.test(f),
    );
    files.sort();
    for (const file of files) await import(pathToFileURL(file).href);
    return files;
  }
}

async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? (e.name === "node_modules" ? [] : listFiles(join(folder, e.name))) : [join(folder, e.name)])),
  );
  return nested.flat();
}

/** `file:line` of the user code that is defining a model: the first stack frame outside athanor. */
export function callerLocation(): string | undefined {
  const stack = new Error().stack?.split("\n").slice(1) ?? [];
  for (const frame of stack) {
    // Decorator helpers that compilers inline at the top of the user's file (esbuild's
    // __decorateElement, TypeScript's __esDecorate) are not where the model is defined.
    if (/^at __\w+ /.test(frame.trim())) continue;
    const match = /\(?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?$/.exec(frame.trim());
    if (!match) continue;
    const file = match[1]!.replace(/^file:\/\//, "");
    if (/\/src\/orm\/|\/node_modules\/|\/dist\/orm\//.test(file)) continue;
    return `${file}:${match[2]}`;
  }
  return undefined;
}
