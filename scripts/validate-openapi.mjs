// Validates an OpenAPI document (a file, or eposd's own when none is given) against the official
// OpenAPI 3.1 schema. Prints one JSON line {valid, version, errors} and exits 1 when invalid.
import { Validator } from '@seriousme/openapi-schema-validator';
import { readFileSync } from 'node:fs';
import { ownDocument } from './openapi-document.mjs';

const file = process.argv[2];
const spec = file ? JSON.parse(readFileSync(file, 'utf8')) : ownDocument();
const result = await new Validator().validate(spec);
console.log(JSON.stringify({ valid: result.valid, version: result.valid ? spec.openapi : undefined, errors: result.valid ? [] : result.errors }));
process.exit(result.valid ? 0 : 1);
