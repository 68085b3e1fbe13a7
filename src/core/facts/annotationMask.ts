// Kernel annotation macros (`__init`, `__must_check`, `__releases(x)`, ...) sit between a
// function's type and its name and make tree-sitter give up on the definition. Like the
// kernel's own scripts/tags.sh (ctags -I), we blank them out before parsing. Blanking keeps
// every byte offset, line and column, so positions in facts are still exact.

/** Annotations that stand alone. */
const BARE = [
  '__init', '__exit', '__initdata', '__exitdata', '__initconst', '__cold', '__hot',
  '__always_inline', '__noinline', 'noinline', 'notrace', 'noinstr', '__must_check',
  '__maybe_unused', '__always_unused', '__used', '__weak', '__sched', '__kprobes',
  '__cpuidle', 'asmlinkage', '__visible', '__latent_entropy', '__noreturn', '__pure',
  '__attribute_const__', '__init_or_module', '__ref', '__meminit', '__meminitdata',
  '__read_mostly', '__ro_after_init', '__lsm_ro_after_init', '__nocfi', '__no_kcsan', '__no_sanitize_address',
  '__flatten', '__packed', '__randomize_layout', '__no_randomize_layout', '__nonstring',
  '__user', '__iomem', '__rcu', '__percpu', '__force', '__kernel', '__safe', '__private',
  '__bitwise', '__must_hold_rcu', '__net_init', '__net_exit', '__head', '__lockfunc',
  '__fastcall', '__irq_entry', '__softirq_entry', '__naked', '__always_used',
  'fastcall', 'noinline_for_stack', '__noclone', '__no_stack_protector', '__nostackprotector', '__nocapture',
  '__ksym', '__weak_alias', 'inline_for_performance',
] as const;

/** Annotations followed by a parenthesised argument list. */
const WITH_ARGS = [
  '__releases', '__acquires', '__must_hold', '__cond_acquires', '__cond_releases',
  '__printf', '__scanf', '__aligned', '__section', '__attribute__', '__attribute',
  '__counted_by', '__alloc_size', '__malloc', '__diagnose_as', '__assume_aligned',
  '__cacheline_aligned_in_smp', '__guarded_by', '__pt_guarded_by', '__no_sanitize_or_inline',
  '__deprecated', '__nonnull', '__returns_nonnull', '__ADDRESSABLE', '__alias',
] as const;

const BARE_SET: ReadonlySet<string> = new Set(BARE);
const ARGS_SET: ReadonlySet<string> = new Set(WITH_ARGS);

/**
 * Where an annotation may start: `__`, or a whole word for the few without underscores. Looking
 * only at these is several times faster than reading every identifier of the file.
 */
const CANDIDATE = new RegExp([...new Set([...BARE, ...WITH_ARGS].map((w) => (w.startsWith('__') ? '__' : w)))].join('|'), 'g');

/** Returns `text` with every known annotation replaced by spaces (newlines kept). */
export function maskAnnotations(text: string): string {
  let out: string[] | undefined;
  let last = 0;
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
    // Identifiers are the maximal runs of [A-Za-z0-9_] from their first non-digit: `x__init`
    // is one word, and so is `__init` in `9__init`.
    const start = m.index;
    const end = identifierEnd(text, start);
    CANDIDATE.lastIndex = end;
    if (!identifierStart(text, start)) continue;
    const word = text.slice(start, end);
    let annotationEnd = -1;
    if (BARE_SET.has(word)) {
      annotationEnd = end;
    } else if (ARGS_SET.has(word)) {
      annotationEnd = skipParenthesised(text, end);
    }
    if (annotationEnd < 0) continue;
    out ??= [];
    out.push(text.slice(last, start), blank(text.slice(start, annotationEnd)));
    last = annotationEnd;
    CANDIDATE.lastIndex = annotationEnd;
  }
  if (out === undefined) return text;
  out.push(text.slice(last));
  return out.join('');
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function identifierEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && isWordChar(text.charCodeAt(i))) i++;
  return i;
}

/** Whether an identifier starts at `at` (which holds a letter or `_`): only digits may precede it in its run. */
function identifierStart(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && isDigit(text.charCodeAt(i))) i--;
  return i < 0 || !isWordChar(text.charCodeAt(i));
}

/** End offset of `( ... )` starting at or after `from` (whitespace allowed), or `from` if none. */
function skipParenthesised(text: string, from: number): number {
  let i = from;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  if (text[i] !== '(') return from;
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
    else if (c === ';' || c === '{') return from; // not an annotation after all
  }
  return from;
}

function blank(s: string): string {
  return s.replace(/[^\n]/g, ' ');
}
