/**
 * A project compiled with `experimentalDecorators` calls decorators the legacy way: a member
 * decorator gets `(prototype, name, descriptor)`, a class decorator `(constructor)`, as
 * TypeScript's `__decorate` helper and esbuild's legacy emit do. athanor's standard decorators
 * refuse that at once, naming the class, the attribute and the tsconfig option to remove. (The
 * same through tsx reading a real tsconfig.json: test/tools/install.test.ts.)
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, DeclarativeBase, column, integer, manyToOne, model } from "athanor";

class Base extends DeclarativeBase {}
class Parent extends Base {}

type LegacyMember = (target: object, key: string, descriptor?: PropertyDescriptor) => unknown;
type LegacyClass = (target: Function) => unknown;

/** An ArgumentError whose message starts with the decorator and where it is, and gives the fix. */
const legacyCall = (decorator: string, where: string) => (error: unknown) => {
  assert.ok(error instanceof ArgumentError, `expected ArgumentError, got ${error}`);
  assert.ok(error.message.startsWith(`${decorator} on ${where} was called as a legacy decorator: `), error.message);
  assert.match(error.message, /remove "experimentalDecorators"/);
  return true;
};

test("@column called the legacy way names the class and attribute and says to remove experimentalDecorators", () => {
  const legacy = column(integer().primaryKey()) as unknown as LegacyMember;
  assert.throws(() => legacy(Parent.prototype, "id", undefined), legacyCall("@column", "Parent.id"));
});

test("a relationship decorator called the legacy way says the same", () => {
  const legacy = manyToOne("Parent") as unknown as LegacyMember;
  assert.throws(() => legacy(Parent.prototype, "parent"), legacyCall("@manyToOne", "Parent.parent"));
});

test("@model called the legacy way (a class with no decorated attribute) says the same", () => {
  const legacy = model("parents") as unknown as LegacyClass;
  assert.throws(() => legacy(Parent), legacyCall("@model", "Parent"));
});
