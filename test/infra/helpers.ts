/**
 * Synthesizes the real app (the same `buildApp` the CLI runs) without bundling, for template
 * assertions. Bundling is skipped with `aws:cdk:bundling-stacks: []`: these tests check wiring,
 * not bundles, and esbuild would double their time.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, type BuiltApp } from '../../infra/build';
import { type ContextKey, loadConfig, type StageConfig } from '../../infra/config';

export interface Synthesized extends BuiltApp {
  app: App;
  config: StageConfig;
  outdir: string;
  data: Template;
  stack: Template;
}

export const PROD_CONTEXT: Partial<Record<ContextKey, string>> = {
  stage: 'prod',
  mailFrom: 'purchasing@city.gov',
  region: 'us-east-1',
  account: '123456789012',
};

export function synth(context: Partial<Record<ContextKey, string>> = PROD_CONTEXT): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'infra-test-'));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const config = loadConfig((key) => context[key], {});
  const built = buildApp(app, config);
  app.synth();
  return {
    ...built,
    app,
    config,
    outdir,
    data: Template.fromStack(built.stateful),
    stack: Template.fromStack(built.stateless),
  };
}

type Resources = Record<string, { Type: string; Properties?: any; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;

export const resourcesOf = (t: Template, type: string): Resources => t.findResources(type) as Resources;

/** Logical id of the catalog function `id` in the stateless template. */
export function functionLogicalId(s: Synthesized, id: string): string {
  const fn = s.stateless.functions.get(id);
  if (!fn) throw new Error(`no function ${id}`);
  return s.stateless.getLogicalId(fn.node.defaultChild as any);
}

/** IAM statements attached to the role of the catalog function `id` (all its policies). */
export function statementsOf(s: Synthesized, id: string): any[] {
  const fn = s.stateless.functions.get(id)!;
  const roleId = s.stateless.getLogicalId(fn.role!.node.defaultChild as any);
  return policyStatementsForRole(s.stack, roleId);
}

export function policyStatementsForRole(t: Template, roleLogicalId: string): any[] {
  return Object.values(resourcesOf(t, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as any[]).some((r) => r.Ref === roleLogicalId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as any[]);
}

export const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** Full path of every API Gateway resource, by logical id. */
export function apiPaths(t: Template): Map<string, string> {
  const resources = resourcesOf(t, 'AWS::ApiGateway::Resource');
  const paths = new Map<string, string>();
  const pathOf = (id: string): string => {
    const known = paths.get(id);
    if (known) return known;
    const r = resources[id]!;
    const parent = r.Properties.ParentId;
    const prefix = parent['Fn::GetAtt'] ? '' : pathOf(parent.Ref);
    const full = `${prefix}/${r.Properties.PathPart}`;
    paths.set(id, full);
    return full;
  };
  for (const id of Object.keys(resources)) pathOf(id);
  return paths;
}

/** `METHOD /path` → the method's properties. */
export function apiMethods(t: Template): Map<string, any> {
  const paths = apiPaths(t);
  const out = new Map<string, any>();
  for (const m of Object.values(resourcesOf(t, 'AWS::ApiGateway::Method'))) {
    const r = m.Properties.ResourceId;
    const p = r['Fn::GetAtt'] ? '/' : paths.get(r.Ref)!;
    out.set(`${m.Properties.HttpMethod} ${p}`, m.Properties);
  }
  return out;
}
