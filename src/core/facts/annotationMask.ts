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
  '__read_mostly', '__ro_after_init', '__nocfi', '__no_kcsan', '__no_sanitize_address',
  '__flatten', '__packed', '__randomize_layout', '__no_randomize_layout', '__nonstring',
  '__user', '__iomem', '__rcu', '__percpu', '__force', '__kernel', '__safe', '__private',
  '__bitwise', '__must_hold_rcu', '__net_init', '__net_exit', '__head', '__lockfunc',
  '__fastcall', '__irq_entry', '__softirq_entry', '__naked', '__always_used',
  'fastcall', '__noclone', '__no_stack_protector', '__nostackprotector', '__nocapture',
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
const IDENT = /[A-Za-z_][A-Za-z0-9_]*/g;

/** Returns `text` with every known annotation replaced by spaces (newlines kept). */
export function maskAnnotations(text: string): string {
  let out: string[] | undefined;
  let last = 0;
  IDENT.lastIndex = 0;
  for (let m = IDENT.exec(text); m !== null; m = IDENT.exec(text)) {
    const word = m[0];
    if (word.charCodeAt(0) !== 95 /* _ */ && !BARE_SET.has(word)) continue;
    let end = -1;
    if (BARE_SET.has(word)) {
      end = m.index + word.length;
    } else if (ARGS_SET.has(word)) {
      end = skipParenthesised(text, m.index + word.length);
    }
    if (end < 0) continue;
    out ??= [];
    out.push(text.slice(last, m.index), blank(text.slice(m.index, end)));
    last = end;
    IDENT.lastIndex = end;
  }
  if (out === undefined) return text;
  out.push(text.slice(last));
  return out.join('');
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
