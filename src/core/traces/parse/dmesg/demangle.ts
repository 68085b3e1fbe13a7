// C++ names in kernel stacks (out-of-tree modules, test kernels): syzbot titles them by their
// demangled name without parameters (`_Z8fakeNameiii` -> `fakeName`). Only the Itanium ABI
// forms a function name takes are read: `_Z<len><id>`, internal linkage `_ZL<len><id>` and
// nested `_ZN<len><id>...E` (`ns::Class::method`). Anything else is returned as printed.

export function demangle(name: string): string {
  if (!name.startsWith('_Z')) return name;
  let at = 2;
  if (name[at] === 'L') at++;
  if (name[at] !== 'N') {
    const id = readSourceName(name, at);
    return id === null ? name : id.text;
  }
  at++;
  // CV and ref qualifiers of a member function come before the first name.
  while (name[at] === 'K' || name[at] === 'V' || name[at] === 'r' || name[at] === 'R' || name[at] === 'O') at++;
  const parts: string[] = [];
  while (at < name.length && name[at] !== 'E') {
    const id = readSourceName(name, at);
    if (id === null) return name;
    parts.push(id.text);
    at = id.end;
  }
  return name[at] === 'E' && parts.length > 0 ? parts.join('::') : name;
}

/** `<len><identifier>` at `at`, or null. */
function readSourceName(s: string, at: number): { text: string; end: number } | null {
  const m = /^[1-9]\d*/.exec(s.slice(at, at + 5));
  if (!m) return null;
  const start = at + m[0].length;
  const end = start + Number(m[0]);
  if (end > s.length) return null;
  const text = s.slice(start, end);
  return /^[A-Za-z_]\w*$/.test(text) ? { text, end } : null;
}
