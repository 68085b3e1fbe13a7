// What a rule is, as data: which calls take a held context, which release it, and which callees
// must never run under it, with the knowledge the confidence checks read. The types live in the
// model because the index reads them too (which names make a file need a full parse, what a
// cached result is keyed by); the rules themselves are in rules/.

/** When an acquiring call leaves the context held. */
export type AcquireWhen =
  /** always (void functions, or functions that cannot fail) */
  | 'always'
  /** only when it returns 0 (error-code functions such as mnt_want_write) */
  | 'zero'
  /** only when it returns non-zero (trylocks returning true on success) */
  | 'nonzero';

export interface AcquirePrimitive {
  name: string;
  when: AcquireWhen;
  /** Why it is listed: shown in hovers and docs. */
  note?: string;
  /**
   * Why the hold is handed to someone else when the call returns (an AIO request keeps it
   * until completion): calls after it in the same function run under it, but a function that
   * calls it is not a wrapper whose callers hold it.
   */
  handoff?: string;
}

/** A function named for a reason: where paths stop, which calls are never reached held. */
export interface NamedReason {
  name: string;
  why: string;
}

/** A call that does not happen in the held context, by what the code guarantees before it. */
export interface GuardedCall {
  caller: string;
  callee: string;
  why: string;
}

/**
 * Whose object a call through an ops table dispatches on. A filesystem's own inodes, files,
 * dentries and mappings dispatch to the ops its directory installs; only code that handles
 * other filesystems' objects on purpose (stacking, servers, loop) crosses to another one.
 */
export interface DispatchKnowledge {
  /** Struct types whose function pointers are a filesystem's per-object operations. */
  objectOps: string[];
  /** Directories (tree-relative) whose code works on other filesystems' objects. */
  crossers: Crosser[];
  /**
   * Struct types whose function pointers are hooks: a call runs every function registered
   * there in turn (each enabled module's), not the one an object holds.
   */
  hooks?: string[];
  /** Notifier lists: a call through the block field reaches only the blocks registered on the list walked. */
  notifiers?: NotifierKnowledge[];
}

/**
 * A kind of notifier list, named by its two primitives. Which functions register on which
 * list (`register_module_notifier(nb)` on module_notify_list) and which list a caller walks
 * (`blocking_notifier_call_chain(&vmap_notify_list, ...)`) is read from the tree: wrappers
 * pass their parameters on to these.
 */
export interface NotifierKnowledge {
  /** Struct type of a list's blocks, and the field each block's function is stored in. */
  block: string;
  field: string;
  /** The function that walks a list and calls each block's field; `head`: 0-based position of the list. */
  call: { function: string; head: number };
  /** The function that adds a block to a list, with the positions of the list and the block. */
  register: { function: string; head: number; block: number };
}

export interface Crosser {
  dir: string;
  why: string;
  /** Which filesystems' objects it can reach: any, or only those that can be exported (s_export_op). */
  reaches?: 'exportable';
}

/**
 * A call that may not lead to the forbidden effect because of an argument it passes: a candidate.
 * Whether it holds is read from the tree scanned (rules/derivedExemptions.ts): the value is
 * followed into the callee's body to the rule's `events`.
 */
export interface ExemptCall {
  callee: string;
  /** 0-based argument position. */
  arg: number;
  /** Argument texts (whitespace folded) that may make the call harmless. */
  equals: string[];
  /** Why it may: said when the tree cannot tell and the exemption is taken on the rule's word. */
  why: string;
}

/**
 * A function whose file-type tests are about the object passed to it: overlayfs copy-up works
 * on one dentry (and its ancestors), so its `S_ISREG()` tests say what that dentry must be.
 */
export interface ObjectScope {
  function: string;
  /** 0-based position of the object argument. */
  arg: number;
  /** The file (tree-relative) whose tests are about that object. */
  file: string;
  why: string;
}

/**
 * A call that, once it returned 0 for an object, does nothing more when made again on it: the
 * repeat never reaches `skips` (a copy-up of an object already copied up).
 */
export interface RepeatedCall {
  function: string;
  /** 0-based position of the object argument. */
  arg: number;
  skips: string;
  why: string;
}

export interface RuleSpec {
  id: string;
  title: string;
  /** What the finding means, for SARIF and the Problems panel. */
  description: string;
  acquire: AcquirePrimitive[];
  release: string[];
  sinks: string[];
  /** Functions whose bodies must not be used to infer wrapper behaviour (listed primitives win anyway). */
  opaque?: string[];
  /**
   * Calls that may never reach a sink's effect, by argument. Each holds only where the tree's
   * bodies show it (derivedExemptions.ts); paths through one that holds are not chains.
   */
  exempt?: ExemptCall[];
  /**
   * The calls inside the sinks that are the effect itself (the fanotify event): an exemption
   * holds when its value returns before every one of them. Without events, exemptions are
   * taken on the rule's word.
   */
  events?: string[];
  /** Functions a path never continues through (crash and debug reports). */
  stopAt?: NamedReason[];
  /**
   * Calls that say the hold taken before them is handed to someone else (an AIO request): a
   * function making one is no wrapper, whatever it acquires.
   */
  handoffMarkers?: NamedReason[];
  /** Calls the held context never reaches, by what the code guarantees first. */
  guards?: GuardedCall[];
  /** Functions whose file-type tests are about one object: a directory passed in never passes them. */
  objectScopes?: ObjectScope[];
  /** Calls whose repeat on the same object, after one that succeeded, skips their work. */
  repeatedCalls?: RepeatedCall[];
  /** How calls through ops tables are judged (absent: every typed candidate is likely). */
  dispatch?: DispatchKnowledge;
  /**
   * The held context is per superblock and only a freezable one can deadlock: holds taken
   * in a filesystem's own code count only where that filesystem can be frozen.
   */
  perSuperblock?: boolean;
}

