// Validates a SARIF log against the official 2.1.0 schema (rtm.5, the final 2.1.0 text, JSON
// Schema draft-04) as shipped in Microsoft's @microsoft/jest-sarif package: no network at test time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

const SCHEMA_PATH = join(process.cwd(), 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

let validator: ValidateFunction | undefined;

/** Schema violations, one line each; empty when the log is valid. */
export function validateSarif(doc: unknown): string[] {
  if (validator === undefined) {
    // strict: false because the schema uses draft-04 idioms Ajv's strict mode flags;
    // unicodeRegExp: false because the schema's `language` pattern has a stray `]` that is
    // only legal in non-unicode regular expressions.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    validator = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object);
  }
  if (validator(doc)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
