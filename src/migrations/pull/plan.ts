/**
 * The plan of the generated code, before any text: which tables become classes (and their names,
 * files and attribute names), which stay plain `table(...)`s, and every relationship with the
 * name of its other end. Names are claimed per class in a fixed order, so the output is stable.
 */
import { tableKey, type ForeignKeyModel, type SchemaModel, type TableModel } from "../../core/schema/schema-model.js";
import {
  attributeNameOf,
  claimName,
  classNameOf,
  constantNameOf,
  kebabCase,
  pascalCase,
  pluralIdentifier,
  stripKeySuffix,
} from "./names.js";
import { associationKeys, isPlainAssociation, linkCreatable, referredKey, uniqueExactly, type TableLookup } from "./shapes.js";

/** The relationship kinds of the declarative API. */
export type PlannedKind = "manyToOne" | "oneToMany" | "oneToOne" | "manyToMany";

/** One relationship attribute of a generated class. */
export interface PlannedRelationship {
  readonly kind: PlannedKind;
  readonly name: string;
  /** The target class. */
  readonly target: PlannedModel;
  /** The attribute on the target that is the other end. */
  backPopulates: string;
  /** A scalar end that may be empty (a nullable key, or the side of a one-to-one without it). */
  readonly nullable: boolean;
  /** manyToMany: the association table's name, as the model side names it (`schema.name` when in a schema). */
  readonly secondary?: string;
  /** When more than one foreign key could link the two sides: the columns of this one. */
  readonly foreignKeys?: readonly string[];
  /** A many-to-many through an association object whose other columns a new link could not fill. */
  readonly viewonly?: boolean;
  /** Why the relationship exists, for the comment above it. */
  readonly note?: string;
}

/** A table that becomes a class. */
export interface PlannedModel {
  readonly table: TableModel;
  readonly className: string;
  /** The module's file name, without extension. */
  readonly fileName: string;
  /** Column name → attribute name. */
  readonly attributes: ReadonlyMap<string, string>;
  readonly relationships: PlannedRelationship[];
  /** Names taken on the class (attributes and relationships). */
  readonly taken: Set<string>;
  /** Set when the table is also the association object of a many-to-many. */
  association?: { readonly ends: readonly [string, string] };
}

/** A table that stays a plain `table(...)` in base.ts. */
export interface PlannedTable {
  readonly table: TableModel;
  /** The exported constant's name. */
  readonly constant: string;
  /** Column name → key in the column map. */
  readonly attributes: ReadonlyMap<string, string>;
  readonly reason: "association" | "no primary key";
}

/** What `planModels` decides. */
export interface PullPlan {
  readonly models: readonly PlannedModel[];
  readonly tables: readonly PlannedTable[];
  readonly lookup: TableLookup;
  /** The class of a table key, if it is one. */
  readonly modelOf: (key: string) => PlannedModel | undefined;
}

/** Files the entry and the base take. */
const RESERVED_FILES = ["base", "index"];

/** Plans the classes, plain tables and relationships of a reflected schema. */
export function planModels(schema: SchemaModel): PullPlan {
  const byKey = new Map(schema.tables.map((t) => [tableKey(t), t] as const));
  const lookup: TableLookup = (key) => byKey.get(key);
  const hasKey = (key: string) => byKey.get(key)?.primaryKey !== undefined;
  const plain = new Set(schema.tables.filter((t) => isPlainAssociation(t, hasKey, lookup)).map(tableKey));
  const isModel = (key: string) => hasKey(key) && !plain.has(key);

  const classNames = new Set<string>();
  const fileNames = new Set<string>(RESERVED_FILES);
  const models = new Map<string, PlannedModel>();
  const tables: PlannedTable[] = [];
  const constants = new Set<string>(["Base"]);
  for (const table of schema.tables) {
    const key = tableKey(table);
    if (!isModel(key)) {
      const attributes = attributeMap(table, new Set());
      tables.push({ table, constant: claimName([constantNameOf(table.name), constantNameOf(`${table.schema ?? ""}_${table.name}`)], constants), attributes, reason: plain.has(key) ? "association" : "no primary key" });
      continue;
    }
    const className = claimName([classNameOf(table.name), classNameOf(`${table.schema ?? ""}_${table.name}`)], classNames);
    const fileName = claimName([kebabCase(className), `${kebabCase(className)}-model`], fileNames);
    const taken = new Set<string>();
    models.set(key, { table, className, fileName, attributes: attributeMap(table, taken), relationships: [], taken });
  }
  const modelOf = (key: string) => models.get(key);
  const plan: PullPlan = { models: [...models.values()], tables, lookup, modelOf };

  for (const model of plan.models) for (const fk of model.table.foreignKeys) planForeignKey(plan, model, fk);
  for (const model of plan.models) {
    const keys = associationKeys(model.table, isModel, lookup);
    if (keys) planManyToMany(plan, model.table, keys, model);
  }
  for (const t of tables) if (t.reason === "association") planManyToMany(plan, t.table, t.table.foreignKeys as [ForeignKeyModel, ForeignKeyModel], undefined);
  return plan;
}

/** Column name → attribute name, claimed in column order. */
function attributeMap(table: TableModel, taken: Set<string>): Map<string, string> {
  return new Map(table.columns.map((c) => [c.name, claimName([attributeNameOf(c.name), attributeNameOf(`${c.name}_column`)], taken)] as const));
}

