/**
 * The domain core is pure (STYLE: "a test can prove that"): no AWS SDK, no Lambda types, no
 * Powertools, and no file system or clock access in lambdas/domain, so it runs the same in a
 * Lambda, the local stack, the CLI and these tests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../../../lambdas/domain');
const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => /\.[cm]?[jt]s$/.test(f));
const imports = (source: string) =>
  [...source.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);

describe('lambdas/domain is pure', () => {
  it('has source files to check', () => expect(files.length).toBeGreaterThan(5));
  it.each(files)('%s imports no @aws-sdk, aws-lambda, @aws-lambda-powertools or node:fs', (file) => {
    const source = readFileSync(join(root, file), 'utf8');
    for (const spec of imports(source)) {
      expect(spec).not.toMatch(/^@aws-sdk\//);
      expect(spec).not.toMatch(/^aws-lambda$|^@types\/aws-lambda/);
      expect(spec).not.toMatch(/^@aws-lambda-powertools\//);
      expect(spec).not.toMatch(/^(node:)?fs(\/|$)/);
    }
  });
  it.each(files)('%s never reads the clock (the routing instant is passed in)', (file) => {
    const source = readFileSync(join(root, file), 'utf8');
    expect(source).not.toMatch(/Date\.now\(|new Date\(\)|Math\.random\(/);
  });
  it('the import scanner itself catches an SDK import', () => {
    expect(imports("import { DynamoDBClient } from '@aws-sdk/client-dynamodb';")).toEqual(['@aws-sdk/client-dynamodb']);
    expect(imports("const x = require('aws-lambda');")).toEqual(['aws-lambda']);
  });
});
