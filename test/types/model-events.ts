/**
 * Compile-time fixture of validators, lifecycle hooks and session events (docs/events.md):
 * compiled by both compilers, never executed. Correct declarations first; then each mistake
 * under `// @ts-expect-error`, so that tsc fails if it stops being reported.
 */
import {
  DeclarativeBase,
  Registry,
  Session,
  afterLoad,
  beforeInsert,
  beforeUpdate,
  column,
  integer,
  manyToOne,
  model,
  oneToMany,
  sessionMaker,
  string,
  table,
  validates,
  type Engine,
  type Rel,
} from "athanor";

class EtBase extends DeclarativeBase {}

declare module "athanor" {
  interface Models {
    EtUser: EtUser;
    EtNote: EtNote;
  }
}

@model("et_users")
export class EtUser extends EtBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(200).notNull()) accessor email!: string;
  @column(string(200)) accessor name!: string | null;
  @oneToMany("EtNote", { backPopulates: "user" }) accessor notes!: Rel<EtNote[], "user">;

  @validates("email", "name")
  trimmed(_key: "email" | "name", value: string | null) {
    return value?.trim() ?? null;
  }

  @validates("notes")
  acceptNote(_key: "notes", note: EtNote) {
    return note;
  }

  @beforeInsert
  @beforeUpdate
  async stamp() {}

  @afterLoad
  loaded() {}
}

@model("et_notes")
export class EtNote extends EtBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().references("et_users.id")) accessor userId!: number | null;
  @column(string(100).notNull()) accessor text!: string;
  @manyToOne("EtUser", { backPopulates: "notes" }) accessor user!: Rel<EtUser | null, "notes">;
}

@model("et_wrong")
export class EtWrong extends EtBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(200).notNull()) accessor email!: string;

  // @ts-expect-error a misspelled attribute
  @validates("emial")
  misspelled(_key: string, value: string) {
    return value;
  }

  // @ts-expect-error a method, not an attribute
  @validates("misspelled")
  validatesAMethod(_key: string, value: string) {
    return value;
  }

  // @ts-expect-error an afterLoad hook cannot be awaited
  @afterLoad
  async loadedLater() {}

  // @ts-expect-error a hook takes no argument
  @beforeInsert
  needsArgument(_when: Date) {}
}

const registry = new Registry();
const people = table("et_people", registry.metadata, { id: integer().primaryKey(), name: string(50) });
class Person {
  declare id: number;
  declare name: string | null;
}
registry.mapImperatively(Person, people, {
  validators: { name: (_key, value: string | null) => value },
  hooks: {
    beforeInsert() {
      this.name ??= "unknown";
    },
  },
});
registry.mapImperatively(Person, people, {
  // @ts-expect-error a misspelled attribute
  validators: { nmae: (_key: string, value: string) => value },
});

declare const engine: Engine;
new Session(engine, { events: { beforeFlush: (session) => session.objects, afterCommit: async () => {} } });
// @ts-expect-error a misspelled event
new Session(engine, { events: { afterComit: () => {} } });
sessionMaker(engine, { events: [{ afterRollback: () => {} }, { afterCommit: () => {} }] });
