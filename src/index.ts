/**
 * athanor: a typed SQL Core (schema, expressions, dialect compilers, engine) under a data-mapper
 * ORM. This module is the public API; everything not exported here is internal.
 *
 * @module athanor
 */

// Schema
export { MetaData, type MetaDataOptions } from "./core/schema/metadata.js";
export {
  constraintName,
  type NamingConvention,
  type ConventionTemplate,
  type ConstraintKind,
  type ConstraintNameParts,
  type ConstraintNameResult,
} from "./core/schema/naming-convention.js";
export { Table, table, type TableColumns, type RowOf, type InsertRowOf, type WritableRowOf, type FromSource } from "./core/schema/table.js";
export { Column } from "./core/schema/column.js";
export {
  ColumnBuilder,
  integer,
  bigint,
  string,
  text,
  boolean,
  float,
  numeric,
  date,
  datetime,
  json,
  uuid,
  enumType,
  binary,
  columnOfType,
  type ReferentialAction,
  type GeneratedOptions,
} from "./core/schema/column-builder.js";
export { ForeignKey, primaryKey, unique, check, index, foreignKey, type IndexOptions, type IndexDeclaration } from "./core/schema/constraints.js";
export type { IndexPart } from "./core/schema/index-parts.js";
export { alias, AliasedTable } from "./core/schema/alias.js";
export { types, type Decimal, type SqlType } from "./core/types/sql-type.js";

// Expressions and statements
export { Expression, Labeled, OrderBy, escapeLike, type Operand, type LikeOptions } from "./core/expression/expression.js";
export { FunctionCall, WindowFunction, type WindowSpec } from "./core/expression/window.js";
export { and, or, not, exists, scalarSubquery, caseWhen, cast, literal, tupleInValues } from "./core/expression/operators.js";
export { func } from "./core/expression/functions.js";
export { sql, RawSql } from "./core/expression/sql-tag.js";
export { select, Select, Subquery, type ForUpdateOptions } from "./core/statements/select.js";
export { union, unionAll, intersect, intersectAll, except, exceptAll, CompoundSelect, type SetMember, type CompoundOrderItem } from "./core/statements/compound.js";
export { Cte, type CteOptions } from "./core/statements/cte.js";
export { insert, Insert, type ReturningOptions } from "./core/statements/insert.js";
export type { Excluded, UpsertSet, OnConflictDoUpdateOptions, OnConflictDoNothingOptions, OnDuplicateKeyUpdateOptions } from "./core/statements/upsert.js";
export { update, Update } from "./core/statements/update.js";
export { deleteFrom, Delete } from "./core/statements/delete.js";
export type { Executable } from "./core/statements/executable.js";

// Engine
export { createEngine } from "./dialects/create-engine.js";
export { Engine, type EngineOptions, type ConnectOptions } from "./engine/engine.js";
export type { TlsMode, TlsOptions } from "./engine/tls.js";
export { Connection, type BeginOptions, type StreamOptions } from "./engine/connection.js";
export { Transaction } from "./engine/transaction.js";
export { Result } from "./engine/result.js";
export { Inspector } from "./engine/inspector.js";
export type { IsolationLevel, ConstraintNames, PoolOptions, ReflectOptions } from "./engine/driver.js";

// Errors
export * from "./core/errors.js";
export * from "./core/pool-errors.js";

