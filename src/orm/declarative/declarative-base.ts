/**
 * `class Base extends DeclarativeBase {}`: each direct subclass of DeclarativeBase owns a registry
 * (and so a MetaData); models extend that base and are mapped with `@model`.
 */
import { ArgumentError } from "../../core/errors.js";
import type { MetaData } from "../../core/schema/metadata.js";
import { mapperOfClass } from "../mapped.js";
import { Registry } from "../mapping/registry.js";
import { attachState, InstanceState } from "../state/instance-state.js";

const REGISTRY = Symbol("athanor.registry");

/** The base class of declarative models: `class Base extends DeclarativeBase {}`, then `@model() class User extends Base`. */
export abstract class DeclarativeBase {
  /** Type-level only: makes the base nominal, so `@model` on a class outside it fails to compile. */
  declare private readonly declarativeBrand: void;

  constructor() {
    // The ORM state is made with the object rather than on first use, so that V8 sizes the
    // model's objects with room for it (stamped on later, it takes a separate property store).
    const mapper = mapperOfClass(new.target);
    if (mapper !== undefined) attachState(this, new InstanceState(mapper));
  }

  /**
   * The registry of this base's models, created on first use. A base may bring its own:
   * `class Base extends DeclarativeBase { static override registry = new Registry({ metadata, naming: "snake_case" }) }`.
   */
  static get registry(): Registry {
    const base = declarativeRoot(this);
    const holder = base as unknown as { [REGISTRY]?: Registry };
    if (!Object.hasOwn(base, REGISTRY)) Object.defineProperty(base, REGISTRY, { value: new Registry() });
    return holder[REGISTRY]!;
  }

  static get metadata(): MetaData {
    return this.registry.metadata;
  }
}

/** The class directly below DeclarativeBase in `cls`'s ancestry: the one that owns the registry. */
function declarativeRoot(cls: Function): Function {
  let current = cls;
  for (;;) {
    const parent = Object.getPrototypeOf(current) as Function | null;
    if (parent === DeclarativeBase) return current;
    if (!parent || parent === Function.prototype) break;
    current = parent;
  }
  throw new ArgumentError(`Declare a base first: class Base extends DeclarativeBase {}, then extend Base.`);
}
