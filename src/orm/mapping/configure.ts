/**
 * Configuration: resolves every relationship's target, secondary table, join columns and other
 * side, and checks the overlap of a many-to-many with its association object. Every problem is
 * collected, so that one run reports them all, each naming the model, the attribute and the fix.
 */
import type { Column } from "../../core/schema/column.js";
import type { ForeignKey } from "../../core/schema/constraints.js";
import { Table } from "../../core/schema/table.js";
import type { ConfigurationProblem } from "../errors.js";
import { storedMapper } from "../mapped.js";
import type { Mapper } from "./mapper.js";
import type { Registry } from "./registry.js";
import type { RelationshipDirection, RelationshipOrder, RelationshipProperty } from "./relationship.js";
import type { ClassRef, RelationshipOrderItem } from "./relationship-spec.js";
import { checkAssociationOverlap, linkAssociationView } from "./configure-association.js";
import { didYouMean } from "./suggest.js";
import { checkInheritance } from "./inheritance.js";
import { isInheritanceKey, tablesOf } from "./joined-tables.js";

const IMPORT_HINT =
  "If it is defined in another module, make sure that module is imported before the models are used " +
  "(registry.discover(folder) imports a whole models folder).";

export function configureMappers(registry: Registry, mappers: readonly Mapper[]): ConfigurationProblem[] {
  const problems: ConfigurationProblem[] = [];
  const report = (mapper: Mapper, attribute: string | undefined, message: string, fix: string) =>
    problems.push({ model: mapper.name, attribute, message, fix, file: mapper.definedAt });

  const brokenFks = new Set<ForeignKey>();
  for (const mapper of mappers) checkPrimaryKey(mapper, report);
  for (const mapper of mappers) checkInheritance(mapper, report);
  for (const mapper of mappers) checkForeignKeyTargets(mapper, report, brokenFks);
  for (const mapper of mappers) {
    for (const rel of ownRelationships(mapper)) resolveRelationship(registry, rel, report, brokenFks);
  }
  for (const mapper of mappers) {
    for (const rel of ownRelationships(mapper)) if (rel.isResolved) resolveOrder(rel, report);
  }
  for (const mapper of mappers) {
    for (const rel of ownRelationships(mapper)) if (rel.isResolved) linkBackPopulates(rel, report);
  }
  for (const mapper of mappers) {
    for (const rel of ownRelationships(mapper)) if (rel.isResolved) checkAssociationOverlap(rel, report);
    for (const rel of ownRelationships(mapper)) if (rel.writeOnly) checkWriteOnly(rel, report);
  }
  if (problems.length === 0) for (const mapper of mappers) for (const rel of ownRelationships(mapper)) linkAssociationView(rel);
  return problems;
}

/** `lazy: "writeOnly"`: a collection, and (its links being association objects) not over a mapped association table. */
function checkWriteOnly(rel: RelationshipProperty, report: Report): void {
  const fail = (message: string, fix: string) => report(rel.parent, rel.key, message, fix);
  if (!rel.collection) return void fail(`lazy: "writeOnly" is for a collection, and a ${rel.kind} holds one object.`, `Remove lazy: "writeOnly" (or declare the collection on the other side write-only).`);
  const association = rel.isResolved ? rel.resolved.association : undefined;
  if (association !== undefined && !rel.viewonly) {
    fail(
      `a write-only many-to-many over ${association.name}, a mapped association table, is not supported: its links are ${association.name} objects.`,
      `Declare the one-to-many to ${association.name} write-only instead, or make this many-to-many viewonly: true.`,
    );
  }
}

/** The relationships a mapper declares: a subclass's inherited ones are configured with its superclass's. */
function ownRelationships(mapper: Mapper): Iterable<RelationshipProperty> {
  return mapper.inheritance?.parent === undefined ? mapper.relationships.values() : [...mapper.relationships.values()].filter((rel) => rel.parent === mapper);
}

export type Report = (mapper: Mapper, attribute: string | undefined, message: string, fix: string) => void;

/**
 * An object is its row's primary key: the identity map holds it by that key, and every UPDATE and
 * DELETE names its row by it. A table without one cannot be mapped (SQLAlchemy refuses it too).
 */
