// SARIF 2.1.0 writer: what code-scanning UIs and the SARIF viewer read. One result per chain
// at the acquisition site (where a fix goes), with the whole path as a code flow so viewers
// can step through the hops.
import type {
  Location,
  Log,
  Notification,
  ReportingDescriptor,
  Result,
  Run,
  ThreadFlowLocation,
} from 'sarif';
import type { Chain, ChainHop, ChainLocation, ScanResult } from '../model/chain';
import { describeAcquire, describeCandidates, isPointerHop } from '../chains/renderChain';
import { sortChains, sortNotAnalysed, sortSkipped } from './json';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The base id every artifact URI is relative to, so a log stays valid when the tree moves. */
export const SRCROOT = '%SRCROOT%';
/** Key of the chain id in `partialFingerprints`; bump `/v1` if the id scheme changes. */
export const FINGERPRINT_KEY = 'lockpathChain/v1';

interface RuleText {
  name: string;
  short: string;
  full: string;
  help: string;
}

/** What each rule means, for SARIF viewers that show rule help. One entry per rule id. */
const RULE_TEXTS: Record<string, RuleText> = {
  freeze: {
    name: 'FreezeHeldAcrossPermissionHook',
    short: 'Freeze protection held while reaching a fanotify permission hook',
    full:
      'A function holds freeze protection (sb_writers, taken by sb_start_write, file_start_write, ' +
      'mnt_want_write or a wrapper of them) and then reaches a fanotify permission hook ' +
      '(rw_verify_area -> security_file_permission), directly or through function pointers.',
    help:
      'A fanotify permission event waits for a userspace listener. If that listener writes to the ' +
      'same filesystem while it is being frozen, it blocks on sb_writers held by the caller, and ' +
      'the two deadlock. Do the permission check before taking freeze protection, or drop the ' +
      'protection around the call that reaches the hook.',
  },
};

function ruleText(rule: string): RuleText {
  return (
    RULE_TEXTS[rule] ?? {
      name: rule,
      short: `Lockpath rule ${rule}`,
      full: `A call chain that reaches a sink while the context of rule ${rule} is held.`,
      help: `A call chain that reaches a sink while the context of rule ${rule} is held.`,
    }
  );
}

export function ruleDescriptor(rule: string): ReportingDescriptor {
  const t = ruleText(rule);
  return {
    id: rule,
    name: t.name,
    shortDescription: { text: t.short },
    fullDescription: { text: t.full },
    help: { text: t.help },
    defaultConfiguration: { level: 'warning' },
  };
}

/**
 * Percent-encodes each path segment: file names may hold spaces, `#`, `?` or non-ASCII,
 * which are not valid in a URI reference as they are.
 */
function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** `file:///abs/path` for an absolute POSIX or Windows path. */
export function fileUri(path: string): string {
  let p = path.replace(/\\/g, '/');
  if (!p.startsWith('/')) p = `/${p}`;
  // The drive colon stays literal: `file:///C:/...` is the form every consumer expects.
  return `file://${encodePath(p).replace(/^\/([A-Za-z])%3A(?=\/|$)/, '/$1:')}`;
}

/** `file:///abs/tree/` with a trailing slash, as SARIF requires for a base URI. */
export function rootUri(root: string): string {
  const uri = fileUri(root);
  return uri.endsWith('/') ? uri : `${uri}/`;
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:\//.test(path);
}

