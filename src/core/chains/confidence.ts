// How far a chain can be trusted, hop by hop. A call through an ops table dispatches on an
// object, and an object belongs to one filesystem: code in fs/X/ works on X's inodes, files and
// dentries, whose ops are the ones X installs. The reverse search cannot see that (it is a
// per-function, context-free search), so a chain is read again here, in order, carrying the
// filesystem whose objects the code at that point works on. Everything is derived from where
// the tree stores each function (its ops tables) and from the rule's dispatch knowledge
// (which struct types are per-object ops, which directories handle other filesystems'
// objects on purpose); nothing names a chain.
import { createHash } from 'node:crypto';
import type { CallGraph } from '../graph/callGraph';
import { fieldOfVia, type ChainReason, type Confidence, type FoundChain } from '../model/chain';
import type { Crosser, RuleSpec } from '../rules/ruleSpec';
import type { NotifierJudge } from './notifierDispatch';

/** What the assessment reads of the tree, computed once per result. */
export interface DispatchFacts {
  /** Files that store `fn` in `field`. */
  storeFiles(field: string, fn: string): readonly string[];
  /**
   * Places (see placeOf) that define a filesystem type: their code works on that filesystem's
   * objects. Library directories (fs/iomap, fs/jbd2, fs/crypto) work on whichever filesystem's
   * objects their caller has, and fs/*.c files without a filesystem type are generic VFS code.
   */
  filesystems: ReadonlySet<string>;
  /** Places whose superblocks can be frozen. */
  freezable: ReadonlySet<string>;
  /** How the tree's files map to places (see placeOf). */
  layout: PlaceLayout;
  /** placeOf(file, layout), read once per file. */
  placeOfFile(file: string): string | undefined;
  /** Files with a direct call of `fn`. */
  callerFiles(fn: string): readonly string[];
  /** Places with export_operations: the filesystems nfsd can serve. */
  exportable: ReadonlySet<string>;
  /** The files that store export_operations: where an exportable filesystem says what it is. */
  exportFiles: readonly string[];
  /** A digest of the tree-wide sets above: a verdict that read them holds while it is the same. */
  key: string;
}

/** Calls that make a filesystem's superblocks live on a block device (freeze_bdev() reaches them). */
const BLOCK_DEVICE_MOUNTS = ['get_tree_bdev', 'get_tree_bdev_flags', 'mount_bdev', 'kill_block_super', 'setup_bdev_super'];
/** Ops fields that make FIFREEZE work on a filesystem's superblocks. */
const FREEZE_FIELDS = ['freeze_fs', 'freeze_super'];
/** export_operations fields: a place storing one of them can be exported over NFS. */
const EXPORT_FIELDS = ['fh_to_dentry', 'encode_fh'];
/** file_system_type fields: a place storing one of them defines a filesystem. */
const FILESYSTEM_TYPE_FIELDS = ['kill_sb', 'init_fs_context'];

export function dispatchFacts(graph: CallGraph): DispatchFacts {
  const typeFiles = FILESYSTEM_TYPE_FIELDS.flatMap((field) => graph.storeFilesOfField(field));
  // Outside fs/X/, a file that defines a filesystem type is a place of its own (ipc/mqueue.c,
  // mm/shmem.c, fs/pipe.c); the rest of its directory is shared code.
  const filesystemFiles = new Set(typeFiles.filter((f) => !f.startsWith('fs/') || f.split('/').length === 2));
  // A filesystem in a subdirectory of another's (fs/ocfs2/dlmfs) is a place of its own.
  const filesystemDirs = new Set(typeFiles.filter((f) => f.startsWith('fs/') && f.split('/').length > 3).map((f) => f.slice(0, f.lastIndexOf('/'))));
  const layout: PlaceLayout = { filesystemFiles, filesystemDirs };
  const placesOf = (files: Iterable<string>): Set<string> => {
    const places = new Set<string>();
    for (const file of files) {
      const place = placeOf(file, layout);
      if (place !== undefined) places.add(place);
    }
    return places;
  };
  const filesystems = placesOf(typeFiles);
  const freezable = placesOf([
    ...FREEZE_FIELDS.flatMap((field) => graph.storeFilesOfField(field)),
    ...BLOCK_DEVICE_MOUNTS.flatMap((name) => [...graph.directCallsTo(name)].map((ref) => graph.callAt(ref).body.file)),
  ]);
  const exportFiles = [...new Set(EXPORT_FIELDS.flatMap((field) => graph.storeFilesOfField(field)))];
  const exportable = placesOf(exportFiles);
  // Asked again for every hop of every chain and of every alternative tried: read each once.
  const memo = <T>(compute: (key: string) => T): ((key: string) => T) => {
    const seen = new Map<string, T>();
    return (key) => {
      let value = seen.get(key);
      if (value === undefined) {
        value = compute(key);
        seen.set(key, value);
      }
      return value;
    };
  };
  const stores = memo((key) => {
    const at = key.indexOf('\0');
    return graph.storeFiles(key.slice(0, at), key.slice(at + 1));
  });
  const callerFiles = memo((fn) => [...new Set([...graph.directCallsTo(fn)].map((ref) => graph.callAt(ref).body.file))]);
  const places = new Map<string, string | undefined>();
  const placeOfFile = (file: string): string | undefined => {
    if (places.has(file)) return places.get(file);
    const place = placeOf(file, layout);
    places.set(file, place);
    return place;
  };
  const key = createHash('sha1')
    .update([filesystemFiles, filesystemDirs, filesystems, freezable, exportable, exportFiles].map((set) => [...set].sort().join(',')).join('\n'))
    .digest('base64');
  return { storeFiles: (field, fn) => stores(`${field}\0${fn}`), callerFiles, filesystems, freezable, layout, placeOfFile, exportable, exportFiles, key };
}