function checkPrimaryKey(mapper: Mapper, report: Report): void {
  if (mapper.table.primaryKey.length) return;
  const name = mapper.table.name;
  report(
    mapper,
    undefined,
    `table '${name}' has no primary key: the session identifies each ${mapper.name} by its key, and updates and deletes its row by it.`,
    `Declare a primary key column, e.g. @column(integer().primaryKey()) accessor id!: number; (or id: integer().primaryKey() in table("${name}", ...)); ` +
      `for a key of several columns, mark each with .primaryKey() or add the constraint primaryKey(c.a, c.b).`,
  );
}

/**
 * Foreign keys resolve lazily by table name; a wrong name is reported against its column, once
 * (`reported`: the relationships that needed it are not reported again, see `brokenLink`).
 */
function checkForeignKeyTargets(mapper: Mapper, report: Report, reported: Set<ForeignKey>): void {
  for (const fk of mapper.table.foreignKeys) {
    if (fk.isResolvable) continue;
    reportBrokenForeignKey(mapper, mapper.attributeFor(fk.columns[0]!), fk, report);
    reported.add(fk);
  }
}

function reportBrokenForeignKey(mapper: Mapper, attribute: string | undefined, fk: ForeignKey, report: Report): void {
  const tables = [...mapper.table.metadata.tables.keys()];
  const targetTable = mapper.table.metadata.table(fk.targetTable);
  const on = fk.table !== mapper.table ? ` of '${fk.table.name}(${fk.columns.map((c) => c.name).join(", ")})'` : "";
  const message = targetTable
    ? `the foreign key${on} references '${fk.target}', but table '${fk.targetTable}' has no such column.` +
      didYouMean(fk.targetColumns[0]!, targetTable.columnList.map((c) => c.name))
    : `the foreign key${on} references table '${fk.targetTable}', which is not defined.` + didYouMean(fk.targetTable, tables);
  report(mapper, attribute, message, `Correct the target "table.column" of .references(...). ${IMPORT_HINT}`);
}

/**
 * Whether `from` has a foreign key meant for `to` that does not resolve (a misspelled column):
 * a relationship that finds no link between them is that problem, not one of its own. It is
 * reported once: by `checkForeignKeyTargets` for a mapped table, else here, at the first
 * relationship through the (plain association) table. Five problems for one typo hid the typo.
 */
function brokenLink(rel: RelationshipProperty, from: Table, to: Table, reported: Set<ForeignKey>, report: Report): boolean {
  const fk = from.foreignKeys.find((f) => !f.isResolvable && f.targetTable === to.name);
  if (fk === undefined) return false;
  if (!reported.has(fk)) {
    reported.add(fk);
    reportBrokenForeignKey(rel.parent, rel.key, fk, report);
  }
  return true;
}

