// How every command runs, the same for each: its command line parsed (a usage error said with
// the usage, --help answered), Ctrl-C turned into a cancel of the work, and each kind of
// failure into its exit code (exitCodes.ts).
import { ResultFileError } from '../core/report/jsonInput';
import { RuleFileError } from '../core/rules/ruleFile';
import { ArchitectureError } from '../core/sources/architectures';
import { WalkError } from '../core/sources/workspaceWalk';
import { parseCommandLine, UsageError, type CommandSpec } from './commandLine';
import { EXIT } from './exitCodes';

/** Input the user gave that cannot be used (a missing log): said in one line, exit 2. */
export class InputError extends Error {}

/** Failures that are the input's fault, not ours: exit 2 with their message. */
function isInputError(e: unknown): e is Error {
  return e instanceof InputError || e instanceof WalkError || e instanceof ArchitectureError || e instanceof RuleFileError || e instanceof ResultFileError;
}

/**
 * Runs command `name` on `argv`. `work` gets the parsed arguments and a signal that Ctrl-C
 * aborts; it returns the exit code of a finished run. Anything else it throws is an internal
 * error for the caller (exit 3).
 */
export async function runCommand<A>(
  name: string, spec: CommandSpec<A>, argv: readonly string[],
  work: (args: A, signal: AbortSignal) => Promise<number>,
): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(spec, argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`lockpath: ${e.message}\n\n${spec.usage}\n`);
    return EXIT.usage;
  }
  if (parsed.help) {
    process.stdout.write(`${spec.usage}\n`);
    return EXIT.ok;
  }
  const abort = new AbortController();
  const onSigint = (): void => abort.abort(new Error('cancelled'));
  process.once('SIGINT', onSigint);
  try {
    return await work(parsed.args, abort.signal);
  } catch (e) {
    if (abort.signal.aborted) {
      process.stderr.write(`\nlockpath: ${name} cancelled; nothing was written\n`);
      return EXIT.cancelled;
    }
    if (isInputError(e)) {
      process.stderr.write(`lockpath: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
