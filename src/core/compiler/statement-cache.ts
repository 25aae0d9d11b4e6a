/**
 * Compiles statements for one dialect, caching the SQL per statement shape: a repeated query,
 * whether the same object or a new one built the same way, is rendered once.
 */
import type { ParamNode, StatementNode } from "../ast/nodes.js";
import type { CompiledQuery, ResultColumn, ValueProcessor } from "./compiled-query.js";
import type { Dialect } from "./dialect.js";
import { fingerprint } from "./fingerprint.js";
import type { ArraySlot } from "./compiler-types.js";
import type { CompiledTemplate } from "./sql-compiler.js";

interface CacheEntry {
  readonly sql: string;
  readonly slots: CompiledTemplate["slots"];
  readonly bindProcessors: readonly (ValueProcessor | undefined)[];
  readonly resultColumns: readonly ResultColumn[];
  readonly resultProcessors: readonly (readonly [string, ValueProcessor])[];
  readonly resultProcessorsByIndex: readonly (readonly [number, ValueProcessor])[];
}

export class StatementCache {
  private readonly byShape = new Map<string, CacheEntry>();
  /** Same statement object: skip even the fingerprint walk. */
  private readonly byNode = new WeakMap<StatementNode, { entry: CacheEntry; params: readonly ParamNode[] }>();
  /** Counts renders, so tests can observe that a repeated shape is not recompiled. */
  compilations = 0;

  constructor(
    private readonly dialect: Dialect,
    private readonly maxSize = 1000,
  ) {}

  compile(node: StatementNode): CompiledQuery {
    const known = this.byNode.get(node);
    if (known) return this.bind(known.entry, known.params);
    const { key, params } = fingerprint(node);
    let entry = this.byShape.get(key);
    if (!entry) {
      entry = this.render(node, params);
      if (this.byShape.size >= this.maxSize) this.byShape.delete(this.byShape.keys().next().value!);
      this.byShape.set(key, entry);
    }
    this.byNode.set(node, { entry, params });
    return this.bind(entry, params);
  }

  private render(node: StatementNode, params: readonly ParamNode[]): CacheEntry {
    this.compilations++;
    const index = new Map<ParamNode, number>();
    params.forEach((p, i) => index.has(p) || index.set(p, i));
    const { sql, slots } = this.dialect.createCompiler(index).compile(node);
    const resultColumns = outputColumns(node);
    const resultProcessors: [string, ValueProcessor][] = [];
    const resultProcessorsByIndex: [number, ValueProcessor][] = [];
    resultColumns.forEach((column, index) => {
      const processor = column.type && this.dialect.resultProcessor(column.type);
      if (processor) {
        resultProcessors.push([column.key, processor]);
        resultProcessorsByIndex.push([index, processor]);
      }
    });
    return {
      sql,
      slots,
      bindProcessors: slots.map((slot) => {
        if (typeof slot === "number") return this.dialect.bindProcessor(params[slot]!.type);
        if ("list" in slot) return this.listProcessor(slot);
        return this.dialect.bindProcessor(params[slot.params[0]!]!.type);
      }),
      resultColumns,
      resultProcessors,
      resultProcessorsByIndex,
    };
  }

  /** How each item of an `inValues` list is bound: as its type, or a whole tuple member by member. */
  private listProcessor(slot: ArraySlot): ValueProcessor | undefined {
    if (!slot.tuples || slot.member !== undefined) return this.dialect.bindProcessor(slot.types[slot.member ?? 0]);
    const processors = slot.types.map((type) => this.dialect.bindProcessor(type));
    if (processors.every((p) => !p)) return undefined;
    return (tuple) => (tuple as readonly unknown[]).map((value, i) => (processors[i] ? processors[i](value) : value));
  }

  private bind(entry: CacheEntry, params: readonly ParamNode[]): CompiledQuery {
    const values = entry.slots.map((slot, i) => {
      const process = entry.bindProcessors[i];
      if (typeof slot === "number") return driverValue(params[slot]!.value, process);
      if ("list" in slot) return slot.pack(listValues(params[slot.list]!.value as readonly unknown[], slot, process));
      return slot.pack(slot.params.map((p) => driverValue(params[p]!.value, process)));
    });
    return {
      sql: entry.sql,
      params: values,
      resultColumns: entry.resultColumns,
      resultProcessors: entry.resultProcessors,
      resultProcessorsByIndex: entry.resultProcessorsByIndex,
    };
  }
}

const cacheOfDialect = new WeakMap<Dialect, StatementCache>();

/**
 * The statement cache of a dialect object, made on first use: engines that share their dialect
 * (the stateless ones do) share compiled SQL, so a new engine does not compile again what the
 * process has compiled already.
 */
export function statementCacheOf(dialect: Dialect): StatementCache {
  let cache = cacheOfDialect.get(dialect);
  if (!cache) cacheOfDialect.set(dialect, (cache = new StatementCache(dialect)));
  return cache;
}

function driverValue(value: unknown, process: ValueProcessor | undefined): unknown {
  return process && value !== null && value !== undefined ? process(value) : value;
}

/**
 * The driver values of an `inValues` list (or of one member of its tuples): NULLs, and tuples
 * with a NULL member, left out, as they match nothing.
 */
function listValues(list: readonly unknown[], slot: ArraySlot, process: ValueProcessor | undefined): unknown[] {
  const values: unknown[] = [];
  for (const item of list) {
    if (item === null || item === undefined) continue;
    if (slot.tuples && (item as readonly unknown[]).some((v) => v === null || v === undefined)) continue;
    const value = slot.member === undefined ? item : (item as readonly unknown[])[slot.member];
    values.push(process ? process(value) : value);
  }
  return values;
}

function outputColumns(node: StatementNode): ResultColumn[] {
  switch (node.kind) {
    case "select":
      return node.columns.map((c) => ({ key: c.name, type: c.type }));
    case "compound": {
      // Named by the first query; typed, column by column, by the first query that types it: a
      // NULL first has no type, and the values read raw (a boolean as 0/1, a datetime as text).
      const members = node.selects.map(outputColumns);
      return members[0]!.map((column, i) => (column.type !== undefined ? column : { key: column.key, type: members.find((m) => m[i]?.type !== undefined)?.[i]!.type }));
    }
    case "insert":
    case "update":
    case "delete":
      return node.returning.map((c) => ({ key: c.name, type: c.type }));
    case "raw":
      return [];
  }
}