/** What placeOf needs to know of the tree besides a file's path. */
export interface PlaceLayout {
  /** Files outside fs/X/ that define a filesystem type (fs/binfmt_misc.c, ipc/mqueue.c, mm/shmem.c). */
  filesystemFiles: ReadonlySet<string>;
  /** Directories below fs/X that define a filesystem type of their own (fs/ocfs2/dlmfs). */
  filesystemDirs: ReadonlySet<string>;
}

/**
 * Where a file's code belongs: `fs/X` for anything under a filesystem's directory (or the
 * subdirectory that defines a filesystem of its own), the file itself for a top-level fs/*.c
 * that defines a filesystem, undefined for the rest of fs/*.c (generic VFS code and the libfs
 * helpers filesystems share), and the directory elsewhere (`block`, `mm`, `kernel/bpf`).
 */
export function placeOf(file: string, layout: PlaceLayout): string | undefined {
  const parts = file.split('/');
  if (layout.filesystemFiles.has(file)) return file;
  if (parts[0] === 'fs') {
    if (parts.length === 2) return undefined;
    for (let n = parts.length - 1; n > 2; n--) {
      const dir = parts.slice(0, n).join('/');
      if (layout.filesystemDirs.has(dir)) return dir;
    }
    // fs/smb/server and fs/smb/client are two filesystems' worth of code.
    if (parts[1] === 'smb' && parts.length >= 4) return `fs/smb/${parts[2]}`;
    return `fs/${parts[1]}`;
  }
  return parts.length > 1 ? parts.slice(0, -1).join('/') : undefined;
}

export interface Assessment {
  confidence: Confidence;
  reasons: ChainReason[];
}

/**
 * Reads the chain in order, carrying `owner`: the filesystems whose object the code at this
 * point can be working on (undefined: any). Code in a filesystem's directory makes it that one;
 * generic code (VFS, mm, libraries) keeps it; code that handles other filesystems' objects on
 * purpose (a rule's crossers) makes it any again. A call through an ops table keeps only the
 * owners that install its callee there: a file whose ->write_iter is generic_file_write_iter
 * is one of the filesystems that install it, and its ->fsync must be one of theirs too. The
 * hop is likely while some owner is left; helpers installed only through libfs's shared tables
 * say nothing of the owner.
 *
 * Where the hold was not taken in a filesystem's own code (VFS, a crosser), it is taken, as a
 * rule, on the superblock of the object the code then dispatches on (mnt_want_write(path->mnt),
 * then notify_change(path->dentry)): while the dispatches narrow that object's filesystem, at
 * least one of them must be freezable.
 */
export function assessChain(chain: FoundChain, dispatch: DispatchReader): Assessment {
  const reading = new ChainReading(chain, dispatch);
  chain.hops.forEach((_, i) => reading.hop(chain, i));
  return { confidence: reading.lowered() ? 'possible' : 'likely', reasons: reading.reasons };
}

/**
 * What reading any chain of one rule needs, made once per result: the rule's dispatch knowledge
 * as sets, and where each file's code belongs, asked for every hop of every chain and of every
 * variant a search tries.
 */
export class DispatchReader {
  readonly objectOps: ReadonlySet<string>;
  readonly hooks: ReadonlySet<string>;
  readonly perSuperblock: boolean;
  private readonly crossers = new Map<string, Crosser | null>();
  private readonly fsCodes = new Map<string, string | null>();