function artifactLocation(file: string): { uri: string; uriBaseId?: string } {
  const p = file.replace(/\\/g, '/');
  // Paths outside the tree (headers from elsewhere) cannot be relative to %SRCROOT%.
  if (isAbsolute(p)) return { uri: fileUri(p) };
  return { uri: encodePath(p.replace(/^\.\//, '')), uriBaseId: SRCROOT };
}

function physicalLocation(loc: ChainLocation, text?: string): Location {
  const out: Location = { physicalLocation: { artifactLocation: artifactLocation(loc.file) } };
  // SARIF lines and columns start at 1; 0 means the analysis did not know, so say nothing.
  if (loc.line > 0 && out.physicalLocation) {
    out.physicalLocation.region = loc.column > 0 ? { startLine: loc.line, startColumn: loc.column } : { startLine: loc.line };
  }
  if (text !== undefined) out.message = { text };
  return out;
}

function hopMessage(hop: ChainHop): string {
  if (!isPointerHop(hop)) return `${hop.caller} calls ${hop.callee}`;
  const candidates = describeCandidates(hop);
  return `${hop.caller} calls ${hop.callee} via ${hop.via}${candidates !== undefined ? ` (${candidates})` : ''}`;
}

function hopKinds(hop: ChainHop, isLast: boolean, sink: string): string[] {
  const kinds = ['call'];
  if (isPointerHop(hop)) kinds.push('function-pointer');
  if (isLast && hop.callee === sink) kinds.push('sink');
  return kinds;
}

function threadFlowLocations(chain: Chain): ThreadFlowLocation[] {
  const out: ThreadFlowLocation[] = [
    {
      location: physicalLocation(chain.acquire, describeAcquire(chain.acquire, chain.rule)),
      nestingLevel: 0,
      kinds: ['acquire'],
    },
  ];
  // Hop i is a call made inside the i-th function of the chain, so its depth is i.
  chain.hops.forEach((hop, i) => {
    out.push({
      location: physicalLocation(hop, hopMessage(hop)),
      nestingLevel: i,
      kinds: hopKinds(hop, i === chain.hops.length - 1, chain.sink),
    });
  });
  return out;
}

function resultMessage(chain: Chain): string {
  const calls = chain.hops.length;
  const pointers = chain.hops.filter(isPointerHop).length;
  const how = pointers > 0 ? `, ${pointers} through function pointers` : '';
  return (
    `${chain.acquire.function} holds ${chain.rule} protection (${chain.acquire.call}) ` +
    `and reaches ${chain.sink} in ${calls} call${calls === 1 ? '' : 's'}${how}.`
  );
}

export function toResult(chain: Chain, ruleIndex: number): Result {
  return {
    ruleId: chain.rule,
    ruleIndex,
    // A possible chain rests on a type or an unusual stacking: a note, not a warning.
    level: chain.confidence === 'likely' ? 'warning' : 'note',
    message: { text: resultMessage(chain) },
    locations: [
      {
        ...physicalLocation(chain.acquire),
        logicalLocations: [{ name: chain.acquire.function, kind: 'function' }],
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: chain.id },
    codeFlows: [{ threadFlows: [{ locations: threadFlowLocations(chain) }] }],
    properties: {
      chainId: chain.id, sink: chain.sink, indirect: chain.indirect, confidence: chain.confidence,
      ...(chain.alsoSinks !== undefined ? { alsoSinks: [...chain.alsoSinks] } : {}),
      reasons: chain.reasons.map((r) => ({ hop: r.hop, kind: r.kind, lowers: r.lowers, text: r.text })),
    },
  };
}

function notifications(result: ScanResult): Notification[] {
  const out: Notification[] = [];
  for (const s of sortSkipped(result.skipped)) {
    out.push({
      descriptor: { id: 'skipped-file' },
      level: 'warning',
      message: { text: `Skipped ${s.file}: ${s.reason}` },
      locations: [{ physicalLocation: { artifactLocation: artifactLocation(s.file) } }],
    });
  }
  for (const n of sortNotAnalysed(result.notAnalysed)) {
    out.push({
      descriptor: { id: 'not-analysed' },
      level: 'note',
      message: { text: `Not analysed: ${n.what} (${n.count}): ${n.reason}` },
    });
  }
  return out;
}

export interface SarifOptions {
  /** Shown by viewers as the tool's home page. */
  informationUri?: string;
  /** False when the scan was cancelled or failed part-way; the results are then partial. */
  executionSuccessful?: boolean;
}

/** The SARIF log as a plain object. */
export function toSarif(result: ScanResult, options: SarifOptions = {}): Log {
  const chains = sortChains(result.chains);
  const ruleIds = [...result.rules];
  for (const c of chains) if (!ruleIds.includes(c.rule)) ruleIds.push(c.rule);

  const driver: Run['tool']['driver'] = { name: 'lockpath', version: result.version };
  if (options.informationUri !== undefined) driver.informationUri = options.informationUri;
  driver.rules = ruleIds.map(ruleDescriptor);

  const run: Run = {
    tool: { driver },
    originalUriBaseIds: { [SRCROOT]: { uri: rootUri(result.root) } },
    invocations: [
      {
        executionSuccessful: options.executionSuccessful ?? true,
        toolExecutionNotifications: notifications(result),
      },
    ],
    results: chains.map((c) => toResult(c, ruleIds.indexOf(c.rule))),
    properties: { stats: { ...result.stats } },
  };
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

/** The SARIF document as written to a file: two-space indent, final newline. */
export function renderSarif(result: ScanResult, options: SarifOptions = {}): string {
  return `${JSON.stringify(toSarif(result, options), null, 2)}\n`;
}
