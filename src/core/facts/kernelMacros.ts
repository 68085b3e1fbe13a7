// What kernel macros and call text mean to fact extraction. Both readers (the tree-sitter
// walk and the token reader) apply these rules, and must apply the same ones: a file read
// from tokens has to give the facts a parse would.

/** Argument text kept per call: enough to read the call and to match exemptions by argument. */
export const ARG_TEXT_MAX = 80;

/** Text kept of a callee expression that is no name (`(*ops->fn)`, `tbl[i]`). */
export const POINTER_CALLEE_MAX = 60;

/** Macros that wrap a condition without being calls of their own. */
const CONDITION_WRAPPERS: ReadonlySet<string> = new Set([
  'likely', 'unlikely', 'likely_notrace', 'unlikely_notrace',
]);

export function isConditionWrapper(name: string): boolean {
  return CONDITION_WRAPPERS.has(name);
}

/** Macro loops such as `list_for_each_entry(pos, head, member) { ... }`. */
const FOREACH_MACRO = /for_each|_foreach|^foreach/;

export function isForeachMacro(name: string): boolean {
  return FOREACH_MACRO.test(name);
}

/** `SYSCALL_DEFINE3(name, ...)` and friends: the body that follows is `sys_name`. */
const SYSCALL_MACRO = /^(COMPAT_)?SYSCALL_DEFINE[0-6]$/;

/** The function a `SYSCALL_DEFINEn(name, ...)` body defines, or undefined for any other macro. */
export function syscallFunctionName(macro: string, name: string): string | undefined {
  if (!SYSCALL_MACRO.test(macro)) return undefined;
  return `${macro.startsWith('COMPAT_') ? 'compat_sys_' : 'sys_'}${name}`;
}