  constructor(readonly rule: RuleSpec, readonly facts: DispatchFacts, readonly notifiers?: NotifierJudge) {
    this.objectOps = new Set(rule.dispatch?.objectOps);
    this.hooks = new Set(rule.dispatch?.hooks);
    this.perSuperblock = rule.perSuperblock === true;
  }

  /** The crosser (code that handles other filesystems' objects on purpose) `file` is part of. */
  crosserOf(file: string): Crosser | undefined {
    let crosser = this.crossers.get(file);
    if (crosser === undefined) {
      crosser = this.rule.dispatch?.crossers.find((c) => file === c.dir || (file.startsWith(c.dir) && file[c.dir.length] === '/')) ?? null;
      this.crossers.set(file, crosser);
    }
    return crosser ?? undefined;
  }

  /** Code in a place that defines a filesystem works on that filesystem's objects. */
  fsCode(file: string): string | undefined {
    let fs = this.fsCodes.get(file);
    if (fs === undefined) {
      const p = this.facts.placeOfFile(file);
      fs = p !== undefined && this.facts.filesystems.has(p) ? p : null;
      this.fsCodes.set(file, fs);
    }
    return fs ?? undefined;
  }
}

/** What the reading of a chain carries from one hop to the next (see assessChain). */
interface ReadingState {
  owner: ReadonlySet<string> | undefined;
  crossing: Crosser | undefined;
  /** Where the held superblock can be, while the dispatches still speak of the held object. */
  heldOn: ReadonlySet<string> | undefined;
  tracingHold: boolean;
}

/** A place in the reading of a chain (ChainReading.save). */
export interface ReadingPoint {
  readonly state: Readonly<ReadingState>;
  readonly reasons: number;
}

/**
 * assessChain hop by hop: a search that tries other callees for one hop reads the hops before
 * it once (save), then each callee's hop from there (restore, hop), and builds and judges in
 * full only the variants not already rejected at that hop.
 */
export class ChainReading {
  readonly reasons: ChainReason[] = [];
  private state: ReadingState;

  constructor(chain: FoundChain, private readonly dispatch: DispatchReader) {
    const { facts } = dispatch;
    this.state = { owner: undefined, crossing: undefined, heldOn: undefined, tracingHold: false };
    if (dispatch.rule.dispatch === undefined) return;
    const heldCrosser = dispatch.crosserOf(chain.acquire.file);
    // A crosser's hold is on the filesystem whose objects it works on, not on its own.
    const heldBy = heldCrosser === undefined ? dispatch.fsCode(chain.acquire.file) : undefined;
    const perSuperblock = dispatch.perSuperblock;
    if (perSuperblock && heldBy !== undefined && !facts.freezable.has(heldBy)) {
      this.reasons.push({
        hop: -1, kind: 'not-freezable', lowers: true,
        text: `${heldBy} has no freeze_fs/freeze_super and no block device: its superblocks cannot be frozen, so this hold cannot meet a freeze`,
      });
    }
    let owner: ReadonlySet<string> | undefined = heldBy === undefined ? undefined : new Set([heldBy]);
    if (owner === undefined && heldCrosser === undefined) {
      // Library code called only from filesystems' own code (fsverity_ioctl_enable from ext4,
      // f2fs and btrfs) works on one of their objects.
      const callers = facts.callerFiles(chain.acquire.function).map((f) => (dispatch.crosserOf(f) === undefined ? dispatch.fsCode(f) : undefined));
      if (callers.length > 0 && callers.every((p) => p !== undefined)) owner = new Set(callers as string[]);
    }
    this.state = { owner, crossing: heldCrosser, heldOn: undefined, tracingHold: perSuperblock && heldBy === undefined };
  }

  /** Does a reason given so far lower the chain? */
  lowered(): boolean {
    return this.reasons.some((r) => r.lowers);
  }

  /** Where the reading is: restore() comes back to it. */
  save(): ReadingPoint {
    return { state: { ...this.state }, reasons: this.reasons.length };
  }

  restore(point: ReadingPoint): void {
    this.state = { ...point.state };
    this.reasons.length = point.reasons;
  }