function resolveRelationship(registry: Registry, rel: RelationshipProperty, report: Report, brokenFks: Set<ForeignKey>): void {
  const mapper = rel.parent;
  const fail = (message: string, fix: string) => report(mapper, rel.key, message, fix);
  try {
    rel.cascades("save-update");
  } catch (error) {
    return fail((error as Error).message, `Use a comma-separated list of: all, save-update, merge, refresh-expire, expunge, delete, delete-orphan.`);
  }
  const target = resolveTarget(registry, rel, fail);
  if (!target) return;

  let secondary: Table | undefined;
  if (rel.kind === "manyToMany") {
    if (rel.spec.options.secondary === undefined) {
      return fail(
        `a many-to-many relationship to ${target.name} needs an association table.`,
        `Pass secondary: "<association table name>" (or a Table, a model name or a thunk).`,
      );
    }
    secondary = resolveSecondary(registry, rel, fail);
    if (!secondary) return;
  } else if (rel.spec.options.secondary !== undefined) {
    return fail(`a ${rel.kind} relationship cannot have a secondary table.`, `Use manyToMany for a relationship through an association table.`);
  }

  const only = rel.spec.options.foreignKeys;
  const restrict = (fks: ForeignKey[]) => (only ? fks.filter((fk) => fk.columns.every((c) => namesColumn(only, c))) : fks);
  const fksTo = (from: Table, to: Table) => from.foreignKeys.filter((fk) => fk.isResolvable && fk.referredTable === to);
  // Joined-table inheritance: a class's key may be in any of its tables, but for the keys that join them.
  const fksAmong = (from: Mapper, to: Mapper) =>
    tablesOf(from).flatMap((f) => tablesOf(to).flatMap((t) => fksTo(f, t))).filter((fk) => !isInheritanceKey(fk, from) && !isInheritanceKey(fk, to));
  const list = (fks: readonly ForeignKey[]) => fks.map(describeFk).join(", ");
  const hintNames = (fks: readonly ForeignKey[]) => fks.map((fk) => `["${fk.columns.map((c) => c.name).join('", "')}"]`).join(" or ");

  if (secondary) {
    const toParent = tablesOf(mapper).flatMap((t) => fksTo(secondary, t));
    const toTarget = tablesOf(target).flatMap((t) => fksTo(secondary, t));
    const local = restrict(toParent);
    const remote = mapper.table === target.table ? toTarget.filter((fk) => !local.includes(fk)) : toTarget;
    if (local.length !== 1 || remote.length !== 1) {
      const self = mapper.table === target.table;
      const none = local.length === 0 ? mapper.table : target.table;
      if (local.length === 0 || remote.length === 0) {
        if (brokenLink(rel, secondary, none, brokenFks, report)) return;
        return fail(
          `the association table '${secondary.name}' has no foreign key to '${none.name}'.`,
          `Add a column with .references("${none.name}.${none.primaryKey[0]?.name ?? "id"}") to '${secondary.name}'.`,
        );
      }
      return fail(
        `the association table '${secondary.name}' has several foreign keys that could link ${mapper.name}: ${list(toParent)}.`,
        self
          ? `Name the columns that point at this side: foreignKeys: ${hintNames(toParent)}.`
          : `Name the one to use: foreignKeys: ${hintNames(local)}.`,
      );
    }
    rel.setResolved({
      target,
      direction: "manyToMany",
      pairs: pairsOf(local[0]!).map(([fkCol, key]) => [key, fkCol] as const),
      secondary,
      secondaryPairs: pairsOf(remote[0]!).map(([fkCol, key]) => [key, fkCol] as const),
      association: registry.mapperForTable(secondary),
    });
    return;
  }

  // Many-to-one holds the key locally, one-to-many on the target; one-to-one either way round.
  const localFks = rel.kind === "oneToMany" ? [] : restrict(fksAmong(mapper, target));
  const remoteFks = rel.kind === "manyToOne" ? [] : restrict(fksAmong(target, mapper));
  const candidates: { fk: ForeignKey; direction: RelationshipDirection }[] = [
    ...localFks.map((fk) => ({ fk, direction: "manyToOne" as const })),
    ...remoteFks.filter((fk) => !localFks.includes(fk) || rel.kind !== "oneToOne").map((fk) => ({ fk, direction: "oneToMany" as const })),
  ];
  if (candidates.length === 0) {
    const keyHolder = rel.kind === "oneToMany" ? target : mapper;
    const referenced = rel.kind === "oneToMany" ? mapper : target;
    if (brokenLink(rel, keyHolder.table, referenced.table, brokenFks, report)) return;
    if (rel.kind === "oneToOne" && brokenLink(rel, target.table, mapper.table, brokenFks, report)) return;
    const reverse = rel.kind === "manyToOne" ? fksTo(target.table, mapper.table) : rel.kind === "oneToMany" ? fksTo(mapper.table, target.table) : [];
    const message = only
      ? `none of foreignKeys [${only.join(", ")}] is a foreign key between '${mapper.table.name}' and '${target.table.name}'.`
      : `no foreign key links '${mapper.table.name}' and '${target.table.name}'` +
        (rel.kind === "oneToOne" ? "." : ` (a ${rel.kind} needs one on '${keyHolder.table.name}' referencing '${referenced.table.name}').`);
    const fix = reverse.length
      ? `The foreign key is on '${reverse[0]!.table.name}': declare this side as ${rel.kind === "manyToOne" ? "oneToMany (or oneToOne)" : "manyToOne"}.`
      : `Add .references("${referenced.table.name}.${referenced.primaryKey[0]?.name ?? "id"}") to the column of ${keyHolder.name} that holds the key.`;
    return fail(message, fix);
  }
  if (candidates.length > 1) {
    return fail(
      `${candidates.length} foreign keys could link '${mapper.table.name}' and '${target.table.name}': ${list(candidates.map((c) => c.fk))}.`,
      `Name the one to use: foreignKeys: ${hintNames(candidates.map((c) => c.fk))}.`,
    );
  }
  const { fk, direction } = candidates[0]!;
  const pairs = pairsOf(fk);
  rel.setResolved({
    target,
    direction,
    pairs: direction === "manyToOne" ? pairs : pairs.map(([fkCol, key]) => [key, fkCol] as const),
    secondary: undefined,
    secondaryPairs: [],
    association: undefined,
  });
}