/** How many foreign keys go from `from` to `to`. */
function keysBetween(plan: PullPlan, from: TableModel, to: string): number {
  return from.foreignKeys.filter((fk) => referredKey(fk, from, plan.lookup) === to).length;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** A many-to-one (or one-to-one) for the key, and the collection (or scalar) that pairs with it on the target. */
function planForeignKey(plan: PullPlan, model: PlannedModel, fk: ForeignKeyModel): void {
  const targetKey = referredKey(fk, model.table, plan.lookup);
  const target = plan.modelOf(targetKey);
  if (!target) return;
  const self = target === model;
  // One-to-one when the key's columns are unique in their table (never for a self-reference:
  // both ends would resolve to the same direction).
  const oneToOne = !self && uniqueExactly(model.table, fk.columns);
  const parallel = keysBetween(plan, model.table, targetKey);
  const backwards = oneToOne ? keysBetween(plan, target.table, tableKey(model.table)) : 0;
  const ambiguous = parallel + backwards > 1;
  const stripped = fk.columns.length === 1 ? stripKeySuffix(fk.columns[0]!) : undefined;
  const targetName = lowerFirst(target.className);
  const forward = claimName(
    [stripped === undefined ? "" : attributeNameOf(stripped), targetName, `${targetName}By${pascalCase(fk.columns.join("_"))}`],
    model.taken,
  );
  const sourceName = lowerFirst(model.className);
  const qualifier = pascalCase(forward);
  const backCandidates = oneToOne
    ? ambiguous ? [`${sourceName}As${qualifier}`, sourceName] : [sourceName, `${sourceName}As${qualifier}`]
    : [
        ...(self && forward === "parent" ? ["children"] : []),
        ...(ambiguous || self ? [] : [pluralIdentifier(sourceName)]),
        `${pluralIdentifier(sourceName)}By${qualifier}`,
      ];
  const back = claimName(backCandidates, target.taken);
  const nullable = fk.columns.some((c) => model.table.columns.find((col) => col.name === c)?.nullable ?? true);
  const foreignKeys = ambiguous ? (backwards ? fk.columns.map((c) => `${model.table.name}.${c}`) : fk.columns) : undefined;
  const note = `${model.table.name}(${fk.columns.join(", ")}) -> ${fk.referredTable}(${fk.referredColumns.join(", ")})`;
  model.relationships.push({
    kind: oneToOne ? "oneToOne" : "manyToOne",
    name: forward,
    target,
    backPopulates: back,
    nullable,
    ...(foreignKeys ? { foreignKeys } : {}),
    note,
  });
  target.relationships.push({
    kind: oneToOne ? "oneToOne" : "oneToMany",
    name: back,
    target: model,
    backPopulates: forward,
    nullable: true,
    ...(foreignKeys ? { foreignKeys } : {}),
    note,
  });
}

/** A many-to-many on each end of an association table (plain, or mapped as `association`). */
function planManyToMany(plan: PullPlan, table: TableModel, keys: readonly [ForeignKeyModel, ForeignKeyModel], association: PlannedModel | undefined): void {
  const [a, b] = keys;
  const endA = plan.modelOf(referredKey(a, table, plan.lookup));
  const endB = plan.modelOf(referredKey(b, table, plan.lookup));
  if (!endA || !endB) return; // a key to a table without a class (itself an association table)
  const self = endA === endB;
  const secondary = tableKey(table);
  const viewonly = association !== undefined && !linkCreatable(table, keys);
  const via = association?.className ?? pascalCase(table.name);
  /** The name on `owner` of the collection of `member`s, `own` being the key that points at the owner. */
  const nameOn = (owner: PlannedModel, member: PlannedModel, own: ForeignKeyModel, other: ForeignKeyModel) => {
    const members = pluralIdentifier(lowerFirst(member.className));
    if (!self) return claimName([members, `${members}Via${via}`], owner.taken);
    const otherStripped = other.columns.length === 1 ? stripKeySuffix(other.columns[0]!) : undefined;
    const ownStripped = own.columns.length === 1 ? stripKeySuffix(own.columns[0]!) : undefined;
    return claimName(
      [
        otherStripped === undefined ? "" : pluralIdentifier(attributeNameOf(otherStripped)),
        `${members}By${pascalCase(ownStripped ?? own.columns.join("_"))}`,
        `${members}Via${via}`,
      ],
      owner.taken,
    );
  };
  const nameA = nameOn(endA, endB, a, b);
  const nameB = nameOn(endB, endA, b, a);
  const note = `through ${table.name}(${a.columns.join(", ")} -> ${a.referredTable}; ${b.columns.join(", ")} -> ${b.referredTable})`;
  const common = { kind: "manyToMany" as const, secondary, nullable: false, ...(viewonly ? { viewonly } : {}), note };
  endA.relationships.push({ ...common, name: nameA, target: endB, backPopulates: nameB, ...(self ? { foreignKeys: a.columns } : {}) });
  endB.relationships.push({ ...common, name: nameB, target: endA, backPopulates: nameA, ...(self ? { foreignKeys: b.columns } : {}) });
  if (association) association.association = { ends: [endA.className, endB.className] };
}
