// `lockpath trace`: wired once the trace parsers land (issue: trace and log overlay).
export async function runTrace(_argv: readonly string[]): Promise<number> {
  process.stderr.write('lockpath: trace is not available in this build yet\n');
  return 2;
}