function resolveTarget(registry: Registry, rel: RelationshipProperty, fail: (m: string, f: string) => void): Mapper | undefined {
  const target = rel.spec.target;
  if (typeof target === "string") {
    const mapper = registry.mapperByName(target);
    if (!mapper) {
      fail(
        `the target '${target}' is not a mapped model.${didYouMean(target, registry.modelNames())}`,
        `Check the spelling of the model name. ${IMPORT_HINT}`,
      );
    }
    return mapper;
  }
  let cls: ClassRef;
  try {
    cls = target();
  } catch (error) {
    fail(`the target thunk threw: ${(error as Error).message}`, `Return the model class from the thunk, e.g. () => Child.`);
    return undefined;
  }
  const mapper = storedMapper(cls);
  if (!mapper || mapper.registry !== registry) {
    fail(`the target thunk returned ${describeValue(cls)}, which is not a model of this registry.`, `Return a class decorated with @model (or mapped imperatively) in this registry.`);
    return undefined;
  }
  return mapper;
}

function resolveSecondary(registry: Registry, rel: RelationshipProperty, fail: (m: string, f: string) => void): Table | undefined {
  const secondary = rel.spec.options.secondary!;
  const metadata = rel.parent.table.metadata;
  if (typeof secondary === "string") {
    const table = metadata.table(secondary) ?? registry.mapperByName(secondary)?.table;
    if (!table) {
      const known = [...metadata.tables.keys(), ...registry.modelNames()];
      fail(
        `the secondary '${secondary}' is neither a table nor a model.${didYouMean(secondary, known)}`,
        `Name the association table (or its model) as defined. ${IMPORT_HINT}`,
      );
    }
    return table;
  }
  if (secondary instanceof Table) return secondary;
  let value: Table | ClassRef;
  try {
    value = secondary();
  } catch (error) {
    fail(`the secondary thunk threw: ${(error as Error).message}`, `Return the association Table or model class from the thunk.`);
    return undefined;
  }
  if (value instanceof Table) return value;
  const mapper = storedMapper(value);
  if (!mapper) {
    fail(`the secondary thunk returned ${describeValue(value)}, which is neither a Table nor a model.`, `Return the association Table or model class.`);
    return undefined;
  }
  return mapper.table;
}

/** Resolves a collection's `orderBy` to the target's columns; every bad item is reported. */
function resolveOrder(rel: RelationshipProperty, report: Report): void {
  const given = rel.spec.options.orderBy;
  if (given === undefined) return;
  const { target } = rel.resolved;
  const fail = (message: string, fix: string) => report(rel.parent, rel.key, message, fix);
  if (!rel.collection) {
    return fail(`orderBy: a ${rel.kind} holds one object, so it has no order.`, `Remove orderBy, or use it on a oneToMany or manyToMany.`);
  }
  const items = (Array.isArray(given) ? given : [given]) as readonly RelationshipOrderItem[];
  const order: RelationshipOrder[] = [];
  for (const item of items) {
    const spec = typeof item === "string" ? { attr: item } : item;
    const attr = spec?.attr;
    const column = typeof attr === "string" ? target.columns.get(attr) : undefined;
    if (!column) {
      fail(
        `orderBy '${String(attr)}': ${target.name} has no column attribute '${String(attr)}'.` + didYouMean(String(attr), target.columns.keys()),
        `Order by column attributes of ${target.name}: ${[...target.columns.keys()].join(", ")}.`,
      );
      continue;
    }
    const direction = spec.direction ?? "asc";
    if (direction !== "asc" && direction !== "desc") {
      fail(`orderBy '${attr}': direction '${String(direction)}' is not "asc" or "desc".`, `Use direction: "asc" or direction: "desc".`);
      continue;
    }
    const nulls = spec.nulls;
    if (nulls !== undefined && nulls !== "first" && nulls !== "last") {
      fail(`orderBy '${attr}': nulls '${String(nulls)}' is not "first" or "last".`, `Use nulls: "first" or nulls: "last", or leave it out.`);
      continue;
    }
    order.push({ column, direction, nulls });
  }
  if (order.length === items.length) rel.order = order;
}

