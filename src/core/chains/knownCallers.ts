// Who calls a function, when all of them are known: what they pass then says what its
// parameter holds. A static function of a .c file is called only from that file, where its
// calls can be read; one stored in a struct field, or whose name is used other than to call it
// (a callback passed on, a pointer assigned), may be called from anywhere, and a global one
// from code that was not scanned.
import type { CallGraph } from '../graph/callGraph';
import type { CallerLookup, CallSiteReader } from '../model/callSites';

export function knownCallers(graph: CallGraph, reader: CallSiteReader): CallerLookup {
  return (file, name) => {
    if (!file.endsWith('.c') || reader.nameUses === undefined) return undefined;
    const node = graph.resolveName(file, name).find((n) => n.bodies.every((b) => b.file === file && b.fn.isStatic));
    if (node === undefined || graph.fieldsStoring(node).size > 0) return undefined;
    if (reader.nameUses(file, name).some((use) => !use.called)) return undefined;
    return [...graph.directCallersOf(node)].map((ref) => {
      const { node: caller, body, call } = graph.callAt(ref);
      return { caller: caller.name, file: body.file, line: call.line, column: call.column };
    });
  };
}
