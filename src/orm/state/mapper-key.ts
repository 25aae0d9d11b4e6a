/**
 * The key under which a mapped class holds its Mapper. It lives in state/ so that instance state
 * finds an object's mapper without importing mapping/ at run time (mapping/ imports state/).
 */
export const MAPPER: unique symbol = Symbol.for("athanor.mapper") as never;