// ORM: mapping
export { DeclarativeBase } from "./orm/declarative/declarative-base.js";
export { model, column, manyToOne, oneToMany, oneToOne, manyToMany, type ModelOptions, type ModelDecorator, type RelationshipDecorator } from "./orm/declarative/decorators.js";
export { validates, beforeInsert, afterInsert, beforeUpdate, afterUpdate, beforeDelete, afterDelete, afterLoad, type ValidatorDecorator, type HookDecorator, type LoadHookDecorator, type ValidatorMethod, type HookMethod } from "./orm/declarative/event-decorators.js";
export { hybrid } from "./orm/declarative/hybrid.js";
export { columnProperty, type ColumnPropertyOptions } from "./orm/declarative/column-property.js";
export type { HookKind, ModelHooks } from "./orm/mapping/model-events.js";
export type { SessionEvents } from "./orm/session/session-events.js";
export type { NamingOption, NamingStyle, NameTransform, NamingStrategy } from "./orm/mapping/naming.js";
export { Registry, type MapImperativelyOptions, type RegistryOptions } from "./orm/mapping/registry.js";
export { Mapper } from "./orm/mapping/mapper.js";
export { RelationshipProperty, type RelationshipDirection } from "./orm/mapping/relationship.js";
export type { RelationshipOptions, RelationshipOrderItem, LoadStrategy, RelationshipLazy } from "./orm/mapping/relationship-spec.js";
export { WriteOnlyCollection } from "./orm/state/write-only.js";
export type { Models, Rel, Given } from "./orm/typing/checks.js";
export { create, type NewValues } from "./orm/create.js";
export { MappingConfigurationError, NotConfiguredError, UnmappedClassError, NamingStrategyError, type ConfigurationProblem } from "./orm/errors.js";

// ORM: session and loading
export { Session, type SessionOptions, type NestedTransaction, type PrimaryKeyValue } from "./orm/session/session.js";
export type { BulkOptions, BulkStatement, SynchronizeSession, BulkInsert, BulkInsertResult, DmlResult, InsertValues } from "./orm/session/bulk.js";
export { sessionMaker, type SessionFactory } from "./orm/session/session-maker.js";
export { lazy, type LazyAccess } from "./orm/session/lazy.js";
export { selectinLoad, joinedLoad, lazyLoad, raiseLoad, type LoaderOption, type RelationshipKeys, type TargetOf } from "./orm/loading/options.js";
export { containsEager, type ContainsEagerOption } from "./orm/loading/contains-eager.js";
export { populateExisting, type PopulateExistingOption } from "./orm/loading/populate.js";
export { columnsOf, inspect, type ModelColumns, type InstanceInspection } from "./orm/entity.js";
export { aliased, type AliasedModel } from "./orm/aliased.js";
export { withLoaderCriteria, type LoaderCriteria, type LoaderCriteriaOptions } from "./orm/loading/criteria.js";
export { InstrumentedList } from "./orm/state/collection.js";
export { flagModified } from "./orm/state/flag-modified.js";
export type { ObjectStatus } from "./orm/state/instance-state.js";
export { StreamingLoadError, RelationshipNotLoadedError, ExpiredAttributeError, StaleDataError, UnsavedReferenceError, FlushOrderError, InvalidValueError, ObjectDeletedError, DetachedInstanceError, NullIdentityKeyError, DuplicateKeyError } from "./orm/errors.js";
// Deferred columns and column loading options (docs/deferred-columns.md).
export { defer, undefer, loadOnly, type ColumnLoaderOption, type ColumnLoadOptions } from "./orm/loading/column-options.js";
export type { ColumnOptions } from "./orm/declarative/decorators.js";
export type { ColumnKeys } from "./orm/entity.js";
export type { MergeOptions } from "./orm/session/merge.js";
export type { LoadableKeys, WithLoaded } from "./orm/session/attribute-loading.js";
export type { LeftOut, Restored, WithOptions, LEFT_OUT } from "./core/statements/executable.js";
export { UnloadedAttributeError, ReadOnlyAttributeError, WriteOnlyCollectionError, MergeDirtyObjectError, ExcludedRowError, ChangeDuringFlushError, ReadOnlySessionError, AfterTransactionListenerError, NotRetriedAfterCommitError, NotRetriedWorkInFlightError } from "./orm/errors.js";

// Keyset pagination (Core and ORM). Kept last: exported earlier, TypeScript 5.9 checks some of the
// ORM's message types in another order and test/types/orm-checks.ts fails.
export type { Page, PaginateOptions } from "./core/statements/keyset.js";
export { paginate } from "./orm/paginate.js";
