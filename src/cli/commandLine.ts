// The one option parser of every lockpath command. A command is a table of its options; the
// parser, the option list of its usage text and `--help` all come from that table, so a new
// command (or option) is one entry, and usage and parsing cannot drift apart.

/** A mistake in the command line: said with the usage text, exit 2. */
export class UsageError extends Error {}

export interface OptionSpec<A> {
  /** The option and its aliases, first the one the usage shows: ['--quiet', '-q']. */
  names: readonly string[];
  /** For an option that takes a value: its placeholder in the usage (`DIR`). */
  value?: string;
  /** Usage text; lines after the first are continuation lines. */
  help: string;
  /** Records the option in `args`; `value` is its argument ('' for a flag). May throw UsageError. */
  apply(args: A, value: string): void;
}

export interface CommandSpec<A> {
  /** The usage text, shown for --help and after a usage error. */
  usage: string;
  options: readonly OptionSpec<A>[];
  /** Fresh arguments with every default. */
  defaults(): A;
  /** Takes an argument that is not an option (a tree, a log). */
  operand(args: A, value: string): void;
  /** Checks what only the whole command line shows (a missing operand). */
  check?(args: A): void;
}

export type ParsedCommand<A> = { help: true } | { help: false; args: A };

/**
 * An option whose value is one of `choices` (`--format`, `--confidence`); any other value is a
 * usage error that names them.
 */
export function choiceOption<A, C extends string>(
  name: string, value: string, choices: readonly C[], help: string, set: (args: A, choice: C) => void,
): OptionSpec<A> {
  return {
    names: [name], value, help,
    apply: (args, v) => {
      const choice = choices.find((c) => c === v);
      if (choice === undefined) {
        const listed = choices.length > 1 ? `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}` : choices.join('');
        throw new UsageError(`${name} must be ${listed}, not "${v}"`);
      }
      set(args, choice);
    },
  };
}

/** Answered by every command, before any check of the rest: the usage, exit 0. */
export const HELP_OPTION: OptionSpec<unknown> = { names: ['--help', '-h'], help: 'this text', apply: () => undefined };

/** Reads `argv` left to right with the command's table. Throws UsageError. */
export function parseCommandLine<A>(spec: CommandSpec<A>, argv: readonly string[]): ParsedCommand<A> {
  if (argv.some((a) => HELP_OPTION.names.includes(a))) return { help: true };
  const byName = new Map<string, OptionSpec<A>>();
  for (const o of spec.options) for (const n of o.names) byName.set(n, o);
  const args = spec.defaults();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const option = byName.get(a);
    if (option === undefined) {
      if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
      spec.operand(args, a);
      continue;
    }
    let value = '';
    if (option.value !== undefined) {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      value = v;
    }
    option.apply(args, value);
  }
  spec.check?.(args);
  return { help: false, args };
}

/** Width of the option column in usage texts. */
const OPTION_COLUMN = 25;

/** The usage lines of `options`, in table order. */
export function optionsUsage<A>(options: readonly OptionSpec<A>[]): string {
  return options.map((o) => {
    const head = `  ${o.names[0]!}${o.value === undefined ? '' : ` ${o.value}`}`;
    const [first, ...more] = o.help.split('\n');
    return [`${head.padEnd(OPTION_COLUMN)}${first!}`, ...more.map((l) => `${' '.repeat(OPTION_COLUMN)}${l}`)].join('\n');
  }).join('\n');
}
