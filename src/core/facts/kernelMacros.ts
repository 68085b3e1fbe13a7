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

/**
 * LSM hooks. `LSM_HOOK_INIT(HOOK, fn)` in a module's `security_hook_list` array expands to
 * `.hook = { .HOOK = fn }`, a store into field HOOK of `union security_list_options`, and
 * `call_int_hook(HOOK, ...)`/`call_void_hook(HOOK, ...)` in security/security.c call that field
 * of every registered entry (an hlist walk in 6.1, static calls in 6.9+). Both readers see the
 * macros as calls, not as what they expand to: they record the store and the field call the
 * expansion makes, so that the hook dispatches like any other function-pointer field.
 */
export const LSM_HOOK_UNION = 'security_list_options';

const LSM_HOOK_REGISTRATION = 'LSM_HOOK_INIT';

const LSM_HOOK_CALLS: ReadonlySet<string> = new Set(['call_int_hook', 'call_void_hook']);

/** Whether an initializer item `name(...)` registers an LSM hook: its two arguments are the hook and the function. */
export function isLsmHookRegistration(name: string): boolean {
  return name === LSM_HOOK_REGISTRATION;
}

/** Whether `name(HOOK, ...)` calls every function registered for HOOK. */
export function isLsmHookCall(name: string): boolean {
  return LSM_HOOK_CALLS.has(name);
}

/** Whether an initializer list's text may hold an LSM hook registration (its items have no designators). */
export function mayRegisterLsmHooks(text: string): boolean {
  return text.includes(LSM_HOOK_REGISTRATION);
}