/** Checks that `backPopulates` names a relationship that names this one back, over the same keys. */
function linkBackPopulates(rel: RelationshipProperty, report: Report): void {
  const back = rel.spec.options.backPopulates;
  if (back === undefined) return;
  const { target } = rel.resolved;
  const fail = (message: string, fix: string) => report(rel.parent, rel.key, message, fix);
  const other = target.relationships.get(back);
  if (!other) {
    const what = target.columns.has(back) ? `is a column, not a relationship` : `does not exist`;
    return fail(
      `backPopulates '${back}': ${target.name}.${back} ${what}.${target.columns.has(back) ? "" : didYouMean(back, target.relationships.keys())}`,
      `Name the relationship attribute of ${target.name} that points back to ${rel.parent.name}.`,
    );
  }
  if (!other.isResolved) return; // its own problem is reported already
  if (other.target !== rel.parent) {
    return fail(
      `backPopulates '${back}': ${target.name}.${back} is a relationship to ${other.target.name}, not to ${rel.parent.name}.`,
      `Name the attribute of ${target.name} that points back to ${rel.parent.name}.`,
    );
  }
  const otherBack = other.spec.options.backPopulates;
  if (otherBack !== rel.key) {
    return fail(
      otherBack === undefined
        ? `backPopulates '${back}': ${target.name}.${back} does not name this attribute back.`
        : `backPopulates '${back}': ${target.name}.${back} points back to '${otherBack}', not to '${rel.key}'.`,
      `Pair them: ${target.name}.${back} needs backPopulates: "${rel.key}" (each side names the other).`,
    );
  }
  const expected = { manyToOne: "oneToMany or oneToOne", oneToMany: "manyToOne", oneToOne: "oneToOne or manyToOne", manyToMany: "manyToMany" }[rel.kind];
  if (!expected.split(" or ").includes(other.kind)) {
    return fail(`backPopulates '${back}': a ${rel.kind} cannot pair with ${target.name}.${back}, a ${other.kind}.`, `Make ${target.name}.${back} a ${expected}.`);
  }
  const mine = rel.resolved;
  const theirs = other.resolved;
  const sameKeys =
    mine.direction === "manyToMany"
      ? mine.secondary === theirs.secondary
      : mine.pairs.every(([a, b], i) => theirs.pairs[i]?.[0] === b && theirs.pairs[i]?.[1] === a);
  if (!sameKeys) {
    return fail(
      `backPopulates '${back}': ${target.name}.${back} joins through ${mine.direction === "manyToMany" ? "another association table" : "another foreign key"}, so the two cannot be the two sides of one relationship.`,
      `Point both at the same ${mine.direction === "manyToMany" ? "secondary" : "foreign key (foreignKeys: [...])"}.`,
    );
  }
  rel.backRef = other;
}

function pairsOf(fk: ForeignKey): (readonly [Column, Column])[] {
  return fk.columns.map((c, i) => [c, fk.referredColumns[i]!] as const);
}

function namesColumn(names: readonly string[], column: Column): boolean {
  return names.some((n) => n === column.name || n === column.key || n === `${column.table.name}.${column.name}`);
}

function describeFk(fk: ForeignKey): string {
  return `${fk.table.name}(${fk.columns.map((c) => c.name).join(", ")}) -> ${fk.target}`;
}

function describeValue(value: unknown): string {
  if (typeof value === "function") return `class ${value.name || "(anonymous)"}`;
  return String(value);
}
