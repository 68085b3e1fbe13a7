// A git repository built from the kernel-like fixture tree, in three commits that replay the
// v6.8 start-write-safe fix on our own C:
//   1. the fixture as it is: do_sendfile() holds file_start_write() across do_splice_direct();
//   2. the fix: file_start_write() moves into direct_splice_actor(), around the write only;
//   3. nothing that matters: comment lines shift every function, a local is renamed.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from './analyzeFixture';

export interface FixtureRepo {
  dir: string;
  /** Commit hashes, in order. */
  commits: [string, string, string];
}

function edit(dir: string, file: string, from: string, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`fixture ${file} changed: cannot find ${JSON.stringify(from)}`);
  writeFileSync(path, text.replace(from, to));
}

function commit(dir: string, message: string): string {
  const git = (...args: string[]): string => execFileSync('git', ['-C', dir, '-c', 'user.name=lockpath', '-c', 'user.email=dev@lockpath', ...args], { encoding: 'utf8' });
  git('add', '-A');
  git('commit', '-q', '-m', message);
  return git('rev-parse', 'HEAD').trim();
}

export function buildFixtureRepo(): FixtureRepo {
  const dir = mkdtempSync(join(tmpdir(), 'lockpath-repo-'));
  cpSync(join(FIXTURES, 'kernel-like'), dir, { recursive: true });
  execFileSync('git', ['-C', dir, 'init', '-q']);
  const first = commit(dir, 'sendfile holds freeze protection across the splice');

  edit(dir, 'fs/read_write.c', '\tfile_start_write(out);\n\tretval = do_splice_direct(in, out, count);\n\tfile_end_write(out);\n',
    '\tretval = do_splice_direct(in, out, count);\n');
  edit(dir, 'fs/splice.c', 'long do_splice_direct(', [
    '/* The actor takes freeze protection itself, around the write only. */',
    'static long direct_splice_actor(struct file *out, long len)',
    '{',
    '\tlong ret;',
    '',
    '\tfile_start_write(out);',
    '\tret = do_splice_from(out, len);',
    '\tfile_end_write(out);',
    '\treturn ret;',
    '}',
    '',
    'long do_splice_direct(',
  ].join('\n'));
  const second = commit(dir, 'move file_start_write() into direct_splice_actor()');

  for (const file of ['fs/read_write.c', 'fs/splice.c', 'fs/overlay/copy_up.c']) {
    edit(dir, file, '#include <linux/fs.h>\n', '#include <linux/fs.h>\n\n/*\n * Moved down by a comment.\n */\n');
  }
  edit(dir, 'fs/read_write.c', '\tint err;\n\n\tfile_start_write(out);\n\terr = prepare_copy(out);\n\tif (err) {\n\t\tfile_end_write(out);\n\t\treturn err;\n\t}\n\terr = rw_verify_area(READ, in, len);\n\tfile_end_write(out);\n\treturn err;',
    '\tint error;\n\n\tfile_start_write(out);\n\terror = prepare_copy(out);\n\tif (error) {\n\t\tfile_end_write(out);\n\t\treturn error;\n\t}\n\terror = rw_verify_area(READ, in, len);\n\tfile_end_write(out);\n\treturn error;');
  const third = commit(dir, 'comments and a renamed local');
  return { dir, commits: [first, second, third] };
}