  /** Reads hop `i` of `chain` (the hops before it read already). */
  hop(chain: FoundChain, i: number): void {
    const { dispatch, reasons, state } = this;
    if (dispatch.rule.dispatch === undefined) return;
    const { facts } = dispatch;
    const hop = chain.hops[i]!;
    const place = facts.placeOfFile;
    const names = (set: ReadonlySet<string>): string => [...set].sort().join(', ');
    const crosser = dispatch.crosserOf(hop.file);
    const fs = dispatch.fsCode(hop.file);
    if (crosser !== undefined) {
      if (state.crossing === undefined && state.heldOn !== undefined) state.tracingHold = false;
      state.crossing = crosser;
      state.owner = undefined;
    } else if (fs !== undefined) {
      state.owner = new Set([fs]);
      state.crossing = undefined;
    }
    const field = fieldOfVia(hop.via);
    if (field === undefined) return;
    const op = `${hop.structType ?? '?'}.${field}`;
    if (hop.structType === undefined) {
      reasons.push({ hop: i, kind: 'untyped-dispatch', lowers: true, text: `->${field}: the struct type at the call is not known; every function stored in a field of that name is a candidate` });
      return;
    }
    const notified = dispatch.notifiers?.reason(chain, i);
    if (notified !== undefined) {
      // The block's function runs on what the list's caller passed: the owner stays.
      reasons.push(notified);
      return;
    }
    if (dispatch.hooks.has(hop.structType)) {
      // Every enabled module's function runs, on the object the caller passed: the owner stays.
      reasons.push({ hop: i, kind: 'hook-dispatch', lowers: false, text: `${op} is a hook that calls every function registered for it: ${hop.callee} is one of ${hop.candidates ?? '?'}` });
      return;
    }
    if (!dispatch.objectOps.has(hop.structType)) {
      reasons.push({
        hop: i, kind: 'type-only-dispatch', lowers: true,
        text: `${op} is not a filesystem object's op: ${hop.callee} is one of ${hop.candidates ?? '?'} functions stored there, and which one this object holds is not known`,
      });
      return;
    }
    const places = facts.storeFiles(field, hop.callee).map(place);
    const shared = places.includes(undefined);
    const storedBy = new Set(places.filter((p): p is string => p !== undefined));
    if (storedBy.size === 0) {
      reasons.push({ hop: i, kind: 'generic-dispatch', lowers: false, text: `${hop.callee} is a generic helper that filesystems install as ${op} through libfs's shared tables` });
      return;
    }
    let next: Set<string>;
    if (state.owner !== undefined) {
      const from = state.owner;
      next = new Set([...from].filter((p) => storedBy.has(p)));
      if (next.size === 0) {
        if (shared) {
          reasons.push({ hop: i, kind: 'generic-dispatch', lowers: false, text: `${hop.callee} is a generic helper that filesystems install as ${op} through libfs's shared tables` });
          return;
        }
        reasons.push({ hop: i, kind: 'foreign-dispatch', lowers: true, text: `the object belongs to ${names(from)}, but ${hop.callee} is installed as ${op} only by ${names(storedBy)}` });
        return;
      }
      reasons.push({ hop: i, kind: 'owner-dispatch', lowers: false, text: `the object belongs to ${names(next)}, which install${next.size === 1 ? 's' : ''} ${hop.callee} as ${op}` });
    } else {
      const via = state.crossing;
      if (via !== undefined && [...storedBy].every((p) => p === via.dir || via.dir.startsWith(`${p}/`))) {
        reasons.push({ hop: i, kind: 'self-stacking', lowers: true, text: `${via.dir} works on another filesystem's object here, never on its own; ${hop.callee} is its own ${op}` });
        return;
      }
      next = via?.reaches === 'exportable' ? new Set([...storedBy].filter((p) => facts.exportable.has(p))) : storedBy;
      if (next.size === 0) {
        reasons.push({ hop: i, kind: 'not-exportable', lowers: true, text: `${via?.dir ?? '?'} only reaches filesystems that can be exported, and ${names(storedBy)} ${storedBy.size === 1 ? 'has' : 'have'} no export_operations` });
        return;
      }
      reasons.push(via !== undefined
        ? { hop: i, kind: 'crossing-dispatch', lowers: false, text: `${via.dir} dispatches on another filesystem's object: ${hop.callee} is one of ${hop.candidates ?? '?'} ${op}` }
        : { hop: i, kind: 'entry-dispatch', lowers: false, text: `VFS code dispatches on an object of any filesystem: ${hop.callee} is one of ${hop.candidates ?? '?'} ${op}` });
      state.crossing = undefined;
    }
    state.owner = next;
    if (!state.tracingHold) return;
    state.heldOn = next;
    if ([...state.heldOn].every((p) => !facts.freezable.has(p))) {
      reasons.push({
        hop: i, kind: 'not-freezable', lowers: true,
        text: `the hold is on the superblock of the object dispatched on here, which belongs to ${names(state.heldOn)}; that cannot be frozen`,
      });
      state.tracingHold = false;
    }
  }
}
