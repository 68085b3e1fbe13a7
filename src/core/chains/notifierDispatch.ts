// Calls through a notifier block's function, judged by the list walked: notifier_call_chain()
// calls every block on the list its caller passed, so a hop to a function is likely only when
// that function's block is registered on that list. The list is followed back along the chain,
// through the parameters each hop passes it on by, to the variable the code names
// (`blocking_notifier_call_chain(&vmap_notify_list, ...)`); a list reached through a pointer
// held at run time (`&mp->m_dir_update_hooks`) leaves the hop a type-only guess.
import type { CallGraph } from '../graph/callGraph';
import { accessPath, callerParameters, headTerm, NotifierLists, substitute, wholeParam, type AccessPath, type HeadTerm, type KeptNotifierLists } from '../graph/notifierLists';
import type { CallSiteReader } from '../model/callSites';
import { fieldOfVia, type ChainReason, type FoundChain } from '../model/chain';
import type { NotifierKnowledge } from '../model/ruleSpec';

/** Registered functions named in a reason, at most. */
const NAMED_FUNCTIONS = 6;

/** Per chain, the specs of the lists its hops walk (see NotifierJudge.listsWalked); valid for one set of specs. */
export type WalkedLists = WeakMap<FoundChain, readonly NotifierKnowledge[]>;

const NO_SPECS: readonly NotifierKnowledge[] = [];

export class NotifierJudge {
  private readonly lists = new Map<NotifierKnowledge, NotifierLists>();
  /** accessPath() of the argument texts read: the same few recur along thousands of chains. */
  private readonly paths = new Map<string, AccessPath | null>();

  /** The specs by the function that walks their lists: most hops are made by none of them. */
  private readonly byWalker = new Map<string, NotifierKnowledge[]>();

  /**
   * `kept`: lists kept from earlier results of this graph (see KeptNotifierLists), when there are;
   * `walked`: which lists each chain's hops walk, as judges of earlier results with these specs found.
   */
  constructor(
    private readonly graph: CallGraph,
    private readonly reader: CallSiteReader,
    specs: readonly NotifierKnowledge[],
    private readonly kept?: KeptNotifierLists,
    private readonly walked: WalkedLists = new WeakMap(),
  ) {
    for (const spec of specs) {
      const list = this.byWalker.get(spec.call.function);
      if (list === undefined) this.byWalker.set(spec.call.function, [spec]);
      else list.push(spec);
    }
  }

  /** What a verdict on `chain` read of the tree's registrations: empty when it has no notifier hop. */
  key(chain: FoundChain): string {
    const specs = this.listsWalked(chain);
    let key = '';
    for (const spec of specs) key = key === '' ? this.listsOf(spec).key : `${key}\n${this.listsOf(spec).key}`;
    return key;
  }

  /**
   * The specs of the lists the chain's hops walk, in hop order. Asked of every kept chain at every
   * live update, and a chain's hops do not change while it is kept: looked up once per chain.
   */
  private listsWalked(chain: FoundChain): readonly NotifierKnowledge[] {
    let specs = this.walked.get(chain);
    if (specs === undefined) {
      const found: NotifierKnowledge[] = [];
      for (let i = 0; i < chain.hops.length; i++) {
        const spec = this.specOf(chain, i);
        if (spec !== undefined) found.push(spec);
      }
      specs = found.length === 0 ? NO_SPECS : found;
      this.walked.set(chain, specs);
    }
    return specs;
  }

  /** The reason for hop `i`, when it is a call through a notifier list's block. */
  reason(chain: FoundChain, i: number): ChainReason | undefined {
    const spec = this.specOf(chain, i);
    if (spec === undefined) return undefined;
    const hop = chain.hops[i]!;
    const op = `${spec.block}.${spec.field}`;
    const head = this.headOf(chain, i, spec);
    if (head.kind !== 'static') {
      const text = head.kind === 'runtime' ? head.text : `a parameter of ${chain.acquire.function}`;
      return {
        hop: i, kind: 'runtime-notifier', lowers: true,
        text: `${op}: the list walked is ${text}, which the code reaches at run time; ${hop.callee} is one of ${hop.candidates ?? '?'} functions stored there`,
      };
    }
    const regs = this.listsOf(spec).on(head.key);
    const reg = regs.find((r) => r.functions.includes(hop.callee));
    if (reg !== undefined) {
      return { hop: i, kind: 'notifier-dispatch', lowers: false, text: `${op}: ${hop.callee} is registered on ${head.key} (${reg.file}:${reg.line})` };
    }
    const registered = [...new Set(regs.flatMap((r) => r.functions))].sort();
    const unknown = regs.filter((r) => r.functions.length === 0).length;
    const listed = registered.length === 0 ? 'none found' : `${registered.slice(0, NAMED_FUNCTIONS).join(', ')}${registered.length > NAMED_FUNCTIONS ? ', …' : ''}`;
    return {
      hop: i, kind: 'foreign-notifier', lowers: true,
      text: `${op}: the list walked is ${head.key}, and ${hop.callee} is not registered on it (registered: ${listed}${unknown > 0 ? `; ${unknown} block(s) not resolved` : ''})`,
    };
  }

  /**
   * The functions that can pass hop `i`, when it walks a list whose blocks are all known: the
   * search tries only these as the hop's other targets.
   */
  registeredAt(chain: FoundChain, i: number): ReadonlySet<string> | undefined {
    const spec = this.specOf(chain, i);
    if (spec === undefined) return undefined;
    const head = this.headOf(chain, i, spec);
    if (head.kind !== 'static') return undefined;
    const regs = this.listsOf(spec).on(head.key);
    return regs.some((r) => r.functions.length === 0) ? undefined : new Set(regs.flatMap((r) => r.functions));
  }

  private specOf(chain: FoundChain, i: number): NotifierKnowledge | undefined {
    const hop = chain.hops[i]!;
    const walked = this.byWalker.get(hop.caller);
    if (walked === undefined) return undefined;
    const field = fieldOfVia(hop.via);
    return field === undefined ? undefined : walked.find((s) => s.field === field && s.block === hop.structType);
  }

  private listsOf(spec: NotifierKnowledge): NotifierLists {
    let lists = this.lists.get(spec);
    if (lists === undefined) {
      lists = this.kept?.of(spec) ?? new NotifierLists(this.graph, this.reader, spec);
      this.lists.set(spec, lists);
    }
    return lists;
  }

  /**
   * The list hop `i` walks: its walker's head parameter, followed back through the hops before it.
   * Read anew for every chain (the reader keeps what it read at each call): a verdict's basis
   * must name the call sites its head was read at, also when another chain read them first.
   */
  private headOf(chain: FoundChain, i: number, spec: NotifierKnowledge): HeadTerm {
    let term = wholeParam(spec.call.head);
    for (let k = i - 1; k >= 0 && term.kind === 'param'; k--) {
      const hop = chain.hops[k]!;
      const argText = this.reader.arguments(hop.file, hop.line, hop.column)?.[term.index];
      if (argText === undefined) return { kind: 'runtime', text: `an argument of ${hop.callee} not read` };
      const arg = this.accessPathOf(argText);
      const path = arg === undefined ? undefined : substitute(term.path, arg);
      if (path === undefined) return { kind: 'runtime', text: argText };
      term = headTerm(path, callerParameters(this.reader, hop.file, hop.line, hop.column));
    }
    return term;
  }

  private accessPathOf(text: string): AccessPath | undefined {
    let path = this.paths.get(text);
    if (path === undefined) this.paths.set(text, path = accessPath(text) ?? null);
    return path ?? undefined;
  }
}
