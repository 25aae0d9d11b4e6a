/** The seed's models, all imported: importing this module registers every one of them. */
export { Base } from "./base.js";
export { Parent } from "./parent.js";
export { Child } from "./child.js";
export { Association } from "./association.js";
